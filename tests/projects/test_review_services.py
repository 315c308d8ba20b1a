"""The review's services: opening an analysis, scoring, recommending, the board's decision, requests for changes."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects.models import (
    BoardDecision,
    ProjectReview,
    ProjectStatus,
    ProjectStatusChange,
    ReviewCriterion,
    ReviewScore,
)
from projects.services import review as review_services
from projects.services import status as status_services
from tests import factories as f
from tests.projects.review_helpers import full_scores, make_intention

pytestmark = pytest.mark.django_db
S = ProjectStatus


def _history(project):
    return list(project.status_changes.values_list("from_status", "to_status", "changed_by__username"))


# ---------------------------------------------------------------- the whole workflow


def test_a_filed_project_goes_through_analysis_recommendation_and_the_board(cast, submitted, criteria):
    review = review_services.review_open(project=submitted, by=cast.coordinator, comment="Comité du 3 mars")
    review_services.review_save_scores(
        review=review, scores=full_scores(criteria, score=3), committee="Marie", by=cast.coordinator
    )
    review_services.review_save_scores(
        review=review, scores={criteria[0]: (9, "Fort")}, by=cast.coordinator
    )  # a second pass
    review_services.review_recommend(
        review=review,
        recommendation="conditional",
        note="Préciser le budget.",
        amount=Decimal("8000.00"),
        by=cast.coordinator,
    )
    decision = review_services.board_decision_record(
        project=submitted,
        outcome="accepted",
        resolution_number="CA-2014-03",
        decided_on=datetime.date(2014, 3, 20),
        granted_amount=Decimal("7500.00"),
        note="Versements selon la convention.",
        by=cast.coordinator,
    )
    submitted.refresh_from_db()
    review.refresh_from_db()
    assert submitted.status == S.ACCEPTED
    assert review.recommendation == "conditional" and review.recommended_amount == Decimal("8000.00")
    assert review.recommended_by == cast.coordinator and review.is_closed
    assert sorted(review.scores.values_list("score", flat=True)) == [3, 3, 9]
    assert review.committee == "Marie"
    assert decision.granted_amount == Decimal("7500.00") and decision.recorded_by == cast.coordinator
    history = list(submitted.status_changes.values_list("from_status", "to_status", "changed_by__username", "comment"))
    assert history == [
        ("", S.DRAFT, "alice", ""),
        (S.DRAFT, S.SUBMITTED, "alice", ""),
        (S.SUBMITTED, S.UNDER_ANALYSIS, "coordo", "Comité du 3 mars"),
        (S.UNDER_ANALYSIS, S.RECOMMENDED, "coordo", "Recommandation du comité d'analyse : Favorable avec conditions."),
        (S.RECOMMENDED, S.ACCEPTED, "coordo", "Résolution CA-2014-03 du conseil d'administration du 20 mars 2014."),
    ]


def test_the_board_may_refuse_a_recommended_project(cast, recommended):
    project = recommended.project
    review_services.board_decision_record(
        project=project,
        outcome="refused",
        resolution_number="CA-9",
        decided_on=datetime.date(2014, 3, 20),
        by=cast.coordinator,
    )
    project.refresh_from_db()
    assert project.status == S.REFUSED
    assert project.board_decision.outcome == "refused"


def test_the_board_s_decision_tells_the_lead_s_people_as_each_chose(
    cast, recommended, django_capture_on_commit_callbacks
):
    """Issue 21, part 4: « Décisions », in each person's language; bob chose no e-mail of that kind."""
    from notifications.models import Frequency, Kind, NotificationPreference

    cast.alice.email, cast.alice.language, cast.bob.email = "alice@a.example", "en", "bob@a.example"
    cast.alice.save(), cast.bob.save()
    NotificationPreference.objects.create(user=cast.bob, kind=Kind.DECISIONS, frequency=Frequency.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(recommended.project, cast.coordinator)
    [message] = mail.outbox
    assert message.to == ["alice@a.example"]
    assert message.subject == f"ASIS: the board's decision on your project « {recommended.project.title} »"
    assert "CA-1" in message.body and "/notifications/desabonnement/" in message.body


# ---------------------------------------------------------------- opening an analysis


@pytest.mark.parametrize("status", [S.INTENTION, S.DRAFT, S.RECOMMENDED, S.ACCEPTED])
def test_only_a_filed_project_is_put_under_analysis(cast, theme, status):
    project = (
        make_intention(cast, theme)
        if status == S.INTENTION
        else f.make_project(lead=cast.org_a, theme=theme, status=status)
    )
    changes = ProjectStatusChange.objects.count()
    with pytest.raises(ValidationError) as error:
        review_services.review_open(project=project, by=cast.coordinator)
    assert "Seul un projet déposé peut être mis en analyse" in str(error.value)
    assert ProjectStatusChange.objects.count() == changes
    assert not ProjectReview.objects.filter(project=project).exists()


def test_a_project_under_analysis_is_not_opened_twice(cast, under_analysis):
    with pytest.raises(ValidationError) as error:
        review_services.review_open(project=under_analysis.project, by=cast.coordinator)
    assert "ce projet est « En analyse »" in str(error.value)
    assert ProjectReview.objects.count() == 1


def test_a_project_put_under_analysis_without_a_review_gets_one(cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=S.UNDER_ANALYSIS)  # as the admin or the demo may
    changes = project.status_changes.count()
    review = review_services.review_open(project=project, by=cast.coordinator)
    assert review.project == project and project.status_changes.count() == changes


def test_opening_an_analysis_keeps_who_and_why(cast, under_analysis):
    project = under_analysis.project
    assert project.status == S.UNDER_ANALYSIS
    assert under_analysis.opened_by == cast.coordinator
    assert project.status_changes.last().comment == "Comité du 3 mars"


# ---------------------------------------------------------------- scoring


def test_a_score_above_the_criterion_maximum_is_refused_and_nothing_is_saved(cast, under_analysis, criteria):
    scores = {criteria[0]: (7, ""), criteria[1]: (6, "Trop")}  # the second allows 5
    with pytest.raises(ValidationError) as error:
        review_services.review_save_scores(review=under_analysis, scores=scores, by=cast.coordinator)
    assert "La note ne peut dépasser 5." in " ".join(error.value.messages)
    assert f"score_{criteria[1].pk}" in error.value.message_dict
    assert not ReviewScore.objects.exists()


def test_an_archived_criterion_or_another_plan_s_is_not_scored(cast, under_analysis, criteria):
    other = ReviewCriterion.objects.create(plan=f.make_plan(), name="Ailleurs", max_score=5)
    review_services.criterion_archive(criterion=criteria[2])
    for criterion in (other, criteria[2]):
        with pytest.raises(ValidationError) as error:
            review_services.review_save_scores(review=under_analysis, scores={criterion: (1, "")}, by=cast.coordinator)
        assert "ne fait pas partie de la grille en usage" in str(error.value)
    assert not ReviewScore.objects.exists()


def test_an_empty_score_removes_a_draft_score(cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (5, "")}, by=cast.coordinator)
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (None, "")}, by=cast.coordinator)
    assert not ReviewScore.objects.exists()


def test_a_recommended_review_is_read_only(cast, recommended, criteria):
    with pytest.raises(ValidationError) as error:
        review_services.review_save_scores(review=recommended, scores={criteria[0]: (1, "")}, by=cast.coordinator)
    assert "Cette analyse est close" in str(error.value)
    assert sorted(recommended.scores.values_list("score", flat=True)) == [4, 4, 4]


# ---------------------------------------------------------------- recommending


def test_the_recommendation_needs_its_reasons(cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores=full_scores(criteria), by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        review_services.review_recommend(
            review=under_analysis, recommendation="favorable", note="  ", by=cast.coordinator
        )
    assert error.value.message_dict == {"recommendation_note": ["Indiquez les motifs de la recommandation."]}
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed
    assert ProjectReview.objects.get().project.status == S.UNDER_ANALYSIS


def test_every_criterion_is_scored_before_recommending(cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (8, "")}, by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        review_services.review_recommend(
            review=under_analysis, recommendation="favorable", note="Bien", by=cast.coordinator
        )
    assert "il manque : Objectifs clairs, Appui du milieu" in str(error.value)
    assert ProjectReview.objects.get().project.status == S.UNDER_ANALYSIS


def test_an_unknown_recommendation_is_refused(cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores=full_scores(criteria), by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        review_services.review_recommend(
            review=under_analysis, recommendation="enthousiaste", note="Oui", by=cast.coordinator
        )
    assert "Choisissez une recommandation." in str(error.value)


def test_a_review_is_recommended_once(cast, recommended):
    with pytest.raises(ValidationError) as error:
        review_services.review_recommend(
            review=recommended, recommendation="unfavorable", note="Non", by=cast.coordinator
        )
    assert "Cette analyse est close" in str(error.value)
    recommended.refresh_from_db()
    assert recommended.recommendation == "favorable"


# ---------------------------------------------------------------- the board's decision


def _decide(project, by, **overrides):
    data = {"outcome": "accepted", "resolution_number": "CA-1", "decided_on": datetime.date(2014, 3, 20), **overrides}
    return review_services.board_decision_record(project=project, by=by, **data)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_ANALYSIS, S.DRAFT])
def test_the_board_decides_only_on_a_recommended_project(cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    with pytest.raises(ValidationError) as error:
        _decide(project, cast.coordinator)
    assert "Le conseil d'administration décide d'un projet recommandé" in str(error.value)
    assert not BoardDecision.objects.exists()
    project.refresh_from_db()
    assert project.status == status


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"resolution_number": " "}, "resolution_number", "Indiquez le numéro de la résolution du conseil."),
        ({"decided_on": None}, "decided_on", "Indiquez la date de la décision."),
        (
            {"decided_on": timezone.localdate() + datetime.timedelta(days=1)},
            "decided_on",
            "La date de la décision ne peut pas être dans le futur.",
        ),
        (
            {"outcome": "refused", "granted_amount": Decimal("100")},
            "granted_amount",
            "Un projet refusé ne reçoit pas de montant.",
        ),
        ({"outcome": "maybe"}, "outcome", "Choisissez la décision du conseil : accepté ou refusé."),
    ],
)
def test_a_bad_board_decision_is_refused_and_nothing_is_saved(cast, recommended, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        _decide(recommended.project, cast.coordinator, **overrides)
    assert error.value.message_dict == {field: [message]}
    assert not BoardDecision.objects.exists()
    recommended.project.refresh_from_db()
    assert recommended.project.status == S.RECOMMENDED


def test_the_board_decides_once(cast, recommended):
    _decide(recommended.project, cast.coordinator)
    with pytest.raises(ValidationError):
        _decide(recommended.project, cast.coordinator, outcome="refused")
    assert BoardDecision.objects.get().outcome == "accepted"


# ---------------------------------------------------------------- requests for changes


def test_asking_for_changes_sends_the_project_back_to_draft_and_tells_the_lead(
    cast, under_analysis, django_capture_on_commit_callbacks
):
    cast.alice.email, cast.bob.email = "alice@a.example", "bob@a.example"
    cast.alice.save(), cast.bob.save()
    cast.org_a.email = "info@a.example"
    cast.org_a.save()
    project = under_analysis.project
    with django_capture_on_commit_callbacks(execute=True):
        review_services.project_request_changes(
            project=project, by=cast.coordinator, comment="Ajoutez le budget détaillé."
        )
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert project.status_changes.last().comment == "Ajoutez le budget détaillé."
    assert ProjectReview.objects.filter(project=project).count() == 1  # the analysis stays, as history
    # one e-mail per person, each with their own unsubscribe link (issue 21, part 4), and the organisation's own
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "alice@a.example",
        "bob@a.example",
        "info@a.example",
    ]
    for message in mail.outbox:
        assert "Cuisines collectives" in message.subject and "Ajoutez le budget détaillé." in message.body


def test_filed_again_the_project_gets_a_new_analysis(cast, under_analysis, criteria):
    project = under_analysis.project
    review_services.project_request_changes(project=project, by=cast.coordinator, comment="Précisez.")
    status_services.project_change_status(project=project, to_status=S.SUBMITTED, by=cast.alice)
    second = review_services.review_open(project=project, by=cast.coordinator)
    assert list(project.reviews.all()) == [second, under_analysis]
    with pytest.raises(ValidationError) as error:  # the first one is history, no longer scored
        review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (1, "")}, by=cast.coordinator)
    assert "Une analyse plus récente de ce projet est ouverte" in str(error.value)


def test_asking_for_changes_needs_a_comment(cast, submitted):
    with pytest.raises(ValidationError) as error:
        review_services.project_request_changes(project=submitted, by=cast.coordinator, comment="  ")
    assert error.value.message_dict == {"comment": ["Dites au porteur ce qu'il doit modifier."]}
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not mail.outbox


@pytest.mark.parametrize("status", [S.DRAFT, S.RECOMMENDED, S.ACCEPTED])
def test_changes_are_asked_of_a_filed_project_or_one_under_analysis(cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    with pytest.raises(ValidationError) as error:
        review_services.project_request_changes(project=project, by=cast.coordinator, comment="Encore")
    assert "On demande des modifications à un projet déposé ou en analyse" in str(error.value)
    project.refresh_from_db()
    assert project.status == status


def test_coordination_turns_an_intention_into_a_draft(cast, theme):
    project = make_intention(cast, theme)
    review_services.intention_to_draft(project=project, by=cast.coordinator)
    project.refresh_from_db()
    assert project.status == S.DRAFT
    with pytest.raises(ValidationError):
        review_services.intention_to_draft(project=project, by=cast.coordinator)
