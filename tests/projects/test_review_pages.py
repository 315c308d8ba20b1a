"""The review's pages: who may open an analysis, score, recommend, record the board's decision and ask for
changes (a role matrix per view), bad input, and what the partner sees of it on the project page."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.models import BoardDecision, ProjectReview, ProjectStatus, ReviewScore
from projects.services import review as review_services
from tests.projects.conftest import page as raw_page
from tests.projects.review_helpers import full_scores

pytestmark = pytest.mark.django_db
S = ProjectStatus
WRITE_MATRIX = [("anonymous", 302), ("alice", 403), ("bob", 403), ("charlie", 404), ("staff", 403)]


def page(response) -> str:
    return html.unescape(raw_page(response)).replace("\xa0", " ")


def _assert_refused(response, status):
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------- opening an analysis


@pytest.mark.parametrize("who, status", WRITE_MATRIX)
def test_review_open_access(login, cast, submitted, criteria, who, status):
    _assert_refused(login(getattr(cast, who)).post(reverse("projects:review-open", args=[submitted.pk])), status)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED and not ProjectReview.objects.exists()


def test_a_coordinator_opens_the_analysis_from_the_project_page(login, cast, submitted, criteria):
    client = login(cast.coordinator)
    text = page(client.get(submitted.get_absolute_url()))
    assert "Ouvrir l'analyse" in text and "Demander des modifications" in text
    response = client.post(reverse("projects:review-open", args=[submitted.pk]), {"comment": "Comité de mars"})
    assert response["Location"] == reverse("projects:review-detail", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.status == S.UNDER_ANALYSIS
    assert submitted.status_changes.last().comment == "Comité de mars"


def test_review_open_is_post_only(login, cast, submitted):
    assert login(cast.coordinator).get(reverse("projects:review-open", args=[submitted.pk])).status_code == 405


def test_opening_the_analysis_of_a_draft_is_refused_in_french(login, cast, theme):
    from tests import factories as f

    draft = f.make_project(lead=cast.org_a, theme=theme)
    response = login(cast.coordinator).post(reverse("projects:review-open", args=[draft.pk]), follow=True)
    assert "Seul un projet déposé peut être mis en analyse; ce projet est « Brouillon »." in page(response)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and not ProjectReview.objects.exists()


# ---------------------------------------------------------------- the analysis page


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 403), ("bob", 403), ("charlie", 404), ("staff", 200), ("coordinator", 200)],
)
def test_analysis_page_access(login, cast, under_analysis, who, status):
    response = login(getattr(cast, who)).get(reverse("projects:review-detail", args=[under_analysis.project_id]))
    _assert_refused(response, status)


def test_staff_read_the_analysis_without_a_form(login, cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (7, "Solide")}, by=cast.coordinator)
    text = page(login(cast.staff).get(reverse("projects:review-detail", args=[under_analysis.project_id])))
    assert "Solide" in text and "7 / 20" in text
    assert "Enregistrer la grille" not in text and "Recommander" not in text


@pytest.mark.parametrize("who, status", WRITE_MATRIX)
def test_scoring_access(login, cast, under_analysis, criteria, who, status):
    data = {f"score_{criteria[0].pk}": "5"}
    _assert_refused(
        login(getattr(cast, who)).post(reverse("projects:review-detail", args=[under_analysis.project_id]), data),
        status,
    )
    assert not ReviewScore.objects.exists()


def test_a_coordinator_saves_a_draft_of_the_grid_then_sees_the_total(login, cast, under_analysis, criteria):
    client = login(cast.coordinator)
    url = reverse("projects:review-detail", args=[under_analysis.project_id])
    response = client.post(
        url,
        {
            "committee": "Marie Tremblay\nJean Gagnon",
            f"score_{criteria[0].pk}": "8",
            f"comment_{criteria[0].pk}": "Rejoint les familles",
            f"score_{criteria[1].pk}": "3",
            f"comment_{criteria[1].pk}": "",
            f"score_{criteria[2].pk}": "",
            f"comment_{criteria[2].pk}": "",
        },
    )
    assert response.status_code == 302
    assert dict(ReviewScore.objects.values_list("criterion__name", "score")) == {
        "Impact sur la pauvreté": 8,
        "Objectifs clairs": 3,
    }
    text = page(client.get(url))
    assert "11 / 20" in text and "2 critères notés" in text and "Rejoint les familles" in text and "Jean Gagnon" in text


def test_a_score_above_the_maximum_is_refused_in_french_and_nothing_is_saved(login, cast, under_analysis, criteria):
    response = login(cast.coordinator).post(
        reverse("projects:review-detail", args=[under_analysis.project_id]),
        {
            f"score_{criteria[0].pk}": "8",
            f"score_{criteria[1].pk}": "6",
        },
    )
    assert response.status_code == 400
    assert "La note ne peut dépasser 5." in page(response)
    assert not ReviewScore.objects.exists()


@pytest.mark.parametrize("who, status", WRITE_MATRIX)
def test_recommend_access(login, cast, under_analysis, criteria, who, status):
    review_services.review_save_scores(review=under_analysis, scores=full_scores(criteria), by=cast.coordinator)
    data = {"recommendation": "favorable", "recommendation_note": "Oui"}
    _assert_refused(
        login(getattr(cast, who)).post(reverse("projects:review-recommend", args=[under_analysis.project_id]), data),
        status,
    )
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed


def test_recommend_is_post_only(login, cast, under_analysis):
    assert (
        login(cast.coordinator).get(reverse("projects:review-recommend", args=[under_analysis.project_id])).status_code
        == 405
    )


def test_a_coordinator_recommends_with_an_amount_typed_the_quebec_way(login, cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores=full_scores(criteria), by=cast.coordinator)
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        {
            "recommendation": "conditional",
            "recommendation_note": "Préciser le budget.",
            "recommended_amount": "8 500,50",
        },
    )
    assert response.status_code == 302
    under_analysis.refresh_from_db()
    assert under_analysis.recommendation == "conditional" and under_analysis.recommended_amount == Decimal("8500.50")
    assert under_analysis.project.status == S.RECOMMENDED


@pytest.mark.parametrize(
    "data, message",
    [
        ({"recommendation": "favorable", "recommendation_note": ""}, "Indiquez les motifs de la recommandation."),
        ({"recommendation_note": "Bien"}, "Choisissez une recommandation."),
        (
            {"recommendation": "favorable", "recommendation_note": "Bien", "recommended_amount": "beaucoup"},
            "« beaucoup » n'est pas un montant valide.",
        ),
    ],
)
def test_a_bad_recommendation_is_refused_in_french(login, cast, under_analysis, criteria, data, message):
    review_services.review_save_scores(review=under_analysis, scores=full_scores(criteria), by=cast.coordinator)
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]), data
    )
    assert response.status_code == 400
    assert message in page(response)
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed and under_analysis.project.status == S.UNDER_ANALYSIS


def test_recommending_before_scoring_every_criterion_is_refused(login, cast, under_analysis, criteria):
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        {"recommendation": "favorable", "recommendation_note": "Bien"},
    )
    assert response.status_code == 400
    assert "Notez chaque critère de la grille avant de recommander" in page(response)


def test_a_recommended_analysis_is_read_only(login, cast, recommended, criteria):
    client = login(cast.coordinator)
    url = reverse("projects:review-detail", args=[recommended.project_id])
    text = page(client.get(url))
    assert "Enregistrer la grille" not in text and "12 / 20" in text and "Projet solide, bien appuyé." in text
    response = client.post(url, {f"score_{criteria[0].pk}": "1"}, follow=True)
    assert "Cette analyse est close" in page(response)
    assert sorted(ReviewScore.objects.values_list("score", flat=True)) == [4, 4, 4]


# ---------------------------------------------------------------- the board's decision


@pytest.mark.parametrize("who, status", WRITE_MATRIX + [("coordinator", 200)])
def test_board_decision_page_access(login, cast, recommended, who, status):
    _assert_refused(
        login(getattr(cast, who)).get(reverse("projects:board-decision-create", args=[recommended.project_id])), status
    )


def _decision_data(**overrides):
    return {
        "outcome": "accepted",
        "resolution_number": "CA-2014-03",
        "decided_on": "2014-03-20",
        "granted_amount": "7 500",
        "note": "",
        **overrides,
    }


@pytest.mark.parametrize("who, status", WRITE_MATRIX)
def test_only_coordination_records_the_board_decision(login, cast, recommended, who, status):
    response = login(getattr(cast, who)).post(
        reverse("projects:board-decision-create", args=[recommended.project_id]), _decision_data()
    )
    _assert_refused(response, status)
    assert not BoardDecision.objects.exists()


def test_a_coordinator_records_the_board_decision(login, cast, recommended):
    response = login(cast.coordinator).post(
        reverse("projects:board-decision-create", args=[recommended.project_id]), _decision_data()
    )
    assert response.status_code == 302
    decision = BoardDecision.objects.get()
    assert (decision.outcome, decision.granted_amount, decision.decided_on) == (
        "accepted",
        Decimal("7500.00"),
        datetime.date(2014, 3, 20),
    )
    project = decision.project
    assert project.status == S.ACCEPTED
    assert "CA-2014-03" in project.status_changes.last().comment


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"resolution_number": ""}, "Indiquez le numéro de la résolution du conseil."),
        ({"decided_on": ""}, "Indiquez la date de la décision."),
        (
            {"decided_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
            "La date de la décision ne peut pas être dans le futur.",
        ),
        ({"outcome": "refused"}, "Un projet refusé ne reçoit pas de montant."),
        ({"granted_amount": "-5"}, "supérieure ou égale à 0"),
    ],
)
def test_a_bad_board_decision_is_refused_in_french_and_nothing_is_saved(login, cast, recommended, overrides, message):
    response = login(cast.coordinator).post(
        reverse("projects:board-decision-create", args=[recommended.project_id]), _decision_data(**overrides)
    )
    assert response.status_code == 400
    assert message in page(response)
    assert not BoardDecision.objects.exists()
    recommended.project.refresh_from_db()
    assert recommended.project.status == S.RECOMMENDED


def test_deciding_on_a_project_not_recommended_is_refused_in_french(login, cast, under_analysis):
    response = login(cast.coordinator).post(
        reverse("projects:board-decision-create", args=[under_analysis.project_id]), _decision_data(), follow=True
    )
    assert "Le conseil d'administration décide d'un projet recommandé; ce projet est « En analyse »." in page(response)
    assert not BoardDecision.objects.exists()


# ---------------------------------------------------------------- requests for changes


@pytest.mark.parametrize("who, status", WRITE_MATRIX)
def test_request_changes_access(login, cast, submitted, who, status):
    response = login(getattr(cast, who)).post(
        reverse("projects:project-request-changes", args=[submitted.pk]), {"comment": "Non"}
    )
    _assert_refused(response, status)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_a_coordinator_asks_for_changes(login, cast, under_analysis, django_capture_on_commit_callbacks):
    cast.alice.email = "alice@a.example"
    cast.alice.save()
    client = login(cast.coordinator)
    url = reverse("projects:project-request-changes", args=[under_analysis.project_id])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"comment": "Ajoutez un partenaire."})
    assert response.status_code == 302
    project = under_analysis.project
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert mail.outbox[0].to == ["alice@a.example"]
    # The lead may edit its project again.
    assert login(cast.alice).get(reverse("projects:project-update", args=[project.pk])).status_code == 200


def test_asking_for_changes_without_a_comment_is_refused(login, cast, submitted):
    response = login(cast.coordinator).post(
        reverse("projects:project-request-changes", args=[submitted.pk]), {"comment": " "}
    )
    assert response.status_code == 400
    assert "Dites au porteur ce qu'il doit modifier." in page(response)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


# ---------------------------------------------------------------- on the project page


def test_coordination_sees_the_scores_the_recommendation_and_the_decision(login, cast, recommended):
    review_services.board_decision_record(
        project=recommended.project,
        outcome="accepted",
        resolution_number="CA-7",
        decided_on=datetime.date(2014, 3, 20),
        granted_amount=Decimal("9000"),
        by=cast.coordinator,
    )
    for who in ("coordinator", "staff"):
        text = page(login(getattr(cast, who)).get(recommended.project.get_absolute_url()))
        for expected in (
            "Analyse et décision",
            "Commentaire sur Objectifs clairs",
            "12 / 20",
            "Favorable",
            "Projet solide, bien appuyé.",
            "n° CA-7 du 20 mars 2014",
            "9 000 $",
            "Marie",
        ):
            assert expected in text, (who, expected)


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_partner_sees_the_outcome_but_not_the_committee_s_scores(login, cast, recommended, who):
    review_services.board_decision_record(
        project=recommended.project,
        outcome="accepted",
        resolution_number="CA-7",
        decided_on=datetime.date(2014, 3, 20),
        by=cast.coordinator,
    )
    text = page(login(getattr(cast, who)).get(recommended.project.get_absolute_url()))
    for expected in ("Historique du statut", "Recommandé", "Favorable", "n° CA-7 du 20 mars 2014", "Accepté"):
        assert expected in text, expected
    for secret in ("Commentaire sur", "12 / 20", "Projet solide", "Marie", "Ouvrir l'analyse", "Noter et recommander"):
        assert secret not in text, secret


def test_a_named_partner_sees_the_outcome_but_not_the_scores(login, cast, recommended):
    from projects.models import ProjectPartner

    ProjectPartner.objects.create(project=recommended.project, organisation=cast.org_b)
    text = page(login(cast.charlie).get(recommended.project.get_absolute_url()))
    assert "Favorable" in text and "Commentaire sur" not in text and "12 / 20" not in text
    assert login(cast.charlie).get(reverse("projects:review-detail", args=[recommended.project_id])).status_code == 403


def test_the_analysis_page_costs_the_same_queries_whatever_the_number_of_criteria(
    login, cast, plan, under_analysis, criteria, django_assert_max_num_queries
):
    from projects.models import ReviewCriterion

    more = [
        ReviewCriterion.objects.create(plan=plan, name=f"Critère {i}", max_score=5, order=10 + i) for i in range(20)
    ]
    review_services.review_save_scores(
        review=under_analysis, scores=full_scores(criteria + more, score=2), by=cast.coordinator
    )
    client = login(cast.coordinator)
    # 1 session, 2 user, 3 groups and organisation ids, 4 the project with lead and theme,
    # 5 its latest analysis, 6 the scores with their criterion, 7 the active criteria, 8 the alliance of the address
    # (AllianceMiddleware, issue 17), 9 the committee's current members, 10 their declarations, 11 their scores
    # (issue 20: tests/projects/test_committee.py counts them with many members)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("projects:review-detail", args=[under_analysis.project_id]))
    assert "46 / 120" in page(response)


def test_the_project_page_costs_the_same_queries_whatever_the_number_of_scores(
    login, cast, plan, recommended, django_assert_max_num_queries
):
    # 1 session, 2 user, 3 groups and organisation ids, 4 project, 5 partners, 6 indicators, 7 other funding,
    # 8 plan years with the amounts by year, 9 history, 10 analyses with who, 11 their scores with criterion,
    # 12 comments, 13 the alliance of the address (AllianceMiddleware, issue 17): at most 15
    client = login(cast.coordinator)
    with django_assert_max_num_queries(15):
        response = client.get(recommended.project.get_absolute_url())
    assert "12 / 20" in page(response)


# ---------------------------------------------------------------- one form: nothing typed is lost (issue 23)


def _grid_post(criteria, scores, **recommendation):
    data = {"committee": "Marie Tremblay"}
    for criterion, score in zip(criteria, scores):
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = f"Note {score}"
    return {**data, **recommendation}


def test_recommending_with_the_grid_typed_saves_the_scores_then_recommends(login, cast, under_analysis, criteria):
    """« Recommander » pressed before « Enregistrer la grille »: the scores typed are saved, then recommended."""
    scores = [str(min(3, c.max_score)) for c in criteria]
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        _grid_post(criteria, scores, recommendation="favorable", recommendation_note="Bien appuyé"),
    )
    assert response.status_code == 302
    under_analysis.refresh_from_db()
    assert under_analysis.is_closed and under_analysis.recommendation == "favorable"
    assert sorted(under_analysis.scores.values_list("score", flat=True)) == sorted(int(s) for s in scores)
    assert under_analysis.committee == "Marie Tremblay"


def test_a_refused_recommendation_keeps_the_scores_typed_with_it(login, cast, under_analysis, criteria):
    scores = [str(min(2, c.max_score)) for c in criteria]
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        _grid_post(criteria, scores, recommendation="favorable", recommendation_note=""),
    )
    assert response.status_code == 400
    text = page(response)
    assert "Indiquez les motifs de la recommandation." in text
    # saved, and shown as typed
    assert under_analysis.scores.count() == len(criteria)
    assert f'name="score_{criteria[0].pk}"' in text and f'value="{scores[0]}"' in text
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed and under_analysis.project.status == S.UNDER_ANALYSIS


def test_a_bad_score_posted_with_the_recommendation_saves_nothing_and_recommends_nothing(
    login, cast, under_analysis, criteria
):
    scores = ["99"] + [str(min(2, c.max_score)) for c in criteria[1:]]
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        _grid_post(criteria, scores, recommendation="favorable", recommendation_note="Bien"),
    )
    assert response.status_code == 400
    assert f"La note ne peut dépasser {criteria[0].max_score}." in page(response)
    assert not ReviewScore.objects.exists()
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed


def test_saving_the_grid_keeps_the_recommendation_typed_beside_it_when_the_grid_is_refused(
    login, cast, under_analysis, criteria
):
    response = login(cast.coordinator).post(
        reverse("projects:review-detail", args=[under_analysis.project_id]),
        _grid_post(criteria, ["99"], recommendation="favorable", recommendation_note="Motifs gardés"),
    )
    assert response.status_code == 400
    text = page(response)
    assert "Motifs gardés" in text
    assert "Indiquez les motifs" not in text  # the recommendation was not sent to be made: no error on it


def test_saving_the_grid_keeps_the_recommendation_typed_beside_it(login, cast, under_analysis, criteria):
    scores = [str(min(2, c.max_score)) for c in criteria]
    response = login(cast.coordinator).post(
        reverse("projects:review-detail", args=[under_analysis.project_id]),
        _grid_post(criteria, scores, recommendation="favorable", recommendation_note="À recommander jeudi"),
    )
    assert response.status_code == 302
    assert under_analysis.scores.count() == len(criteria)
    text = page(login(cast.coordinator).get(response["Location"]))
    assert "Grille d'analyse enregistrée." in text and "À recommander jeudi" in text
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed  # saved, not recommended


def test_saving_the_grid_with_a_bad_amount_typed_beside_it_saves_nothing(login, cast, under_analysis, criteria):
    scores = [str(min(2, c.max_score)) for c in criteria]
    response = login(cast.coordinator).post(
        reverse("projects:review-detail", args=[under_analysis.project_id]),
        _grid_post(criteria, scores, recommended_amount="beaucoup"),
    )
    assert response.status_code == 400
    assert "« beaucoup » n'est pas un montant valide." in page(response)
    assert not ReviewScore.objects.exists()
