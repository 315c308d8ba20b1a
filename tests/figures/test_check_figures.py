"""The plan's kept totals (figures) after every kind of write: `check_figures` recomputes every row from the rows it
sums and finds no difference; it fails, naming the row, when one was changed behind the services' back, and `--fix`
rewrites it."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budget.services import ledger
from figures.models import PlanMoney, ThemeProjects
from projects.models import ProjectStatus
from projects.services import filing, status
from tests import factories as f

D = datetime.date(2014, 9, 1)


def assert_figures_kept():
    """`manage.py check_figures` passes: every kept total equals the sum of its rows."""
    out = StringIO()
    call_command("check_figures", stdout=out, stderr=out)
    assert "correspondent" in out.getvalue()


@pytest.fixture
def money(plan, cast, theme):
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=source, project=project, amount="3000.00")
    payment = ledger.disbursement_create(commitment=commitment, amount="1000.00", paid_on=D)
    return source, project, commitment, payment


def _second_theme(plan, project, by):
    return filing.project_save_draft(by=by, project=project, theme=f.make_theme(plan, name="Autre enjeu", slug="autre"))


WRITES = {
    "commitment_create": lambda m, plan, cast: f.commit(source=m[0], project=m[1], amount="250.10"),
    "commitment_create_second_year": lambda m, plan, cast: f.commit(
        source=m[0], project=m[1], amount="10.00", year=f.plan_year(plan, 2)
    ),
    "commitment_reduce": lambda m, plan, cast: ledger.commitment_reduce(
        commitment=m[2], amount="100.00", reduced_on=D, reason="Revu", resolution=f.board(m[2])
    ),
    "commitment_cancel": lambda m, plan, cast: ledger.commitment_reduce(
        commitment=m[2], amount=None, cancel=True, reduced_on=D, reason="Annulé", resolution=f.board(m[2])
    ),
    "disbursement_create": lambda m, plan, cast: ledger.disbursement_create(commitment=m[2], amount="0.30", paid_on=D),
    "disbursement_correct_up": lambda m, plan, cast: ledger.disbursement_correct(
        disbursement=m[3], delta="0.20", corrected_on=D, reason="Erreur"
    ),
    "disbursement_correct_down": lambda m, plan, cast: ledger.disbursement_correct(
        disbursement=m[3], new_amount="999.90", corrected_on=D, reason="Erreur"
    ),
    "project_create": lambda m, plan, cast: f.make_project(lead=cast.org_b, theme=m[1].theme),
    "project_decision": lambda m, plan, cast: f.make_project(
        lead=cast.org_b, theme=m[1].theme, status=ProjectStatus.ACCEPTED
    ),
    "project_refused": lambda m, plan, cast: f.make_project(
        lead=cast.org_b, theme=m[1].theme, status=ProjectStatus.REFUSED
    ),
    "project_status_with_money": lambda m, plan, cast: status.project_change_status(
        project=m[1], to_status=ProjectStatus.COMPLETED
    ),
    "project_withdrawn_with_money": lambda m, plan, cast: status.project_change_status(
        project=m[1], to_status=ProjectStatus.WITHDRAWN
    ),
    "draft_changes_theme": lambda m, plan, cast: _second_theme(
        plan, f.make_project(lead=cast.org_a, theme=m[1].theme), None
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES)
def test_check_figures_passes_after_each_kind_of_write(write, money, plan, cast):
    assert_figures_kept()
    WRITES[write](money, plan, cast)
    assert_figures_kept()


def test_the_kept_money_is_the_commitments_to_the_cent(money, plan, theme):
    source, project, commitment, _payment = money
    ledger.commitment_reduce(
        commitment=commitment, amount="0.10", reduced_on=D, reason="Revu", resolution=f.board(commitment)
    )
    row = PlanMoney.objects.get(theme=theme, status=ProjectStatus.IN_PROGRESS)
    assert (row.committed, row.paid, row.commitments, row.projects) == (Decimal("2999.90"), Decimal("1000.00"), 1, 1)
    status.project_change_status(project=project, to_status=ProjectStatus.COMPLETED)
    moved = PlanMoney.objects.get(theme=theme, status=ProjectStatus.COMPLETED)
    assert (moved.committed, moved.paid, moved.projects) == (Decimal("2999.90"), Decimal("1000.00"), 1)
    assert PlanMoney.objects.get(theme=theme, status=ProjectStatus.IN_PROGRESS).committed == Decimal("0.00")
    assert ThemeProjects.objects.get(theme=theme, status=ProjectStatus.COMPLETED).projects == 1


def test_check_figures_fails_on_a_changed_row_and_fix_rewrites_it(money, theme):
    PlanMoney.objects.filter(theme=theme).update(committed=Decimal("1.00"))
    ThemeProjects.objects.filter(theme=theme).delete()
    err = StringIO()
    with pytest.raises(CommandError, match="2 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert "committed 1.00 != 3000.00" in err.getvalue()
    assert "ThemeProjects" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert PlanMoney.objects.get(theme=theme).committed == Decimal("3000.00")


@pytest.mark.parametrize("change", [False, True], ids=["added", "moved-to-another-theme"])
def test_a_project_added_or_moved_in_the_admin_keeps_the_totals(money, plan, cast, rf, change):
    """The admin is a support tool: a project it adds, or moves to another theme with its money, is counted where it
    now is, as through the services."""
    from types import SimpleNamespace

    from django.contrib.admin.sites import site

    from projects.models import ActionProject

    admin = site._registry[ActionProject]
    request = rf.post("/")
    request.user = cast.coordinator
    other = f.make_theme(plan, name="Autre enjeu", slug="autre")
    if change:
        project = money[1]
        project.theme = other
    else:
        project = ActionProject(lead=cast.org_b, theme=other, title="Ajouté dans l'administration")
    admin.save_model(request, project, SimpleNamespace(cleaned_data={}), change=change)
    assert_figures_kept()
    assert ThemeProjects.objects.filter(theme=other).get().projects == 1
