"""Budget against actual by line (issue 20, part 3): per project on its budget page, per theme and for the plan on
« Budget par ligne et dépenses » and its XLSX, to the cent; who may read them; their query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import ExpenseCategory, ProjectStatus
from projects.selectors.budget_lines import plan_budget_against_actual
from projects.services import reports as report_services
from projects.services.filing import project_save_draft
from tests import factories as f
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


def _report(project, by, **fields):
    return report_services.report_create(
        project=project,
        by=by,
        period_start=datetime.date(2014, 4, 1),
        period_end=datetime.date(2014, 9, 30),
        percent_done=40,
        narrative="Des repas.",
        **fields,
    )


@pytest.fixture
def budgeted(cast, plan, theme):
    """Two accepted projects of one theme: one detailed by line and reporting by line, one « non détaillé »
    reporting one figure; and a draft with lines, which counts nowhere."""
    categories = list(ExpenseCategory.objects.for_alliance(plan.alliance_id).order_by("order"))
    years = list(plan.years.order_by("number"))
    draft = f.make_project(lead=cast.org_a, theme=theme, title="Brouillon", amount_requested=Decimal("0"))
    project_save_draft(by=cast.coordinator, project=draft, budget_lines={(categories[1], years[0]): Decimal("99")})
    detailed = f.make_project(
        lead=cast.org_a, theme=theme, title="Détaillé", status=ProjectStatus.IN_PROGRESS, amount_requested=Decimal("0")
    )
    project_save_draft(
        by=cast.coordinator,
        project=detailed,
        budget_lines={
            (categories[0], years[0]): Decimal("1000.10"),
            (categories[0], years[1]): Decimal("500.00"),
            (categories[4], years[1]): Decimal("200.05"),
        },
    )
    _report(detailed, cast.alice, spending={categories[0]: Decimal("800.01"), categories[4]: Decimal("10")})
    plain = f.make_project(
        lead=cast.org_a,
        theme=theme,
        title="Non détaillé",
        status=ProjectStatus.IN_PROGRESS,
        amount_requested=Decimal("3000.00"),
    )
    _report(plain, cast.alice, expenses=Decimal("1200.50"))
    return {"categories": categories, "years": years, "detailed": detailed, "plain": plain}


def test_the_plan_and_its_themes_budget_against_actual_to_the_cent(plan, theme, budgeted):
    figures = plan_budget_against_actual(plan)
    rows = {row.category.name if row.category else None: row for row in figures["rows"]}
    assert rows["Salaires"].budgeted == Decimal("1500.10")
    assert rows["Salaires"].spent == Decimal("800.01")
    assert rows["Participation citoyenne"].budgeted == Decimal("200.05")
    assert rows["Participation citoyenne"].spent == Decimal("10.00")
    assert rows[None].budgeted == Decimal("3000.00")  # « Non détaillé »
    assert rows[None].spent == Decimal("1200.50")
    assert figures["total"].budgeted == Decimal("4700.15")  # the draft with lines counts nowhere
    assert figures["total"].spent == Decimal("2010.51")
    (table,) = [t for t in figures["themes"] if t.theme == theme]
    assert table.total.budgeted == Decimal("4700.15")


@pytest.mark.parametrize(
    "who, status", [("coordinator", 200), ("staff", 200), ("alice", 403), ("charlie", 403), ("anonymous", 302)]
)
def test_who_reads_the_plan_page_and_its_xlsx(login, cast, budgeted, who, status):
    client = login(getattr(cast, who))
    for name in ("bilan:budget-lines", "bilan:budget-lines-xlsx"):
        assert client.get(reverse(name)).status_code == status


def test_the_plan_page_shows_each_line_and_its_query_count(login, cast, budgeted, django_assert_num_queries):
    client = login(cast.staff)
    client.get(reverse("bilan:budget-lines"))
    # 1 session, 2 user, 3 roles, 4 the alliance of the address, 5 the plan with its alliance, 6 categories,
    # 7 themes, 8 lines by theme and category, 9 latest reports' spending by theme and category, 10 the projects
    # without lines and the reports without spending by theme
    with django_assert_num_queries(10):
        response = client.get(reverse("bilan:budget-lines"))
    text = page(response)
    assert "1 500,10 $" in text  # Salaires, budgeted
    assert "800,01 $" in text
    assert "Non détaillé" in text
    assert "4 700,15 $" in text


def test_the_xlsx_holds_the_same_figures_as_numbers(login, cast, budgeted, theme):
    response = login(cast.coordinator).get(reverse("bilan:budget-lines-xlsx"))
    assert response["Content-Disposition"].startswith('attachment; filename="budget-par-ligne-')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Plan"].iter_rows(values_only=True))
    assert rows[0] == ("Enjeu", "Ligne", "Budget", "Dépensé à ce jour", "Écart", "% dépensé")
    salaries = next(row for row in rows if row[1] == "Salaires")
    assert Decimal(str(salaries[2])) == Decimal("1500.10")
    assert Decimal(str(salaries[3])) == Decimal("800.01")
    assert rows[-1][1] == "Total"
    assert Decimal(str(rows[-1][2])) == Decimal("4700.15")
    by_theme = list(book["Par enjeu"].iter_rows(values_only=True))
    assert any(row[0] == theme.name and row[1] == "Non détaillé" for row in by_theme)


def test_the_project_budget_page_shows_its_lines_against_its_spending(login, cast, budgeted):
    client = login(cast.alice)
    text = page(client.get(reverse("budget:project-budget", args=[budgeted["detailed"].pk])))
    assert 'data-testid="budget-lines"' in text
    assert "1 000,10 $" in text and "200,05 $" in text
    assert "800,01 $" in text  # spent on Salaires, from its latest report
    text = page(client.get(reverse("budget:project-budget", args=[budgeted["plain"].pk])))
    assert "Budget non détaillé" in text
    assert "1 200,50 $" in text
