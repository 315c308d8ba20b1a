"""Who may open the privacy pages: the public page is everyone's; the register is Coordination's only."""

import pytest
from django.urls import reverse

from privacy.models import PrivacyRequest
from tests.privacy.privacy_helpers import COORDINATION_PAGES, person_kwargs


@pytest.mark.parametrize("name, who", COORDINATION_PAGES)
@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", "login"),
        ("alice", 403),
        ("bob", 403),
        ("charlie", 403),
        ("staff", 403),
        ("coordinator", 200),
    ],
)
def test_only_coordination_opens_the_register(login, cast, trail, name, who, role, expected):
    client = login(getattr(cast, role))
    open_ = client.post if "export" in name else client.get  # an export is logged, so it is a POST
    response = open_(reverse(name, kwargs=person_kwargs(trail, who)))
    if expected == "login":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected


def test_a_refused_export_leaves_no_trace(login, cast, trail):
    login(cast.staff).post(reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, "citizen")))
    assert not trail.citizen.privacy_actions.filter(action__startswith="export").exists()


def test_an_unknown_kind_of_person_is_not_found(login, cast, trail):
    response = login(cast.coordinator).get(
        reverse("privacy:privacy-person-detail", kwargs={"kind": "organisations", "pk": trail.citizen.pk})
    )
    assert response.status_code == 404


def test_a_partner_cannot_log_a_request(login, cast, trail):
    response = login(cast.alice).post(
        reverse("privacy:privacy-request-create", kwargs=person_kwargs(trail, "citizen")),
        {"kind": "access", "received_on": "2026-01-05"},
    )
    assert response.status_code == 403
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "alice", "staff", "coordinator"])
def test_the_privacy_page_is_public_and_names_the_officer(login, cast, settings, role):
    settings.PRIVACY_OFFICER_NAME = "Josée Lemire"
    settings.PRIVACY_OFFICER_TITLE = "Directrice générale, RNVVS"
    settings.PRIVACY_OFFICER_EMAIL = "vie-privee@rnvvs.example"
    response = login(getattr(cast, role)).get(reverse("privacy:privacy-policy"))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in ("Josée Lemire", "Directrice générale, RNVVS", "mailto:vie-privee@rnvvs.example"):
        assert expected in text


def test_the_privacy_page_shows_every_retention_period(client, db):
    from privacy import policy

    response = client.get(reverse("privacy:privacy-policy"))
    text = response.content.decode()
    assert text.count('data-testid="retention"') == len(policy.RETENTION)
    assert f"{policy.CITIZEN_INACTIVE_YEARS} ans après leur dernière activité" in text
    assert "5 ans après la prise de connaissance" in text


def test_the_footer_links_to_the_privacy_page(client, db):
    response = client.get(reverse("home"))
    assert f'href="{reverse("privacy:privacy-policy")}"' in response.content.decode()


def test_my_consents_asks_to_log_in(client, db):
    response = client.get(reverse("privacy:my-consents"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
