"""A main form by keyboard alone (issue 9): the skip link comes first and moves focus to the content,
every element Tab reaches shows where the focus is, and the errors of an invalid form are tied to their
fields (aria-invalid, aria-describedby pointing at the message), and read out in the message itself."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_every_page_axe import INVALID_FIELDS

pytestmark = pytest.mark.django_db(transaction=True)

# What the focused element looks like: a visible focus is an outline or a box-shadow.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  // The calendar button inside a date field: Chromium draws its own focus ring on it.
  const pickerButton = element.type === 'date' && !element.matches(':focus');
  const box = element.getBoundingClientRect();
  return {
    what: `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''} «${(element.innerText || element.name || '').trim().slice(0, 30)}»`,
    visible: outline || shadow || pickerButton,
    shown: box.width > 0 && box.height > 0,
    inFooter: !!element.closest('footer'),
  };
}"""


def test_the_project_form_by_keyboard_alone(live_server, page, demo):
    page.emulate_media(reduced_motion="reduce")  # Bootstrap then draws the focus ring at once, without a transition
    log_in(page, live_server.url, "partenaire")
    page.goto(live_server.url + "/projets/nouveau/")

    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.className + ' ' + document.activeElement.getAttribute('href')")
    assert "skip-link" in skip and "#contenu" in skip, f"the first Tab reaches {skip}, not the skip link"
    expect(page.locator(".skip-link"), "the skip link stays hidden when it has the focus").to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"

    # From the content, Tab through the whole form to the footer: every stop shows its focus.
    reached, invisible = [], []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["inFooter"]:
            break
        reached.append(focused["what"])
        if not (focused["visible"] and focused["shown"]):
            invisible.append(focused["what"])
    else:
        pytest.fail("Tab never reached the footer: a keyboard trap?")
    assert any("Enregistrer le brouillon" in what for what in reached), (
        f"Tab never reached the submit button: {reached}"
    )
    assert not invisible, f"no visible focus on: {invisible}"

    # Send the form with no title: the errors are tied to their fields.
    page.get_by_label("Titre").fill("")
    page.get_by_role("button", name="Enregistrer le brouillon").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    fields = page.evaluate(INVALID_FIELDS)
    assert fields, "the invalid form marks no field"
    for field in fields:
        assert field["ariaInvalid"] == "true", f"{field['name']} is shown invalid without aria-invalid"
        assert field["described"], f"{field['name']}: its error is not tied to it by aria-describedby"
    assert any("obligatoire" in " ".join(field["described"]) for field in fields)
