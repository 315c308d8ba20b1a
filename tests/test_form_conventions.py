"""The conventions of every form (issue 23, item 4; GOV.UK and the SDG's « Formulaires »), over every page of the demo
as each role sees it:

- no select opens on « --------- »: its empty choice says what to do;
- an optional field's label says « (facultatif) », a required one's does not (and no asterisk);
- a form sent empty comes back with the error summary at the top, « Il y a un problème », whose links each land on
  a field of the page.
"""

import re
from html.parser import HTMLParser

import pytest

from organisations.models import Organisation
from tests.fuzzing import demo_clients, is_html, matrix_urls, page_forms
from tests.page_matrix import FORMS_WITH_ERRORS, page_url

OPTIONAL = "(facultatif)"
ERRORS_SHOWN = re.compile(r'class="[^"]*\b(is-invalid|invalid-feedback|errorlist)\b')
# Inputs whose label is not a question: a box ticked or not, a button, a hidden value
UNMARKED_TYPES = {"checkbox", "radio", "hidden", "submit", "button", "reset", "image"}
NOT_ASKED = {"hidden", "submit", "button", "reset", "image"}  # a form of only these is a button, not a question


class _Page(HTMLParser):
    """The labels of a page with their text, its form controls by id, and its error summary's links.

    A control is `marked` (its label must follow the convention) when it belongs to a form that posts and is not a
    cell of a table: a search or a filter (GET) asks nothing of anyone, and a grid of amounts or scores is one
    question whose heading says what to fill (« au moins une cible »)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.labels = []  # [for, text]
        self.controls = {}  # id -> (tag, type, required, marked)
        self.summary_links = []
        self.summaries = 0
        self._label = None
        self._in_summary = 0
        self._post = False
        self._tables = 0
        self._select = None  # [id, multiple, marked, first option's value]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._post = (attrs.get("method") or "get").lower() == "post"
        elif tag == "table":
            self._tables += 1
        if "data-error-summary" in attrs:
            self.summaries += 1
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(attrs.get("href", ""))
        if tag == "label":
            self._label = [attrs.get("for"), ""]
            self.labels.append(self._label)
        marked = self._post and not self._tables
        if tag in ("input", "textarea") and attrs.get("id"):
            kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
            self.controls[attrs["id"]] = (tag, kind, "required" in attrs, marked)
        elif tag == "select" and attrs.get("id"):
            self._select = [attrs["id"], "multiple" in attrs, marked, None]
            self.controls[attrs["id"]] = ("select", "select", "required" in attrs, marked)
        elif tag == "option" and self._select is not None and self._select[3] is None:
            # A select without an empty first choice cannot be left empty: it is required, though Django (as HTML
            # wants) writes `required` only on a select that starts with an empty choice.
            self._select[3] = attrs.get("value", "")
            if self._select[3] != "" and not self._select[1]:
                select_id, _multiple, marked, _first = self._select
                self.controls[select_id] = ("select", "select", True, marked)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        elif tag == "form":
            self._post = False
        elif tag == "table":
            self._tables -= 1
        elif tag == "select":
            self._select = None
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data):
        if self._label is not None:
            self._label[1] += data


def parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


def label_mistakes(page: _Page) -> list[str]:
    """Labels of optional fields without « (facultatif) », of required ones with it, and asterisks."""
    found = []
    for target, text in page.labels:
        text = " ".join(text.split())
        control = page.controls.get(target)
        if control is None or control[1] in UNMARKED_TYPES or not control[3]:
            continue
        required = control[2]
        if "*" in text:
            found.append(f"« {text} » has an asterisk")
        if required and OPTIONAL in text:
            found.append(f"« {text} » is required but says {OPTIONAL}")
        elif not required and OPTIONAL not in text:
            found.append(f"« {text} » is optional but does not say {OPTIONAL}")
    return found


@pytest.mark.django_db
@pytest.mark.guard
def test_every_page_marks_optional_fields_and_no_select_opens_on_dashes():
    clients = demo_clients()
    found, labels_seen = [], 0
    for name, path, role in matrix_urls(pages_only=True):
        response = clients[role].get(path)
        if response.status_code != 200 or not is_html(response):
            continue
        content = response.content.decode()
        if "---------" in content:
            found.append(f"{path} ({name}) as {role}: a select opens on « --------- »")
        page = parse(response)
        labels_seen += len(page.labels)
        found += [f"{path} ({name}) as {role}: {mistake}" for mistake in label_mistakes(page)]
    assert labels_seen > 200, "the walk found almost no form"
    assert not found, "\n".join(sorted(set(found)))


def _empty(form: dict) -> dict:
    """What a person who filled nothing sends: the hidden values (the CSRF token, a formset's management form, a step)
    and nothing else."""
    return {field["name"]: field["value"] for field in form["fields"] if field["type"] == "hidden"}


@pytest.mark.django_db
@pytest.mark.guard
def test_every_form_sent_empty_shows_the_error_summary_linked_to_its_fields():
    """Each page's own form (its action is the page: not the buttons that act on a row), sent empty: when it comes
    back with errors, the summary is at the top and each of its links lands on a field of the page."""
    clients = demo_clients()
    found, summaries = [], set()
    for name, path, role in matrix_urls(roles=("anonymous", "partenaire", "coordination"), pages_only=True):
        response = clients[role].get(path)
        if response.status_code != 200 or not is_html(response):
            continue
        for form in page_forms(response, path):
            if (
                form["method"] != "post"
                or form["path"] != path
                or not any(f["type"] not in NOT_ASKED for f in form["fields"])
            ):
                continue
            answer = clients[role].post(path, _empty(form))
            if answer.status_code not in (200, 400) or not is_html(answer):
                continue  # done (all its fields are optional) or refused: no errors to sum up
            page = parse(answer)
            if not ERRORS_SHOWN.search(answer.content.decode()) and not page.summaries:
                continue
            where = f"{path} ({name}) as {role}"
            if page.summaries != 1:
                found.append(f"{where}: errors shown with {page.summaries} error summaries")
                continue
            summaries.add(name)
            if not page.summary_links:
                found.append(f"{where}: the error summary links to no field")
            for link in page.summary_links:
                if not link.startswith("#") or link[1:] not in page.controls:
                    found.append(f"{where}: the summary's link {link} lands on no field of the page")
    missing = {name for name, _obj, _role in FORMS_WITH_ERRORS} - summaries
    assert not missing, f"these main forms, sent empty, showed no error summary: {sorted(missing)}"
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_summary_names_every_error_at_once_with_its_field(client):
    """A step of the sign-up sent with a username taken, an e-mail that is none and no name: the three errors are
    told in one answer (one validation pass), each linked to its field and named by its label."""
    from tests.page_matrix import actual_matrix

    actual_matrix()
    client.post(page_url("privacy:signup", None), {"choice": "join"})
    client.post(page_url("privacy:signup-organisation", None), {"join": Organisation.objects.approved().first().pk})
    response = client.post(
        page_url("privacy:signup-person", None), {"username": "partenaire", "first_name": "Denise", "email": "non"}
    )
    content = response.content.decode().replace("&#x27;", "'")
    page = parse(response)
    assert page.summaries == 1 and "Il y a un problème" in content
    assert {"#id_username", "#id_last_name", "#id_email"} <= set(page.summary_links)
    assert "Nom d'utilisateur : Ce nom d'utilisateur est déjà pris." in content
    assert 'value="Denise"' in content  # what was typed stays
