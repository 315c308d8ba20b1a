"""« Accordé, pas encore engagé » after every kind of write that moves it: the balance reads the project's committed
total kept by the ledger (budget.services.ledger), which `check_figures` recomputes from the commitments."""

import datetime
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from budget.services import ledger
from projects.models import ActionProject, BoardDecision, ProjectStatus
from projects.services import status
from projects.services.review import board_decision_record
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date(2014, 9, 1)


def to_commit(client, cast) -> dict[str, str]:
    """{project title: its row's detail} of the queue, as the Coordination sees it."""
    client.force_login(cast.coordinator)
    page = client.get(reverse("home"))
    queue = next(q for section in page.context["sections"] for q in section.queues if q.key == "a-engager")
    return {row.what: row.detail.replace("\xa0", " ") for row in queue.rows}


def assert_figures_kept():
    out = StringIO()
    call_command("check_figures", stdout=out, stderr=out)
    assert "correspondent" in out.getvalue()


@pytest.fixture
def money(cast, current, theme):
    """A project accepted by the board for 30 000 $, 12 000 $ of it committed."""
    source = f.make_source(current, amount="200000.00")
    project = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.RECOMMENDED, title="Accepté B")
    board_decision_record(
        project=project,
        outcome=BoardDecision.Outcome.ACCEPTED,
        resolution_number="CA-1",
        decided_on=D,
        granted_amount=Decimal("30000.00"),
        by=cast.coordinator,
    )
    commitment = f.commit(source=source, project=project, amount="12000.00")
    return SimpleNamespace(source=source, project=project, commitment=commitment)


def _board_grants(m, cast, rf):
    """The board accepts another project for 5 000 $ (its request was 8 000 $): the amount granted is the one owed."""
    project = f.make_project(
        lead=cast.org_a,
        theme=m.project.theme,
        status=ProjectStatus.RECOMMENDED,
        title="Conseil A",
        amount_requested=Decimal("8000.00"),
    )
    board_decision_record(
        project=project,
        outcome=BoardDecision.Outcome.ACCEPTED,
        resolution_number="CA-2",
        decided_on=D + datetime.timedelta(days=1),
        granted_amount=Decimal("5000.00"),
        by=cast.coordinator,
    )


BEFORE = {"Accepté B": "reste 18 000 $ à engager sur 30 000 $"}
WRITES = {
    "commitment": (
        lambda m, cast, rf: f.commit(source=m.source, project=m.project, amount="5000.10"),
        {"Accepté B": "reste 12 999,90 $ à engager sur 30 000 $"},
    ),
    "reduction": (
        lambda m, cast, rf: ledger.commitment_reduce(
            commitment=m.commitment, amount="2000.00", reduced_on=D, reason="Revu", resolution=f.board(m.commitment)
        ),
        {"Accepté B": "reste 20 000 $ à engager sur 30 000 $"},
    ),
    "cancellation": (
        lambda m, cast, rf: ledger.commitment_reduce(
            commitment=m.commitment,
            amount=None,
            cancel=True,
            reduced_on=D,
            reason="Annulé",
            resolution=f.board(m.commitment),
        ),
        {"Accepté B": "reste 30 000 $ à engager sur 30 000 $"},
    ),
    "board_decision": (_board_grants, BEFORE | {"Conseil A": "reste 5 000 $ à engager sur 5 000 $"}),
    "all_committed": (lambda m, cast, rf: f.commit(source=m.source, project=m.project, amount="18000.00"), {}),
    "withdrawn": (
        lambda m, cast, rf: status.project_change_status(project=m.project, to_status=ProjectStatus.WITHDRAWN),
        {},
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_the_balance_follows_each_kind_of_write(client, cast, money, rf, write):
    assert to_commit(client, cast) == BEFORE
    action, after = WRITES[write]
    action(money, cast, rf)
    assert to_commit(client, cast) == after
    assert_figures_kept()


def test_a_project_saved_from_an_older_copy_keeps_what_is_committed(cast, money):
    """A form or the admin saves a project read before a commitment: the commitment stays counted."""
    older = ActionProject.objects.get(pk=money.project.pk)
    f.commit(source=money.source, project=money.project, amount="1000.00")
    older.title = "Accepté B, renommé"
    older.save()
    older.refresh_from_db()
    assert older.committed_total == Decimal("13000.00")
    assert_figures_kept()


def test_check_figures_names_a_changed_committed_total_and_fix_rewrites_it(money):
    ActionProject.objects.filter(pk=money.project.pk).update(committed_total=Decimal("1.00"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ActionProject {money.project.pk}: committed_total 1.00 != 12000.00" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert ActionProject.objects.get(pk=money.project.pk).committed_total == Decimal("12000.00")
