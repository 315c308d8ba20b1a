"""The help menu: the French user guide of docs/guide/ rendered in the portal (/aide/)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from pages.help import GUIDE_DIR, GUIDES, IMAGES_DIR, render_markdown
from tests.browser.guide import JOURNEY_PICTURES

pytestmark = pytest.mark.django_db
GUIDE_FILES = ["README.md", *(f"{slug}.md" for slug in GUIDES)]
GLOSSARIES = {"argent.md"}  # words, not tasks: no screen to show (budget.terms, tests/budget/test_terms.py)


def images_shown(filename: str) -> list[str]:
    return re.findall(r"!\[[^\]]+\]\(images/([\w-]+)\.png\)", (GUIDE_DIR / filename).read_text(encoding="utf-8"))


@pytest.mark.parametrize("filename", GUIDE_FILES)
def test_every_image_the_guides_show_exists(filename):
    shown = images_shown(filename)
    assert shown or filename in GLOSSARIES, f"{filename} shows no screenshot"
    missing = [name for name in shown if not (IMAGES_DIR / f"{name}.png").is_file()]
    assert not missing, f"{filename} shows missing images: {missing}"


def test_no_image_is_left_over_and_each_is_small():
    shown = {name for filename in GUIDE_FILES for name in images_shown(filename)}
    on_disk = {path.stem: path.stat().st_size for path in IMAGES_DIR.glob("*.png")}
    assert set(on_disk) == shown
    assert all(size < 80_000 for size in on_disk.values()), on_disk
    for name in on_disk:
        with (IMAGES_DIR / f"{name}.png").open("rb") as image:
            header = image.read(24)
        assert header.startswith(b"\x89PNG\r\n\x1a\n")
        assert (int.from_bytes(header[16:20]), int.from_bytes(header[20:24])) == (1280, 800), name


def test_the_guides_show_exactly_the_pictures_the_journeys_take():
    """Each browser journey declares the pictures it takes and checks it took exactly those (tests/browser/guide.py):
    the guides show their union, none missing, none left over, and no picture is declared by two journeys."""
    declared = [name for pictures in JOURNEY_PICTURES.values() for name in pictures]
    assert len(declared) == len(set(declared)), "a picture is declared by two journeys"
    shown = {name for path in GUIDE_DIR.glob("*.md") for name in images_shown(path.name)}
    assert shown == set(declared), (
        f"shown but taken by no journey: {shown - set(declared)}; taken but not shown: {set(declared) - shown}"
    )


@pytest.mark.parametrize("slug", list(GUIDES))
def test_a_guide_renders_with_its_screenshots_for_anonymous_visitors(client, slug, django_assert_num_queries):
    with django_assert_num_queries(0):  # Markdown files and images, no database
        response = client.get(reverse("help-guide", kwargs={"slug": slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<article class="col-lg-9 guide" lang="fr-CA"' in html
    assert "<h1 id=" in html and str(GUIDES[slug].title) in html
    sources = re.findall(r'<img alt="[^"]+" class="[^"]*" height="800" loading="lazy" src="([^"]+)" width="1280"', html)
    assert len(sources) == len(images_shown(f"{slug}.md"))
    for source in sources:
        assert source.startswith("/aide/images/")
        image = client.get(source)
        assert image.status_code == 200
        assert image["Content-Type"] == "image/png"
        assert image["X-Content-Type-Options"] == "nosniff"
        assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    # the table of contents lists the guide's tasks, linked to their headings
    for anchor in re.findall(r'<div class="toc">.*?</div>', html, re.S)[0].split('href="#')[1:]:
        assert f'id="{anchor.split(chr(34))[0]}"' in html


def test_the_index_links_every_guide_and_the_menu_is_on_every_page(client):
    response = client.get(reverse("help"))
    assert response.status_code == 200
    html = response.content.decode()
    for slug in GUIDES:
        assert html.count(f'href="/aide/{slug}/"') >= 3  # the index text, the side list, the menu
    home = client.get(reverse("home")).content.decode()
    assert all(f'href="/aide/{slug}/"' in home for slug in GUIDES)


def test_links_between_guides_point_into_the_portal(client):
    html = client.get(reverse("help-guide", kwargs={"slug": "partenaires"})).content.decode()
    assert 'href="/aide/personnel/#donnees-ouvertes"' in html
    assert ".md" not in re.sub(r"<aside.*</aside>", "", html, flags=re.S).split("<article", 1)[1].split("</article>")[0]


@pytest.mark.parametrize(
    "url",
    ["/aide/inconnu/", "/aide/images/inconnue.png", "/aide/images/..%2Fcoordination.png", "/aide/README/"],
)
def test_an_unknown_guide_or_image_is_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["alice", "coordinator", "staff"])
def test_each_role_sees_the_guides_and_the_menu(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("help-guide", kwargs={"slug": "coordination"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Approuver une organisation" in html
    assert 'href="/aide/partenaires/"' in html and 'href="/aide/personnel/"' in html


def test_in_english_the_page_says_the_guide_is_in_french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("help-guide", kwargs={"slug": "personnel"})).content.decode()
    assert 'role="note"' in html and 'lang="fr-CA"' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    assert 'role="note"' not in client.get(reverse("help-guide", kwargs={"slug": "personnel"})).content.decode()


def test_raw_html_and_unsafe_links_are_escaped():
    html, _toc = render_markdown(
        "# Titre\n\n<script>alert(1)</script>\n\nTexte <b onclick=x>gras</b> "
        "[piège](javascript:alert(1)) [site](https://rnvvs.ca) [autre](autre.md)\n\n![img](images/x.png)"
    )
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<b" not in html and "&lt;b onclick=x&gt;" in html
    assert 'href="#">piège' in html and 'href="https://rnvvs.ca"' in html and 'href="#">autre' in html
    assert 'src="/aide/images/x.png"' in html
