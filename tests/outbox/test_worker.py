"""The worker (`manage.py worker`): one pass sends the queue, runs the jobs whose hour has come (once a day, whatever
the number of workers) and records the heartbeat that /healthz reads. Time is frozen (time-machine)."""

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from post_office.models import STATUS, Email

from alliances.models import AllianceRole
from asis.mail import send_after_commit
from asis.models import JobRun
from asis.worker import worker_heartbeat
from outbox import jobs
from tests import factories as f

pytestmark = pytest.mark.django_db

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def at(hour, minute=0, day=27):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TORONTO)


@pytest.fixture
def ran(monkeypatch):
    """The jobs replaced by recorders (each job's own command is tested with it); `ran` lists the calls."""
    calls = []
    for name in jobs.JOBS:
        monkeypatch.setitem(jobs.JOBS, name, lambda out, name=name: calls.append(name))
    return calls


def worker_once():
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    return out.getvalue()


def test_a_pass_sends_the_queue_and_records_the_heartbeat(held, ran):
    assert worker_heartbeat() is None
    send_after_commit(to=["a@example.org"], subject="Objet", body="Texte")
    with time_machine.travel(at(0, 30), tick=False):
        output = worker_once()
    assert "1 envoyé(s)" in output and len(mail.outbox) == 1
    assert Email.objects.get().status == STATUS.sent
    assert worker_heartbeat() == at(0, 30)


def test_each_job_runs_from_its_hour_once_a_day(held, ran, settings):
    settings.WORKER_JOB_HOURS = {
        "backup": 1,
        "check_budget": 2,
        "check_figures": 2,
        "purge_personal_data": 3,
        "send_report_reminders": 7,
    }
    with time_machine.travel(at(0, 59), tick=False):
        worker_once()
    assert ran == []
    with time_machine.travel(at(2, 0), tick=False):
        worker_once()
        worker_once()  # a second worker, or the next pass: nothing twice
    assert ran == ["backup", "check_budget", "check_figures"]
    with time_machine.travel(at(9, 0), tick=False):
        worker_once()
    assert ran == ["backup", "check_budget", "check_figures", "purge_personal_data", "send_report_reminders"]
    with time_machine.travel(at(23, 59), tick=False):
        worker_once()
    assert len(ran) == 5
    with time_machine.travel(at(1, 0, day=28), tick=False):  # the next day
        worker_once()
    assert ran[5:] == ["backup"]
    assert JobRun.objects.filter(day=datetime.date(2026, 11, 27), succeeded=True).count() == 5


def test_a_worker_started_late_runs_the_days_jobs_at_once(held, ran):
    with time_machine.travel(at(15, 0), tick=False):
        worker_once()
    assert sorted(ran) == sorted(jobs.JOBS)


def test_a_job_another_worker_claimed_is_not_run(held, ran):
    JobRun.objects.create(job="backup", day=datetime.date(2026, 11, 27), started_at=at(1, 0))
    with time_machine.travel(at(1, 5), tick=False):
        worker_once()
    assert "backup" not in ran


def test_a_job_that_fails_is_noted_and_the_others_run(held, ran, monkeypatch):
    def broken(out):
        raise OSError("disque plein")

    monkeypatch.setitem(jobs.JOBS, "backup", broken)
    with time_machine.travel(at(8, 0), tick=False):
        output = worker_once()
    run = JobRun.objects.get(job="backup")
    assert run.succeeded is False and "OSError: disque plein" in run.output
    assert "Tâche backup : " in output and "en échec" in output
    assert sorted(ran) == [
        "check_budget",
        "check_figures",
        "purge_personal_data",
        "send_notification_digests",  # at 8 (issue 21, part 4)
        "send_report_reminders",
        "send_sustainability_checks",
    ]
    assert worker_heartbeat() == at(8, 0)


def test_the_nightly_backup_keeps_the_last_backup_keep(monkeypatch, settings):
    settings.BACKUP_KEEP = 9
    called = []
    monkeypatch.setattr(jobs, "call_command", lambda name, **options: called.append((name, options["keep"])))
    jobs.JOBS["backup"](StringIO())
    assert called == [("backup", 9)]


def test_the_reminders_link_to_the_portal(monkeypatch, settings):
    settings.PORTAL_URL = "https://asis.example.org"
    called = []
    monkeypatch.setattr(jobs, "call_command", lambda name, **options: called.append((name, options["base_url"])))
    jobs.JOBS["send_report_reminders"](StringIO())
    assert called == [("send_report_reminders", "https://asis.example.org")]


def test_a_failed_budget_check_emails_each_alliances_coordination(held, cast, plan, monkeypatch):
    other = f.make_plan()
    coordo2 = f.make_user("coordo2", email="coordo2@example.org")
    f.grant_role(coordo2, other.alliance, AllianceRole.Role.COORDINATION)
    cast.coordinator.email = "coordo@example.org"
    cast.coordinator.save()
    ended = f.make_user("ancien", email="ancien@example.org")
    f.grant_role(ended, plan.alliance, AllianceRole.Role.COORDINATION)
    AllianceRole.objects.filter(user=ended).update(ended_on=datetime.date(2026, 1, 1))

    def check_budget(name, stdout, stderr):
        stderr.write("Source « Centraide » : 100,00 $ tenus, 90,00 $ dans les écritures.\n")
        raise CommandError("1 solde(s) ne correspondent pas aux écritures.")

    monkeypatch.setattr(jobs, "call_command", check_budget)
    with time_machine.travel(at(2, 0), tick=False), pytest.raises(CommandError):
        jobs.JOBS["check_budget"](StringIO())
    emails = {email.alliance_link.alliance_id: email for email in Email.objects.select_related("alliance_link")}
    assert emails[plan.alliance_id].to == ["coordo@example.org"]  # the ended role is told nothing
    assert emails[other.alliance_id].to == ["coordo2@example.org"]
    assert "Centraide" in emails[plan.alliance_id].message and emails[plan.alliance_id].status == STATUS.queued


def test_the_budget_check_that_passes_emails_no_one(held, cast):
    out = StringIO()
    jobs.JOBS["check_budget"](out)
    assert "Tous les soldes correspondent" in out.getvalue()
    assert not Email.objects.exists()


def test_the_worker_command_takes_its_options():
    with pytest.raises(CommandError):
        call_command("worker", "--sleep", "abc")


def test_a_failed_figures_check_emails_each_alliances_coordination(held, cast, plan, theme):
    """The nightly check of the kept totals (figures) finds a row changed behind the services' back: the job fails
    and each alliance's Coordination is told what differs; nothing is rewritten."""
    from figures.models import ThemeProjects
    from projects.models import ProjectStatus

    cast.coordinator.email = "coordo@example.org"
    cast.coordinator.save()
    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    out = StringIO()
    jobs.JOBS["check_figures"](out)  # kept by the services: it passes and tells no one
    assert "Tous les totaux tenus correspondent" in out.getvalue() and not Email.objects.exists()

    ThemeProjects.objects.filter(theme=theme).update(projects=7)
    with pytest.raises(CommandError):
        jobs.JOBS["check_figures"](StringIO())
    email = Email.objects.get()
    assert email.to == ["coordo@example.org"] and "check_figures" in email.message
    assert f"ThemeProjects {plan.pk}/{theme.pk}/accepted: projects 7 != 1" in email.message
    assert ThemeProjects.objects.get(theme=theme, status="accepted").projects == 7
