"""demo/bench_writes.py: the writes of `make bench` (target 6's writers, target 2's write before a page is timed) go
through the services and land where they say, on the grown plan and on other alliances' plans."""

import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from budget.models import Commitment, Disbursement
from chantiers.models import Attendance
from demo import bench_writes
from plans.models import Plan
from projects.models import ProgressReport, ProjectComment

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(db):
    call_command("load_asis", stdout=StringIO())
    call_command("generate_volume", scale=1, stdout=StringIO())
    call_command("generate_volume", scale=0.1, into_current=True, stdout=StringIO())
    return Plan.objects.current()


def test_every_kind_of_write_lands_on_its_plan(grown):
    writes = bench_writes.PlanWrites(grown, random.Random(1))
    assert writes.missing() == []
    before = {
        "comment": ProjectComment.objects.filter(project__theme__plan=grown).count(),
        "commitment": Commitment.objects.filter(source__plan=grown).count(),
        "paid": Disbursement.objects.filter(commitment__source__plan=grown).aggregate(t=Sum("amount"))["t"],
        "report": ProgressReport.objects.filter(project__theme__plan=grown).count(),
    }
    for n, kind in enumerate(bench_writes.KINDS):
        writes.write(kind, n)
    assert ProjectComment.objects.filter(project__theme__plan=grown).count() == before["comment"] + 1
    assert Commitment.objects.filter(source__plan=grown, reference="banc-1", amount=Decimal("1.00")).exists()
    assert Commitment.objects.filter(source__plan=grown).count() == before["commitment"] + 1
    paid = Disbursement.objects.filter(commitment__source__plan=grown).aggregate(t=Sum("amount"))["t"]
    assert paid == before["paid"] + Decimal("0.01")
    assert ProgressReport.objects.filter(project__theme__plan=grown).count() == before["report"] + 1
    meeting = next(m for m in writes.meetings if Attendance.objects.filter(meeting=m).exists())
    assert meeting.space.alliance_id == grown.alliance_id
    call_command("check_budget", stdout=StringIO())  # the running totals still add up


def test_a_run_spreads_its_writes_over_the_grown_plan_and_other_alliances(grown):
    waited = []
    result = bench_writes.run(grown, seconds=1, per_second=10, others=1, ready=lambda: waited.append(True))
    assert waited == [True]
    assert result["errors"] == 0, result["first_errors"]
    assert result["plans"] == 2 and result["writes"] >= 5
    assert all(result["per_kind"][kind]["count"] >= 1 for kind in bench_writes.KINDS)
    other = Plan.objects.filter(status=Plan.Status.CURRENT).exclude(pk=grown.pk)
    assert Commitment.objects.filter(source__plan__in=other, reference__startswith="banc-").exists() or (
        Disbursement.objects.filter(commitment__source__plan__in=other, reference__startswith="banc-").exists()
    )


def test_target_2_times_each_request_right_after_a_write_to_the_plan(grown):
    from django.test import Client

    from demo import bench

    client = Client()
    client.force_login(bench.bench_user())
    writes = bench_writes.PlanWrites(grown, random.Random(1))
    paid = []

    def write():
        writes.write("payment", len(paid))
        paid.append(Disbursement.objects.filter(commitment__source__plan=grown).count())

    median = bench.measure_after_write(dict(bench.pages())["envelope"], client=client, write=write, repeat=3)
    assert median > 0
    assert len(paid) == 3 and paid[0] < paid[1] < paid[2]  # three payments, one before each request
