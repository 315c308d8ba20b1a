"""« Envoyer un rappel » for one report (issue 23, « À traiter »): Coordination e-mails the lead organisation about a
report late or due; once a day at most; never about a report filed, for a closed plan, or by anyone else."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan
from projects.models import ReportDeadline
from projects.services import reports as report_services
from tests import factories as f
from tests.projects.report_helpers import WHO, page, report_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(cast, reporting):
    cast.alice.email = "alice@example.org"
    cast.alice.save()
    return f.make_deadline(
        reporting.project, due_on=timezone.localdate() - datetime.timedelta(days=12), label="Étape 1"
    )


def remind(client, deadline, **data):
    return client.post(reverse("projects:deadline-remind", args=[deadline.pk]), data)


@pytest.mark.parametrize("who, status", list(zip(WHO, [302, 403, 403, 403, 403, 403, 302], strict=True)))
def test_only_coordination_sends_a_reminder(
    client, login, cast, reporting, late, who, status, django_capture_on_commit_callbacks
):
    user = {"dave": reporting.dave, **vars(cast)}[who]
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(login(user), late)
    assert response.status_code == status
    sent = who == "coordinator"
    assert len(mail.outbox) == int(sent)
    assert (ReportDeadline.objects.get(pk=late.pk).reminded_on is not None) is sent


def test_the_reminder_names_the_report_and_its_page(client, cast, reporting, late, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(client, late, next="/")
    assert response["Location"] == "/"
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"] and "Organisme A" in message.subject
    assert (
        "Cuisines collectives — Rapport d'étape (Étape 1)" in message.body and "en retard de 12 jours" in message.body
    )
    assert f"http://testserver/projets/{reporting.project.pk}/" in message.body


def test_a_reminder_goes_back_only_to_the_portals_own_pages(client, cast, late):
    client.force_login(cast.coordinator)
    assert remind(client, late, next="https://ailleurs.example.org/")["Location"] == reverse("projects:report-late")


def test_no_reminder_for_a_report_filed(client, cast, reporting, late):
    report_services.report_create(project=reporting.project, by=cast.alice, deadline=late, **report_fields())
    client.force_login(cast.coordinator)
    response = client.post(reverse("projects:deadline-remind", args=[late.pk]), follow=True)
    assert "Ce rapport n'est plus attendu : aucun rappel n'est envoyé." in page(response)
    assert mail.outbox == []


def test_a_get_sends_nothing(client, cast, late):
    client.force_login(cast.coordinator)
    assert client.get(reverse("projects:deadline-remind", args=[late.pk])).status_code == 405
    assert mail.outbox == []


def test_a_closed_plans_report_is_not_reminded(client, cast, late, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    client.force_login(cast.coordinator)
    response = remind(client, late)
    assert response.status_code == 403 and "Ce plan est terminé" in page(response)
    assert mail.outbox == []
