"""The check's pages: the lead's members answer (once; then it is read), Coordination and staff read every check of
their alliance, anyone else gets 404; bad input is a French error and nothing is saved."""

import pytest
from django.urls import reverse

from sustainability.models import SustainabilityCheck
from tests.sustainability.conftest import page

ANSWER = {"continues": "partly", "funded_by": "Centraide", "reusable": "La fiche d'accueil."}


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 404), ("staff", 200), ("coordinator", 200)],
)
def test_check_detail_access(login, cast, finished, who, status):
    response = login(getattr(cast, who)).get(finished.check_a.get_absolute_url())
    assert response.status_code == status


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("charlie", 404), ("staff", 403), ("coordinator", 403)])
def test_only_the_leads_members_answer(login, cast, finished, who, status):
    response = login(getattr(cast, who)).post(finished.check_a.get_absolute_url(), ANSWER)
    assert response.status_code == status
    assert not SustainabilityCheck.objects.get(pk=finished.check_a.pk).is_answered


def test_the_lead_answers_then_reads_its_answer(login, cast, finished):
    client = login(cast.alice)
    assert "Trois questions" in page(client.get(finished.check_a.get_absolute_url()))
    response = client.post(finished.check_a.get_absolute_url(), ANSWER, follow=True)
    check = SustainabilityCheck.objects.get(pk=finished.check_a.pk)
    assert (check.continues, check.funded_by, check.answered_by) == ("partly", "Centraide", cast.alice)
    text = page(response)
    assert "Merci : votre réponse est enregistrée." in text and "En partie" in text and "Centraide" in text
    assert "Trois questions" not in text
    # once answered, it is not changed
    client.post(finished.check_a.get_absolute_url(), {**ANSWER, "continues": "no"})
    assert SustainabilityCheck.objects.get(pk=check.pk).continues == "partly"
    # Coordination reads it
    assert "Centraide" in page(login(cast.coordinator).get(check.get_absolute_url()))


@pytest.mark.parametrize(
    "data, error",
    [
        ({}, "Dites si l'action continue : oui, en partie ou non."),
        ({"continues": "peut-être"}, "Sélectionnez un choix valide"),
        ({"continues": "yes", "funded_by": "  "}, "Dites qui finance l'action maintenant"),
    ],
)
def test_bad_input_is_a_french_error_and_saves_nothing(login, cast, finished, data, error):
    response = login(cast.alice).post(finished.check_a.get_absolute_url(), data)
    assert response.status_code == 200
    assert error in page(response)
    assert not SustainabilityCheck.objects.get(pk=finished.check_a.pk).is_answered


def test_an_action_that_stopped_needs_no_funder(login, cast, finished):
    login(cast.alice).post(finished.check_a.get_absolute_url(), {"continues": "no"})
    assert SustainabilityCheck.objects.get(pk=finished.check_a.pk).continues == "no"


def test_the_list_shows_a_partner_its_own_and_coordination_all(login, cast, finished):
    url = reverse("sustainability:check-list")
    mine = page(login(cast.alice).get(url))
    assert "Cuisines de A" in mine and "Jardins de B" not in mine
    everything = page(login(cast.coordinator).get(url))
    assert "Cuisines de A" in everything and "Jardins de B" in everything
    assert "En retard" in everything  # due in 2014, never answered


def test_another_alliances_check_is_404(login, cast, finished):
    from tests import factories as f

    other_coordinator = f.make_user("coordo2", alliances=[])
    other = f.make_plan()
    f.grant_role(other_coordinator, other.alliance, "coordination")
    from alliances.addresses import alliance_reverse

    url = alliance_reverse(other.alliance, "sustainability:check-detail", kwargs={"pk": finished.check_a.pk})
    assert login(other_coordinator).get(url).status_code == 404


def test_check_list_queries(login, cast, finished, django_assert_num_queries):
    client = login(cast.coordinator)
    client.get(reverse("sustainability:check-list"))  # the roles and the alliance warmed up
    with django_assert_num_queries(6):
        # 1 session, 2 the alliance (middleware), 3 user, 4 the user's groups, memberships and roles,
        # 5 the checks counted (paginator), 6 the page of checks with their projects and leads (whatever their number)
        response = client.get(reverse("sustainability:check-list"))
    assert response.status_code == 200


def test_check_detail_queries(login, cast, finished, django_assert_num_queries):
    client = login(cast.alice)
    url = finished.check_a.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(6):
        # 1 session, 2 the alliance, 3 user, 4 the user's groups, memberships and roles, 5 the check with its project,
        # lead, plan, report and who answered, 6 the project's practice
        response = client.get(url)
    assert response.status_code == 200
