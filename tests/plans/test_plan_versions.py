"""The version of a plan's figures (plans.versions) moves with every kind of write that a plan-wide figure or the bilan
shows, once the write commits, for ITS plan only: another alliance's cached figures stay; a comment moves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from bilan import services as bilan_services
from bilan.services import ImportPreview, ProjectChange
from budget.services import ledger as ledger_services
from budget.services import sources as source_services
from budget.services import targets as target_services
from chantiers import services as space_services
from organisations.models import Membership
from plans import services as plan_services
from plans import versions
from plans.models import PlanVersion
from projects.models import ProjectStatus
from projects.services import filing as filing_services
from projects.services import reports as report_services
from projects.services import status as status_services
from tests import factories as f
from tests.projects.report_helpers import report_fields


class Side:
    """One alliance's plan with a theme, a source, a space, a meeting and an accepted project (and its lead's member)."""

    def __init__(self):
        self.plan = f.make_plan(status="current")
        self.theme = f.make_theme(self.plan)
        self.source = f.make_source(self.plan)
        self.space = f.make_space([self.theme])
        self.meeting = f.make_meeting(self.space)
        self.lead = f.make_organisation()
        self.member = f.make_user(organisation=self.lead, role=Membership.Role.RESPONSABLE)
        self.project = f.make_project(lead=self.lead, theme=self.theme, status=ProjectStatus.ACCEPTED)


@pytest.fixture
def mine(db):
    return Side()


@pytest.fixture
def theirs(db):
    return Side()


@pytest.fixture
def moved(django_capture_on_commit_callbacks):
    """The plans whose version `write()` moves once it commits (the set-up's writes never commit: the test's
    transaction is rolled back, so their hook is let go first)."""

    def run(write) -> set[int]:
        setattr(connection, versions._HOOK, None)
        before = dict(PlanVersion.objects.values_list("plan_id", "version"))
        with django_capture_on_commit_callbacks(execute=True):
            write()
            written = versions._open_writes("default")
            assert written is None or not written.done, "moved before the commit"
        after = dict(PlanVersion.objects.values_list("plan_id", "version"))
        return {pk for pk, version in after.items() if version != before.get(pk, 0)}

    return run


WRITES = {
    "project created": lambda s: filing_services.project_create(lead=s.lead, theme=s.theme, title="Nouveau"),
    "project updated": lambda s: filing_services.project_save_draft(by=None, project=s.project, title="Autre titre"),
    "status changed": lambda s: status_services.project_change_status(
        project=s.project, to_status=ProjectStatus.AGREEMENT_SIGNED
    ),
    "source created": lambda s: source_services.funding_source_create(
        plan=s.plan, code="nouvelle", name="Nouvelle", funder="Bailleur", amount="5000.00"
    ),
    "target set": lambda s: target_services.target_set(plan=s.plan, theme=s.theme, amount="1000.00"),
    "commitment": lambda s: f.commit(source=s.source, project=s.project, amount=Decimal("1000.00")),
    "space created": lambda s: space_services.space_create(themes=[s.theme], name="Nouveau lieu"),
    "seat taken": lambda s: space_services.space_seat_organisation(space=s.space, organisation=s.lead),
    "meeting scheduled": lambda s: space_services.meeting_schedule(space=s.space, date=datetime.date(2014, 6, 1)),
    "attendance": lambda s: space_services.attendance_record(meeting=s.meeting, organisations=[s.lead]),
    "decision": lambda s: space_services.decision_record(meeting=s.meeting, text="Décidé"),
    "threshold": lambda s: plan_services.plan_threshold_update(plan=s.plan, threshold=5),
}


@pytest.mark.parametrize("kind", WRITES)
def test_a_write_moves_its_plans_version_and_not_another_alliances(moved, mine, theirs, kind):
    assert moved(lambda: WRITES[kind](mine)) == {mine.plan.pk}


def test_a_payment_and_a_progress_report_move_their_plans_version(moved, mine, theirs):
    commitment = f.commit(source=mine.source, project=mine.project, amount=Decimal("1000.00"))
    assert moved(
        lambda: ledger_services.disbursement_create(
            commitment=commitment, amount=Decimal("400.00"), paid_on=datetime.date(2014, 7, 1)
        )
    ) == {mine.plan.pk}
    status_services.project_change_status(project=mine.project, to_status=ProjectStatus.AGREEMENT_SIGNED)
    status_services.project_change_status(project=mine.project, to_status=ProjectStatus.IN_PROGRESS)
    mine.project.refresh_from_db()
    assert moved(lambda: report_services.report_create(project=mine.project, by=mine.member, **report_fields())) == {
        mine.plan.pk
    }


def test_a_progress_import_moves_its_plans_version(moved, mine, theirs):
    preview = ImportPreview(
        period_start=datetime.date(2014, 4, 1),
        period_end=datetime.date(2014, 9, 30),
        changes=[
            ProjectChange(project_id=mine.project.pk, title=mine.project.title, percent_before=0, percent_after=50)
        ],
    )
    assert moved(lambda: bilan_services.progress_import_apply(preview=preview, by=mine.member)) == {mine.plan.pk}


def test_a_comment_moves_nothing(moved, mine, theirs):
    assert (
        moved(lambda: filing_services.project_comment_create(project=mine.project, author=mine.member, text="Bravo"))
        == set()
    )


def test_a_write_rolled_back_moves_nothing(moved, mine):
    def write_then_fail():
        try:
            with versions.transaction.atomic():
                status_services.project_change_status(project=mine.project, to_status=ProjectStatus.AGREEMENT_SIGNED)
                raise RuntimeError
        except RuntimeError:
            pass

    assert moved(write_then_fail) == set()


def test_until_its_transaction_commits_the_writer_reads_its_plans_figures_uncached(mine, theirs):
    setattr(connection, versions._HOOK, None)
    assert versions.plan_version(mine.plan.pk) == 0
    status_services.project_change_status(project=mine.project, to_status=ProjectStatus.AGREEMENT_SIGNED)
    assert versions.plan_version(mine.plan.pk) is None  # built, not cached: the rows are not committed
    assert versions.plan_version(theirs.plan.pk) == 0


def test_every_plans_version_moves_past_all_it_had_after_a_restore(mine, theirs):
    PlanVersion.objects.create(plan=mine.plan, version=7)
    versions.move_all()
    after = dict(PlanVersion.objects.values_list("plan_id", "version"))
    assert after[mine.plan.pk] > 7 and after[theirs.plan.pk] > 0
    versions.move_all()
    assert all(version > after[pk] for pk, version in PlanVersion.objects.values_list("plan_id", "version"))


def test_a_save_in_the_admin_moves_its_plans_version_and_not_another_alliances(moved, mine, theirs, admin_client):
    """The admin writes around the services: its ModelAdmin moves the version itself (plans.admin.PlanFiguresAdmin)."""
    year = mine.plan.years.get(number=1)

    def save():
        response = admin_client.post(
            reverse("admin:plans_planyear_change", args=[year.pk]),
            {
                "plan": mine.plan.pk,
                "number": 1,
                "start_date": year.start_date.isoformat(),
                "end_date": (year.end_date - datetime.timedelta(days=1)).isoformat(),
            },
        )
        assert response.status_code == 302, response.content.decode()[:1000]

    assert moved(save) == {mine.plan.pk}


# ---------------------------------------------------------------- the parts of a plan's figures each write moves


@pytest.fixture
def moved_parts(django_capture_on_commit_callbacks):
    """{plan: the parts (plans.versions.PARTS) whose version `write()` moves once it commits}; the combined version
    moves with any part."""

    def run(write) -> dict[int, set[str]]:
        setattr(connection, versions._HOOK, None)
        columns = ("version", *versions.PARTS)
        before = {row[0]: row[1:] for row in PlanVersion.objects.values_list("plan_id", *columns)}
        with django_capture_on_commit_callbacks(execute=True):
            write()
        after = {row[0]: row[1:] for row in PlanVersion.objects.values_list("plan_id", *columns)}
        parts = {}
        for pk, values in after.items():
            old = before.get(pk, (0,) * len(columns))
            if values != old:
                assert values[0] == old[0] + 1, "the combined version moves once with any part"
                parts[pk] = {part for part, new, was in zip(versions.PARTS, values[1:], old[1:]) if new != was}
        return parts

    return run


ALL = set(versions.PARTS)
PARTS_WRITTEN = {
    "project created": {"projects"},
    "project updated": {"projects"},
    "status changed": {"projects"},
    "source created": {"money"},
    "target set": {"money"},
    "commitment": {"money", "activity"},  # the project has no dates: the commitment can make it active in a period
    "space created": {"meetings", "projects"},  # the bilan's tallies name each project's space
    "seat taken": {"meetings"},
    "meeting scheduled": {"meetings"},
    "attendance": {"meetings"},
    "decision": {"meetings"},
    "threshold": ALL,  # the plan itself: every part
}


@pytest.mark.parametrize("kind", WRITES)
def test_a_write_moves_the_parts_it_wrote(moved_parts, mine, theirs, kind):
    assert moved_parts(lambda: WRITES[kind](mine)) == {mine.plan.pk: PARTS_WRITTEN[kind]}


def test_a_payment_in_its_projects_dates_moves_the_money_only(moved_parts, mine):
    filing_services.project_save_draft(
        by=None,
        project=mine.project,
        status=mine.project.status,
        start_date=datetime.date(2014, 4, 1),
        end_date=datetime.date(2015, 3, 31),
    )
    commitment = f.commit(source=mine.source, project=mine.project, amount=Decimal("1000.00"))
    pay = ledger_services.disbursement_create
    assert moved_parts(
        lambda: pay(commitment=commitment, amount=Decimal("10.00"), paid_on=datetime.date(2014, 7, 1))
    ) == {mine.plan.pk: {"money"}}
    # after its end: it makes the project active in a period its dates do not reach (the bilan's tallies count it)
    assert moved_parts(
        lambda: pay(commitment=commitment, amount=Decimal("10.00"), paid_on=datetime.date(2015, 7, 1))
    ) == {mine.plan.pk: {"money", "activity"}}
    # after the plan's last year: only a bilan of a period beyond the plan's years can count it
    assert moved_parts(
        lambda: pay(commitment=commitment, amount=Decimal("10.00"), paid_on=datetime.date(2026, 12, 1))
    ) == {mine.plan.pk: {"money", "activity_beyond"}}
    # a reduction adds no dated money row: the money only
    assert moved_parts(
        lambda: ledger_services.commitment_reduce(
            commitment=commitment,
            amount=Decimal("10.00"),
            reduced_on=datetime.date(2016, 1, 1),
            reason="Moins",
            resolution=f.board(commitment),
        )
    ) == {mine.plan.pk: {"money"}}


def test_a_progress_report_moves_the_reports_only(moved_parts, mine):
    status_services.project_change_status(project=mine.project, to_status=ProjectStatus.AGREEMENT_SIGNED)
    status_services.project_change_status(project=mine.project, to_status=ProjectStatus.IN_PROGRESS)
    mine.project.refresh_from_db()
    assert moved_parts(
        lambda: report_services.report_create(project=mine.project, by=mine.member, **report_fields())
    ) == {mine.plan.pk: {"reports"}}


def test_a_write_that_names_no_part_moves_every_part(moved_parts, mine, theirs):
    assert moved_parts(lambda: versions.plan_written(mine.plan.pk)) == {mine.plan.pk: ALL}
    assert moved_parts(lambda: versions.plan_written(theirs.plan.pk, parts=("money",))) == {theirs.plan.pk: {"money"}}
    with pytest.raises(ValueError):
        versions.plan_written(mine.plan.pk, parts=("argent",))


def test_the_parts_written_in_one_transaction_add_up(moved_parts, mine):
    def both():
        with versions.transaction.atomic():
            versions.plan_written(mine.plan.pk, parts=("money",))
            versions.plan_written(mine.plan.pk, parts=("reports",))

    assert moved_parts(both) == {mine.plan.pk: {"money", "reports"}}


def test_every_part_moves_past_all_it_had_after_a_restore(mine):
    PlanVersion.objects.create(plan=mine.plan, version=7, money=9)
    versions.move_all()
    row = PlanVersion.objects.get(plan=mine.plan)
    assert row.money > 9 and row.version > 7 and row.projects > 0 and row.reports > 0 and row.meetings > 0
