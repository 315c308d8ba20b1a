"""A token reads what its role reads on the pages, never more (issue 22, part 3): the authorization matrix's answers
for the demo person holding that role in that alliance decide the API's; each project a token lists opens for that
person; a token of one alliance reads nothing of the other; personal information only for the roles that read it."""

import json

import pytest
from django.test import Client

from alliances.addresses import alliance_reverse
from organisations.models import Citizen, User
from projects.models import ActionProject
from tests.api.conftest import ASIS, SECOND, bearer
from tests.page_matrix import LOGIN, MATRIX
from tests.page_matrix_alliances import ON_ASIS, ON_SECOND

pytestmark = pytest.mark.django_db

# Each list of the API and the page that shows the same rows
TWINS = {
    "/api/v1/projets/": "projects:project-list",
    "/api/v1/engagements/": "budget:commitments",
    "/api/v1/versements/": "budget:payments",
    "/api/v1/indicateurs/": "plans:shared-indicator-list",
    "/api/v1/bilan/": "bilan:bilan",
}
# (alliance, token role) → the demo person who holds that role there, and where the matrix keeps their answers
HOLDERS = {
    (ASIS, "coordination"): "coordination",
    (ASIS, "personnel"): "personnel",
    (ASIS, "funder"): "region",
    (SECOND, "coordination"): "coordination2",
    (SECOND, "funder"): "region",
}
ROLES = ("anonymous", "partenaire", "partenaire2", "personnel", "coordination")
SECOND_ROLES = ("anonymous", "partenaire", "partenaire2", "personnel", "coordination", "coordination2", "region")


def page_answer(slug, person, page):
    """What the authorization matrix says `person` gets on `page` of the alliance."""
    if slug == ASIS:
        if person in ROLES:
            return next(answers for name, obj, answers in MATRIX if name == page and obj is None)[ROLES.index(person)]
        return ON_ASIS[(page, None)][("coordination2", "region").index(person)]
    answers = next(answers for name, obj, answers in ON_SECOND if name == page and obj is None)
    return answers[SECOND_ROLES.index(person)]


@pytest.mark.parametrize(("slug", "role"), list(HOLDERS))
def test_a_token_gets_what_its_role_gets_on_the_twin_page(client, issue, slug, role):
    secret = issue(slug, role)
    for path, page in TWINS.items():
        expected = page_answer(slug, HOLDERS[(slug, role)], page)
        assert expected in (200, 403, LOGIN), (page, expected)
        got = client.get(path, **bearer(secret)).status_code
        assert got == expected, f"{path} with a {role} token of {slug}: {got}, the page {page} answers {expected}"


@pytest.mark.parametrize(("slug", "role"), list(HOLDERS))
def test_each_project_a_token_lists_opens_for_its_role_and_none_is_left_out(issue, slug, role):
    """Object by object: every project the token lists, its role's person opens on the pages; every other project of
    the alliance, that person does not see in the projects' list of the pages."""
    secret = issue(slug, role)
    api = Client()
    listed = {row["id"] for row in api.get("/api/v1/projets/?taille=1000", **bearer(secret)).json()["results"]}
    person = Client()
    person.force_login(User.objects.get(username=HOLDERS[(slug, role)]))
    alliance_projects = ActionProject.objects.filter(theme__plan__alliance__slug=slug)
    assert listed <= set(alliance_projects.values_list("pk", flat=True))
    for project in alliance_projects.select_related("theme__plan__alliance"):
        url = alliance_reverse(project.theme.plan.alliance, "projects:project-detail", kwargs={"pk": project.pk})
        answer = person.get(url).status_code
        if project.pk in listed:
            assert answer == 200, f"{project} listed for a {role} token, its page answers {answer}"
        else:
            assert answer != 200, f"{project} opens for the {role}'s person but the token does not list it"


def test_a_token_of_one_alliance_reads_nothing_of_the_other(client, issue):
    asis = issue(ASIS, "coordination")
    second = issue(SECOND, "coordination")
    for path in TWINS:
        if path == "/api/v1/bilan/":
            continue
        asis_ids = {row["id"] for row in client.get(path + "?taille=1000", **bearer(asis)).json()["results"]}
        second_ids = {row["id"] for row in client.get(path + "?taille=1000", **bearer(second)).json()["results"]}
        assert asis_ids and second_ids, path
        assert not asis_ids & second_ids, path
    themes = lambda secret: {  # noqa: E731
        (row["plan"], row["enjeu"]) for row in client.get("/api/v1/bilan/", **bearer(secret)).json()["results"]
    }
    from plans.models import Theme

    assert themes(asis) == set(Theme.objects.filter(plan__alliance__slug=ASIS).values_list("plan__slug", "slug"))
    assert themes(second) == set(Theme.objects.filter(plan__alliance__slug=SECOND).values_list("plan__slug", "slug"))


def _people():
    """Every demo person's name and e-mail, and the citizens'."""
    words = set()
    for user in User.objects.all():
        words |= {user.email, user.get_full_name()} - {""}
    for citizen in Citizen.objects.all():
        words |= {f"{citizen.first_name} {citizen.last_name}", citizen.email or ""} - {""}
    return words


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_no_personal_information_for_the_regional_funder(client, issue, fmt):
    secret = issue(ASIS, "funder")
    people = _people()
    for path in TWINS:
        response = client.get(f"{path}?format={fmt}&taille=1000", **bearer(secret))
        body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
        if fmt == "json":
            body = json.dumps(json.loads(body), ensure_ascii=False)
        found = [person for person in people if person in body]
        assert not found, f"{path}: {found}"


def test_who_recorded_the_money_is_read_by_coordination_and_staff_only(client, issue):
    for role, named in (("coordination", True), ("personnel", True), ("funder", False)):
        secret = issue(ASIS, role)
        for path in ("/api/v1/engagements/", "/api/v1/versements/"):
            rows = client.get(path, **bearer(secret)).json()["results"]
            assert rows, path
            recorded = {row["saisi_par"] for row in rows}
            if named:
                assert None not in recorded and recorded <= {str(u) for u in User.objects.all()}, (role, recorded)
            else:
                assert recorded == {None}, (role, recorded)


def test_a_session_opens_nothing_of_the_api(client, demo):
    """A browser's signed-in session is no token: even Coordination's answers 401 (no cookie can be ridden)."""
    client.force_login(User.objects.get(username="coordination"))
    for path in TWINS:
        response = client.get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
