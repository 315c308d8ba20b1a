"""Every money field of every form answers a French error to an amount it cannot hold or cannot read
for sure (issue 15, break 4): `1e30` or forty 9s raised decimal.InvalidOperation (an HTTP 500),
`1_000` and other scripts' digits were read by Decimal() as numbers, and `1,000` became 1,00 $ in English.

The forms are found on the pages of the demo, as the fuzzing suite finds them (tests/fuzzing.py):
a money field is an input with `inputmode="decimal"` (asis.forms.NumberField and MoneyField), so a
new money field is checked here the day it appears on a page."""

import re

import pytest
from django.conf import settings

from tests.fuzzing import RowWatch, changed, fingerprint
from tests.test_bad_input import discover_forms, plausible

# What is typed -> a piece of the French answer (without apostrophes, which the page escapes).
REFUSED = {
    "1e30": "trop grand : au plus",  # beyond the bound; `1e2` says « sans exposant »
    "9" * 40: "trop grand : au plus",
    "1_000": "pas un",  # « … n'est pas un montant valide » / « … pas un nombre valide »
    "١٢٣": "pas un",
    "１２３": "pas un",
    "+-1": "pas un",
    "1,000": "ambigu",
}
# The forms with money fields the brief names: each must be found, with at least one money field.
MONEY_FORMS = {
    "budget:commitment-create",
    "budget:disbursement-create",
    "budget:commitment-reduce",
    "budget:disbursement-correct",
    "budget:planned-payment-add",
    "budget:target-move",  # (the demo sets every target: no targets form)
    "projects:project-create",
    "projects:project-update",
    "projects:report-create",
}
DECIMAL_INPUT = re.compile(r"<input\b[^>]*>")


def money_fields(form, page_html: str) -> list[str]:
    names = {field["name"] for field in form["fields"]}
    found = []
    for tag in DECIMAL_INPUT.findall(page_html):
        name = re.search(r'\bname="([^"]+)"', tag)
        if 'inputmode="decimal"' in tag and name and name.group(1) in names and "__prefix__" not in name.group(1):
            found.append(name.group(1))
    return found


@pytest.fixture
def money_forms(db):
    from tests.fuzzing import demo_clients

    clients = demo_clients(raise_request_exception=False)
    forms = {}
    for (url_name, role), form in sorted(discover_forms(clients).items()):
        page = clients[role].get(form["page"]).content.decode()
        if fields := money_fields(form, page):
            forms.setdefault(url_name, (clients[role], form, fields))
    return forms


def errors_tied_to(page_html: str, name: str) -> str:
    """The text of the errors the field `name` points at with its aria-describedby (as a screen reader reads them)."""
    for tag in DECIMAL_INPUT.findall(page_html):
        if f'name="{name}"' in tag and (described := re.search(r'\baria-describedby="([^"]+)"', tag)):
            texts = []
            for element_id in described.group(1).split():
                element = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', page_html, re.S)
                if element and "invalid-feedback" in element.group(0)[:200]:
                    texts.append(re.sub(r"<[^>]+>", "", element.group(2)))
            return " ".join(texts)
    return ""


@pytest.mark.django_db
@pytest.mark.guard
def test_every_money_field_refuses_what_it_cannot_hold_or_read_in_french(money_forms):
    """Each field of a form gets every refused value, all the form's fields at once with a different value each
    (one post per value, not one per value and field: the forms with a dozen amounts took most of this guard's time),
    and each field's own error, the one its aria-describedby points at, must say why."""
    assert MONEY_FORMS <= set(money_forms), f"money forms not found: {sorted(MONEY_FORMS - set(money_forms))}"
    problems = []
    rows = RowWatch()
    typed_values = list(REFUSED)
    for url_name, (client, form, fields) in sorted(money_forms.items()):
        for turn in range(len(typed_values)):
            typed = {field: typed_values[(turn + i) % len(typed_values)] for i, field in enumerate(fields)}
            response = client.post(
                form["path"] + (f"?{form['query']}" if form["query"] else ""), {**plausible(form), **typed}
            )
            text = response.content.decode()
            where = f"{url_name} {typed}"
            if response.status_code not in (200, 400):
                problems.append(f"{where}: {response.status_code}")
            else:
                for field, value in typed.items():
                    if REFUSED[value] not in errors_tied_to(text, field):
                        problems.append(f"{url_name} {field}={value!r}: no « {REFUSED[value]} » tied to the field")
            if moved := rows.moved():
                problems.append(f"{where}: rows changed in {moved}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.guard
def test_one_comma_and_three_digits_is_refused_in_english_too(money_forms):
    """In English `1,000` reads « one thousand », in French « one dollar »: refused in both, never 1,00 $."""
    client, form, fields = money_forms["budget:commitment-create"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = fingerprint()
    response = client.post(form["path"], {**plausible(form), fields[0]: "1,000"})
    assert response.status_code == 200
    assert response.context["form"].errors[fields[0]][0].startswith(("Montant ambigu", "Ambiguous"))
    assert not changed(before, fingerprint())
