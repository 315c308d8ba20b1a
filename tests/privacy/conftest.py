"""Fixtures of the privacy tests. `trail`: a citizen and a partner with a real trail in the portal —
seats, attendance, consents, a progress report written — so the privacy exports and erasures have something to keep."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from chantiers.models import Attendance, SpaceCitizen
from privacy import services
from privacy.models import Consent, ConsentPurpose
from projects.models import ProjectStatus
from projects.services import reports as report_services
from tests import factories as f


@pytest.fixture(name="trail")
def trail_fixture(cast, theme):
    """Réjeanne Côté (a citizen) and alice (a partner), each with seats, attendance, consents; alice wrote a report."""
    space = f.make_space(themes=[theme], name="Chantier logement")
    citizen = f.make_citizen(
        first_name="Réjeanne",
        last_name="Côté",
        email="rejeanne@example.org",
        phone="819 555-0101",
        neighbourhood="Évain",
        notes="Préfère les rencontres du soir.",
    )
    seat = SpaceCitizen.objects.create(space=space, citizen=citizen, joined_on=datetime.date(2014, 1, 10))
    meetings = [f.make_meeting(space, date=datetime.date(2014, month, 5)) for month in (2, 3, 4)]
    for meeting in meetings:
        Attendance.objects.create(meeting=meeting, citizen=citizen)
        Attendance.objects.create(meeting=meeting, user=cast.alice, organisation=cast.org_a)
    services.consent_give(
        person=citizen, purpose=ConsentPurpose.CONTACT, source=Consent.Source.COORDINATION, by=cast.coordinator
    )
    cast.alice.first_name, cast.alice.last_name, cast.alice.email = "Alice", "Bélanger", "alice@example.org"
    cast.alice.phone = "819 555-0202"
    cast.alice.save()
    services.consent_give(person=cast.alice, purpose=ConsentPurpose.NEWS, source=Consent.Source.SIGNUP, by=cast.alice)
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.IN_PROGRESS,
        by=cast.coordinator,
        title="Cuisines collectives d'Évain",
    )
    report = report_services.report_create(
        project=project,
        by=cast.alice,
        period_start=datetime.date(2014, 4, 1),
        period_end=datetime.date(2014, 9, 30),
        percent_done=40,
        narrative="Douze ateliers.",
        people_reached=30,
        citizens_reached=12,
        expenses=Decimal("5250.50"),
    )
    return SimpleNamespace(
        space=space, citizen=citizen, seat=seat, meetings=meetings, project=project, report=report, user=cast.alice
    )
