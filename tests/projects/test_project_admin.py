"""Projects in the admin: created as intention or draft, moved only along the review process, history kept."""

import pytest

from projects.models import ActionProject, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
INLINES = ("partnerships", "other_funding", "indicators", "status_changes")


def form_data(project=None, *, theme, lead, **extra):
    data = {
        "title": project.title if project else "Cuisine collective",
        "lead": lead.pk,
        "theme": theme.pk,
        "amount_requested": "5000.00",
        "status": ProjectStatus.DRAFT,
    }
    for prefix in INLINES:
        total = project.status_changes.count() if (project and prefix == "status_changes") else 0
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": total,
                f"{prefix}-INITIAL_FORMS": total,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    if project:
        for i, change in enumerate(project.status_changes.all()):
            data[f"status_changes-{i}-id"] = change.pk
            data[f"status_changes-{i}-project"] = project.pk
    data.update(extra)
    return data


def test_a_project_created_in_the_admin_starts_its_history(client, cast, theme):
    client.force_login(cast.coordinator)
    response = client.post("/admin/projects/actionproject/add/", form_data(theme=theme, lead=cast.org_a))
    assert response.status_code == 302
    project = ActionProject.objects.get()
    assert list(project.status_changes.values_list("from_status", "to_status", "changed_by")) == [
        ("", ProjectStatus.DRAFT, cast.coordinator.pk)
    ]


def test_a_project_cannot_be_created_already_accepted(client, cast, theme):
    client.force_login(cast.coordinator)
    response = client.post(
        "/admin/projects/actionproject/add/", form_data(theme=theme, lead=cast.org_a, status=ProjectStatus.ACCEPTED)
    )
    assert response.status_code == 200
    assert not ActionProject.objects.exists()


def test_the_admin_moves_a_project_along_the_process_with_a_reason(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED)
    client.force_login(cast.coordinator)
    response = client.post(
        f"/admin/projects/actionproject/{project.pk}/change/",
        form_data(
            project,
            theme=theme,
            lead=cast.org_a,
            new_status=ProjectStatus.UNDER_ANALYSIS,
            status_comment="Dossier complet",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.status == ProjectStatus.UNDER_ANALYSIS
    last = project.status_changes.last()
    assert (last.from_status, last.to_status, last.comment, last.changed_by) == (
        ProjectStatus.SUBMITTED,
        ProjectStatus.UNDER_ANALYSIS,
        "Dossier complet",
        cast.coordinator,
    )


def test_the_admin_refuses_a_jump_past_the_process(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED)
    client.force_login(cast.coordinator)
    response = client.post(
        f"/admin/projects/actionproject/{project.pk}/change/",
        form_data(project, theme=theme, lead=cast.org_a, new_status=ProjectStatus.ACCEPTED),
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
