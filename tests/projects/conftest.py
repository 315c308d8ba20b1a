"""Fixtures of the projects tests: projects every action-project test can use (a draft and a submitted project
of A, an accepted one of B), the review's analysis grid and projects at each step of the review, and a project
of A under way with a partner organisation for the progress reports. Pytest finds them here by name."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from organisations.models import Membership
from organisations.roles import PARTENAIRE
from projects.models import Indicator, ProjectPartner, ProjectStatus, ReviewCriterion
from projects.services import review as review_services
from tests import factories as f
from tests.projects.review_helpers import full_scores


@pytest.fixture
def projects(cast, theme):
    return {
        "draft_a": f.make_project(lead=cast.org_a, theme=theme, title="Brouillon de A"),
        "submitted_a": f.make_project(
            lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Déposé de A"
        ),
        "accepted_b": f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title="Accepté de B"),
    }


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def formset_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def project_form_data(**fields):
    """POST data for the project form: empty formsets unless rows are given (`partenaires-0-organisation`, ...)."""
    data = {
        "title": "Cuisines collectives",
        **formset_management("partenaires"),
        **formset_management("indicateurs"),
        **formset_management("financement"),
    }
    for prefix in ("partenaires", "indicateurs", "financement"):
        rows = {key for key in fields if key.startswith(prefix + "-")}
        if rows:
            data[f"{prefix}-TOTAL_FORMS"] = str(1 + max(int(key.split("-")[1]) for key in rows))
    data.update({key: value for key, value in fields.items() if value is not None})
    return data


# The review: an analysis grid and a project at each step.


@pytest.fixture
def criteria(plan):
    return [
        ReviewCriterion.objects.create(plan=plan, name="Impact sur la pauvreté", max_score=10, order=1),
        ReviewCriterion.objects.create(plan=plan, name="Objectifs clairs", max_score=5, order=2),
        ReviewCriterion.objects.create(plan=plan, name="Appui du milieu", max_score=5, order=3),
    ]


@pytest.fixture
def submitted(cast, theme):
    return f.make_project(
        lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, by=cast.alice, title="Cuisines collectives"
    )


@pytest.fixture
def under_analysis(cast, submitted, criteria):
    review = review_services.review_open(project=submitted, by=cast.coordinator, comment="Comité du 3 mars")
    submitted.refresh_from_db()
    return review


@pytest.fixture
def recommended(cast, under_analysis, criteria):
    review_services.review_save_scores(
        review=under_analysis, scores=full_scores(criteria), committee="Marie\nJean", by=cast.coordinator
    )
    review_services.review_recommend(
        review=under_analysis,
        recommendation="favorable",
        note="Projet solide, bien appuyé.",
        by=cast.coordinator,
    )
    under_analysis.refresh_from_db()
    under_analysis.project.refresh_from_db()
    return under_analysis


# Progress reports.


@pytest.fixture
def private_media(settings, tmp_path):
    """Attachments go to a temporary folder, never to the project's private-media/; the tests that look inside
    the folder ask for it by name (tests/conftest.py already gives every other test a temporary folder)."""
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def reporting(cast, theme):
    """A project of A under way, with organisation P as partner (dave is its member), two indicators
    and money committed; plus charlie's organisation B leading a project of its own."""
    org_p = f.make_organisation(name="Organisme P")
    dave = f.make_user(
        "dave", organisation=org_p, role=Membership.Role.RESPONSABLE, group=PARTENAIRE, email="dave@example.org"
    )
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.IN_PROGRESS,
        title="Cuisines collectives",
        amount_requested=Decimal("20000.00"),
    )
    ProjectPartner.objects.create(project=project, organisation=org_p)
    people = Indicator.objects.create(
        project=project, name="Familles rejointes", unit="familles", target=Decimal("40"), order=1
    )
    meals = Indicator.objects.create(
        project=project, name="Repas servis", unit="repas", target=Decimal("1200"), order=2
    )
    source = f.make_source(theme.plan)
    f.commit(source=source, project=project, amount=Decimal("12500.00"))
    return SimpleNamespace(project=project, org_p=org_p, dave=dave, people=people, meals=meals)
