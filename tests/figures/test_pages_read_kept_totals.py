"""The pages that read the kept totals (figures) show each visitor the same figures as summing the projects they may
see: the public the accepted projects, a partner also their organisation's own (withdrawn ones with money
included), Coordination every one."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from budget.models import Commitment
from budget.services import ledger
from pages import selectors
from projects.models import ActionProject, ProjectStatus
from projects.services.status import project_change_status
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(plan, cast, theme):
    source = f.make_source(plan, amount="100000.00")
    public = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    f.commit(source=source, project=public, amount="1000.00")
    f.commit(source=source, project=public, amount="0.10", year=f.plan_year(plan, 2))
    for lead, amount in ((cast.org_a, "300.00"), (cast.org_b, "50.00")):  # withdrawn after money was committed
        gone = f.make_project(lead=lead, theme=theme, status=ProjectStatus.ACCEPTED)
        commitment = f.commit(source=source, project=gone, amount=amount)
        ledger.disbursement_create(commitment=commitment, amount="10.00", paid_on=datetime.date(2014, 9, 1))
        project_change_status(project=gone, to_status=ProjectStatus.WITHDRAWN)
    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.DRAFT)
    f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.SUBMITTED)
    return theme


def _money(projects, field=Commitment.CURRENT) -> Decimal:
    total = Commitment.objects.filter(project__in=projects).aggregate(t=Sum(field))["t"]
    return total or Decimal("0.00")


@pytest.mark.parametrize("who", ["anonymous", "alice", "charlie", "coordinator", "staff"])
def test_each_visitor_sees_the_sums_of_the_projects_they_may_see(projects, plan, cast, who):
    user = getattr(cast, who)
    theme = projects
    seen = ActionProject.objects.visible_to(user).filter(theme=theme)

    page = selectors._theme_detail(user, theme.slug, plans=[plan])
    assert page["committed"] == _money(seen)
    assert page["disbursed"] == _money(seen, "disbursed_total")
    assert {g["status"]: g["count"] for g in page["project_groups"]} == Counter(seen.values_list("status", flat=True))

    home = selectors._overview(user, plan)
    row = next(t for t in home["themes"] if t.pk == theme.pk)
    running = seen.exclude(status=ProjectStatus.WITHDRAWN)
    assert (row.project_count, row.committed) == (running.count(), _money(running))

    timeline = selectors._timeline(user, plan)
    line = next(r for r in timeline["rows"] if r["theme"].pk == theme.pk)
    assert line["committed"] == [_money_in_year(seen, year) for year in timeline["years"]]
    assert (
        line["more_projects"] + len(line["projects"])
        == seen.exclude(status__in=(ProjectStatus.REFUSED, ProjectStatus.WITHDRAWN)).count()
    )


def _money_in_year(projects, year) -> Decimal:
    total = Commitment.objects.filter(project__in=projects, plan_year=year).aggregate(t=Sum(Commitment.CURRENT))["t"]
    return total or Decimal("0.00")


def test_the_partners_own_withdrawn_money_is_theirs_alone(projects, plan, cast):
    theme = projects
    figures = {
        who: selectors._theme_detail(getattr(cast, who), theme.slug, plans=[plan])["committed"]
        for who in ("anonymous", "alice", "charlie", "coordinator")
    }
    assert figures == {
        "anonymous": Decimal("1000.10"),
        "alice": Decimal("1300.10"),
        "charlie": Decimal("1050.10"),
        "coordinator": Decimal("1350.10"),
    }
