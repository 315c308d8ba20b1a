"""Tokens (issue 22, part 3): issued by Coordination (any role of its alliance) or by the regional funder (its own),
shown once and kept only as a hash, revoked never deleted; a revoked, expired or orphaned token opens nothing."""

import datetime

import pytest
from django.utils import timezone

from alliances.models import AllianceRole
from api.models import ApiToken, key_hash
from organisations.models import User
from tests.api.conftest import ASIS, SECOND, bearer

pytestmark = pytest.mark.django_db

PAGE = f"/{ASIS}/jetons-api/"
API = "/api/v1/projets/"


def _login(client, username):
    client.force_login(User.objects.get(username=username))


def test_coordination_issues_a_token_shown_once_and_kept_as_a_hash(client, demo):
    _login(client, "coordination")
    response = client.post(PAGE, {"name": "Tableau Power BI", "role": "personnel", "expires_on": ""})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("asis_") and len(secret) > 40
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    token = ApiToken.objects.get(name="Tableau Power BI")
    assert (token.role, token.alliance.slug, token.issued_by.username) == ("personnel", ASIS, "coordination")
    assert token.key_hash == key_hash(secret) and secret not in str(list(ApiToken.objects.values()))
    assert secret not in client.get(PAGE).content.decode()  # never shown again
    assert client.get(API, **bearer(secret)).status_code == 200


def test_the_regional_funder_issues_its_own_role_only_and_sees_its_own_tokens(client, demo):
    _login(client, "region")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert [value for value, _label in page.context["form"].fields["role"].choices if value] == ["funder"]
    # the demo's token was issued by Coordination: not the funder's to see
    assert not list(page.context["tokens"])
    response = client.post(PAGE, {"name": "Mon tableau", "role": "coordination"})
    assert "Choisissez un rôle de la liste." in response.content.decode()
    assert not ApiToken.objects.filter(name="Mon tableau").exists()
    response = client.post(PAGE, {"name": "Mon tableau", "role": "funder"})
    assert response.context["secret"]
    assert [t.name for t in client.get(PAGE).context["tokens"]] == ["Mon tableau"]


@pytest.mark.parametrize("username", ["personnel", "partenaire", "partenaire2", "coordination2"])
def test_others_may_not_open_the_register(client, demo, username):
    _login(client, username)
    assert client.get(PAGE).status_code == 403
    count = ApiToken.objects.count()
    assert client.post(PAGE, {"name": "x", "role": "funder"}).status_code == 403
    assert ApiToken.objects.count() == count


def test_anonymous_is_sent_to_sign_in(client, demo):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "role": "funder"}, "Nommez le jeton : à quoi sert-il?"),
        ({"name": "x", "role": ""}, "Choisissez le rôle du jeton."),
        ({"name": "x", "role": "superuser"}, "Choisissez un rôle de la liste."),
        ({"name": "x", "role": "funder", "expires_on": "2020-01-01"}, "La date d&#x27;expiration est passée"),
        ({"name": "x", "role": "funder", "expires_on": "demain"}, "Entrez une date valide (AAAA-MM-JJ)."),
        ({"name": "x" * 101, "role": "funder"}, "100 caractères"),
        ({"name": "x", "role": "funder", "expires_on": "4175-08-30"}, "dans les 5 prochaines années"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(client, demo, data, error):
    _login(client, "coordination")
    count = ApiToken.objects.count()
    response = client.post(PAGE, data)
    assert response.status_code == 200 and response.context["secret"] is None
    assert error in response.content.decode()
    assert "Il y a un problème" in response.content.decode()
    assert ApiToken.objects.count() == count


def test_revoking_closes_the_token_at_once_and_keeps_it(client, issue):
    secret = issue(ASIS, "funder")
    token = ApiToken.objects.get(key_hash=key_hash(secret))
    assert client.get(API, **bearer(secret)).status_code == 200
    _login(client, "coordination")
    response = client.post(f"{PAGE}{token.pk}/revoquer/", follow=True)
    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_by.username == "coordination" and token.revoked_at
    client.logout()
    response = client.get(API, **bearer(secret))
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton inconnu, révoqué ou expiré."}


def test_the_funder_revokes_its_own_token_not_coordinations(client, issue, demo):
    _login(client, "region")
    client.post(PAGE, {"name": "Le mien", "role": "funder"})
    own = ApiToken.objects.get(name="Le mien")
    others = ApiToken.objects.get(key_hash=key_hash(issue(ASIS, "funder")))
    assert client.post(f"{PAGE}{others.pk}/revoquer/").status_code == 404
    others.refresh_from_db()
    assert others.revoked_at is None
    assert client.post(f"{PAGE}{own.pk}/revoquer/").status_code == 302
    own.refresh_from_db()
    assert own.revoked_at is not None


def test_another_alliances_token_is_not_found_at_this_alliances_address(client, issue):
    second = ApiToken.objects.get(key_hash=key_hash(issue(SECOND, "coordination")))
    _login(client, "coordination")
    assert client.post(f"{PAGE}{second.pk}/revoquer/").status_code == 404
    second.refresh_from_db()
    assert second.revoked_at is None


def test_an_expired_token_opens_nothing(client, issue, time_machine):
    secret = issue(ASIS, "coordination", expires_on=timezone.localdate() + datetime.timedelta(days=1))
    assert client.get(API, **bearer(secret)).status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(days=3))
    assert client.get(API, **bearer(secret)).status_code == 401


def test_a_token_dies_with_its_issuers_right(client, issue):
    """Coordination's token stops when its issuer's role in the alliance ends, or their account is closed."""
    secret = issue(ASIS, "personnel")
    assert client.get(API, **bearer(secret)).status_code == 200
    AllianceRole.objects.filter(user__username="coordination", alliance__slug=ASIS).update(
        ended_on=timezone.localdate()
    )
    assert client.get(API, **bearer(secret)).status_code == 401


def test_a_funders_token_dies_when_the_funder_is_no_longer_one(client, demo):
    _login(client, "region")
    secret = client.post(PAGE, {"name": "Le mien", "role": "funder"}).context["secret"]
    client.logout()
    assert client.get(API, **bearer(secret)).status_code == 200
    User.objects.filter(username="region").update(is_active=False)
    assert client.get(API, **bearer(secret)).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Bearer asis_inconnu", "Token x", "Basic dXNlcjpwYXNz", "Bearer \xe9"]
)
def test_a_bad_authorization_header_opens_nothing(client, demo, header):
    response = client.get(API, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_use_is_recorded_without_a_write_per_request(client, issue, django_assert_num_queries):
    secret = issue(ASIS, "funder")
    token = ApiToken.objects.get(key_hash=key_hash(secret))
    assert token.last_used_at is None
    client.get(API, **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(API, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first  # within 5 minutes: not written again


def test_the_register_and_the_documentation_read_a_bounded_number_of_queries(client, issue):
    """The register reads its tokens with their issuer and revoker in one query: 3 tokens or 13, the same count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    _login(client, "coordination")
    for _ in range(3):
        issue(ASIS, "funder")
    few = (counted(PAGE), counted("/api/"))
    for _ in range(10):
        issue(ASIS, "personnel")
    assert (counted(PAGE), counted("/api/")) == few
