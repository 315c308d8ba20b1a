"""project_save_draft: a draft saves with whatever is filled in; the requested amount is the sum of the years."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.models import ActionProject, ProjectStatus
from projects.services.filing import project_save_draft
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_draft_needs_only_a_title_and_a_theme(cast, theme):
    project = project_save_draft(by=cast.alice, lead=cast.org_a, theme=theme, title="Idée")
    assert project.status == ProjectStatus.DRAFT
    assert project.status_changes.get().changed_by == cast.alice


def test_year_amounts_rows_and_sum_to_the_cent(cast, theme, plan):
    y1, y2, y3 = plan.years.order_by("number")
    other = f.make_organisation(name="Partenaire C")
    project = project_save_draft(
        by=cast.alice,
        lead=cast.org_a,
        theme=theme,
        title="Complet",
        year_amounts={y1: Decimal("1250.50"), y2: Decimal("0.25"), y3: None},
        partners=[
            {
                "organisation": other,
                "contribution_kind": "cash",
                "contribution_value": Decimal("500.00"),
                "contribution_description": "Local",
            }
        ],
        indicators=[{"name": "Familles rejointes", "unit": "familles", "target": Decimal("40")}],
        other_funding=[{"kind": "funder", "source_name": "Centraide", "amount": Decimal("3000.00"), "confirmed": True}],
    )
    assert project.amount_requested == Decimal("1250.75")
    assert {row.plan_year: row.amount for row in project.year_amounts.all()} == {
        y1: Decimal("1250.50"),
        y2: Decimal("0.25"),
    }
    assert project.partnerships.get().organisation == other
    assert project.indicators.get().order == 1
    assert project.other_funding.get().source_name == "Centraide"

    project_save_draft(
        by=cast.alice,
        project=project,
        year_amounts={y1: Decimal("10.00")},
        partners=[],
        indicators=[],
        other_funding=[],
    )
    project.refresh_from_db()
    assert project.amount_requested == Decimal("10.00")
    assert not project.partnerships.exists() and not project.indicators.exists() and not project.other_funding.exists()


def test_a_negative_amount_is_refused_and_nothing_saved(cast, theme, plan):
    with pytest.raises(ValidationError):
        project_save_draft(
            by=cast.alice,
            lead=cast.org_a,
            theme=theme,
            title="Négatif",
            year_amounts={plan.years.first(): Decimal("-1")},
        )
    assert not ActionProject.objects.filter(title="Négatif").exists()


def test_the_lead_is_not_its_own_partner(cast, theme):
    with pytest.raises(ValidationError):
        project_save_draft(
            by=cast.alice,
            lead=cast.org_a,
            theme=theme,
            title="Seul",
            partners=[{"organisation": cast.org_a, "contribution_kind": "cash"}],
        )
    assert not ActionProject.objects.filter(title="Seul").exists()
