"""The help menu in real Chromium: every page of the user guide passes axe, for a visitor and for a
coordinator, and its screenshots load."""

import pytest

from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = (
    ("/aide/", "Guide de l'utilisateur du portail ASIS"),
    ("/aide/coordination/", "Guide de la coordination"),
    ("/aide/partenaires/", "Guide des organisations partenaires"),
    ("/aide/personnel/", "Guide du personnel"),
    ("/aide/region/", "Guide du bailleur de fonds régional"),
)


# The image's width once it has loaded (0 if it fails): a lazy image scrolled into view may still be loading.
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth), {once: true});
    img.addEventListener("error", () => done(0), {once: true});
})"""


@pytest.mark.parametrize("who", ["anonymous", "coordination"])
def test_the_guide_pages_are_accessible(live_server, page, axe, demo, who):
    if who != "anonymous":
        log_in(page, live_server.url, who)
    for path, heading in PAGES:
        page.goto(live_server.url + path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        images = page.get_by_role("main").locator("img")
        assert images.count() >= 1
        for index in range(images.count()):
            images.nth(index).scroll_into_view_if_needed()  # lazy images load when seen
            assert images.nth(index).evaluate(LOADED_WIDTH) == 1280
        violations = axe(page)
        assert violations == [], f"{path}\n{describe(violations)}"
