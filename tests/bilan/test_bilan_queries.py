"""The bilan costs a fixed number of queries: the same with 5 projects as with 60 projects,
120 reports and 40 meetings (intended to prevent an N+1 on projects, partners, reports,
indicators, meetings and attendance)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bilan.selectors.build import build_bilan
from budget.figures_check import figures_rewrite
from budget.models import Commitment, Disbursement
from chantiers.models import Attendance
from projects.models import (
    ActionProject,
    Indicator,
    IndicatorValue,
    ProgressReport,
    ProjectPartner,
    ProjectStatus,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date

# build_bilan for a plan given by the view: plan years, sources (with what was committed to them up
# to the end of the period), themes; the figures (one UNION of GROUP BYs over the projects and their
# indicators), the money (one UNION of committed, paid and corrected), the latest highlights with
# their count; the page's lines: its projects with their money, their partners and indicators (one
# UNION, with the board resolutions behind their commitments), their reports; meetings and attendance per space with
# the distinct citizens.
SELECTOR_QUERIES = 10


def grow(cast, plan, theme, *, projects: int, reports: int, meetings: int):
    """`projects` projects of 2014-2015 (each with a partner, two indicators, a commitment and a
    payment), `reports` reports with indicator values, `meetings` meetings with attendance."""
    source = f.make_source(plan, amount="10000000.00")
    year = f.plan_year(plan, 2)
    space = f.make_space(themes=[theme])
    citizen = f.make_citizen()
    made = ActionProject.objects.bulk_create(
        ActionProject(
            title=f"Projet {i}",
            lead=cast.org_a if i % 2 else cast.org_b,
            theme=theme,
            space=space,
            status=ProjectStatus.IN_PROGRESS,
            start_date=D(2014, 5, 1),
            end_date=D(2015, 3, 1),
        )
        for i in range(projects)
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(
            project=p,
            organisation=cast.org_b if p.lead_id == cast.org_a.pk else cast.org_a,
            status=ProjectPartner.Status.CONFIRMED,
        )
        for p in made
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(project=p, name=f"Indicateur {k}", unit="personnes", target=Decimal("10"), order=k)
        for p in made
        for k in (1, 2)
    )
    resolution = f.make_resolution(source.plan.alliance)
    commitments = Commitment.objects.bulk_create(
        Commitment(
            source=source,
            project=p,
            plan_year=year,
            amount=Decimal("1000.00"),
            decided_on=D(2014, 6, 1),
            resolution=resolution,
        )
        for p in made
    )
    Disbursement.objects.bulk_create(
        Disbursement(commitment=c, amount=Decimal("500.00"), paid_on=D(2014, 7, 1)) for c in commitments
    )
    made_reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            project=made[i % projects],
            period_start=D(2014, 4, 1) + datetime.timedelta(days=i),
            period_end=D(2014, 9, 1) + datetime.timedelta(days=i),
            percent_done=50,
            people_reached=10,
            citizens_reached=2,
            highlights=f"Fait saillant {i}",
        )
        for i in range(reports)
    )
    by_project = {}
    for indicator in indicators:
        by_project.setdefault(indicator.project_id, []).append(indicator)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=r, indicator=i, value=Decimal("12"))
        for r in made_reports
        for i in by_project[r.project_id]
    )
    for i in range(meetings):
        meeting = f.make_meeting(space, date=D(2014, 4, 2) + datetime.timedelta(days=7 * i))
        Attendance.objects.create(meeting=meeting, citizen=citizen)
        Attendance.objects.create(meeting=meeting, user=cast.alice, organisation=cast.org_a)
    figures_rewrite()  # the rows were bulk-created: the kept totals are summed from them once (as demo loads)


def count_queries(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


def test_the_selector_costs_the_same_whatever_the_size(cast, plan, theme, django_assert_num_queries):
    grow(cast, plan, theme, projects=5, reports=5, meetings=2)

    def run():
        return build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)

    cast.staff.organisation_ids()  # the roles' query, once per request
    with django_assert_num_queries(SELECTOR_QUERIES):
        small = run()
    grow(cast, plan, theme, projects=55, reports=115, meetings=38)
    with django_assert_num_queries(SELECTOR_QUERIES):
        big = run()
    assert (small.project_count, big.project_count) == (5, 60)
    assert big.meetings_held == 40
    assert big.committed == Decimal("60000.00") and big.disbursed == Decimal("30000.00")
    assert big.highlight_count == 120 and len(big.highlights) == 50  # the page shows the latest 50
    ends = [h.period_end for h in big.highlights]
    assert ends == sorted(ends, reverse=True) and ends[0] == D(2014, 9, 1) + datetime.timedelta(
        days=114
    )  # the second batch of 115
    assert len(list(big.all_highlights())) == 120  # the documents hold every one


@pytest.mark.parametrize("who", ["staff", "alice"])
def test_the_page_and_exports_cost_the_same_with_60_projects_as_with_5(
    client, cast, plan, theme, who, django_assert_max_num_queries
):
    client.force_login(getattr(cast, who))
    grow(cast, plan, theme, projects=5, reports=5, meetings=2)
    urls = [reverse("bilan:bilan"), reverse("bilan:bilan-xlsx"), reverse("bilan:bilan-csv", args=["indicateurs"])]

    def fetch(url):
        response = client.get(url, {"periode": "2014-2015"})
        assert response.status_code == 200
        if response.streaming:
            b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)
        return response

    small = {url: count_queries(lambda url=url: fetch(url)) for url in urls}
    grow(cast, plan, theme, projects=55, reports=115, meetings=38)
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            fetch(url)
    page = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"})
    assert page.context["bilan"].project_count == 60
