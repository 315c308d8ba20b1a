"""Fixtures of the review tests: a small analysis grid and projects at each step of the review."""

import pytest

from chantiers import services
from chantiers.models import ProjectStatus, ReviewCriterion
from tests import factories as f


@pytest.fixture
def criteria(plan):
    return [
        ReviewCriterion.objects.create(plan=plan, name="Impact sur la pauvreté", max_score=10, order=1),
        ReviewCriterion.objects.create(plan=plan, name="Objectifs clairs", max_score=5, order=2),
        ReviewCriterion.objects.create(plan=plan, name="Appui du milieu", max_score=5, order=3),
    ]


def full_scores(criteria, score=4):
    return {criterion: (score, f"Commentaire sur {criterion.name}") for criterion in criteria}


def make_intention(cast, theme, *, lead=None, **fields):
    return services.project_create(by=cast.alice, status=ProjectStatus.INTENTION, lead=lead or cast.org_a, theme=theme,
                                   **{"title": "Une intention", **fields})


@pytest.fixture
def submitted(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, by=cast.alice, title="Cuisines collectives")


@pytest.fixture
def under_analysis(cast, submitted, criteria):
    review = services.review_open(project=submitted, by=cast.coordinator, comment="Comité du 3 mars")
    submitted.refresh_from_db()
    return review


@pytest.fixture
def recommended(cast, under_analysis, criteria):
    services.review_save_scores(review=under_analysis, scores=full_scores(criteria), committee="Marie\nJean", by=cast.coordinator)
    services.review_recommend(
        review=under_analysis, recommendation="favorable", note="Projet solide, bien appuyé.", by=cast.coordinator,
    )
    under_analysis.refresh_from_db()
    under_analysis.project.refresh_from_db()
    return under_analysis
