import datetime
from decimal import Decimal

import pytest

from organisations.models import User
from projects.models import Indicator, IndicatorValue, ProgressReport, ProjectStatus
from tests import factories as f
from tests.demo_snapshot import load_asis_and_demo

D = datetime.date


@pytest.fixture
def demo(db):
    """The ASIS reference data and the demo (four logins), as `make run` loads them."""
    load_asis_and_demo()


@pytest.fixture
def demo_client(client, demo):
    """demo_client("personnel") is the test client logged in as that demo login."""

    def _as(username):
        client.force_login(User.objects.get(username=username))
        return client

    return _as


@pytest.fixture
def projects(cast, plan, theme):
    """Two projects in progress; A has two indicators and a report (the progress import's starting point)."""
    dates = {"start_date": D(2014, 5, 1), "end_date": D(2015, 3, 31)}
    a = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet A", **dates)
    b = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet B", **dates)
    participants = Indicator.objects.create(project=a, name="Participants", unit="personnes", target=Decimal("50"))
    meals = Indicator.objects.create(project=a, name="Repas", unit="repas", target=Decimal("100"))
    report = ProgressReport.objects.create(
        project=a,
        period_start=D(2014, 5, 1),
        period_end=D(2014, 10, 31),
        percent_done=40,
        people_reached=30,
        citizens_reached=4,
    )
    IndicatorValue.objects.create(report=report, indicator=participants, value=Decimal("20"))
    IndicatorValue.objects.create(report=report, indicator=meals, value=Decimal("60"))
    return {"a": a, "b": b, "participants": participants, "meals": meals}
