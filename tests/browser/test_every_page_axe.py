"""Every page type, for every role, passes axe-core in Chromium with no violation of any impact
(WCAG 2.1 A and AA rules and axe's best practices), and so do the main forms with their errors shown;
there, every field marked invalid has aria-invalid and an aria-describedby pointing at its error. The same walk
measures the tallest working page of each role at 1280 px (tests/browser/heights.py).

The pages come from the authorization matrix (tests/page_matrix.py): every HTML page a role opens with a 200
on the demo data. One browser, one context per role, logged in once.
"""

import pytest

from tests.browser import heights
from tests.browser.conftest import AXE, describe, log_in
from tests.page_matrix import ROLES, forms_with_errors, html_pages

pytestmark = pytest.mark.django_db(transaction=True)

# Clears every field the user can fill in the largest POST form of <main> (hidden fields keep their
# value), turns off the browser's own checks and sends it: the server answers with its errors.
SEND_THE_MAIN_FORM_EMPTY = """() => {
  const forms = [...document.querySelectorAll('main form')].filter((form) => form.method === 'post');
  const form = forms.sort((a, b) => b.elements.length - a.elements.length)[0];
  for (const field of form.elements) {
    if (['hidden', 'submit', 'button', 'reset'].includes(field.type)) continue;
    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
    else field.value = '';
  }
  form.noValidate = true;
  form.requestSubmit(form.querySelector('[type=submit]'));
}"""
ERRORS = ".is-invalid, .invalid-feedback, .errorlist, .alert-danger"
# Each field marked invalid, with the text of the error its aria-describedby points at (a group of
# checkboxes or radio buttons carries it on its fieldset).
INVALID_FIELDS = """() => [...document.querySelectorAll('main .is-invalid, main [aria-invalid]')].map((field) => ({
  name: field.name || field.id,
  ariaInvalid: field.getAttribute('aria-invalid'),
  described: (field.getAttribute('aria-describedby') || field.closest('fieldset')?.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter((element) => element && element.classList.contains('invalid-feedback'))
    .map((element) => element.innerText.trim()),
}))"""
# The same rules as the `axe` fixture (WCAG 2.0 and 2.1, A and AA, and best practices); axe reports
# only the violations, which is faster on pages with long tables.
RUN_AXE = """async () => (await axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
  resultTypes: ['violations'],
})).violations"""


def axe(page):
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN_AXE)


def open_as(browser, base_url, role, **options):
    context = browser.new_context(locale="fr-CA", **options)
    context.add_init_script(path=str(AXE))  # axe-core is on every page the context opens
    page = context.new_page()
    page.set_default_timeout(15_000)
    if role != "anonymous":
        log_in(page, base_url, role)
    return context, page


def send_the_main_form_empty(page):
    with page.expect_navigation():
        page.evaluate(SEND_THE_MAIN_FORM_EMPTY)


@pytest.mark.guard
def test_every_page_for_every_role_passes_axe(live_server, browser, axe_source, demo):
    failures, checked, tall = [], 0, {}
    for role in ROLES:
        context, page = open_as(browser, live_server.url, role, viewport={"width": 1280, "height": 900})
        for target in html_pages(role):
            response = page.goto(live_server.url + target.url)
            if response.status != 200:
                failures.append(f"{target}: answered {response.status}")
                continue
            if heights.measured(target):
                tall.setdefault(role, []).append((heights.height(page), target.url))
            violations = axe(page)
            checked += 1
            if violations:
                failures.append(f"{target}:\n{describe(violations)}")
        for target in forms_with_errors(role):
            page.goto(live_server.url + target.url)
            send_the_main_form_empty(page)
            if page.locator(ERRORS).count() == 0:
                failures.append(f"{target}: the form sent empty shows no error")
                continue
            for field in page.evaluate(INVALID_FIELDS):  # each error is tied to its field
                if field["ariaInvalid"] != "true" or not field["described"]:
                    failures.append(f"{target}, form sent empty: the error of {field['name']} is not tied to it")
            violations = axe(page)
            checked += 1
            if violations:
                failures.append(f"{target}, form sent empty:\n{describe(violations)}")
        context.close()
    assert checked > 100, "the page lists came out nearly empty"
    assert not failures, f"{len(failures)} pages fail axe:\n" + "\n".join(failures)
    too_tall = heights.too_tall(tall, 1280)
    assert not too_tall, "\n".join(too_tall)
