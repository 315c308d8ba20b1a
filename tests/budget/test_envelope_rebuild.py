"""What the envelope builds again after every write to the plan's money (issue 18, « fast right after a write »): its
targets, moves and the themes' other funding read plainly from their own rows and added up in Python, its themes read
on the index of their plan; the same figures, to the cent, as the reads they replace, in eight queries whatever the
data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget.models import BudgetTarget, FundingSource
from budget.selectors import envelope as envelope_selectors
from budget.selectors import targets as target_selectors
from budget.services import targets as target_services
from budget.services.ledger import disbursement_create
from plans.models import Plan
from projects.models import OtherFunding, ProjectStatus
from projects.services.filing import project_save_draft
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2014, 3, 15)


@pytest.fixture
def moved(asis):
    """ASIS's targets, money moved between two pairs of themes, back, and between two years."""
    target_services.targets_set(
        plan=asis,
        themes={t: Decimal("80000.00") for t in asis.themes.all()},
        years={y: Decimal("160000.00") for y in asis.years.all()},
    )
    one, two, three = (BudgetTarget.objects.get(plan=asis, theme__order=n) for n in (1, 2, 3))
    first, second = (BudgetTarget.objects.get(plan=asis, plan_year__number=n) for n in (1, 2))
    for source, dest, amount, day in (
        (one, two, "100.10", DAY),
        (one, two, "200.20", DAY + datetime.timedelta(days=1)),
        (two, one, "50.05", DAY),
        (three, one, "1.01", DAY + datetime.timedelta(days=2)),
        (first, second, "0.99", DAY),
    ):
        target_services.target_move(
            kind="reallocation",
            from_target=source,
            to_target=dest,
            amount=amount,
            moved_on=day,
            reason="Motif",
            resolution=f.board(source),
        )
    return asis


def test_the_targets_and_moves_are_those_the_targets_page_reads(moved):
    overview = envelope_selectors.envelope_overview(moved)
    targets, moves = target_selectors.targets_and_moves(moved, themes=overview["themes"], years=overview["years"])
    expected = {t.pk: t for t in BudgetTarget.objects.filter(plan=moved).with_current()}
    assert {t.pk: (t.moved_in, t.moved_out, t.current) for t in targets} == {
        pk: (t.moved_in, t.moved_out, t.current) for pk, t in expected.items()
    }
    one = next(t for t in targets if t.theme_id and t.theme.order == 1)
    assert one.current == Decimal("80000.00") - Decimal("300.30") + Decimal("51.06")
    assert sum(t.current for t in targets if t.theme_id) == Decimal("480000.00")  # a move never changes the sum
    assert [(m.pk, m.from_target.label, m.to_target.label, m.amount) for m in moves] == [
        (m.pk, m.from_target.label, m.to_target.label, m.amount) for m in target_selectors.target_moves(moved)
    ]


def test_the_envelope_is_built_again_in_eight_queries_without_joins(moved, cast):
    fqis = FundingSource.objects.get(code="fqis")
    for order in (1, 2):
        project = f.make_project(lead=cast.org_a, theme=moved.themes.get(order=order), status=ProjectStatus.IN_PROGRESS)
        commitment = f.commit(source=fqis, project=project, amount="100.00")
        disbursement_create(commitment=commitment, amount="33.33", paid_on=datetime.date(2014, 5, 2))
    with CaptureQueriesContext(connection) as queries:
        figures = envelope_selectors.envelope_figures(moved)
    # sources, plan years, committed and paid per (theme, year), themes, their other funding, targets, the moves out
    # of them, paid per day (summed per quarter)
    assert len(queries) == 8
    targets, moves = queries.captured_queries[5]["sql"], queries.captured_queries[6]["sql"]
    assert "JOIN" not in targets and "JOIN" not in moves
    assert len(figures["moves"]) == 5 and figures["targets"]["themes_total"]["committed"] == Decimal("200.00")
    assert next(q for q in figures["quarters"] if q["label"] == "2014-2015 T1")["paid"] == Decimal("66.66")


def test_a_project_of_another_plan_s_theme_is_listed_without_its_plan_s_other_funding(asis, cast):
    """A project carried to the next plan stays in its alliance and its theme: funded by the next plan's source, its
    theme shows in that envelope's money per theme, with no other funding (counted in its own plan's leverage)."""
    later = f.make_plan(alliance=asis.alliance, start_date=datetime.date(2016, 4, 1), status=Plan.Status.PREPARATION)
    later_theme = f.make_theme(later, order=1)
    source = f.make_source(later, funder="MESS")
    carried = f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=2), status=ProjectStatus.IN_PROGRESS, title="Reporté"
    )
    project_save_draft(
        by=None,
        project=carried,
        other_funding=[{"kind": OtherFunding.Kind.OWN, "source_name": "Mise de fonds", "amount": Decimal("500.00")}],
    )
    own = f.make_project(lead=cast.org_a, theme=later_theme, status=ProjectStatus.IN_PROGRESS, title="Nouveau")
    f.commit(source=source, project=carried, amount="250.25", year=later.years.get(number=1))
    f.commit(source=source, project=own, amount="100.00", year=later.years.get(number=1))
    overview = envelope_selectors.envelope_overview(later)
    assert [(row["theme"].pk, row["committed"], row["other"], row["projects"]) for row in overview["by_theme"]] == [
        (later_theme.pk, Decimal("100.00"), Decimal("0.00"), 1),
        (asis.themes.get(order=2).pk, Decimal("250.25"), Decimal("0.00"), 1),  # order 2 after order 1
    ]
    assert [t.pk for t in overview["themes"]] == [later_theme.pk]  # the plan's own themes
    assert overview["committed"] == Decimal("350.25") and overview["commitment_count"] == 2
