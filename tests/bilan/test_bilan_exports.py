"""The bilan's exports opened back (csv, openpyxl): the same figures as the page and, to the cent, as the database."""

import csv
import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
)
from organisations.models import User
from plans.models import Plan
from projects.models import ActionProject
from tests.alliance_money import asis_url

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")
YEAR = {"periode": "2014-2015"}
TABLES = ["synthese", "projets", "budget", "rencontres", "rencontres-evitees", "indicateurs"]


def csv_rows(response) -> list[dict]:
    body = b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content).decode(
        "utf-8"
    )
    assert body.startswith("\ufeff"), "a BOM so Excel keeps the accents"
    return list(csv.DictReader(io.StringIO(body[1:])))


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def db_committed(plan, start, end) -> Decimal:
    """The plan's money committed between two dates (the demo has other alliances' plans over the same years)."""
    commitments = Commitment.objects.filter(source__plan=plan, decided_on__range=(start, end))
    return commitments.aggregate(t=Sum(Commitment.CURRENT))["t"] or Decimal("0")


def db_disbursed(plan, start, end) -> Decimal:
    paid = Disbursement.objects.filter(commitment__source__plan=plan, paid_on__range=(start, end))
    corrected = DisbursementCorrection.objects.filter(
        disbursement__commitment__source__plan=plan, corrected_on__range=(start, end)
    )
    return (paid.aggregate(t=Sum("amount"))["t"] or Decimal("0")) + (
        corrected.aggregate(t=Sum("delta"))["t"] or Decimal("0")
    )


def correct(disbursement, delta: Decimal, on):
    """A correction through the ledger (the running totals and the kept figures move with it)."""
    from budget.services import ledger

    ledger.disbursement_correct(disbursement=disbursement, delta=delta, corrected_on=on, reason="Erreur de saisie")


def test_csv_tables_hold_the_database_totals_to_the_cent(demo_client):
    client = demo_client("personnel")
    plan = Plan.objects.select_related("alliance").get(alliance__acronym="ASIS")
    year = plan.years.get(number=2)
    # A correction in 2014-2015 on a payment of that year: counted in the period it is dated.
    paid = (
        Disbursement.objects.filter(commitment__source__plan=plan, paid_on__range=(year.start_date, year.end_date))
        .order_by("pk")
        .first()
    )
    correct(paid, Decimal("-100.25"), year.start_date.replace(month=12, day=1))

    response = client.get(asis_url("bilan:bilan-csv", "budget"), YEAR)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bilan-asis-2014-2015-budget.csv"'
    rows = csv_rows(response)
    sources = [r for r in rows if r["Axe"] == "Source"]
    committed = sum(Decimal(r["Engagé (par date de décision)"]) for r in sources)
    disbursed = sum(Decimal(r["Versé"]) for r in sources)
    assert committed == db_committed(plan, year.start_date, year.end_date) == Decimal("103351.25")
    assert disbursed == db_disbursed(plan, year.start_date, year.end_date)
    total = next(r for r in rows if r["Axe"] == "Total")
    assert Decimal(total["Engagé (par date de décision)"]) == committed
    assert Decimal(total["Versé"]) == disbursed
    themes = [r for r in rows if r["Axe"] == "Enjeu"]
    years = [r for r in rows if r["Axe"] == "Année du plan"]
    assert len(themes) == 6 and len(years) == 3
    assert sum(Decimal(r["Engagé (par date de décision)"]) for r in themes) == committed
    # the plan years fill the other « Engagé », by plan year: it adds up to the same total (the reconciliation)
    assert all(r["Engagé (par date de décision)"] == "" for r in years)
    assert sum(Decimal(r["Engagé (par année du plan)"]) for r in years) == committed
    assert Decimal(total["Engagé (par année du plan)"]) == committed
    assert sum(Decimal(r["Versé"]) for r in years) == disbursed
    fqis = next(r for r in sources if r["Code"] == "fqis")
    to_date = Commitment.objects.filter(
        source__plan=plan, source__code="fqis", decided_on__lte=year.end_date
    ).aggregate(t=Sum(Commitment.CURRENT))["t"]
    assert Decimal(fqis["Reste à engager"]) == Decimal("467136.00") - to_date

    projects = csv_rows(client.get(asis_url("bilan:bilan-csv", "projets"), YEAR))
    assert sum(Decimal(r["Engagé (par date de décision)"]) for r in projects) == committed
    assert sum(Decimal(r["Versé"]) for r in projects) == disbursed
    assert {r["Projet"] for r in projects} >= {"Accompagnement-transport des aînés"}

    for table in TABLES:
        response = client.get(asis_url("bilan:bilan-csv", table), YEAR)
        assert response.status_code == 200 and csv_rows(response), table
    assert client.get(asis_url("bilan:bilan-csv", "inconnu"), YEAR).status_code == 404


def test_xlsx_has_one_sheet_per_part_and_the_totals_of_the_page(demo_client):
    client = demo_client("personnel")
    page = client.get(asis_url("bilan:bilan"), {"periode": "plan"})
    assert page.status_code == 200
    response = client.get(asis_url("bilan:bilan-xlsx"), {"periode": "plan"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bilan-asis-2013-2016.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [  # the shared indicators of the themes since issue 21
        "Synthèse",
        "Projets",
        "Budget",
        "Rencontres",
        "Rencontres évitées",  # issue 21, part 2
        "Indicateurs",
        "Indicateurs partagés",
        "Durabilité",
    ]

    budget = workbook["Budget"]
    assert budget.freeze_panes == "A2"
    assert budget.auto_filter.ref == f"A1:H{budget.max_row}"
    assert budget.column_dimensions["C"].width > 20
    header = [c.value for c in budget[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in budget.iter_rows(min_row=2)]
    sources = [r for r in rows if r["Axe"] == "Source"]
    money_cell = budget.cell(row=2, column=5)
    assert money_cell.number_format == '#,##0.00 "$"'
    assert isinstance(money_cell.value, (int, float))

    # Over the whole plan, the rule equals the running totals: current commitments, payments with corrections.
    committed = sum(money(r["Engagé (par date de décision)"]) for r in sources)
    disbursed = sum(money(r["Versé"]) for r in sources)
    db = FundingSource.objects.filter(plan=Plan.objects.current()).totals()
    assert committed == db["committed"] == Decimal("228051.25")
    assert disbursed == db["disbursed"]
    assert sum(money(r["Enveloppe"]) for r in sources) == Decimal("502136.00")
    text = page.content.decode().replace("\xa0", " ")
    assert "228 051,25 $" in text

    projects = workbook["Projets"]
    header = [c.value for c in projects[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in projects.iter_rows(min_row=2)]
    assert sum(money(r["Engagé (par date de décision)"]) for r in rows) == committed
    assert sum(money(r["Versé"]) for r in rows) == disbursed
    indicators = workbook["Indicateurs"]
    assert [c.value for c in indicators[1]][:3] == ["ID projet", "Projet", "ID indicateur"]


def test_a_partners_exports_hold_only_its_organisations_projects(demo_client):
    partner = User.objects.get(username="partenaire")
    own = set(ActionProject.objects.filter(lead_id__in=partner.organisation_ids()).values_list("pk", flat=True)) | set(
        ActionProject.objects.filter(partnerships__organisation_id__in=partner.organisation_ids()).values_list(
            "pk", flat=True
        )
    )
    client = demo_client("partenaire")
    rows = csv_rows(client.get(asis_url("bilan:bilan-csv", "projets"), {"periode": "plan"}))
    assert rows and {int(r["ID projet"]) for r in rows} <= own
    response = client.get(asis_url("bilan:bilan-xlsx"), {"periode": "plan"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ids = {row[0].value for row in workbook["Projets"].iter_rows(min_row=2)}
    assert ids and ids <= own
    indicator_projects = {row[0].value for row in workbook["Indicateurs"].iter_rows(min_row=2)}
    assert indicator_projects <= own
    # Its money: only its projects' commitments.
    budget = csv_rows(client.get(asis_url("bilan:bilan-csv", "budget"), {"periode": "plan"}))
    committed = sum(Decimal(r["Engagé (par date de décision)"]) for r in budget if r["Axe"] == "Source")
    assert committed == Commitment.objects.filter(project__in=own).aggregate(t=Sum(Commitment.CURRENT))["t"]


def test_exports_need_a_login_and_a_valid_period(client, demo):
    assert client.get(asis_url("bilan:bilan-xlsx")).status_code == 302
    assert client.get(asis_url("bilan:bilan-csv", "projets")).status_code == 302
    client.force_login(User.objects.get(username="personnel"))
    bad = {"periode": "dates", "du": "2015-01-01", "au": "2014-01-01"}
    assert client.get(asis_url("bilan:bilan-xlsx"), bad).status_code == 400
    assert client.get(asis_url("bilan:bilan-csv", "projets"), bad).status_code == 400
