"""Every page, for every role, is usable on a 375 px wide phone (issue 9): the page never scrolls
sideways (a wide table scrolls inside its own box) and the navigation opens from its toggler.

The pages come from the authorization matrix (tests/page_matrix.py), as for the axe test; the walk over them is
tests/browser/test_every_page_on_a_phone.py (one walk for this, the tables and the heights), with `overflow` from here.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_page_axe import open_as

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 667}

# The page's width, and the elements that stick out of the screen when it is wider (for the message).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const culprits = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.parentElement.closest('.table-responsive') || element.offsetParent === null) continue;
    const box = element.getBoundingClientRect();
    if (box.right <= width + 1) continue;
    const children = element.classList.contains('table-responsive') ? [] : [...element.children];
    if (!children.some((child) => child.getBoundingClientRect().right > width + 1)) {
      culprits.push(`${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}.${[...element.classList].join('.')} (${Math.round(box.right)} px): ${element.textContent.trim().slice(0, 40)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, culprits: culprits.slice(0, 5)};
}"""


def overflow(page, target, what=""):
    result = page.evaluate(OVERFLOW)
    if result["scrollWidth"] > PHONE["width"]:
        return [f"{target}{what}: {result['scrollWidth']} px wide\n    " + "\n    ".join(result["culprits"])]
    return []


def test_the_menu_is_reachable_by_keyboard_on_a_phone(live_server, browser, demo):
    context, page = open_as(browser, live_server.url, "coordination", viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(live_server.url + "/plan/")
    toggler = page.locator(".navbar-toggler")
    for _ in range(10):  # skip link, brand, then the toggler
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('navbar-toggler')"):
            break
    else:
        pytest.fail("the navigation toggler cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert toggler.get_attribute("aria-expanded") == "true"
    expect(page.get_by_role("link", name="Lieux de concertation")).to_be_visible()
    context.close()
