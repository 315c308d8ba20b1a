"""Helpers of the review tests; their fixtures (the analysis grid, projects at each step of the review)
live in tests/projects/conftest.py."""

from projects.models import ProjectStatus
from projects.services import filing as filing_services


def full_scores(criteria, score=4):
    return {criterion: (score, f"Commentaire sur {criterion.name}") for criterion in criteria}


def make_intention(cast, theme, *, lead=None, **fields):
    return filing_services.project_create(
        by=cast.alice,
        status=ProjectStatus.INTENTION,
        lead=lead or cast.org_a,
        theme=theme,
        **{"title": "Une intention", **fields},
    )
