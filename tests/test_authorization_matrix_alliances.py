"""The authorization matrix over two alliances (issue 17, item 2: isolation first). Every page of ASIS for the
other alliance's coordinator and the regional funder; every page of the second alliance for every role of both;
a write of one alliance's objects by the other's roles is refused and changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.page_matrix import LOGIN, MATRIX, actual_matrix, page_url
from tests.page_matrix_alliances import ALL_ROLES, ON_ASIS, ON_SECOND, OTHER_ROLES, second_url
from tests.test_authorization_matrix import PARTNER_REFUSED_POSTS, fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.guard]


def _clients():
    clients = actual_matrix()
    for username in OTHER_ROLES:
        clients[username] = Client()
        clients[username].force_login(get_user_model().objects.get(username=username))
    return clients


def _answer(response):
    if response.status_code == 302 and "/connexion/" in response["Location"]:
        return LOGIN
    return response.status_code


def test_every_page_of_asis_has_a_decision_for_the_other_alliances_roles():
    missing = [(name, obj) for name, obj, _answers in MATRIX if (name, obj) not in ON_ASIS]
    assert not missing, f"Pages without a decision for coordination2 and region: {missing}"


def test_the_other_alliances_roles_get_the_decided_answer_on_asis_pages():
    clients = _clients()
    wrong = []
    for name, obj, _answers in MATRIX:
        url = page_url(name, obj)
        for role, expected in zip(OTHER_ROLES, ON_ASIS[(name, obj)]):
            got = _answer(clients[role].get(url))
            if got != expected:
                wrong.append(f"{url} ({name} [{obj}]) as {role}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_every_role_of_both_alliances_gets_the_decided_answer_on_the_second_alliances_pages():
    clients = _clients()
    wrong = []
    for name, obj, answers in ON_SECOND:
        url = second_url(name, obj)
        for role, expected in zip(ALL_ROLES, answers):
            got = _answer(clients[role].get(url))
            if got != expected:
                wrong.append(f"{url} ({name} [{obj}]) as {role}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_asis_coordination_and_staff_read_nothing_private_of_the_second_alliance():
    """No unexpected 200: on the second alliance's pages, ASIS's coordinator and staff open only what any signed-in
    person opens there (public pages, their own lists, filing a project for their organisation)."""
    partner = ALL_ROLES.index("partenaire")
    for role in ("coordination", "personnel"):
        column = ALL_ROLES.index(role)
        opened = [(name, obj) for name, obj, answers in ON_SECOND if answers[column] == 200]
        as_partner = [(name, obj) for name, obj, answers in ON_SECOND if answers[partner] == 200]
        assert set(opened) <= set(as_partner), f"{role} opens more than a partner: {set(opened) - set(as_partner)}"


# The writes of ASIS's objects that a partner is refused (tests/test_authorization_matrix.py), posted by the other
# alliance's coordinator and by the regional funder: refused too, and nothing changes.
def test_the_other_alliances_coordinator_and_the_funder_change_nothing_of_asis():
    clients = _clients()
    before = fingerprint()
    payload = {"amount": "1000.00", "decided_on": "2014-01-01", "reason": "x", "name": "x", "title": "x"}
    wrong = []
    for username in OTHER_ROLES:
        for name, obj, *_only in PARTNER_REFUSED_POSTS:
            response = clients[username].post(page_url(name, obj), payload)
            if response.status_code not in (403, 404, 405):
                wrong.append(f"{name} [{obj}] posted by {username}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert fingerprint() == before


# The URL names of the views that change something (the others only read, whatever the method)
WRITE_WORDS = (
    "create",
    "update",
    "archive",
    "restore",
    "add",
    "remove",
    "move",
    "reduce",
    "correct",
    "release",
    "cancel",
    "attendance",
    "done",
    "submit",
    "answer",
    "recommend",
    "decision",
    "request-changes",
    "to-draft",
    "apply",
    "targets",
    "threshold",
    "plan-close",
    "plan-next",
    "review-open",
)


def test_asis_coordinator_changes_nothing_of_the_second_alliance():
    clients = _clients()
    before = fingerprint()
    payload = {"amount": "1000.00", "decided_on": "2014-01-01", "reason": "x", "name": "x", "title": "x"}
    writes = [
        (name, obj)
        for name, obj, answers in ON_SECOND
        if any(word in name for word in WRITE_WORDS) and answers[ALL_ROLES.index("coordination2")] in (200, 302, 405)
    ]
    wrong = []
    for username in ("coordination", "personnel", "region"):
        for name, obj in writes:
            if name in {"projects:project-intention-create", "projects:project-create"}:
                continue  # filing a project for one's own organisation is open to every member, in every alliance
            response = clients[username].post(second_url(name, obj), payload)
            if response.status_code not in (403, 404, 405):
                wrong.append(f"{name} [{obj}] posted by {username}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert fingerprint() == before
