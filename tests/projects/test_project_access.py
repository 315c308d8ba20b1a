"""The role matrix of every project page: outsider 404, no right 403, anonymous to the login page, GET on POST-only 405."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "alice", "bob", "charlie", "staff", "coordinator"]


def _get(login, cast, who, url):
    return login(getattr(cast, who)).get(url)


def _post(login, cast, who, url, data=None):
    return login(getattr(cast, who)).post(url, data or {})


@pytest.mark.parametrize("who, status", list(zip(WHO, [302, 200, 200, 200, 200, 200])))
def test_project_list_access(login, cast, projects, who, status):
    response = _get(login, cast, who, reverse("projects:project-list"))
    assert response.status_code == status
    if status == 302:
        assert "/connexion/" in response["Location"]


@pytest.mark.parametrize("name", ["projects:project-intention-create", "projects:project-create"])
@pytest.mark.parametrize("who, status", list(zip(WHO, [302, 200, 200, 200, 403, 200])))
def test_project_create_pages_access(login, cast, projects, name, who, status):
    response = _get(login, cast, who, reverse(name))
    assert response.status_code == status
    if status == 403:
        assert "organisation partenaire" in response.content.decode()


DETAIL = {
    "draft_a": [404, 200, 200, 404, 200, 200],
    "submitted_a": [404, 200, 200, 404, 200, 200],
    "accepted_b": [200, 200, 200, 200, 200, 200],
}
UPDATE = {
    "draft_a": [302, 200, 200, 404, 403, 200],
    "submitted_a": [302, 403, 403, 404, 403, 200],
    "accepted_b": [302, 403, 403, 403, 403, 200],
}
SUBMIT = {  # a refused filing (incomplete, not a draft) redirects to the project with a message
    "draft_a": [302, 302, 302, 404, 403, 403],
    "submitted_a": [302, 302, 302, 404, 403, 403],
    "accepted_b": [302, 403, 403, 302, 403, 403],
}
COMMENT = {
    "draft_a": [302, 302, 302, 404, 403, 302],
    "submitted_a": [302, 302, 302, 404, 403, 302],
    "accepted_b": [302, 403, 403, 302, 403, 302],
}


def _matrix(table):
    return [(key, who, codes[i]) for key, codes in table.items() for i, who in enumerate(WHO)]


@pytest.mark.parametrize("key, who, status", _matrix(DETAIL))
def test_project_detail_access(login, cast, projects, key, who, status):
    assert _get(login, cast, who, reverse("projects:project-detail", args=[projects[key].pk])).status_code == status


@pytest.mark.parametrize("key, who, status", _matrix(UPDATE))
def test_project_update_access(login, cast, projects, key, who, status):
    response = _get(login, cast, who, reverse("projects:project-update", args=[projects[key].pk]))
    assert response.status_code == status
    if status == 302:
        assert "/connexion/" in response["Location"]


def test_a_submitted_project_is_read_only_to_its_partner_with_a_french_message(login, cast, projects):
    response = _get(login, cast, "alice", reverse("projects:project-update", args=[projects["submitted_a"].pk]))
    assert response.status_code == 403
    assert "ne se modifie plus" in response.content.decode()


@pytest.mark.parametrize("key, who, status", _matrix(SUBMIT))
def test_project_submit_access(login, cast, projects, key, who, status):
    response = _post(login, cast, who, reverse("projects:project-submit", args=[projects[key].pk]))
    assert response.status_code == status
    projects[key].refresh_from_db()
    assert projects[key].status == {"draft_a": "draft", "submitted_a": "submitted", "accepted_b": "accepted"}[key]


@pytest.mark.parametrize("key, who, status", _matrix(COMMENT))
def test_project_comment_access(login, cast, projects, key, who, status):
    response = _post(
        login, cast, who, reverse("projects:project-comment-create", args=[projects[key].pk]), {"text": "Bonjour"}
    )
    assert response.status_code == status
    assert projects[key].comments.count() == (1 if status == 302 and who != "anonymous" else 0)


@pytest.mark.parametrize("name", ["projects:project-submit", "projects:project-comment-create"])
def test_post_only_views_refuse_get(login, cast, projects, name):
    assert _get(login, cast, "alice", reverse(name, args=[projects["draft_a"].pk])).status_code == 405
