"""The confidentiality-incident register: the eight things the regulation requires, kept five years, never deleted."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacy import services
from privacy.models import ConfidentialityIncident

FORM = {
    "information_involved": "Noms et courriels de 42 citoyens du chantier logement",
    "circumstances": "Une liste envoyée par erreur à un organisme externe.",
    "occurred_on": "2026-03-02",
    "discovered_on": "2026-03-04",
    "people_affected": "42",
    "risk_assessment": "Renseignements peu sensibles; le destinataire a confirmé la suppression.",
    "measures_taken": "Rappel du courriel, confirmation écrite de destruction, formation de l'équipe.",
    "people_notified_on": "2026-03-06",
}


def _record(cast, **overrides):
    fields = {
        "information_involved": "Courriels",
        "circumstances": "Erreur d'envoi",
        "occurred_on": datetime.date(2026, 3, 2),
        "discovered_on": datetime.date(2026, 3, 4),
        "people_affected": 3,
        "risk_assessment": "Faible",
        "measures_taken": "Rappel",
        **overrides,
    }
    return services.incident_record(by=cast.coordinator, **fields)


def test_a_coordinator_records_an_incident_kept_five_years(login, cast):
    client = login(cast.coordinator)
    response = client.post(reverse("privacy:incident-create"), FORM)
    incident = ConfidentialityIncident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    assert incident.kept_until == datetime.date(2031, 3, 4)
    assert (incident.people_affected, incident.people_notified_on, incident.recorded_by) == (
        42,
        datetime.date(2026, 3, 6),
        cast.coordinator,
    )
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "2031-03-04" in page
    listing = client.get(reverse("privacy:incident-list")).content.decode()
    assert listing.count('data-testid="incident"') == 1 and "2031-03-04" in listing


def test_notices_are_added_later(login, cast):
    incident = _record(cast)
    login(cast.coordinator).post(
        incident.get_absolute_url(),
        {
            **FORM,
            "people_affected": "3",
            "cai_notified_on": "2026-03-10",
            "serious_risk": "on",
        },
    )
    incident.refresh_from_db()
    assert (incident.cai_notified_on, incident.serious_risk, incident.kept_until) == (
        datetime.date(2026, 3, 10),
        True,
        datetime.date(2031, 3, 4),
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"discovered_on": "2026-03-01"}, "L'incident ne peut pas avoir été découvert avant d'avoir eu lieu."),
        ({"people_affected": "-3"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"measures_taken": ""}, "Ce champ est obligatoire."),
        ({"cai_notified_on": "2026-03-01"}, "Un avis ne peut précéder la prise de connaissance de l'incident."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_saved(login, cast, overrides, message):
    response = login(cast.coordinator).post(reverse("privacy:incident-create"), {**FORM, **overrides})
    assert message in html.unescape(response.content.decode())
    assert not ConfidentialityIncident.objects.exists()


def test_a_future_date_is_refused(login, cast):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login(cast.coordinator).post(reverse("privacy:incident-create"), {**FORM, "discovered_on": tomorrow})
    assert "Cette date ne peut pas être dans le futur." in response.content.decode()
    assert not ConfidentialityIncident.objects.exists()


def test_the_register_cannot_be_deleted_in_code(cast):
    incident = _record(cast)
    with pytest.raises(ValidationError):
        incident.delete()
    with pytest.raises(ValidationError):
        ConfidentialityIncident.objects.all().delete()
    assert ConfidentialityIncident.objects.count() == 1


def test_the_register_cannot_be_deleted_in_the_admin(client, cast, django_user_model):
    incident = _record(cast)
    admin = django_user_model.objects.create_superuser("racine", "racine@example.org", "x")
    client.force_login(admin)
    url = reverse("admin:privacy_confidentialityincident_delete", args=[incident.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:privacy_confidentialityincident_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert ConfidentialityIncident.objects.count() == 1


def test_no_role_holds_the_delete_permission(cast):
    from django.contrib.auth.models import Permission

    delete = Permission.objects.get(codename="delete_confidentialityincident")
    assert not delete.group_set.exists()


def test_the_admin_records_through_the_same_rules(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(reverse("admin:privacy_confidentialityincident_add"), FORM)
    assert response.status_code == 302
    incident = ConfidentialityIncident.objects.get()
    assert (incident.kept_until, incident.recorded_by) == (datetime.date(2031, 3, 4), cast.coordinator)
