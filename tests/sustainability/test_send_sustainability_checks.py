"""The daily job: checks created when due (6 and 12 months after the final report), e-mailed once to the lead."""

import datetime
from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.management import call_command

from outbox.jobs import JOBS
from projects.models import ProjectStatus
from sustainability.models import SustainabilityCheck
from sustainability.services import add_months, sustainability_checks_send
from tests import factories as f
from tests.sustainability.conftest import FILED, final_report


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(datetime.date(2014, 5, 31), 6) == datetime.date(2014, 11, 30)
    assert add_months(datetime.date(2014, 8, 31), 6) == datetime.date(2015, 2, 28)
    assert add_months(datetime.date(2014, 5, 31), 12) == datetime.date(2015, 5, 31)
    assert add_months(datetime.date(2014, 1, 15), -6) == datetime.date(2013, 7, 15)


def _project_with_final_report(cast, theme, day=FILED):
    for user, address in ((cast.alice, "alice@example.org"), (cast.bob, "bob@example.org")):
        user.email = address
        user.save()
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.COMPLETED)
    final_report(project, day)
    return project


def test_the_check_is_created_and_sent_once_six_months_after(cast, theme, django_capture_on_commit_callbacks):
    project = _project_with_final_report(cast, theme)
    with django_capture_on_commit_callbacks(execute=True):
        early = sustainability_checks_send(today=datetime.date(2014, 11, 29))
    assert early["created"] == 0 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        result = sustainability_checks_send(today=datetime.date(2014, 11, 30), base_url="https://asis.example.org")
    check = SustainabilityCheck.objects.get(project=project)
    assert (check.months, check.due_on, result["created"]) == (6, datetime.date(2014, 11, 30), 1)
    assert check.sent_at is not None
    [email] = mail.outbox
    assert email.to == [cast.alice.email]  # the responsable (bob is a plain member)
    assert project.title in email.subject
    assert f"https://asis.example.org/{theme.plan.alliance.slug}/suivis-durabilite/{check.pk}/" in email.body
    assert "continue" in email.body
    # never twice: the next days send nothing
    with django_capture_on_commit_callbacks(execute=True):
        again = sustainability_checks_send(today=datetime.date(2014, 12, 1))
    assert (again["created"], again["sent"], len(mail.outbox)) == (0, [], 1)
    assert SustainabilityCheck.objects.filter(project=project).count() == 1


def test_the_twelve_month_check_follows(cast, theme):
    project = _project_with_final_report(cast, theme)
    sustainability_checks_send(today=datetime.date(2014, 12, 1))
    sustainability_checks_send(today=datetime.date(2015, 6, 2))
    assert list(
        SustainabilityCheck.objects.filter(project=project).order_by("months").values_list("months", "due_on")
    ) == [
        (6, datetime.date(2014, 11, 30)),
        (12, datetime.date(2015, 5, 31)),
    ]


def test_a_check_due_long_ago_is_not_created(cast, theme):
    """The portal's first run sends nothing about projects that ended years ago."""
    _project_with_final_report(cast, theme)
    assert sustainability_checks_send(today=datetime.date(2016, 1, 1))["created"] == 0
    assert not SustainabilityCheck.objects.exists()


def test_an_organisation_without_address_waits(cast, theme):
    _project_with_final_report(cast, theme)
    for user in (cast.alice, cast.bob):
        user.email = ""
        user.save()
    result = sustainability_checks_send(today=datetime.date(2014, 12, 1))
    assert result["sent"] == [] and len(result["without_address"]) == 1
    assert SustainabilityCheck.objects.get().sent_at is None and not mail.outbox


def test_dry_run_creates_and_sends_nothing(cast, theme):
    _project_with_final_report(cast, theme)
    out = StringIO()
    call_command("send_sustainability_checks", dry_run=True, stdout=out)
    assert "[essai]" in out.getvalue()
    assert not SustainabilityCheck.objects.exists() and not mail.outbox


def test_the_command_is_a_daily_job_of_the_worker(cast, theme):
    assert "send_sustainability_checks" in JOBS
    assert 0 <= settings.WORKER_JOB_HOURS["send_sustainability_checks"] <= 23
    out = StringIO()
    JOBS["send_sustainability_checks"](out)
    assert "suivi(s) créé(s)" in out.getvalue()


def test_each_recipient_gets_the_follow_up_in_the_language_they_chose(
    client, cast, theme, django_capture_on_commit_callbacks
):
    """An English-preferring responsable (their choice with the portal's switcher, kept on their account) gets the
    English e-mail; a French-speaking one the French, each their own message."""
    from organisations.models import Membership

    project = _project_with_final_report(cast, theme)
    Membership.objects.filter(user=cast.bob, organisation=cast.org_a).update(role=Membership.Role.RESPONSABLE)
    client.force_login(cast.bob)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cast.bob.refresh_from_db()
    assert cast.bob.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        sustainability_checks_send(today=datetime.date(2014, 11, 30))
    by_address = {tuple(email.to): email for email in mail.outbox}
    assert set(by_address) == {(cast.alice.email,), (cast.bob.email,)}
    assert by_address[(cast.bob.email,)].subject == f"ASIS: what has become of “{project.title}”?"
    assert "Il y a 6 mois" not in by_address[(cast.bob.email,)].body
    assert by_address[(cast.alice.email,)].subject == f"ASIS : que devient « {project.title} »?"
    # back to French with the switcher: the portal's own language, kept blank
    client.post("/i18n/setlang/", {"language": settings.LANGUAGE_CODE, "next": "/"})
    cast.bob.refresh_from_db()
    assert cast.bob.language == ""
