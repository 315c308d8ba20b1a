"""The user guide's pictures (docs/guide/images/), taken by the browser journeys.

Each journey takes its pictures with the `camera` fixture (tests/browser/conftest.py): a 1280×800 French screenshot
at each step, always (into a temporary folder, so the code that takes them never rots), into docs/guide/images/
when GUIDE_SCREENSHOTS=1 (`make guide`). The rule that keeps the guide honest, strict both ways:

- each journey declares below the pictures it takes, in order, and checks at its end that it took exactly those;
- the guide (docs/guide/*.md) shows exactly the union of the declarations, no name declared twice, and
  docs/guide/images/ holds exactly those files (tests/pages/test_help.py, no browser needed).

Not a test module: nothing here needs Chromium.
"""

from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
VIEWPORT = {"width": 1280, "height": 800}

# tests/browser/test_whole_journey.py: sign-up to open data (partners, coordination, staff, the public, the help menu),
# with issue 20's steps (journey_*.py: the budget by line, the board's resolution, a committee member's grid, a change
# request, a facilitator's meeting) and issue 21's (a shared indicator, a written consultation, the valued time, the e-mail notices, a citizen's
# own pages)
WHOLE_JOURNEY_PICTURES = (
    "partenaires-inscription",
    "partenaires-organisation-en-attente",
    "coordination-demandes",
    "partenaires-nouveau-projet",
    "partenaires-budget-par-ligne",
    "partenaires-projet-brouillon",
    "coordination-resolution",
    "coordination-ouvrir-analyse",
    "coordination-grille",
    "coordination-recommandation",
    "coordination-decision",
    "coordination-membre-grille",
    "coordination-comite",
    "coordination-enveloppe",
    "coordination-engagement",
    "coordination-convention",
    "coordination-convention-signee",
    "partenaires-demande-modification",
    "coordination-modification-acceptee",
    "coordination-lieu",
    "coordination-rencontre",
    "partenaires-mes-rencontres",
    "partenaires-lieux-a-animer",
    "partenaires-animateur-rencontre",
    "coordination-indicateurs-partages",
    "partenaires-consultation-ecrite",
    "coordination-contribution",
    "partenaires-avis-par-courriel",
    "citoyens-mes-rencontres",
    "citoyens-consultation",
    "partenaires-projet-accepte",
    "partenaires-rapport-etape",
    "partenaires-rapport-depose",
    "personnel-bilan",
    "personnel-bilan-projets",
    "donnees-ouvertes",
    "aide-menu",
)

# tests/browser/test_region_journey.py: a plan closed and the next one started, then the regional funder's pages
REGION_JOURNEY_PICTURES = (
    "coordination-terminer-plan",
    "coordination-plan-suivant",
    "coordination-plan-confirmer",
    "coordination-plan-archive",
    "coordination-bilan-fige",
    "region-comparaison",
    "region-bilan",
)

# tests/browser/test_sustainability_journey.py: after the funding, the follow-up answered, the bilan's « Durabilité »
# and the public register of practices
SUSTAINABILITY_JOURNEY_PICTURES = (
    "partenaires-suivi-durabilite",
    "personnel-bilan-durabilite",
    "donnees-pratiques",
)

JOURNEY_PICTURES = {
    "tests/browser/test_whole_journey.py": WHOLE_JOURNEY_PICTURES,
    "tests/browser/test_region_journey.py": REGION_JOURNEY_PICTURES,
    "tests/browser/test_sustainability_journey.py": SUSTAINABILITY_JOURNEY_PICTURES,
}


class Camera:
    """Viewport screenshots (PNG, 1280×800), reduced to a small palette so the guide stays light."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.taken: list[str] = []

    def __call__(self, page, name: str, *, show=None):
        """Take `name`.png of the page; `show` (a locator) is scrolled into view and outlined."""
        if show is not None:
            # Centred in the picture and outlined through the CSSOM (not an inline style: the CSP stays as it is).
            show.evaluate(
                "el => { el.scrollIntoView({block: 'center', behavior: 'instant'}); el.style.outline = '4px solid #d6336c'; el.style.outlineOffset = '3px'; }"
            )
        page.wait_for_load_state("load")
        path = self.directory / f"{name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        if show is not None:
            show.evaluate("el => { el.style.outline = ''; el.style.outlineOffset = ''; }")
        self._shrink(path)
        self.taken.append(name)

    @staticmethod
    def _shrink(path: Path):
        from PIL import Image

        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=32, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(path, optimize=True)


def new_page(browser):
    """A French page of the guide's size. Reduced motion: Bootstrap's smooth scrolling would catch the pictures
    mid-scroll."""
    page = browser.new_context(locale="fr-CA", viewport=VIEWPORT, reduced_motion="reduce").new_page()
    page.set_default_timeout(15_000)
    return page
