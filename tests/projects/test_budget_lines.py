"""A project's budget by line (issue 20, part 3): the alliance's expense categories (seeded, edited by Coordination),
the lines entered in the application's budget section (the request and its years derived from them, to the cent;
French errors and nothing saved on bad input), the reports' spending by line, the check that they add up."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import (
    DEFAULT_EXPENSE_CATEGORIES,
    ActionProject,
    ExpenseCategory,
    ProjectBudgetLine,
    ProjectStatus,
    ProjectYearAmount,
    ReportSpending,
)
from projects.selectors.budget_lines import budget_lines_mismatches
from projects.services import reports as report_services
from projects.services.budget_lines import expense_categories_seed
from projects.services.filing import project_save_draft
from tests import factories as f
from tests.projects.conftest import formset_management, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(plan):
    return list(ExpenseCategory.objects.for_alliance(plan.alliance_id).order_by("order"))


@pytest.fixture
def years(plan):
    return list(plan.years.order_by("number"))


@pytest.fixture
def draft(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, title="Cuisines collectives", amount_requested=Decimal("0"))


def _state(project):
    project = ActionProject.objects.get(pk=project.pk)
    return (
        project.amount_requested,
        sorted(ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")),
        sorted(ProjectBudgetLine.objects.filter(project=project).values_list("category_id", "plan_year_id", "amount")),
    )


def _line(category, year):
    return f"amount_line_{category.pk}_{year.pk}"


# ---------------------------------------------------------------- the categories


def test_every_alliance_starts_with_the_six_default_categories_once(plan):
    names = list(ExpenseCategory.objects.for_alliance(plan.alliance_id).values_list("name", flat=True))
    assert names == [name for name, _order in DEFAULT_EXPENSE_CATEGORIES]
    assert names[:2] == ["Salaires", "Matériel"]
    expense_categories_seed(alliance=plan.alliance)  # the reference data loaded again: nothing doubled
    assert ExpenseCategory.objects.for_alliance(plan.alliance_id).count() == 6


def test_a_category_in_use_cannot_be_deleted(cast, draft, categories, years):
    from django.db.models import ProtectedError

    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[0], years[0]): Decimal("10")})
    with pytest.raises(ProtectedError):
        categories[0].delete()


# ---------------------------------------------------------------- the service: the request is the sum of its lines


def test_lines_make_the_request_and_its_years_to_the_cent(cast, draft, categories, years):
    project_save_draft(
        by=cast.alice,
        project=draft,
        budget_lines={
            (categories[0], years[0]): Decimal("1000.10"),
            (categories[1], years[0]): Decimal("0.01"),
            (categories[4], years[1]): Decimal("2500.50"),
            (categories[5], years[1]): None,  # left empty: no line
        },
    )
    requested, year_amounts, lines = _state(draft)
    assert requested == Decimal("3500.61")
    assert year_amounts == [(years[0].pk, Decimal("1000.11")), (years[1].pk, Decimal("2500.50"))]
    assert len(lines) == 3
    assert budget_lines_mismatches() == []


def test_lines_emptied_leave_the_project_not_detailed_with_its_year_amounts(cast, draft, categories, years):
    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[0], years[0]): Decimal("10")})
    project_save_draft(
        by=cast.alice,
        project=draft,
        budget_lines={(categories[0], years[0]): None},
        year_amounts={years[0]: Decimal("75.25")},
    )
    assert _state(draft) == (Decimal("75.25"), [(years[0].pk, Decimal("75.25"))], [])


@pytest.mark.parametrize(
    "bad, message",
    [
        ("negative", "ne peut pas être négatif"),
        ("archived", "est archivée"),
        ("other alliance", "appartient à une autre alliance"),
        ("year differs", "est la somme de ses lignes"),
    ],
)
def test_bad_lines_are_refused_in_french_and_nothing_is_saved(cast, draft, categories, years, bad, message):
    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[0], years[0]): Decimal("10")})
    before = _state(draft)
    lines = {(categories[1], years[0]): Decimal("20")}
    year_amounts = None
    if bad == "negative":
        lines[(categories[2], years[0])] = Decimal("-1")
    elif bad == "archived":
        ExpenseCategory.objects.filter(pk=categories[1].pk).update(archived=True)
        categories[1].refresh_from_db()
    elif bad == "other alliance":
        other = f.make_plan()
        lines[(ExpenseCategory.objects.for_alliance(other.alliance_id).first(), years[0])] = Decimal("5")
    else:
        year_amounts = {years[0]: Decimal("21")}
    with pytest.raises(ValidationError) as error:
        project_save_draft(by=cast.alice, project=draft, budget_lines=lines, year_amounts=year_amounts)
    assert message in str(error.value)
    assert _state(draft) == before


def test_year_amounts_alone_cannot_drift_from_the_lines(cast, draft, categories, years):
    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[0], years[0]): Decimal("10")})
    with pytest.raises(ValidationError, match="somme de ses lignes"):
        project_save_draft(by=cast.alice, project=draft, year_amounts={years[0]: Decimal("11")})
    assert _state(draft)[0] == Decimal("10.00")


# ---------------------------------------------------------------- the application's budget section


def _post_budget(client, project, data):
    url = reverse("projects:project-application-section", args=[project.pk, "budget"])
    return client.post(url, {**formset_management("financement"), "action": "continuer", **data})


def test_the_partner_enters_lines_in_the_budget_section(login, cast, draft, categories, years):
    client = login(cast.alice)
    response = client.get(reverse("projects:project-application-section", args=[draft.pk, "budget"]))
    text = page(response)
    assert "Budget par ligne" in text
    assert "Participation citoyenne" in text
    response = _post_budget(
        client, draft, {_line(categories[0], years[0]): "1 250,50", _line(categories[3], years[1]): "99,49"}
    )
    assert response.status_code == 302
    assert _state(draft)[0] == Decimal("1349.99")
    review = page(client.get(reverse("projects:project-application-review", args=[draft.pk])))
    assert "Salaires, " + years[0].label in review
    assert "1 349,99 $" in review


@pytest.mark.parametrize(
    "value, message",
    [("-5", "Le montant ne peut pas être négatif."), ("douze", "montant"), ("1,234", "montant")],
)
def test_bad_line_input_shows_a_french_error_and_saves_nothing(login, cast, draft, categories, years, value, message):
    client = login(cast.alice)
    before = _state(draft)
    response = _post_budget(
        client, draft, {_line(categories[0], years[0]): "100", _line(categories[1], years[0]): value}
    )
    assert response.status_code == 200
    assert message in page(response)
    assert 'aria-invalid="true"' in page(response)
    assert _state(draft) == before


def test_a_year_amount_typed_beside_lines_must_be_their_sum(login, cast, draft, categories, years):
    client = login(cast.alice)
    response = _post_budget(client, draft, {_line(categories[0], years[0]): "100", f"amount_{years[0].pk}": "150"})
    assert response.status_code == 200
    assert "est la somme de ses lignes (100 $)" in page(response)
    assert _state(draft)[0] == Decimal("0.00")


def test_an_archived_category_is_no_longer_offered_unless_the_project_uses_it(login, cast, draft, categories, years):
    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[5], years[0]): Decimal("10")})
    ExpenseCategory.objects.filter(pk__in=[categories[4].pk, categories[5].pk]).update(archived=True)
    client = login(cast.alice)
    text = page(client.get(reverse("projects:project-application-section", args=[draft.pk, "budget"])))
    assert "Participation citoyenne" not in text  # archived, unused
    assert "Autres" in text  # archived, but this project's: shown so it can be moved
    response = _post_budget(client, draft, {_line(categories[5], years[0]): "10"})
    assert "est archivée" in page(response)
    response = _post_budget(client, draft, {_line(categories[0], years[0]): "10"})  # moved to another line
    assert response.status_code == 302
    assert _state(draft)[2] == [(categories[0].pk, years[0].pk, Decimal("10.00"))]


def test_coordination_edits_lines_in_the_full_project_form(login, cast, draft, categories, years):
    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[0], years[0]): Decimal("10")})
    client = login(cast.coordinator)
    text = page(client.get(reverse("projects:project-update", args=[draft.pk])))
    assert 'data-testid="budget-lines"' in text
    field = _line(categories[0], years[0])
    assert f'name="{field}"' in text
    assert 'value="10,00"' in text or 'value="10.00"' in text
    # each year heads its column (the form's own « plan years » field is not the table's years)
    response = client.get(reverse("projects:project-update", args=[draft.pk]))
    table = response.content.decode().split('data-testid="budget-lines"')[1].split("</thead>")[0]
    assert all(f'<th scope="col">{year.label}</th>' in table for year in years)


# ---------------------------------------------------------------- reports: spending by line


@pytest.fixture
def reporting(cast, theme, categories, years):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    return project


def _report_fields(**more):
    import datetime

    return {
        "period_start": datetime.date(2014, 4, 1),
        "period_end": datetime.date(2014, 9, 30),
        "percent_done": 40,
        "narrative": "Des repas livrés.",
        **more,
    }


def test_a_report_gives_its_spending_by_line_and_its_expenses_are_their_sum(cast, reporting, categories):
    report = report_services.report_create(
        project=reporting,
        by=cast.alice,
        spending={categories[0]: Decimal("300.10"), categories[3]: Decimal("0.05")},
        **_report_fields(),
    )
    assert report.expenses == Decimal("300.15")
    assert sorted(ReportSpending.objects.filter(report=report).values_list("category_id", "amount")) == [
        (categories[0].pk, Decimal("300.10")),
        (categories[3].pk, Decimal("0.05")),
    ]
    assert budget_lines_mismatches() == []


def test_a_report_whose_expenses_differ_from_its_lines_is_refused(cast, reporting, categories):
    with pytest.raises(ValidationError, match="somme des dépenses par ligne"):
        report_services.report_create(
            project=reporting,
            by=cast.alice,
            spending={categories[0]: Decimal("300")},
            **_report_fields(expenses=Decimal("250")),
        )
    assert not reporting.reports.exists()


def test_the_report_form_takes_spending_by_line(login, cast, reporting, categories):
    client = login(cast.alice)
    url = reverse("projects:report-create", args=[reporting.pk])
    text = page(client.get(url))
    assert "Dépensé à ce jour : Salaires" in text
    response = client.post(
        url,
        {
            "period_start": "2014-04-01",
            "period_end": "2014-09-30",
            "percent_done": "40",
            "narrative": "Des repas.",
            "people_reached": "0",
            "citizens_reached": "0",
            f"spent_{categories[0].pk}": "-1",
        },
    )
    assert "Le montant ne peut pas être négatif." in page(response)


# ---------------------------------------------------------------- the check


def test_check_budget_names_a_request_that_drifted_from_its_lines(cast, draft, categories, years):
    from django.core.management import CommandError, call_command

    project_save_draft(by=cast.alice, project=draft, budget_lines={(categories[0], years[0]): Decimal("10")})
    call_command("check_budget")
    ActionProject.objects.filter(pk=draft.pk).update(amount_requested=Decimal("10.01"))
    assert budget_lines_mismatches() == [f"project {draft.pk}: amount_requested 10.01 != lines 10.00"]
    with pytest.raises(CommandError):
        call_command("check_budget")


def test_other_funding_names_the_line_it_pays_for_within_the_alliance(cast, draft, categories, plan):
    from projects.models import OtherFunding

    row = {"kind": OtherFunding.Kind.OTHER_FUNDER, "source_name": "Fondation", "amount": Decimal("500")}
    project_save_draft(by=cast.alice, project=draft, other_funding=[{**row, "category": categories[1]}])
    assert OtherFunding.objects.get(project=draft).category == categories[1]
    other = ExpenseCategory.objects.for_alliance(f.make_plan().alliance_id).first()
    with pytest.raises(ValidationError, match="autre alliance"):
        project_save_draft(by=cast.alice, project=draft, other_funding=[{**row, "category": other}])
    assert OtherFunding.objects.get(project=draft).category == categories[1]


# ---------------------------------------------------------------- saving the lines: changes, not delete and create


def _line_writes(queries) -> list[str]:
    """The INSERT, UPDATE and DELETE statements on the lines and their history among `queries`."""
    return [
        q["sql"]
        for q in queries
        if "projectbudgetline" in q["sql"].lower()
        and q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def _budget_form(categories, years, amounts):
    return {_line(categories[c], years[y]): amount for (c, y), amount in amounts.items()}


def test_the_budget_section_saved_unchanged_writes_no_line(login, cast, draft, categories, years):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = {(0, 0): "1 000,10", (1, 0): "0,01", (4, 1): "2 500,50"}
    client = login(cast.alice)
    assert _post_budget(client, draft, _budget_form(categories, years, lines)).status_code == 302
    history = ProjectBudgetLine.history.count()
    with CaptureQueriesContext(connection) as queries:
        assert _post_budget(client, draft, _budget_form(categories, years, lines)).status_code == 302
    assert _line_writes(queries.captured_queries) == []  # no line deleted, inserted nor updated
    assert ProjectBudgetLine.history.count() == history  # the history shows no change
    assert _state(draft)[0] == Decimal("3500.61")


def test_one_line_changed_updates_one_row_and_its_history_shows_a_change(login, cast, draft, categories, years):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = {(0, 0): "1 000,10", (1, 0): "0,01", (4, 1): "2 500,50"}
    client = login(cast.alice)
    _post_budget(client, draft, _budget_form(categories, years, lines))
    ids = sorted(ProjectBudgetLine.objects.filter(project=draft).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        response = _post_budget(client, draft, _budget_form(categories, years, {**lines, (1, 0): "0,02"}))
    assert response.status_code == 302
    writes = _line_writes(queries.captured_queries)
    assert len(writes) == 2  # the line's UPDATE and its history's INSERT, nothing else on the lines
    assert writes[0].lstrip().upper().startswith("UPDATE")
    assert sorted(ProjectBudgetLine.objects.filter(project=draft).values_list("pk", flat=True)) == ids  # same rows
    line = ProjectBudgetLine.objects.get(project=draft, category=categories[1], plan_year=years[0])
    assert [(h.history_type, h.amount) for h in line.history.order_by("history_date", "history_id")] == [
        ("+", Decimal("0.01")),
        ("~", Decimal("0.02")),
    ]
    requested, year_amounts, _lines = _state(draft)
    assert requested == Decimal("3500.62")  # still the sum of the lines, to the cent
    assert year_amounts == [(years[0].pk, Decimal("1000.12")), (years[1].pk, Decimal("2500.50"))]
    assert budget_lines_mismatches() == []


def test_a_line_emptied_and_named_nowhere_is_deleted_a_new_one_inserted(cast, draft, categories, years):
    project_save_draft(
        by=cast.alice,
        project=draft,
        budget_lines={(categories[0], years[0]): Decimal("10"), (categories[1], years[0]): Decimal("5")},
    )
    kept = ProjectBudgetLine.objects.get(project=draft, category=categories[0]).pk
    project_save_draft(
        by=cast.alice,
        project=draft,
        budget_lines={
            (categories[0], years[0]): Decimal("10"),
            (categories[1], years[0]): None,
            (categories[2], years[1]): Decimal("7.5"),
        },
    )
    assert _state(draft) == (
        Decimal("17.50"),
        [(years[0].pk, Decimal("10.00")), (years[1].pk, Decimal("7.50"))],
        sorted([(categories[0].pk, years[0].pk, Decimal("10.00")), (categories[2].pk, years[1].pk, Decimal("7.50"))]),
    )
    assert ProjectBudgetLine.objects.get(project=draft, category=categories[0]).pk == kept


@pytest.mark.parametrize("named_by", ["report spending", "other funding"])
def test_a_line_emptied_that_something_names_stays_at_zero(cast, reporting, categories, years, named_by):
    from projects.models import OtherFunding

    draft = reporting
    project_save_draft(
        by=cast.alice,
        project=draft,
        budget_lines={(categories[0], years[0]): Decimal("10"), (categories[1], years[0]): Decimal("5")},
    )
    line = ProjectBudgetLine.objects.get(project=draft, category=categories[1])
    if named_by == "report spending":
        report_services.report_create(
            project=draft, by=cast.alice, spending={categories[1]: Decimal("2")}, **_report_fields()
        )
    else:
        project_save_draft(
            by=cast.alice,
            project=draft,
            other_funding=[
                {
                    "kind": OtherFunding.Kind.OTHER_FUNDER,
                    "source_name": "Fondation",
                    "amount": Decimal("1"),
                    "category": categories[1],
                }
            ],
        )
    project_save_draft(
        by=cast.alice,
        project=draft,
        budget_lines={(categories[0], years[0]): Decimal("10"), (categories[1], years[0]): None},
    )
    line.refresh_from_db()  # not deleted: kept at zero, its history shows the change
    assert line.amount == Decimal("0.00")
    assert [h.history_type for h in line.history.order_by("history_date", "history_id")] == ["+", "~"]
    assert _state(draft)[0] == Decimal("10.00")
    assert budget_lines_mismatches() == []
    # every line emptied while one is named: refused in French, nothing saved
    before = _state(draft)
    with pytest.raises(ValidationError, match="il reste détaillé par ligne"):
        project_save_draft(
            by=cast.alice,
            project=draft,
            budget_lines={(categories[0], years[0]): None},
            year_amounts={years[0]: Decimal("3")},
        )
    assert _state(draft) == before
