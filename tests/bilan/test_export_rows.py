"""The bilan's long tables read straight from SQL (bilan.export_rows) over several chunks: the same
rows as the bilan's project lines, a fixed number of queries, and in the XLSX every project with,
to the cent, the database's money."""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from django.db.models import QuerySet, Sum
from openpyxl import load_workbook

from bilan import export_rows, exports
from bilan.selectors import lines
from bilan.selectors.build import build_bilan
from budget.models import Commitment, Disbursement, DisbursementCorrection
from budget.services.ledger import commitment_reduce
from organisations.models import Organisation, User
from plans.models import Plan
from projects.models import ActionProject, Indicator, ProgressReport
from tests.alliance_money import asis_url
from tests.bilan.test_bilan_exports import correct, db_committed, db_disbursed
from tests.bilan.test_bilan_queries import grow

pytestmark = pytest.mark.django_db
D = datetime.date
CHUNK = 3


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 projects for the bilan and for its exports: the demo's 14 projects cross several."""
    monkeypatch.setattr(lines, "CHUNK", CHUNK)
    monkeypatch.setattr(lines._each_built, "__kwdefaults__", {"chunk": CHUNK})
    monkeypatch.setattr(export_rows, "CHUNK", CHUNK)


@pytest.fixture
def odd_demo(demo):
    """The demo with what the rules must get right: a reduction and a correction in 2014-2015, a
    title that looks like a formula, a partner named with XML's special characters, a project
    without space, highlights before the period and blank ones."""
    plan = Plan.objects.select_related("alliance").get(alliance__acronym="ASIS")
    year = plan.years.get(number=2)
    in_year = {"commitment__source__plan": plan, "paid_on__range": (year.start_date, year.end_date)}
    paid = Disbursement.objects.filter(**in_year).order_by("pk").first()
    correct(paid, Decimal("-100.25"), D(2014, 12, 1))
    commitment = (
        Commitment.objects.filter(source__plan=plan, decided_on__range=(year.start_date, year.end_date))
        .order_by("pk")
        .first()
    )
    commitment_reduce(
        commitment=commitment,
        amount=Decimal("10.10"),
        reduced_on=D(2015, 1, 5),
        reason="Révision",
        resolution=commitment.resolution,
    )
    projects = list(ActionProject.objects.filter(theme__plan=plan).order_by("pk"))
    ActionProject.objects.filter(pk=projects[0].pk).update(title='=HYPERLINK("http://exemple.test";"clic")')
    ActionProject.objects.filter(pk=projects[1].pk).update(space=None)
    Organisation.objects.filter(pk=projects[2].lead_id).update(name="Café <Rouyn> & Noranda")
    ProgressReport.objects.create(
        project=projects[3],
        period_start=D(2013, 5, 1),
        period_end=D(2013, 9, 30),
        percent_done=10,
        highlights="Avant la période",
    )
    ProgressReport.objects.create(
        project=projects[3], period_start=D(2014, 5, 1), period_end=D(2014, 9, 30), percent_done=20, highlights="   "
    )
    return plan


def bilan_of(plan, start, end):
    return build_bilan(user=User.objects.get(username="personnel"), period_start=start, period_end=end, plan=plan)


def ordered_projects(report) -> QuerySet:
    """The bilan's ordered projects, which `Bilan.lines()` reads again (even when it keeps its lines)."""
    return report.lines_of.project_queryset


@pytest.mark.parametrize(
    "start, end", [(D(2013, 4, 1), D(2016, 3, 31)), (D(2014, 4, 1), D(2015, 3, 31)), (D(2014, 6, 1), D(2014, 12, 31))]
)
def test_sql_rows_are_the_rows_of_the_project_lines(odd_demo, small_chunks, start, end):
    report = bilan_of(odd_demo, start, end)
    assert report.project_count > 2 * CHUNK
    lines_of = report.lines_of
    from_lines = exports.tables(dataclasses.replace(report, lines_of=lambda: lines_of()))  # the lines, as before
    assert export_rows.projects_of(dataclasses.replace(report, lines_of=lambda: lines_of())) is None
    projects = ordered_projects(report)
    from_sql = {
        "projets": list(export_rows.project_rows(projects, start=start, end=end)),
        "indicateurs": list(export_rows.indicator_rows(projects, start=start, end=end)),
    }
    for slug in ("projets", "indicateurs"):
        assert from_sql[slug] == list(from_lines[slug].iter_rows()), slug
        assert from_sql[slug]
    highlights = [row[12] for row in from_sql["projets"] if row[12]]
    assert highlights
    assert any("Avant la période" in text for text in highlights) == (
        start <= D(2013, 9, 30)
    )  # only those ending in the period


def test_the_xlsx_of_many_chunks_holds_every_project_and_the_database_money_to_the_cent(odd_demo, small_chunks, client):
    client.force_login(User.objects.get(username="personnel"))
    year = odd_demo.years.get(number=2)
    start, end = year.start_date, year.end_date
    response = client.get(asis_url("bilan:bilan-xlsx"), {"periode": "2014-2015"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    sheet = workbook["Projets"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    order = [line.pk for line in bilan_of(odd_demo, start, end).lines()]
    assert len(order) > 2 * CHUNK
    assert [r["ID projet"] for r in rows] == order  # every project, once, in the bilan's order
    assert sheet.auto_filter.ref == f"A1:N{len(order) + 1}"
    assert sheet.freeze_panes == "A2"

    def cents(value) -> Decimal:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))

    committed = {
        row["project"]: row["t"]
        for row in Commitment.objects.filter(source__plan=odd_demo, decided_on__range=(start, end))
        .values("project")
        .annotate(t=Sum(Commitment.CURRENT))
        .order_by()
    }
    paid = {
        row["commitment__project"]: row["t"]
        for row in Disbursement.objects.filter(commitment__source__plan=odd_demo, paid_on__range=(start, end))
        .values("commitment__project")
        .annotate(t=Sum("amount"))
        .order_by()
    }
    for row in (
        DisbursementCorrection.objects.filter(
            disbursement__commitment__source__plan=odd_demo, corrected_on__range=(start, end)
        )
        .values("disbursement__commitment__project")
        .annotate(t=Sum("delta"))
        .order_by()
    ):
        paid[row["disbursement__commitment__project"]] = (
            paid.get(row["disbursement__commitment__project"], Decimal("0")) + row["t"]
        )
    for row in rows:  # each project's money, to the cent
        assert cents(row["Engagé (par date de décision)"]) == cents(committed.get(row["ID projet"])), row["ID projet"]
        assert cents(row["Versé"]) == cents(paid.get(row["ID projet"])), row["ID projet"]
    assert sum(cents(r["Engagé (par date de décision)"]) for r in rows) == db_committed(odd_demo, start, end)
    assert sum(cents(r["Versé"]) for r in rows) == db_disbursed(odd_demo, start, end)
    money = sheet.cell(row=2, column=header.index("Engagé (par date de décision)") + 1)
    assert money.number_format == '#,##0.00 "$"' and isinstance(money.value, (int, float))

    formula = next(r for r in rows if r["Projet"].startswith("="))
    assert formula["Projet"] == '=HYPERLINK("http://exemple.test";"clic")'  # text, never run
    assert "Café <Rouyn> & Noranda" in {r["Porteur"] for r in rows}

    indicators = list(workbook["Indicateurs"].iter_rows(min_row=2, values_only=True))
    assert len(indicators) == Indicator.objects.filter(project__in=order).count()
    assert {row[0] for row in indicators} <= set(order)
    assert workbook["Synthèse"]["B2"].value == "2014-2015"  # the period


def test_the_long_tables_cost_five_queries_whatever_the_number_of_projects(
    cast, plan, theme, small_chunks, django_assert_num_queries
):
    def export():
        report = build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)
        assert export_rows.projects_of(report) is not None
        # 5: the projects with their money; their partners; their reports; their indicators (latest values); the
        # board resolutions behind their commitments of the period
        with django_assert_num_queries(5):
            handle = exports.xlsx_file(report)
        workbook = load_workbook(handle)
        handle.close()
        return report.project_count, workbook["Projets"].max_row - 1, workbook["Indicateurs"].max_row - 1

    grow(cast, plan, theme, projects=60, reports=10, meetings=1)  # more than a page of lines: none kept
    assert export() == (60, 60, 120)
    grow(cast, plan, theme, projects=60, reports=80, meetings=1)
    assert export() == (120, 120, 240)


def test_rows_out_of_the_projects_order_raise_rather_than_vanish():
    side = export_rows._Side(iter([(1, "a"), (3, "b")]))
    assert side.of(1) == [(1, "a")]
    assert side.of(2) == []
    with pytest.raises(RuntimeError):
        side.close()  # project 3 was never met
