"""A text longer than its bound is refused on every form of the portal, with a French message naming
the field and the bound, and nothing saved (issue 15: a comment of 2 MiB was accepted and stored).

The forms are found on the demo's pages as the fuzzing suite finds them (tests/fuzzing.py): every
textarea must show its bound (`maxlength`), and a post one character longer is refused."""

import re

import pytest

from tests.fuzzing import RowWatch, demo_clients
from tests.test_bad_input import discover_forms, plausible

TEXTAREA = re.compile(r"<textarea\b[^>]*>")


def textareas(form, page_html: str) -> dict[str, int | None]:
    names = {field["name"] for field in form["fields"] if field["type"] == "textarea"}
    found = {}
    for tag in TEXTAREA.findall(page_html):
        name = re.search(r'\bname="([^"]+)"', tag)
        if name and name.group(1) in names:
            bound = re.search(r'\bmaxlength="(\d+)"', tag)
            found[name.group(1)] = int(bound.group(1)) if bound else None
    return found


@pytest.mark.django_db
@pytest.mark.guard
def test_every_textarea_shows_its_bound_and_refuses_a_longer_text():
    clients = demo_clients(raise_request_exception=False)
    forms = {}
    for (url_name, role), form in sorted(discover_forms(clients).items()):
        page = clients[role].get(form["page"]).content.decode()
        if fields := textareas(form, page):
            forms.setdefault(url_name, (clients[role], form, fields))
    assert {"projects:project-comment-create", "projects:report-create", "budget:commitment-reduce"} <= set(forms)
    problems = []
    rows = RowWatch()
    for url_name, (client, form, fields) in sorted(forms.items()):
        for name, bound in fields.items():
            where = f"{url_name} {name}"
            if bound is None:
                problems.append(f"{where}: no maxlength")
                continue
            data = {**plausible(form), name: "é" * (bound + 1)}
            response = client.post(form["path"] + (f"?{form['query']}" if form["query"] else ""), data)
            text = response.content.decode()
            if response.status_code not in (200, 400):
                problems.append(f"{where}: {response.status_code}")
            elif f"au plus {bound:,} caractères".replace(",", "\xa0") not in text:
                problems.append(f"{where}: no « au plus {bound} caractères » in the answer")
            if moved := rows.moved():
                problems.append(f"{where}: rows changed in {moved}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_a_comment_of_two_mebibytes_is_refused_and_not_saved():
    from projects.models import ProjectComment

    clients = demo_clients(raise_request_exception=False)
    forms = discover_forms(clients)
    form = forms[("projects:project-comment-create", "coordination")]
    count = ProjectComment.objects.count()
    response = clients["coordination"].post(form["path"], {**plausible(form), "text": "x" * (2 * 1024 * 1024)})
    assert response.status_code in (200, 400)
    assert "« Votre commentaire » : au plus 10\xa0000 caractères" in response.content.decode().replace("&#x27;", "'")
    assert ProjectComment.objects.count() == count
