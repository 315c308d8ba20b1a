"""Every page, for every role, on a 375 px phone, in one walk (each page is opened once for the three measures):

- it is usable (issue 9): the page never scrolls sideways (a wide table scrolls inside its own box), the navigation
  opens from its toggler, and so do the main forms with their errors shown (tests/browser/test_mobile.py);
- no table hides its key columns (issue 23, item 7), on ASIS's pages and the second alliance's, for the roles of both
  alliances, and the first page of each kind whose tables stack as cards passes axe as stacked
  (tests/browser/test_phone_tables.py);
- the tallest working page of each role stays within its bound (tests/browser/heights.py).
"""

import os
from pathlib import Path

import pytest

from tests.browser import heights
from tests.browser.conftest import describe as describe_violations
from tests.browser.test_every_page_axe import ERRORS, axe, open_as, send_the_main_form_empty
from tests.browser.test_mobile import PHONE, overflow
from tests.browser.test_phone_tables import describe, measure, pages_of
from tests.page_matrix import ROLES, forms_with_errors, html_pages
from tests.page_matrix_alliances import OTHER_ROLES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.guard
def test_every_page_on_a_375_px_phone_fits_keeps_its_tables_key_columns_in_sight_and_its_height(
    live_server, browser, demo
):
    scrolls, tables_fail, hiding, tall = [], [], [], {}
    checked = measured = 0
    axed = set()
    for role in (*ROLES, *OTHER_ROLES):
        context, page = open_as(browser, live_server.url, role, viewport=PHONE, is_mobile=True, has_touch=True)
        usable = {target.url for target in html_pages(role)} if role in ROLES else set()  # issue 9's pages
        menu_opened = False
        for target in pages_of(role):
            response = page.goto(live_server.url + target.url)
            if response.status != 200:
                tables_fail.append(f"{target}: answered {response.status}")
                continue
            checked += 1
            tables = measure(page)
            for table in tables:
                measured += 1
                if table["hidden"] > 0:
                    hiding.append(describe(target, table))
                # a stacked table hides nothing; a table kept as it is may scroll, never over a key cell
                if table["hiddenKeys"] or (table["stacked"] and table["hidden"] > 0):
                    tables_fail.append(describe(target, table))
                if table["moneyAligned"] < table["moneyCells"]:
                    tables_fail.append(f"{target}: « {table['name']} » shows amounts not aligned to the right")
            if target.name not in axed and any(table["stacked"] for table in tables):
                axed.add(target.name)
                if violations := axe(page):
                    tables_fail.append(f"{target}, its tables stacked at 375 px:\n{describe_violations(violations)}")
            if target.url not in usable:
                continue
            if heights.measured(target):
                tall.setdefault(role, []).append((heights.height(page), target.url))
            toggler = page.locator(".navbar-toggler")
            if not toggler.is_visible():
                scrolls.append(f"{target}: the navigation toggler is not visible")
            elif not menu_opened:  # the menu opens, and the page still fits with it open
                menu_opened = True
                toggler.click()
                page.locator("#nav-principale").locator(".nav-link").first.wait_for(state="visible")
                scrolls += overflow(page, target, " with the menu open")
            scrolls += overflow(page, target)
        for target in forms_with_errors(role) if role in ROLES else ():
            page.goto(live_server.url + target.url)
            send_the_main_form_empty(page)
            if page.locator(ERRORS).count() == 0:
                scrolls.append(f"{target}: the form sent empty shows no error")
                continue
            scrolls += overflow(page, target, ", form sent empty")
        context.close()
    if report := os.environ.get("PHONE_TABLES_REPORT"):  # the measure itself, for a before/after note
        summary = f"{checked} pages, {measured} tables measured, {len(hiding)} hide part of their width:\n"
        Path(report).write_text(summary + "\n".join(hiding) + "\n", encoding="utf-8")
    assert checked > 150, "the page lists came out nearly empty"
    assert measured > 100, "hardly any table was measured"
    assert len(axed) > 30, "hardly any page with stacked tables went through axe"
    assert not scrolls, f"{len(scrolls)} pages scroll sideways at 375 px:\n" + "\n".join(scrolls)
    assert not tables_fail, f"{len(tables_fail)} tables hide their key columns at 375 px:\n" + "\n".join(tables_fail)
    too_tall = heights.too_tall(tall, 375)
    assert not too_tall, "\n".join(too_tall)
