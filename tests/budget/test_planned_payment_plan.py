"""A plan's planned payments are read through the plan each keeps (PlannedPayment.plan, its commitment's source's:
one index of a plan's open payments in due order, issue 18): set on every insert, never another plan's or another
alliance's on « À traiter » and the envelope's payments page, checked and rewritten by `check_figures` (on
PostgreSQL past the ledger's append-only trigger, which still refuses the same change from anyone else)."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from budget.models import PlannedPayment
from budget.services.agreements import agreement_create, planned_payment_add
from projects.models import ProjectStatus
from tests import factories as f
from tests.alliance_money import two_alliances, url
from tests.figures.test_check_figures import assert_figures_kept

pytestmark = pytest.mark.django_db
D = datetime.date
TRIGGER = "budget_plannedpayment_append_only"


@pytest.fixture
def funded(plan, cast, theme):
    source = f.make_source(plan, amount="50000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisine A")
    commitment = f.commit(source=source, project=project, amount="9000.00")
    agreement = agreement_create(project=project, signed_on=D(2014, 6, 15))
    return commitment, agreement


def _wrong_plan(planned, plan):
    """Give `planned` another plan behind the services' back (on PostgreSQL past the trigger, as a bad restore would)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            connection.check_constraints()  # the fixture's rows: ALTER TABLE refuses pending foreign key checks
            cursor.execute(f"ALTER TABLE budget_plannedpayment DISABLE TRIGGER {TRIGGER}")
        PlannedPayment.objects.filter(pk=planned.pk).update(plan=plan)
        if connection.vendor == "postgresql":
            connection.check_constraints()
            cursor.execute(f"ALTER TABLE budget_plannedpayment ENABLE TRIGGER {TRIGGER}")


def test_a_payment_planned_through_the_service_keeps_its_envelopes_plan(funded, plan):
    commitment, agreement = funded
    planned = planned_payment_add(agreement=agreement, commitment=commitment, due_on=D(2014, 9, 1), amount="3000.00")
    assert planned.plan_id == plan.pk
    assert PlannedPayment.objects.get(pk=planned.pk).plan_id == plan.pk
    assert_figures_kept()


def test_payments_created_in_bulk_carry_their_plan(funded, plan, django_assert_num_queries):
    """As the volume generator creates them: the plan is filled from the commitment's source, in one query."""
    commitment, agreement = funded
    rows = [
        PlannedPayment(agreement=agreement, commitment=commitment, due_on=D(2014, 9, day), amount="100.00")
        for day in (1, 2)
    ]
    with django_assert_num_queries(2 if connection.features.can_return_rows_from_bulk_insert else 3):
        PlannedPayment.objects.bulk_create(rows)
    assert set(PlannedPayment.objects.values_list("plan_id", flat=True)) == {plan.pk}
    assert_figures_kept()


@pytest.fixture
def world(db):
    return two_alliances()


def test_a_plans_lists_hold_its_payments_only(client, world):
    """Nord's current plan lists its own payment on « À traiter » and on the payments page, never that of Nord's
    closed plan nor Sud's (same theme slug, same amount, same dates)."""
    north = world.north
    client.force_login(north.coordinator)
    home = client.get(url(north, "home"))
    rows = [
        row for section in home.context["sections"] for q in section.queues if q.key == "versements" for row in q.rows
    ]
    assert [row.what.replace("\xa0", " ") for row in rows] == ["Projet financé Nord — 5 000 $"]
    payments = client.get(url(north, "budget:payments"))
    listed = [p.pk for p in payments.context["payable"].object_list] + [
        p.pk for p in payments.context["waiting"].object_list
    ]
    assert listed == [north.planned.pk]
    page = payments.content.decode()
    assert f'planned-{north.planned.pk}"' in page
    assert f'planned-{north.past.planned.pk}"' not in page and f'planned-{world.south.planned.pk}"' not in page
    past = client.get(url(north, "budget:payments", plan=north.past.plan))
    assert [p.pk for p in past.context["payable"].object_list] == [north.past.planned.pk]


def test_check_figures_names_a_payment_in_the_wrong_plan_and_fix_rewrites_it(client, world):
    north = world.north
    _wrong_plan(north.planned, world.south.plan)
    client.force_login(world.south.coordinator)
    south_payments = url(world.south, "budget:payments")
    assert "Projet financé Nord" in client.get(south_payments).content.decode()  # what a wrong plan would do
    err = StringIO()
    with pytest.raises(CommandError, match="1 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"PlannedPayment {north.planned.pk}: plan {world.south.plan.pk} != {north.plan.pk}" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert PlannedPayment.objects.get(pk=north.planned.pk).plan_id == north.plan.pk
    assert "Projet financé Nord" not in client.get(south_payments).content.decode()
    assert_figures_kept()
    if connection.vendor == "postgresql":  # the fix turned the ledger's guard back on
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = %s", [TRIGGER])
            assert cursor.fetchone() == ("O",)
        with pytest.raises(DatabaseError, match="ne se modifie pas"), transaction.atomic():
            PlannedPayment.objects.filter(pk=north.planned.pk).update(plan=world.south.plan)
