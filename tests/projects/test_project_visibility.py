"""Who sees which project (ActionProject.objects.visible_to), the rule every page uses."""

import pytest

from projects.models import ActionProject, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(cast, theme):
    partner_of_b = f.make_project(lead=cast.org_a, theme=theme, title="A avec B en partenaire")
    partner_of_b.partnerships.create(organisation=cast.org_b)
    return {
        "draft_a": f.make_project(lead=cast.org_a, theme=theme, title="Brouillon de A"),
        "draft_b": f.make_project(lead=cast.org_b, theme=theme, title="Brouillon de B"),
        "accepted_b": f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title="Accepté de B"),
        "refused_a": f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.REFUSED, title="Refusé de A"),
        "partner_b": partner_of_b,
    }


def titles(user):
    return set(ActionProject.objects.visible_to(user).values_list("title", flat=True))


def test_anonymous_sees_only_accepted_projects(cast, projects):
    assert titles(cast.anonymous) == {"Accepté de B"}


def test_a_partner_sees_public_projects_and_their_own(cast, projects):
    assert titles(cast.alice) == {"Accepté de B", "Brouillon de A", "Refusé de A", "A avec B en partenaire"}
    assert titles(cast.bob) == titles(cast.alice)


def test_a_partner_sees_projects_where_they_are_partner_but_not_others_drafts(cast, projects):
    assert titles(cast.charlie) == {"Accepté de B", "Brouillon de B", "A avec B en partenaire"}


def test_coordination_and_staff_see_everything(cast, projects):
    every = set(ActionProject.objects.values_list("title", flat=True))
    assert titles(cast.coordinator) == every
    assert titles(cast.staff) == every


def test_role_checks_cost_no_query_once_loaded(cast, django_assert_num_queries):
    user = cast.coordinator
    assert user.is_coordinator
    with django_assert_num_queries(0):
        assert user.is_coordinator and user.sees_everything and not user.is_personnel
