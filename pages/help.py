"""The help menu: the French user guide of docs/guide/, rendered in the portal.

The guide is plain Markdown kept beside the code (it reads on GitHub too); its screenshots are taken by
the browser journeys in real Chromium (tests/browser/guide.py, `make guide`). Every guide is
public: a community organisation reads the partners' guide before it signs up, and nothing in them is
confidential (the pictures show the demo data).

Raw HTML in the Markdown is escaped, never passed through, and links keep to http(s), mail and the
guide itself: the pages stay safe even if someone edits a guide carelessly.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import markdown
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
IMAGES_DIR = GUIDE_DIR / "images"
SAFE_SCHEMES = {"", "http", "https", "mailto"}


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    audience: str

    @property
    def path(self) -> Path:
        return GUIDE_DIR / f"{self.slug}.md"

    def get_absolute_url(self) -> str:
        return reverse("help-guide", kwargs={"slug": self.slug})


GUIDES = {
    guide.slug: guide
    for guide in (
        Guide("coordination", _("Guide de la coordination"), _("Pour l'équipe de coordination de l'Alliance (RNVVS).")),
        Guide(
            "partenaires",
            _("Guide des organisations partenaires"),
            _("Pour les organismes qui déposent et suivent des projets."),
        ),
        Guide("personnel", _("Guide du personnel"), _("Pour le personnel qui consulte, exporte et rend des comptes.")),
        Guide(
            "region",
            _("Guide du bailleur de fonds régional"),
            _("Pour le bailleur de fonds régional, qui compare et lit les alliances qu'il finance."),
        ),
        Guide(
            "citoyens",
            _("Guide des citoyens et citoyennes"),
            _("Pour les citoyennes et citoyens qui siègent à un lieu de concertation, avec leur propre compte."),
        ),
        # The glossary of budget.terms: each money label on a page links to its heading here
        Guide(
            "argent",
            _("Définitions de l'argent"),
            _("Ce que veut dire chaque montant : engagé, versé, reste à engager…"),
        ),
    )
}


class _GuideLinks(Treeprocessor):
    """Points the guide's relative links at the portal: images/x.png → /aide/images/x.png, partenaires.md →
    /aide/partenaires/; drops links of any other scheme (javascript:…); styles images and tables."""

    def run(self, root):
        for element in root.iter():
            if element.tag == "img":
                element.set("src", _portal_url(element.get("src", "")))
                element.set("class", "img-fluid border rounded shadow-sm my-2")
                element.set("loading", "lazy")
                element.set("width", "1280")
                element.set("height", "800")
            elif element.tag == "a":
                element.set("href", _portal_url(element.get("href", "")))
            elif element.tag == "table":
                element.set("class", "table table-sm")


def _portal_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return "#"
    if parts.scheme or parts.netloc or url.startswith(("/", "#")):
        return url
    name = parts.path
    anchor = f"#{parts.fragment}" if parts.fragment else ""
    if name.startswith("images/") and name.endswith(".png"):
        return reverse("help-image", kwargs={"name": name.removeprefix("images/").removesuffix(".png")})
    if name == "README.md":
        return reverse("help") + anchor
    if name.endswith(".md") and name.removesuffix(".md") in GUIDES:
        return GUIDES[name.removesuffix(".md")].get_absolute_url() + anchor
    return "#"


class _GuideExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_GuideLinks(md), "guide_links", 0)
        # No raw HTML: blocks and inline tags come out as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(text: str) -> tuple[str, str]:
    """The guide's HTML and its table of contents (the h2 headings), both with raw HTML escaped."""
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "toc", _GuideExtension()],
        extension_configs={"toc": {"toc_depth": "2-2"}},
        output_format="html",
    )
    html = md.convert(text)
    return html, md.toc


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Http404 from None


@require_GET
def help_index(request):
    """/aide/: the guide's index page (docs/guide/README.md) and the guides."""
    html, _toc = render_markdown(_read(GUIDE_DIR / "README.md"))
    return render(request, "pages/help.html", {"guides": GUIDES.values(), "guide": None, "html": mark_safe(html)})  # noqa: S308 — raw HTML escaped above


@require_GET
def help_guide(request, slug):
    """/aide/<guide>/: one guide, task by task, with its screenshots."""
    guide = GUIDES.get(slug)
    if guide is None:
        raise Http404
    html, toc = render_markdown(_read(guide.path))
    return render(
        request,
        "pages/help.html",
        {"guides": GUIDES.values(), "guide": guide, "html": mark_safe(html), "toc": mark_safe(toc)},  # noqa: S308
    )


@require_GET
def help_image(request, name):
    """A screenshot of the guide, from docs/guide/images/ (the slug converter keeps the name in the folder)."""
    path = IMAGES_DIR / f"{name}.png"
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
