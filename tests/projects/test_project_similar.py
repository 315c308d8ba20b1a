"""The look-alike panel of the intention and project forms (principles 1 and 3), as each person may know it.

A stranger (a partner of another organisation, or the new account of an organisation still pending approval)
sees only the projects they could open themselves (public ones), each with a link; another organisation's
intention only as one line without its title, organisation or e-mail; its drafts and projects under review
not at all. Coordination and Personnel keep the full list, with the organisations' e-mails.
"""

import pytest
from django.urls import reverse

from organisations.models import Membership, Organisation
from organisations.roles import PARTENAIRE
from projects.models import ProjectStatus
from projects.services.filing import project_create
from tests import factories as f
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db

B_EMAIL = "contact@organisme-b.example"
HIDDEN = ("Halte-garderie intention de B", "Halte-garderie brouillon de B", "Halte-garderie en analyse de B")
PUBLIC = "Halte-garderie acceptée de B"
INTENTION_LINE = "Une autre organisation a une intention semblable — la coordination peut vous mettre en contact."


def _intention(lead, theme, title):
    return project_create(lead=lead, theme=theme, title=title, status=ProjectStatus.INTENTION)


@pytest.fixture
def look_alikes(cast, theme):
    """Organisation B's look-alike intention, draft, project under review and accepted project."""
    cast.org_b.email = B_EMAIL
    cast.org_b.save(update_fields=["email"])
    return {
        "intention": _intention(cast.org_b, theme, HIDDEN[0]),
        "draft": f.make_project(lead=cast.org_b, theme=theme, title=HIDDEN[1]),
        "analysis": f.make_project(lead=cast.org_b, theme=theme, title=HIDDEN[2], status=ProjectStatus.UNDER_ANALYSIS),
        "accepted": f.make_project(lead=cast.org_b, theme=theme, title=PUBLIC, status=ProjectStatus.ACCEPTED),
    }


@pytest.fixture
def newcomer(db):
    """An account that just signed up: its organisation is still pending approval."""
    pending = f.make_organisation(name="Organisme en attente", status=Organisation.Status.PENDING)
    return f.make_user("nouveau", organisation=pending, role=Membership.Role.RESPONSABLE, group=PARTENAIRE)


def _form_urls(user, theme):
    """The three forms that show the panel, for `user`: the intention and project create forms, and the
    edit form of one of their organisation's drafts (for Coordination, organisation A's)."""
    lead = (
        user.memberships.get().organisation
        if not user.sees_everything
        else Organisation.objects.get(name="Organisme A")
    )
    own = f.make_project(lead=lead, theme=theme, title="Halte-garderie du quartier")
    return [
        reverse("projects:project-intention-create") + f"?enjeu={theme.slug}",
        reverse("projects:project-create") + f"?enjeu={theme.slug}",
        reverse("projects:project-update", args=[own.pk]),
    ]


@pytest.mark.parametrize("who", ["newcomer", "alice"])
def test_a_stranger_sees_only_public_look_alikes_and_an_anonymous_intention_line(
    client, cast, theme, look_alikes, newcomer, who
):
    user = newcomer if who == "newcomer" else cast.alice
    client.force_login(user)
    for url in _form_urls(user, theme):
        response = client.get(url)
        assert response.status_code == 200, url
        text = page(response)
        panel = text.split('data-testid="similar-projects"')[1].split("</aside>")[0]
        assert PUBLIC in panel, url
        assert reverse("projects:project-detail", args=[look_alikes["accepted"].pk]) in panel
        for title in HIDDEN:
            assert title not in text, (url, title)
        for project in ("intention", "draft", "analysis"):
            assert reverse("projects:project-detail", args=[look_alikes[project].pk]) not in text
        assert B_EMAIL not in text, url
        assert panel.count(INTENTION_LINE) == 1, url
        # Every title shown opens for this person: none of them is a dead end or a leak.
        assert client.get(reverse("projects:project-detail", args=[look_alikes["accepted"].pk])).status_code == 200


def test_a_stranger_is_told_how_many_intentions_look_alike_without_their_titles(client, cast, theme, look_alikes):
    _intention(f.make_organisation(name="Organisme C"), theme, "Halte-garderie de C")
    client.force_login(cast.alice)
    text = page(client.get(reverse("projects:project-create") + f"?enjeu={theme.slug}"))
    assert (
        "2 autres intentions semblables d'autres organisations — la coordination peut vous mettre en contact." in text
    )
    panel = text.split('data-testid="similar-projects"')[1].split("</aside>")[0]
    assert (
        "Halte-garderie de C" not in text and "Organisme C" not in panel
    )  # (the partners' list names every organisation)


def test_a_stranger_with_only_unpublished_look_alikes_sees_no_title(client, cast, theme):
    f.make_project(lead=cast.org_b, theme=theme, title="Halte-garderie brouillon de B")
    client.force_login(cast.alice)
    text = page(client.get(reverse("projects:project-create") + f"?enjeu={theme.slug}"))
    assert 'data-testid="similar-projects"' not in text and "Halte-garderie brouillon de B" not in text


def test_a_partner_sees_a_project_their_organisation_is_partner_of(client, cast, theme):
    from projects.models import ProjectPartner

    shared = f.make_project(lead=cast.org_b, theme=theme, title="Halte-garderie partagée")
    ProjectPartner.objects.create(project=shared, organisation=cast.org_a)
    client.force_login(cast.alice)
    text = page(client.get(reverse("projects:project-create") + f"?enjeu={theme.slug}"))
    assert "Halte-garderie partagée" in text and reverse("projects:project-detail", args=[shared.pk]) in text


@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_coordination_and_personnel_keep_the_full_look_alike_list(client, cast, theme, look_alikes, who):
    user = getattr(cast, who)
    client.force_login(user)
    if who == "staff":  # Personnel only reads: no form to open but the edit form's read of the panel, via the selector
        from projects.selectors.similar import similar_projects

        similar = similar_projects(user, theme=theme, title="Halte-garderie")
        assert {p.title for p in similar.projects} == {*HIDDEN, PUBLIC} and similar.contacts
        assert similar.hidden_intentions == 0
        return
    for url in _form_urls(user, theme):
        text = page(client.get(url))
        for title in (*HIDDEN, PUBLIC):
            assert title in text, (url, title)
        for project in look_alikes.values():
            assert reverse("projects:project-detail", args=[project.pk]) in text
        assert B_EMAIL in text and INTENTION_LINE not in text


def test_the_panel_costs_one_query(django_assert_num_queries, cast, theme, look_alikes):
    from projects.selectors.similar import similar_projects

    cast.alice.organisation_ids()  # the roles' query, cached on the user by the request's first check
    with django_assert_num_queries(1):  # the theme's candidates with their organisation and space
        similar = similar_projects(cast.alice, theme=theme, title="Halte-garderie", exclude_org_ids={cast.org_a.pk})
    assert [p.title for p in similar.projects] == [PUBLIC] and similar.hidden_intentions == 1
