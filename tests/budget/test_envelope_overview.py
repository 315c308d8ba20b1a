"""The envelope overview at province scale (issue 7): the same figures, to the cent, from grouped SQL;
pages of commitments and projects whose count is summed with the totals; no query per row."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import Commitment, FundingSource
from budget.selectors import targets as target_selectors
from budget.services.ledger import commitment_reduce, disbursement_correct, disbursement_create
from projects.models import OtherFunding, ProjectStatus
from projects.services.filing import project_save_draft
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


def project_titles(response) -> list[str]:
    table = text(response).split('data-testid="by-project"')[1].split("</table>")[0]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', table)


def test_quarters_count_each_payment_once_on_the_quarter_bounds_with_corrections(asis):
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(
        lead=f.make_organisation(), theme=asis.themes.get(order=1), status=ProjectStatus.IN_PROGRESS
    )
    commitment = f.commit(source=fqis, project=project, amount="10000.00")
    days = {
        datetime.date(2013, 4, 1): "100.01",  # first day of the plan: 2013-2014 T1
        datetime.date(2013, 6, 30): "200.02",  # last day of T1
        datetime.date(2013, 7, 1): "300.03",  # first day of T2
        datetime.date(2014, 3, 31): "400.04",  # last day of 2013-2014 (T4)
        datetime.date(2016, 3, 31): "500.05",  # last day of the plan: 2015-2016 T4
        datetime.date(2016, 4, 1): "0.06",  # the day after: outside the plan, its calendar quarter
        datetime.date(2012, 12, 31): "0.07",  # before the plan
    }
    payments = {
        day: disbursement_create(commitment=commitment, amount=amount, paid_on=day) for day, amount in days.items()
    }
    disbursement_correct(
        disbursement=payments[datetime.date(2013, 6, 30)],
        delta="-0.01",
        corrected_on=datetime.date(2013, 7, 2),
        reason="Erreur",
    )
    quarters = {q["label"]: q for q in target_selectors.disbursements_by_quarter(asis)}
    assert quarters["2013-2014 T1"]["paid"] == Decimal("300.02")  # 100,01 + 200,02 − 0,01
    assert quarters["2013-2014 T2"]["paid"] == Decimal("300.03")
    assert quarters["2013-2014 T4"]["paid"] == Decimal("400.04")
    assert quarters["2015-2016 T4"]["paid"] == Decimal("500.05")
    assert quarters["2012-10"]["paid"] == Decimal("0.07") and quarters["2016-04"]["paid"] == Decimal("0.06")
    labels = list(quarters)
    assert labels[:12] == [f"{y}-{y + 1} T{n}" for y in (2013, 2014, 2015) for n in (1, 2, 3, 4)]
    assert labels[12:] == ["2012-10", "2016-04"]  # after the plan's quarters, in date order
    assert (
        quarters["2016-04"]["cumulative"]
        == sum(Decimal(a) for a in days.values()) - Decimal("0.01")
        == Decimal("1500.27")
    )


def test_by_theme_and_by_year_to_the_cent_with_reductions_other_funding_and_projects(asis, client, cast):
    fqis, ville = FundingSource.objects.get(code="fqis"), FundingSource.objects.get(code="ville-rn")
    theme1, theme2 = asis.themes.get(order=1), asis.themes.get(order=2)
    y1, y2 = asis.years.get(number=1), asis.years.get(number=2)
    a = f.make_project(lead=cast.org_a, theme=theme1, status=ProjectStatus.IN_PROGRESS, title="A")
    b = f.make_project(lead=cast.org_a, theme=theme1, status=ProjectStatus.ACCEPTED, title="B")
    c = f.make_project(lead=cast.org_b, theme=theme2, status=ProjectStatus.IN_PROGRESS, title="C")
    first = f.commit(source=fqis, project=a, amount="1000.10", year=y1)
    f.commit(source=ville, project=a, amount="2000.20", year=y2)  # the same project twice: one project
    f.commit(source=fqis, project=b, amount="0.33", year=y2)
    cancelled = f.commit(source=fqis, project=c, amount="50.00", year=y2)
    commitment_reduce(
        commitment=first, amount="0.11", reduced_on=datetime.date(2014, 1, 1), reason="Moins", resolution=f.board(first)
    )
    commitment_reduce(
        commitment=cancelled,
        amount="50.00",
        reduced_on=datetime.date(2014, 1, 1),
        reason="Annulé",
        cancel=True,
        resolution=f.board(cancelled),
    )
    disbursement_create(commitment=first, amount="999.98", paid_on=datetime.date(2013, 9, 1))
    project_save_draft(  # the funding package, as the project's form saves it
        by=None,
        project=a,
        other_funding=[{"kind": OtherFunding.Kind.OWN, "source_name": "Mise de fonds", "amount": Decimal("1500.15")}],
    )
    client.force_login(cast.coordinator)
    context = client.get(reverse("budget:charts")).context
    by_theme = {row["name"]: row for row in context["by_theme"]}
    assert (
        by_theme[theme1.name]["projects"],
        by_theme[theme1.name]["committed"],
        by_theme[theme1.name]["disbursed"],
    ) == (
        2,
        Decimal("3000.52"),
        Decimal("999.98"),  # 999,99 + 2 000,20 + 0,33
    )
    assert by_theme[theme1.name]["other"] == Decimal("1500.15") and by_theme[theme1.name]["leverage"] == Decimal("0.50")
    assert (by_theme[theme2.name]["projects"], by_theme[theme2.name]["committed"]) == (
        1,
        Decimal("0.00"),
    )  # cancelled, still listed
    assert [(row["label"], row["committed"], row["disbursed"]) for row in context["by_year"]] == [
        ("2013-2014", Decimal("999.99"), Decimal("999.98")),
        ("2014-2015", Decimal("2000.53"), Decimal("0.00")),
    ]
    assert context["committed"] == Decimal("3000.52") == sum(row["committed"] for row in context["by_year"])
    commitments = client.get(reverse("budget:commitments")).context  # the tables of « Engagements »
    assert commitments["page"].paginator.count == 4 and commitments["projects_page"].paginator.count == 3


def test_the_project_pages_follow_theme_then_title_across_themes(asis, client, cast):
    """Each page is sorted among the themes it falls in only: the pages together are the whole table, in order."""
    fqis = FundingSource.objects.get(code="fqis")
    expected = []
    for order, count in ((1, 7), (2, 0), (3, 30), (4, 1), (6, 14)):
        theme = asis.themes.get(order=order)
        titles = [f"Projet {order}-{i:02d}" for i in range(count)]
        for title in reversed(titles):
            project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title=title)
            f.commit(source=fqis, project=project, amount="1.00")
        expected += titles
    f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=2), status=ProjectStatus.ACCEPTED, title="Sans engagement"
    )
    client.force_login(cast.staff)
    seen = []
    for number in (1, 2, 3):
        seen += project_titles(client.get(reverse("budget:commitments"), {"projets": number}))
    assert seen == expected  # 52 projects: 25, 25, 2
    assert (
        project_titles(client.get(reverse("budget:commitments"), {"projets": 99})) == expected[50:]
    )  # past the end: the last page
    assert "Page 3 sur 3" in text(client.get(reverse("budget:commitments"), {"projets": 3}))


def test_the_commitment_pages_need_no_count_query_and_keep_their_order(asis, client, cast):
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(lead=cast.org_a, theme=asis.themes.get(order=1), status=ProjectStatus.IN_PROGRESS)
    for i in range(30):
        f.commit(
            source=fqis,
            project=project,
            amount="1.00",
            decided_on=datetime.date(2014, 1, 1) + datetime.timedelta(days=i % 7),
        )
    expected = list(Commitment.objects.order_by("-decided_on", "-pk").values_list("pk", flat=True))
    client.force_login(cast.coordinator)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("budget:commitments")).context["page"]
    # (the projects left to commit, above the commitments, are counted: not the commitments)
    assert not [q for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "budget_commitment"')]
    second = client.get(reverse("budget:commitments"), {"page": 2}).context["page"]
    assert [c.pk for c in first.object_list] + [c.pk for c in second.object_list] == expected
    assert (first.paginator.num_pages, len(second.object_list)) == (2, 5)


def test_the_latest_payments_are_the_ten_latest_of_the_plan(asis, client, cast):
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(lead=cast.org_a, theme=asis.themes.get(order=1), status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=fqis, project=project, amount="1000.00")
    for i in range(14):
        disbursement_create(
            commitment=commitment, amount="1.00", paid_on=datetime.date(2014, 1, 1) + datetime.timedelta(days=i % 5)
        )
    client.force_login(cast.coordinator)
    latest = client.get(reverse("budget:payments")).context["recent_disbursements"]
    assert [(d.paid_on, d.pk) for d in latest] == sorted(
        ((d.paid_on, d.pk) for d in commitment.disbursements.all()), reverse=True
    )[:10]
