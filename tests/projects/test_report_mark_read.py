"""« Marquer comme lu »: Coordination and staff mark a report read (issue 23, « À traiter »); its readers among the
partners read it without marking it; a closed plan's reports change no more."""

import pytest
from django.urls import reverse

from plans.models import Plan
from projects.services import reports as report_services
from tests.projects.report_helpers import WHO, page, report_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cast, reporting):
    return report_services.report_create(project=reporting.project, by=cast.alice, **report_fields())


def who_is(cast, reporting, who):
    return {"dave": reporting.dave, **vars(cast)}[who]


@pytest.mark.parametrize(
    "who, status",
    # the lead and the partner read the report but do not mark it; outsiders do not see it; the visitor signs in
    list(zip(WHO, [302, 403, 403, 404, 403, 302, 302], strict=True)),
)
def test_who_marks_a_report_read(client, login, cast, reporting, report, who, status):
    response = login(who_is(cast, reporting, who)).post(reverse("projects:report-mark-read", args=[report.pk]))
    assert response.status_code == status
    report.refresh_from_db()
    assert (report.read_at is not None) is (status == 302 and who != "anonymous")


def test_the_first_reader_is_kept(client, cast, report):
    client.force_login(cast.staff)
    response = client.post(reverse("projects:report-mark-read", args=[report.pk]))
    assert response["Location"] == reverse("projects:report-detail", args=[report.pk])
    first = report.__class__.objects.get(pk=report.pk)
    client.force_login(cast.coordinator)
    client.post(reverse("projects:report-mark-read", args=[report.pk]))
    again = report.__class__.objects.get(pk=report.pk)
    assert (again.read_by, again.read_at) == (cast.staff, first.read_at)
    assert [h.read_by_id for h in again.history.order_by("history_date")] == [None, cast.staff.pk]  # one change


def test_the_report_page_offers_the_button_until_it_is_read(client, cast, report):
    client.force_login(cast.coordinator)
    url = reverse("projects:report-detail", args=[report.pk])
    assert "Pas encore lu." in page(client.get(url)) and "Marquer comme lu" in page(client.get(url))
    client.post(reverse("projects:report-mark-read", args=[report.pk]))
    text = page(client.get(url))
    assert "Marquer comme lu" not in text and "par coordo" in text
    client.force_login(cast.alice)  # the lead reads its report; whether the coordination read it is not its page's
    assert "Lu par la coordination" not in page(client.get(url))


def test_a_get_changes_nothing(client, cast, report):
    client.force_login(cast.coordinator)
    assert client.get(reverse("projects:report-mark-read", args=[report.pk])).status_code == 405


def test_a_closed_plans_report_is_not_marked(client, cast, report, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    client.force_login(cast.coordinator)
    response = client.post(reverse("projects:report-mark-read", args=[report.pk]))
    assert response.status_code == 403 and "Ce plan est terminé" in page(response)
    report.refresh_from_db()
    assert report.read_at is None
    assert "Marquer comme lu" not in page(client.get(reverse("projects:report-detail", args=[report.pk])))
