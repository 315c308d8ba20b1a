"""The privacy register's dates within a sane range (issue 15, break 7): a French error, nothing saved, never a 500."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from privacy import services
from privacy.models import ConfidentialityIncident, PrivacyRequest
from tests.privacy.privacy_helpers import person_kwargs
from tests.privacy.test_incidents import FORM

WIDE = "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100."
ABSURD = ["9999-12-31", "9999-11-15", "1900-01-01"]


@pytest.mark.parametrize("day", ABSURD)
def test_a_request_received_on_an_absurd_date_is_refused(login, cast, trail, day):
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-request-create", kwargs=person_kwargs(trail, "user")),
        {"kind": "access", "received_on": day},
    )
    assert response.status_code == 400 and WIDE in html.unescape(response.content.decode())
    assert not PrivacyRequest.objects.exists()


@pytest.mark.parametrize(
    "field", ["occurred_on", "occurred_until", "discovered_on", "cai_notified_on", "people_notified_on"]
)
@pytest.mark.parametrize("day", ABSURD)
def test_an_incident_dated_absurdly_is_refused(login, cast, field, day):
    response = login(cast.coordinator).post(reverse("privacy:incident-create"), {**FORM, field: day})
    assert response.status_code in (200, 400) and WIDE in html.unescape(response.content.decode())
    assert not ConfidentialityIncident.objects.exists()


def test_the_service_refuses_a_discovery_in_year_9999_without_a_500(cast):
    """Keeping an entry five years after its discovery has no answer in year 9999: the future is refused first."""
    with pytest.raises(ValidationError) as error:
        services.incident_record(
            by=cast.coordinator,
            information_involved="Courriels",
            circumstances="Erreur",
            occurred_on=datetime.date(2026, 3, 2),
            discovered_on=datetime.date(9999, 12, 31),
            people_affected=3,
            risk_assessment="Faible",
            measures_taken="Rappel",
        )
    assert "discovered_on" in error.value.message_dict
    assert not ConfidentialityIncident.objects.exists()
