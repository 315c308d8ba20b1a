"""« À traiter » finds two things issue 20 added: the analyses waiting for a member of the analysis committee
(« Analyses à faire », linked to « Mes analyses ») and, for Coordination, the change requests to decide. Both are
counted with the plan the home reads: no query more, whatever the data."""

import html

import pytest
from django.urls import reverse

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from budget.services.changes import change_request_create
from projects.models import ProjectStatus, ReviewCriterion
from projects.services import committee as committee_services
from projects.services.review import review_open
from tests import factories as f
from tests.budget.changes_fixtures import move, under_agreement

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def queues(response) -> dict:
    return {queue.key: queue for section in response.context.get("sections", []) for queue in section.queues}


def _analysis(cast, theme, title):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title=title)
    return review_open(project=project, by=cast.coordinator)


@pytest.fixture
def criteria(current):
    return [
        ReviewCriterion.objects.create(plan=current, name="Impact", max_score=5, order=1),
        ReviewCriterion.objects.create(plan=current, name="Appui", max_score=5, order=2),
    ]


@pytest.fixture
def seat(cast, current):
    """charlie (organisation B, a partner) sits on the cast's alliance's committee."""
    return committee_services.committee_member_add(
        alliance=current.alliance, by=cast.coordinator, user=cast.charlie, organisation=cast.org_b
    )


# ---------------------------------------------------------------- « Analyses à faire »


def test_a_member_finds_the_analyses_waiting_for_them_on_their_home(client, cast, current, theme, criteria, seat):
    first = _analysis(cast, theme, "Cuisines collectives")
    second = _analysis(cast, theme, "Jardins partagés")
    client.force_login(cast.charlie)
    response = client.get(reverse("home"))
    body = text(response)
    assert response.context["analyses_to_do"] == 2
    assert "Analyses à faire" in body and "2 projets attendent votre déclaration d'intérêts ou vos notes" in body
    assert f'href="{reverse("projects:committee-my-reviews")}"' in body
    # declared without conflict, one criterion scored: still to do; the whole grid scored: done
    declare, save = committee_services.conflict_declare, committee_services.member_scores_save
    declare(review=first, member=seat, in_conflict=False, by=cast.charlie)
    save(review=first, member=seat, scores={criteria[0]: (3, "")}, by=cast.charlie)
    assert client.get(reverse("home")).context["analyses_to_do"] == 2
    save(review=first, member=seat, scores={criteria[1]: (4, "")}, by=cast.charlie)
    assert client.get(reverse("home")).context["analyses_to_do"] == 1
    # an emptied score (withdrawn) counts no more: the analysis waits again
    save(review=first, member=seat, scores={criteria[1]: (None, "")}, by=cast.charlie)
    assert client.get(reverse("home")).context["analyses_to_do"] == 2
    # recused: nothing more to do there
    declare(review=second, member=seat, in_conflict=True, note="Un lien", by=cast.charlie)
    save(review=first, member=seat, scores={criteria[1]: (4, "")}, by=cast.charlie)
    response = client.get(reverse("home"))
    assert response.context["analyses_to_do"] == 0
    assert "Analyses à faire" not in text(response)


def test_no_row_without_a_seat_after_leaving_nor_in_another_alliance(client, cast, current, theme, criteria, seat):
    _analysis(cast, theme, "Cuisines collectives")
    client.force_login(cast.alice)  # no seat
    assert "Analyses à faire" not in text(client.get(reverse("home")))
    # bob sits on another alliance's committee only
    other = f.make_alliance()
    committee_services.committee_member_add(alliance=other, by=cast.coordinator, user=cast.bob)
    client.force_login(cast.bob)
    assert "Analyses à faire" not in text(client.get(reverse("home")))
    committee_services.committee_member_leave(member=seat, by=cast.coordinator)
    client.force_login(cast.charlie)
    assert "Analyses à faire" not in text(client.get(reverse("home")))
    client.logout()
    assert "Analyses à faire" not in text(client.get(reverse("home")))  # anonymous: the public overview


def test_staff_with_a_seat_find_the_row_in_their_worklist(client, cast, current, theme, criteria):
    committee_services.committee_member_add(alliance=current.alliance, by=cast.coordinator, user=cast.staff)
    _analysis(cast, theme, "Cuisines collectives")
    client.force_login(cast.staff)
    response = client.get(reverse("home"))
    queue = queues(response)["analyses-a-faire"]
    assert queue.count == 1 and queue.more_url == reverse("projects:committee-my-reviews")
    assert "Ouvrir mes analyses" in text(response)


def test_the_partners_home_costs_no_query_more_with_a_seat(
    client, cast, current, theme, criteria, seat, django_assert_num_queries
):
    for i in range(4):
        _analysis(cast, theme, f"Projet {i}")
    client.force_login(cast.charlie)
    client.get(reverse("home"))  # the session, warm
    # 1 session, 2 the alliance of the address, 3 user, 4 groups, organisations and alliance roles, 5 the plan with
    # its alliance and the analyses waiting for the reader's seat; 6 the projects of their organisations (none:
    # neither their partnerships nor their deadlines are read), 7 the user's organisations
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    assert response.context["analyses_to_do"] == 4


# ---------------------------------------------------------------- « Demandes de modification à traiter »


def test_coordination_sees_the_pending_change_requests_of_its_alliance(client, cast, current, theme):
    agreement, categories, years = under_agreement(cast, theme)
    for amount in ("100.00", "200.00"):
        change_request_create(
            agreement=agreement,
            by=cast.alice,
            reason="Le matériel coûte moins cher.",
            moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), amount)],
        )
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    queue = queues(response)["modifications"]
    assert queue.count == 2 and queue.more_url == reverse("budget:change-request-list")
    body = text(response)
    assert "Demandes de modification à traiter" in body and "Voir les demandes de modification" in body
    client.force_login(cast.staff)  # staff do not decide them
    assert "modifications" not in queues(client.get(reverse("home")))


def test_another_alliances_coordination_does_not_count_them(client, cast, current, theme):
    agreement, categories, years = under_agreement(cast, theme)
    change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Le matériel coûte moins cher.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "100.00")],
    )
    other = f.make_plan(title="Plan Sud", status=current.status)
    coordinator = f.make_user("coord-sud", organisation=other.alliance.coordinating_organisation, alliances=[])
    f.grant_role(coordinator, other.alliance, AllianceRole.Role.COORDINATION)
    client.force_login(coordinator)
    response = client.get(alliance_reverse(other.alliance, "home"))
    assert response.context["plan"] == other
    assert queues(response)["modifications"].count == 0


def test_no_pending_change_request_says_so(client, cast, current):
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    assert queues(response)["modifications"].count == 0
    assert "Aucune demande de modification en attente." in text(response)
