"""The analysis grid: Coordination adds, edits, archives and reactivates criteria; a used criterion is never deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import ReviewCriterion
from projects.services import review as review_services
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- services


def test_a_new_criterion_comes_last(plan, criteria):
    criterion = review_services.criterion_create(plan=plan, name="Innovation", max_score=5)
    assert criterion.order == 4 and criterion.is_active


def test_two_criteria_of_a_plan_have_different_names(plan, criteria):
    with pytest.raises(ValidationError):
        review_services.criterion_create(plan=plan, name="Objectifs clairs", max_score=5)
    assert ReviewCriterion.objects.count() == 3


def test_the_maximum_cannot_fall_below_a_given_score(cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (8, "")}, by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        review_services.criterion_update(criterion=criteria[0], max_score=7)
    assert error.value.message_dict == {
        "max_score": ["Une analyse a déjà donné 8 à ce critère : la note maximale ne peut descendre sous 8."]
    }
    criteria[0].refresh_from_db()
    assert criteria[0].max_score == 10
    review_services.criterion_update(criterion=criteria[0], max_score=8, name="Impact")
    criteria[0].refresh_from_db()
    assert (criteria[0].max_score, criteria[0].name) == (8, "Impact")


def test_archive_and_reactivate(criteria):
    review_services.criterion_archive(criterion=criteria[0])
    with pytest.raises(ValidationError) as error:
        review_services.criterion_archive(criterion=criteria[0])
    assert "Ce critère est déjà archivé." in str(error.value)
    review_services.criterion_restore(criterion=criteria[0])
    criteria[0].refresh_from_db()
    assert criteria[0].is_active
    with pytest.raises(ValidationError) as error:
        review_services.criterion_restore(criterion=criteria[0])
    assert "Ce critère est déjà en usage." in str(error.value)


def test_a_criterion_with_scores_is_never_deleted(cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (8, "")}, by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        review_services.criterion_delete(criterion=criteria[0])
    assert "archivez-le plutôt que de le supprimer" in str(error.value)
    assert ReviewCriterion.objects.filter(pk=criteria[0].pk).exists()
    review_services.criterion_delete(criterion=criteria[1])  # never used: may go
    assert not ReviewCriterion.objects.filter(pk=criteria[1].pk).exists()


# ---------------------------------------------------------------- views


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)]
)
def test_criterion_list_access(login, cast, criteria, who, status):
    response = login(getattr(cast, who)).get(reverse("projects:criterion-list"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_staff_read_the_grid_without_managing_it(login, cast, criteria):
    text = page(login(cast.staff).get(reverse("projects:criterion-list")))
    assert "Impact sur la pauvreté" in text and "Archiver" not in text and "Nouveau critère" not in text


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403), ("coordinator", 302)]
)
def test_criterion_create_access(login, cast, plan, who, status):
    response = login(getattr(cast, who)).post(
        reverse("projects:criterion-create"), {"name": "Innovation", "max_score": "5", "order": "4"}
    )
    assert response.status_code == status
    assert ReviewCriterion.objects.filter(name="Innovation").exists() == (who == "coordinator")


def test_a_coordinator_adds_edits_archives_and_reactivates_a_criterion(login, cast, criteria):
    client = login(cast.coordinator)
    client.post(
        reverse("projects:criterion-create"),
        {"name": "Innovation", "description": "Nouveau", "max_score": "5", "order": "4"},
    )
    criterion = ReviewCriterion.objects.get(name="Innovation")
    response = client.post(
        reverse("projects:criterion-update", args=[criterion.pk]),
        {"name": "Innovation sociale", "max_score": "10", "order": "4"},
    )
    assert response.status_code == 302
    client.post(reverse("projects:criterion-archive", args=[criterion.pk]))
    criterion.refresh_from_db()
    assert (criterion.name, criterion.max_score, criterion.is_active) == ("Innovation sociale", 10, False)
    text = page(client.get(reverse("projects:criterion-list")))
    assert "Critères archivés" in text and "Remettre en usage" in text
    client.post(reverse("projects:criterion-restore", args=[criterion.pk]))
    criterion.refresh_from_db()
    assert criterion.is_active


def test_lowering_the_maximum_below_a_score_shows_the_french_error(login, cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (8, "")}, by=cast.coordinator)
    response = login(cast.coordinator).post(
        reverse("projects:criterion-update", args=[criteria[0].pk]), {"name": "Impact", "max_score": "5", "order": "1"}
    )
    assert response.status_code == 400
    assert "la note maximale ne peut descendre sous 8" in page(response)
    criteria[0].refresh_from_db()
    assert (criteria[0].name, criteria[0].max_score) == ("Impact sur la pauvreté", 10)


def test_a_criterion_without_a_name_is_refused(login, cast, plan):
    response = login(cast.coordinator).post(
        reverse("projects:criterion-create"), {"name": "", "max_score": "5", "order": "1"}
    )
    assert response.status_code == 400
    assert not ReviewCriterion.objects.exists()


@pytest.mark.parametrize("name", ["criterion-archive", "criterion-restore", "criterion-delete"])
def test_criterion_actions_are_post_only(login, cast, criteria, name):
    assert login(cast.coordinator).get(reverse(f"projects:{name}", args=[criteria[0].pk])).status_code == 405


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403)])
def test_only_coordination_archives(login, cast, criteria, who, status):
    assert (
        login(getattr(cast, who)).post(reverse("projects:criterion-archive", args=[criteria[0].pk])).status_code
        == status
    )
    criteria[0].refresh_from_db()
    assert criteria[0].is_active


def test_deleting_a_used_criterion_from_the_page_is_refused(login, cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (8, "")}, by=cast.coordinator)
    response = login(cast.coordinator).post(reverse("projects:criterion-delete", args=[criteria[0].pk]), follow=True)
    assert "archivez-le plutôt que de le supprimer" in page(response)
    assert ReviewCriterion.objects.filter(pk=criteria[0].pk).exists()


def test_only_unused_criteria_offer_deletion(login, cast, under_analysis, criteria):
    review_services.review_save_scores(review=under_analysis, scores={criteria[0]: (8, "")}, by=cast.coordinator)
    text = page(login(cast.coordinator).get(reverse("projects:criterion-list")))
    assert "Supprimer « Impact sur la pauvreté »" not in text
    assert "Supprimer « Objectifs clairs » (jamais utilisé)" in text
