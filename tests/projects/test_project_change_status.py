import pytest
from django.core.exceptions import ValidationError

from projects.models import TRANSITIONS, ProjectStatus, ProjectStatusChange
from projects.services.status import project_change_status
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ProjectStatus


@pytest.fixture
def project(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, by=cast.alice)


def test_the_review_process_keeps_who_when_and_why(project, cast):
    project_change_status(project=project, to_status=S.SUBMITTED, by=cast.alice, comment="Prêt pour le comité")
    project_change_status(project=project, to_status=S.UNDER_ANALYSIS, by=cast.coordinator)
    project.refresh_from_db()
    assert project.status == S.UNDER_ANALYSIS
    history = list(project.status_changes.values_list("from_status", "to_status", "changed_by__username", "comment"))
    assert history == [
        ("", S.DRAFT, "alice", ""),
        (S.DRAFT, S.SUBMITTED, "alice", "Prêt pour le comité"),
        (S.SUBMITTED, S.UNDER_ANALYSIS, "coordo", ""),
    ]


@pytest.mark.parametrize(
    "start, target",
    [
        (S.DRAFT, S.ACCEPTED),  # the analysis and the board cannot be skipped
        (S.DRAFT, S.IN_PROGRESS),
        (S.SUBMITTED, S.ACCEPTED),
        (S.REFUSED, S.ACCEPTED),  # a refusal is final
        (S.FINAL_REPORT, S.IN_PROGRESS),
        (S.WITHDRAWN, S.DRAFT),
        (S.ACCEPTED, S.COMPLETED),  # no agreement, no work
    ],
)
def test_transitions_that_are_not_allowed_are_refused(cast, theme, start, target):
    project = f.make_project(lead=cast.org_a, theme=theme, status=start)
    changes_before = ProjectStatusChange.objects.count()
    with pytest.raises(ValidationError) as error:
        project_change_status(project=project, to_status=target, by=cast.coordinator)
    assert "ne peut pas passer" in str(error.value)
    project.refresh_from_db()
    assert project.status == start
    assert ProjectStatusChange.objects.count() == changes_before


def test_an_unknown_status_is_refused(project):
    with pytest.raises(ValidationError):
        project_change_status(project=project, to_status="approved-by-magic")


def test_every_status_is_reachable_from_a_draft():
    reachable, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable | {S.INTENTION} == set(S.values)
