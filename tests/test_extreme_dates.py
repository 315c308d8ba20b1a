"""Every page survives an extreme date stored without a form (issue 15, break 7).

Forms bound every date (asis.forms, plans.models.plan_date_bounds), but a row may come from the admin,
a script or an older version: year 9999 on every meeting, project, report, follow-up, seat and privacy
entry of the demo must not make any page, feed or export answer 500 (a date's "next day" overflows)."""

import datetime

import pytest

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from chantiers.models import FollowUp, Meeting, SpaceMembership
from organisations.models import Citizen, Membership, User
from plans.models import MobilisationActivity
from privacy.models import ConfidentialityIncident, PrivacyRequest
from projects.models import ActionProject, BoardDecision, ProgressReport, ReportDeadline
from tests.page_matrix import ROLES, actual_matrix, html_pages

pytestmark = pytest.mark.django_db


def _store_everywhere(day: datetime.date) -> None:
    """Bare updates, as a script would (the ledger's tables refuse updates on PostgreSQL: left as they are)."""
    Meeting.objects.update(date=day)
    ActionProject.objects.update(start_date=day, end_date=day)
    FollowUp.objects.update(due_on=day)
    ReportDeadline.objects.update(due_on=day)
    ProgressReport.objects.update(period_start=day, period_end=day)
    BoardDecision.objects.update(decided_on=day)
    SpaceMembership.objects.update(joined_on=day)
    Membership.objects.update(joined_on=day)
    MobilisationActivity.objects.update(period_start=day, period_end=day, held_on=day)
    Citizen.objects.exclude(consent_given_on=None).update(consent_given_on=day)
    PrivacyRequest.objects.update(received_on=day, due_on=day)
    ConfidentialityIncident.objects.update(occurred_on=day, discovered_on=day, kept_until=day)


@pytest.mark.parametrize("day", [datetime.date.max, datetime.date(1, 1, 1)], ids=["9999-12-31", "0001-01-01"])
@pytest.mark.guard
def test_no_page_answers_500_with_an_extreme_stored_date(day):
    clients = actual_matrix()
    asis = Alliance.objects.get(acronym="ASIS")  # the demo runs two alliances: ASIS's pages at its address
    _store_everywhere(day)
    errors = []
    for role in ROLES:
        for page in html_pages(role):
            status = clients[role].get(page.url).status_code
            if status >= 500:
                errors.append(f"{page}: {status}")
        if role != "anonymous":
            token = User.objects.get(username=role).calendar_token
            feed = clients["anonymous"].get(alliance_reverse(asis, "chantiers:meeting-feed", args=[token]))
            if feed.status_code != 200:
                errors.append(f"feed of {role}: {feed.status_code}")
    for name, args in [
        ("bilan:bilan-csv", ["projets"]),
        ("bilan:bilan-xlsx", []),
        ("bilan:open-data-csv", []),
        ("bilan:open-data-json", []),
    ]:
        response = clients["coordination"].get(alliance_reverse(asis, name, args=args), {"periode": "plan"})
        if response.status_code >= 500:
            errors.append(f"{name}: {response.status_code}")
        else:
            b"".join(response.streaming_content) if response.streaming else response.content  # a stream fails late
    assert not errors, "\n".join(errors)
