"""A short intention: title, theme, summary; the lead is the user's organisation."""

import pytest
from django.urls import reverse

from projects.models import ActionProject, ProjectStatus
from tests import factories as f
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


def test_an_intention_is_created_for_the_users_organisation(client, cast, theme):
    client.force_login(cast.bob)
    response = client.post(
        reverse("projects:project-intention-create"),
        {"title": "Halte-garderie", "theme": theme.pk, "summary": "Pour les parents aux études"},
    )
    project = ActionProject.objects.get()
    assert response["Location"] == reverse("projects:project-application", args=[project.pk])
    assert (project.lead, project.status, project.summary) == (
        cast.org_a,
        ProjectStatus.INTENTION,
        "Pour les parents aux études",
    )
    assert project.status_changes.get().to_status == ProjectStatus.INTENTION


def test_the_theme_is_required(client, cast):
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-intention-create"), {"title": "Sans enjeu"})
    assert response.status_code == 200 and not ActionProject.objects.exists()


def test_similar_public_projects_of_other_organisations_are_shown_for_the_theme(client, cast, theme):
    f.make_project(lead=cast.org_b, theme=theme, title="Halte-garderie de B", status=ProjectStatus.ACCEPTED)
    f.make_project(lead=cast.org_b, theme=theme, title="Halte-garderie déposée de B", status=ProjectStatus.SUBMITTED)
    client.force_login(cast.alice)
    text = page(client.get(reverse("projects:project-intention-create") + f"?enjeu={theme.slug}"))
    assert "Halte-garderie de B" in text and "Organisme B" in text
    assert "Halte-garderie déposée de B" not in text  # not public: see test_project_similar.py
