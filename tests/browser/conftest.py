"""Real Chromium through Playwright. Debian's chromium is used (`playwright install` cannot download here).

Without Chromium the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
import re
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.browser.guide import GUIDE, Camera
from tests.demo_snapshot import load_asis_and_demo

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    make around it (fixtures, database flushes) are synchronous and safe."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser(_orm_beside_playwright):
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (REQUIRE_BROWSER=1) but {CHROMIUM} is missing.")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    _clicks_wait_for_the_page_they_open()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _clicks_wait_for_the_page_they_open():
    """A click that submits a form or follows a link returns once the request has left, while
    the page being left is still shown; on a slow machine the next line then reads that old page.
    After each click that starts a navigation of the main frame, wait until the new document
    has replaced it and loaded (or the response turned out to be a download)."""
    from playwright.sync_api import Locator

    if getattr(Locator.click, "waits_for_navigation", False):
        return
    original = Locator.click

    def click(self, *args, **kwargs):
        page = self.page
        seen = set()

        def on_request(request):
            if request.is_navigation_request() and request.frame == page.main_frame:
                seen.add("request")

        def on_navigated(frame):
            if frame == page.main_frame:
                seen.add("committed")

        def on_download(download):
            seen.add("download")

        listeners = {"request": on_request, "framenavigated": on_navigated, "download": on_download}
        for event, listener in listeners.items():
            page.on(event, listener)
        try:
            original(self, *args, **kwargs)
            deadline = time.monotonic() + 15
            while "request" in seen and not seen & {"committed", "download"} and time.monotonic() < deadline:
                page.wait_for_timeout(50)
        finally:
            for event, listener in listeners.items():
                page.remove_listener(event, listener)
        if "committed" in seen:
            page.wait_for_load_state("load")

    click.waits_for_navigation = True
    Locator.click = click


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does).")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """axe(page) runs axe-core on the page and returns its violations (WCAG 2.1 A and AA rules)."""

    from playwright.sync_api import Error

    def run(page):
        # A click that navigates returns before the next page has loaded: axe then starts on
        # the page being left and loses its document. Wait for the page that stays, and retry.
        for attempt in range(4):
            page.wait_for_load_state("load")
            try:
                page.evaluate(axe_source)
                result = page.evaluate(
                    """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"""
                )
            except Error as error:
                if attempt == 3 or not _lost_to_a_navigation(error):
                    raise
                page.wait_for_timeout(250)
            else:
                return result["violations"]

    return run


def _lost_to_a_navigation(error) -> bool:
    message = str(error)
    return any(
        sign in message
        for sign in ("documentElement", "Execution context was destroyed", "navigation", "axe is not defined")
    )


def describe(violations) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}×: {v['nodes'][0]['target']})" for v in violations
    )


def accessible(page, axe):
    """axe-core finds nothing on the page (the violations, described, otherwise)."""
    violations = axe(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


@pytest.fixture
def camera(tmp_path):
    """The user guide's camera (tests/browser/guide.py): into docs/guide/images/ when GUIDE_SCREENSHOTS=1."""
    if os.environ.get("GUIDE_SCREENSHOTS") == "1":
        return Camera(GUIDE / "images")
    return Camera(tmp_path / "images")


def money(text: str) -> Decimal:
    """An amount as the page prints it (`12 500 $`, `467 136 $`) as a Decimal."""
    return Decimal(re.sub(r"[\s\u202f\xa0$]", "", text).replace(",", "."))


@pytest.fixture
def demo(db):
    """The ASIS reference data and the demo (with its four logins), as `make run` loads them."""
    load_asis_and_demo()


def log_in(page, base_url, username, password="demo-asis-2013"):
    page.goto(base_url + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    # signed in, the person lands on their alliance's home (/<alliance>/, the demo running two alliances)
    page.wait_for_url(lambda url: url.startswith(base_url + "/") and "/connexion/" not in url)
