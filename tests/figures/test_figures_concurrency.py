"""Writers at once on the same kept totals (PostgreSQL, real concurrent connections): commitments, payments and
status changes of several projects of one theme, all adding to the same few rows, lose no delta, fail on no unique
key and never deadlock; `check_figures` finds every row equal to the sum of the rows it keeps."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from budget.figures_check import figures_mismatches
from budget.services.ledger import commitment_create, commitment_reduce, disbursement_create
from figures.models import PlanMoney, ThemeProjects
from projects.models import ProjectStatus
from projects.services.status import project_change_status
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2014, 9, 1)


def test_concurrent_writes_to_the_same_rows_lose_nothing_and_never_deadlock():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    plan = f.make_plan()
    theme = f.make_theme(plan)
    source = f.make_source(plan, amount="1000000.00")
    year = plan.years.get(number=1)
    org = f.make_organisation()
    projects = [f.make_project(lead=org, theme=theme, status=ProjectStatus.ACCEPTED) for _ in range(6)]
    board = f.board(source)  # made before the threads, which all name it
    paid_on = [
        commitment_create(source=source, project=p, plan_year=year, amount="100.00", decided_on=DAY, resolution=board)
        for p in projects
    ]
    barrier = threading.Barrier(24)

    def write(i):
        project, commitment = projects[i % 6], paid_on[i % 6]
        try:
            barrier.wait(timeout=30)
            kind = i // 6
            if kind == 0:
                commitment_create(
                    source=source,
                    project=project,
                    plan_year=year,
                    amount="10.01",
                    decided_on=DAY,
                    resolution=board,
                )
            elif kind == 1:
                disbursement_create(commitment=commitment, amount="5.05", paid_on=DAY)
            elif kind == 2:
                commitment_reduce(commitment=commitment, amount="1.00", reduced_on=DAY, reason="Revu", resolution=board)
            elif i % 2:  # half the projects sign their agreement while money moves on them (they stay fundable)
                project_change_status(project=project, to_status=ProjectStatus.AGREEMENT_SIGNED)
            return "done"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=24) as pool:
        assert list(pool.map(write, range(24))) == ["done"] * 24

    assert figures_mismatches() == []
    rows = PlanMoney.objects.filter(theme=theme)
    assert sum(r.committed for r in rows) == Decimal("654.06")  # 6 × (100 + 10,01 − 1)
    assert sum(r.paid for r in rows) == Decimal("30.30")
    assert sum(r.committed for r in rows.filter(status=ProjectStatus.AGREEMENT_SIGNED)) == Decimal("327.03")


def test_meetings_scheduled_while_their_space_changes_themes_are_counted_where_it_ends():
    """A meeting scheduled, moved or its attendance recorded while its space is given other themes: the space is
    locked by each writer, so every meeting is counted under the themes the space serves in the end."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    from chantiers import services as space_services
    from chantiers.models import Meeting, Space

    plan = f.make_plan()
    housing, poverty, health = (f.make_theme(plan) for _ in range(3))
    space = space_services.space_create(themes=[housing], name="Table")
    meetings = [space_services.meeting_schedule(space=space, date=DAY) for _ in range(4)]
    barrier = threading.Barrier(12)

    def write(i):
        try:
            organisation = f.make_organisation()
            theirs = Space.objects.get(pk=space.pk)  # each writer its own rows, as each request has
            meeting = Meeting.objects.get(pk=meetings[i // 4 if i % 4 == 2 else 3].pk)
            barrier.wait(timeout=30)
            kind = i % 4
            if kind == 0:
                space_services.meeting_schedule(space=theirs, date=DAY + datetime.timedelta(days=i))
            elif kind == 1:
                space_services.space_update(space=theirs, themes=[[poverty], [housing, health], [health]][i // 4])
            elif kind == 2:
                space_services.meeting_update(meeting=meeting, date=DAY - datetime.timedelta(days=i))
            else:
                space_services.attendance_record(meeting=meeting, organisations=[organisation])
            return "done"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert list(pool.map(write, range(12))) == ["done"] * 12

    assert figures_mismatches() == []


def test_concurrent_reports_funding_partners_and_moves_lose_nothing_and_never_deadlock():
    """Progress reports (a later and an earlier period), partners' answers, funding packages saved and status
    changes on the same projects at once: each writer locks the project, then the theme's row; the people reached,
    other funding and contributions kept equal the rows'."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    from organisations.models import Membership
    from projects.services.filing import project_partner_answer, project_save_draft
    from projects.services.reports import report_create

    theme = f.make_theme(f.make_plan())
    lead, partner = f.make_organisation(), f.make_organisation()
    member = f.make_user(organisation=lead, role=Membership.Role.RESPONSABLE)
    answering = f.make_user(organisation=partner, role=Membership.Role.RESPONSABLE)
    projects = [f.make_project(lead=lead, theme=theme, status=ProjectStatus.IN_PROGRESS) for _ in range(4)]
    for project in projects:
        project_save_draft(
            by=member,
            project=project,
            partners=[{"organisation": partner, "contribution_kind": "cash", "contribution_value": Decimal("10.01")}],
        )
    barrier = threading.Barrier(20)

    def write(i):
        project = projects[i % 4]
        try:
            barrier.wait(timeout=30)
            kind = i // 4
            if kind in (0, 1):  # a later period, then an earlier one filed at the same time
                end = datetime.date(2015, 3, 31) if kind == 0 else datetime.date(2014, 6, 30)
                report_create(
                    project=project,
                    by=member,
                    period_start=datetime.date(2014, 4, 1),
                    period_end=end,
                    percent_done=50,
                    people_reached=40 if kind == 0 else 5,
                    citizens_reached=4 if kind == 0 else 1,
                )
            elif kind == 2:
                project_partner_answer(partnership=project.partnerships.get(), by=answering, accept=True)
            elif kind == 3:
                project_save_draft(
                    by=member,
                    project=project,
                    other_funding=[{"kind": "funder", "source_name": "Centraide", "amount": Decimal("0.33")}],
                )
            elif i % 2:
                project_change_status(project=project, to_status=ProjectStatus.COMPLETED)
            return "done"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert list(pool.map(write, range(20))) == ["done"] * 20

    assert figures_mismatches() == []
    rows = ThemeProjects.objects.filter(theme=theme)
    assert sum(r.people_reached for r in rows) == 160  # each project's latest report: the later period
    assert sum(r.contributions for r in rows) == Decimal("40.04")
    assert sum(r.other_funding for r in rows) == Decimal("1.32")
    assert rows.get(status=ProjectStatus.COMPLETED).people_reached == 80
