"""send_report_reminders: one French e-mail per organisation listing its reports due soon or late,
at most one reminder per deadline per week, a summary for cron, and --dry-run."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from organisations.models import Membership
from projects.models import ProjectStatus, ReportDeadline
from projects.services import reports as report_services
from projects.services import status as status_services
from tests import factories as f
from tests.projects.report_helpers import report_fields

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2014, 9, 17)  # a Wednesday


@pytest.fixture
def due(cast, theme):
    cast.alice.email = "alice@example.org"
    cast.alice.save()
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    cast.charlie.email = "charlie@example.org"
    cast.charlie.save()
    kitchens = f.make_project(
        lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Cuisines collectives"
    )
    housing = f.make_project(
        lead=cast.org_a, theme=theme, status=ProjectStatus.AGREEMENT_SIGNED, title="Logement d'abord"
    )
    garden = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Jardin partagé")
    return {
        "late": f.make_deadline(kitchens, due_on=TODAY - datetime.timedelta(days=5), label="Premier rapport"),
        "soon": f.make_deadline(housing, due_on=TODAY + datetime.timedelta(days=10)),
        "b_soon": f.make_deadline(garden, due_on=TODAY + datetime.timedelta(days=14), kind="final"),
        "far": f.make_deadline(kitchens, due_on=TODAY + datetime.timedelta(days=15)),
        "filed": f.make_deadline(kitchens, due_on=TODAY - datetime.timedelta(days=30)),
        "kitchens": kitchens,
    }


def run(*args):
    out = StringIO()
    call_command("send_report_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def test_one_email_per_organisation_to_its_responsables(cast, due, django_capture_on_commit_callbacks):
    report_services.report_create(project=due["kitchens"], by=cast.alice, deadline=due["filed"], **report_fields())
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "charlie@example.org"]  # not bob: a member
    to_a = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert to_a.subject == "ASIS : rapports à remettre pour « Organisme A »"
    assert (
        "Cuisines collectives — Rapport d'étape (Premier rapport), à remettre le 12 septembre 2014 (en retard de 5 jours)"
        in to_a.body
    )
    assert "Logement d'abord — Rapport d'étape, à remettre le 27 septembre 2014 (dans 10 jours)" in to_a.body
    assert "2 octobre 2014" not in to_a.body and "18 août 2014" not in to_a.body  # too far, and already filed
    to_b = next(m for m in mail.outbox if m.to == ["charlie@example.org"])
    assert "Jardin partagé — Rapport final" in to_b.body
    for key, reminded in (("late", TODAY), ("soon", TODAY), ("b_soon", TODAY), ("far", None), ("filed", None)):
        due[key].refresh_from_db()
        assert due[key].reminded_on == reminded, key
    assert "2 courriel(s) envoyé(s), 3 échéance(s) rappelée(s)" in out


def test_the_same_deadline_is_not_reminded_twice_the_same_week(
    cast, due, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert len(mail.outbox) == 2
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY + datetime.timedelta(days=4))  # Sunday
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    # Only the deadline that came within 14 days since Wednesday is news; the others were reminded this week.
    assert len(mail.outbox) == 3 and "1 courriel(s) envoyé(s), 1 échéance(s) rappelée(s)" in out
    assert "2 octobre 2014" in mail.outbox[2].body and "Premier rapport" not in mail.outbox[2].body
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY + datetime.timedelta(days=5))  # Monday
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    assert len(mail.outbox) == 5 and "Premier rapport" in mail.outbox[3].body + mail.outbox[4].body


def test_days_widens_the_window(cast, due, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("--days", "30")
    to_a = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert "2 octobre 2014" in to_a.body
    with django_capture_on_commit_callbacks(execute=True):
        run("--days", "0")
    assert len(mail.outbox) == 2


def test_dry_run_sends_nothing_and_notes_nothing(cast, due, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = run("--dry-run")
    assert mail.outbox == []
    assert not ReportDeadline.objects.filter(reminded_on__isnull=False).exists()
    assert "[essai] Organisme A : 3 échéance(s) → alice@example.org" in out and "2 courriel(s) à envoyer" in out


def test_members_are_written_to_when_no_responsable_has_an_address(cast, due, django_capture_on_commit_callbacks):
    cast.alice.email = ""
    cast.alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        run()
    assert ["bob@example.org"] in [m.to for m in mail.outbox]


def test_an_organisation_without_address_is_reported_and_not_marked(cast, due, django_capture_on_commit_callbacks):
    Membership.objects.filter(organisation=cast.org_b).update(left_on=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Organisme B : aucune adresse courriel" in out
    due["b_soon"].refresh_from_db()
    assert due["b_soon"].reminded_on is None


def test_withdrawn_projects_are_not_reminded(cast, due, django_capture_on_commit_callbacks):
    status_services.project_change_status(project=due["kitchens"], to_status=ProjectStatus.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    to_a = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert "Cuisines collectives" not in to_a.body


def test_a_final_report_closes_the_deadlines_left_open(cast, due, django_capture_on_commit_callbacks):
    for status in (ProjectStatus.COMPLETED, ProjectStatus.FINAL_REPORT):  # as the final report's filing does
        status_services.project_change_status(project=due["kitchens"], to_status=status)
    with django_capture_on_commit_callbacks(execute=True):
        run()
    to_a = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert "Cuisines collectives" not in to_a.body


def test_links_when_the_portal_address_is_given(cast, due, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("--base-url", "https://asis.example.org/")
    to_a = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert f"https://asis.example.org/projets/{due['kitchens'].pk}/" in to_a.body


def test_negative_days_are_refused():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="négatif"):
        run("--days", "-1")
