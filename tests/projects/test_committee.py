"""The analysis committee (issue 20, part 1): members named by Coordination, their declarations of interests, their
own scores, what a recused member may not see, the table Coordination reads and the recommendation's quorum."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import CommitteeMember, ConflictDeclaration, MemberScore, ProjectPartner, ProjectReview
from projects.services import committee as committee_services
from projects.services import review as review_services
from tests import factories as f
from tests.projects.conftest import page as raw_page
from tests.projects.review_helpers import full_scores

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(raw_page(response)).replace("\xa0", " ")


@pytest.fixture
def seats(cast, plan):
    """Three members: charlie's account (organisation B), bob's account (organisation A, the lead) and a name."""
    add = committee_services.committee_member_add
    return {
        "charlie": add(alliance=plan.alliance, by=cast.coordinator, user=cast.charlie, organisation=cast.org_b),
        "bob": add(alliance=plan.alliance, by=cast.coordinator, user=cast.bob),
        "named": add(alliance=plan.alliance, by=cast.coordinator, name="Robert Côté"),
    }


def _member_url(review, member):
    return reverse("projects:review-member", args=[review.project_id, member.pk])


def _conflict_url(review, member):
    return reverse("projects:review-member-conflict", args=[review.project_id, member.pk])


def _scores_post(criteria, scores):
    data = {}
    for criterion, score in zip(criteria, scores, strict=True):
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = ""
    return data


# ---------------------------------------------------------------- members


def test_coordination_adds_a_member_and_one_leaves_archived(login, cast, plan):
    client = login(cast.coordinator)
    response = client.post(reverse("projects:committee-list"), {"name": "Lise Tremblay", "organisation": cast.org_b.pk})
    assert response.status_code == 302
    member = CommitteeMember.objects.get(name="Lise Tremblay")
    assert (
        member.alliance == plan.alliance and member.organisation == cast.org_b and member.added_by == cast.coordinator
    )
    response = client.post(reverse("projects:committee-member-leave", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.until is not None  # archived, not deleted
    body = page(client.get(reverse("projects:committee-list")))
    assert "Anciens membres" in body and "Lise Tremblay" in body


def test_a_member_without_account_nor_name_is_refused_in_french_nothing_saved(login, cast):
    response = login(cast.coordinator).post(reverse("projects:committee-list"), {"name": "  "})
    assert response.status_code == 400
    assert "Choisissez un compte ou indiquez le nom du membre." in page(response)
    assert not CommitteeMember.objects.exists()


def test_an_account_seated_twice_is_refused(login, cast, seats):
    response = login(cast.coordinator).post(reverse("projects:committee-list"), {"user": cast.charlie.pk})
    assert response.status_code == 400
    assert "Cette personne siège déjà au comité d'analyse." in page(response)
    assert CommitteeMember.objects.filter(user=cast.charlie).count() == 1


@pytest.mark.parametrize(
    "who, get, post", [("anonymous", 302, 302), ("alice", 403, 403), ("staff", 200, 403), ("coordinator", 200, 400)]
)
def test_committee_list_access(login, cast, who, get, post):
    client = login(getattr(cast, who))
    assert client.get(reverse("projects:committee-list")).status_code == get
    assert client.post(reverse("projects:committee-list"), {}).status_code == post


def test_the_committee_list_costs_the_same_queries_with_many_members(login, cast, plan, django_assert_num_queries):
    for i in range(30):
        committee_services.committee_member_add(
            alliance=plan.alliance, by=cast.coordinator, name=f"Membre {i}", organisation=cast.org_a
        )
    client = login(cast.coordinator)
    # 1 session, 2 user, 3 the alliance of the address (AllianceMiddleware), 4 groups and organisation ids,
    # 5 the members with account and organisation, 6 the accounts of the form's list, 7 its organisations
    with django_assert_num_queries(7):
        response = client.get(reverse("projects:committee-list"))
    assert page(response).count('data-testid="committee-member"') == 30


# ---------------------------------------------------------------- declarations and scores


def test_a_conflict_is_proposed_to_a_member_of_the_lead_and_refused_without_a_reason(cast, under_analysis, seats):
    assert committee_services.conflict_proposed(review=under_analysis, member=seats["bob"])
    assert not committee_services.conflict_proposed(review=under_analysis, member=seats["charlie"])
    with pytest.raises(ValidationError, match="expliquez pourquoi"):
        committee_services.conflict_declare(review=under_analysis, member=seats["bob"], in_conflict=False, by=cast.bob)
    assert not ConflictDeclaration.objects.exists()


def test_a_partner_organisation_proposes_a_conflict(cast, under_analysis, seats):
    ProjectPartner.objects.create(project=under_analysis.project, organisation=cast.org_b)
    assert committee_services.conflict_proposed(review=under_analysis, member=seats["charlie"])


def test_a_member_declares_no_conflict_then_scores_with_their_own_login(login, cast, under_analysis, criteria, seats):
    client = login(cast.charlie)
    member = seats["charlie"]
    body = page(client.get(_member_url(under_analysis, member)))
    assert "Déclaration d'intérêts" in body and 'data-testid="member-scores-form"' not in body  # grid after declaring
    response = client.post(_conflict_url(under_analysis, member), {"in_conflict": "0"})
    assert response.status_code == 302
    response = client.post(_member_url(under_analysis, member), _scores_post(criteria, ["8", "4", "3"]))
    assert response.status_code == 302
    scores = MemberScore.objects.filter(review=under_analysis, member=member)
    assert sorted(scores.values_list("score", flat=True)) == [3, 4, 8]
    assert not any(s.on_behalf for s in scores) and all(s.entered_by == cast.charlie for s in scores)
    declaration = ConflictDeclaration.objects.get(member=member)
    assert declaration.declared_by == cast.charlie and not declaration.on_behalf and not declaration.prefilled


def test_a_score_above_the_maximum_is_refused_in_french_nothing_saved(login, cast, under_analysis, criteria, seats):
    client = login(cast.charlie)
    client.post(_conflict_url(under_analysis, seats["charlie"]), {"in_conflict": "0"})
    response = client.post(_member_url(under_analysis, seats["charlie"]), _scores_post(criteria, ["11", "4", "3"]))
    assert response.status_code == 400
    assert "La note ne peut dépasser 10." in page(response)
    assert not MemberScore.objects.exists()


def test_scoring_before_declaring_is_refused(login, cast, under_analysis, criteria, seats):
    response = login(cast.charlie).post(_member_url(under_analysis, seats["charlie"]), _scores_post(criteria, "443"))
    assert response.status_code == 403
    assert not MemberScore.objects.exists()


def test_a_recused_member_neither_sees_nor_scores(login, cast, under_analysis, criteria, seats):
    client = login(cast.bob)
    bob = seats["bob"]
    response = client.post(_conflict_url(under_analysis, bob), {"in_conflict": "1", "note": "Je travaille chez A."})
    assert response.status_code == 302
    assert client.get(_member_url(under_analysis, bob)).status_code == 403
    assert client.post(_member_url(under_analysis, bob), _scores_post(criteria, "443")).status_code == 403
    assert client.get(reverse("projects:review-detail", args=[under_analysis.project_id])).status_code == 403
    assert not MemberScore.objects.filter(member=bob).exists()


def test_declaring_a_conflict_after_scoring_withdraws_the_scores(cast, under_analysis, criteria, seats):
    member = seats["charlie"]
    committee_services.conflict_declare(review=under_analysis, member=member, in_conflict=False, by=cast.charlie)
    committee_services.member_scores_save(
        review=under_analysis, member=member, scores=full_scores(criteria, 3), by=cast.charlie
    )
    committee_services.conflict_declare(
        review=under_analysis, member=member, in_conflict=True, note="Découvert tard", by=cast.charlie
    )
    kept = MemberScore.objects.filter(member=member)
    assert kept.count() == len(criteria)  # withdrawn, never deleted
    assert all(s.withdrawn_at and s.withdrawn_reason == "conflict" and s.withdrawn_by == cast.charlie for s in kept)
    assert not MemberScore.objects.counted().filter(member=member).exists()


def test_withdrawn_scores_change_no_mean_and_show_to_no_other_member(login, cast, under_analysis, criteria, seats):
    """bob scored 1 everywhere, then declared a conflict: the mean is charlie's and the named member's alone; the
    table names bob's withdrawn scores, and no member's page shows them."""
    declare, save = committee_services.conflict_declare, committee_services.member_scores_save
    bob = seats["bob"]
    declare(review=under_analysis, member=bob, in_conflict=False, note="Pas de lien", by=cast.bob)
    save(review=under_analysis, member=bob, scores=full_scores(criteria, 1), by=cast.bob)
    _two_scored(cast, under_analysis, criteria, seats)  # declares bob's conflict last
    assert MemberScore.objects.filter(member=bob, withdrawn_reason="conflict").count() == len(criteria)
    body = page(login(cast.coordinator).get(reverse("projects:review-detail", args=[under_analysis.project_id])))
    means = [m.strip().split("<")[0] for m in body.split('data-testid="committee-mean">')[1:]]
    assert means == ["6,5", "4,5", "3,0"]  # (8 + 5) / 2, (5 + 4) / 2, (2 + 4) / 2: bob's 1s count nowhere
    withdrawn = body.split('data-testid="committee-withdrawn">')[1].split("</dd>")[0]
    assert "bob : 3 notes" in withdrawn
    charlie_page = page(login(cast.charlie).get(_member_url(under_analysis, seats["charlie"])))
    assert 'value="1"' not in charlie_page.split('data-testid="member-scores-form"')[1]  # bob's 1s
    participants, recused = review_services.committee_standing(under_analysis)
    assert bob not in participants and recused == [bob]


def test_a_conflict_set_aside_needs_a_reason_and_reopens_an_empty_grid(login, cast, under_analysis, criteria, seats):
    member = seats["charlie"]
    declare = committee_services.conflict_declare
    declare(review=under_analysis, member=member, in_conflict=False, by=cast.charlie)
    committee_services.member_scores_save(
        review=under_analysis, member=member, scores=full_scores(criteria, 3), by=cast.charlie
    )
    declare(review=under_analysis, member=member, in_conflict=True, note="Un doute", by=cast.charlie)
    client = login(cast.coordinator)
    body = page(client.get(_member_url(under_analysis, member)))
    assert "les notes retirées à la récusation restent retirées" in body
    response = client.post(_conflict_url(under_analysis, member), {"in_conflict": "0"})
    assert response.status_code == 400
    assert "Un conflit d'intérêts a été déclaré : expliquez pourquoi il est écarté." in page(response)
    assert ConflictDeclaration.objects.get(member=member).in_conflict  # nothing saved
    response = client.post(_conflict_url(under_analysis, member), {"in_conflict": "0", "note": "Vérifié : aucun lien"})
    assert response.status_code == 302
    body = page(login(cast.charlie).get(_member_url(under_analysis, member)))
    assert 'value="3"' not in body.split('data-testid="member-scores-form"')[1]  # the grid opens empty
    committee_services.member_scores_save(
        review=under_analysis, member=member, scores=full_scores(criteria, 5), by=cast.charlie
    )
    assert sorted(MemberScore.objects.counted().filter(member=member).values_list("score", flat=True)) == [5, 5, 5]
    assert MemberScore.objects.filter(member=member, withdrawn_at__isnull=False).count() == len(criteria)


def test_an_emptied_score_keeps_its_row_withdrawn(login, cast, under_analysis, criteria, seats):
    client = login(cast.charlie)
    member = seats["charlie"]
    client.post(_conflict_url(under_analysis, member), {"in_conflict": "0"})
    client.post(_member_url(under_analysis, member), _scores_post(criteria, ["8", "4", "3"]))
    response = client.post(_member_url(under_analysis, member), _scores_post(criteria, ["8", "", "3"]))
    assert response.status_code == 302
    emptied = MemberScore.objects.get(member=member, criterion=criteria[1])
    assert emptied.score == 4 and emptied.withdrawn_reason == "emptied" and emptied.withdrawn_by == cast.charlie
    assert MemberScore.objects.counted().filter(member=member).count() == 2
    body = page(client.get(_member_url(under_analysis, member)))
    assert 'value="4"' not in body.split('data-testid="member-scores-form"')[1]  # shown empty, kept in the admin
    client.post(_member_url(under_analysis, member), _scores_post(criteria, ["8", "2", "3"]))  # scored anew: a new row
    assert list(
        MemberScore.objects.filter(member=member, criterion=criteria[1]).order_by("pk").values_list("score", flat=True)
    ) == [4, 2]


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 404), ("bob", 404), ("staff", 403)])
def test_another_members_page_is_refused(login, cast, under_analysis, seats, who, status):
    """alice is no member; bob is a member, but not this one: neither learns anything of charlie's grid."""
    response = login(getattr(cast, who)).get(_member_url(under_analysis, seats["charlie"]))
    assert response.status_code == status


def test_a_member_who_left_no_longer_opens_the_analysis(login, cast, under_analysis, seats):
    committee_services.committee_member_leave(member=seats["charlie"], by=cast.coordinator)
    assert login(cast.charlie).get(_member_url(under_analysis, seats["charlie"])).status_code == 404


def test_a_member_sees_only_projects_under_analysis(login, cast, submitted, seats):
    """A filed project not yet under analysis stays hidden from the member."""
    client = login(cast.charlie)
    assert client.get(reverse("projects:review-member", args=[submitted.pk, seats["charlie"].pk])).status_code == 404
    body = page(client.get(reverse("projects:committee-my-reviews")))
    assert "Cuisines collectives" not in body


def test_my_reviews_lists_the_open_analyses_for_a_member_only(login, cast, under_analysis, seats):
    body = page(login(cast.charlie).get(reverse("projects:committee-my-reviews")))
    assert "Cuisines collectives" in body and "À déclarer" in body
    assert "les notes retirées ne reviennent pas" in body
    assert login(cast.alice).get(reverse("projects:committee-my-reviews")).status_code == 403


def test_coordination_enters_for_a_named_member_marked_on_behalf(login, cast, under_analysis, criteria, seats):
    client = login(cast.coordinator)
    named = seats["named"]
    assert client.post(_conflict_url(under_analysis, named), {"in_conflict": "0"}).status_code == 302
    assert client.post(_member_url(under_analysis, named), _scores_post(criteria, "754")).status_code == 302
    assert all(s.on_behalf and s.entered_by == cast.coordinator for s in MemberScore.objects.filter(member=named))
    assert ConflictDeclaration.objects.get(member=named).on_behalf


# ---------------------------------------------------------------- Coordination's table and the recommendation


def _two_scored(cast, review, criteria, seats):
    declare, save = committee_services.conflict_declare, committee_services.member_scores_save
    declare(review=review, member=seats["charlie"], in_conflict=False, by=cast.charlie)
    save(
        review=review,
        member=seats["charlie"],
        scores={c: (s, "") for c, s in zip(criteria, (8, 5, 2))},
        by=cast.charlie,
    )
    declare(review=review, member=seats["named"], in_conflict=False, by=cast.coordinator)
    save(
        review=review,
        member=seats["named"],
        scores={c: (s, "") for c, s in zip(criteria, (5, 4, 4))},
        by=cast.coordinator,
    )
    declare(review=review, member=seats["bob"], in_conflict=True, note="Organisme porteur", by=cast.bob)


def test_coordination_sees_each_score_the_mean_the_spread_and_who_is_recused(
    login, cast, under_analysis, criteria, seats
):
    _two_scored(cast, under_analysis, criteria, seats)
    response = login(cast.coordinator).get(reverse("projects:review-detail", args=[under_analysis.project_id]))
    body = page(response)
    assert "Notes des membres du comité" in body
    assert "6,5" in body or "6.5" in body  # (8 + 5) / 2
    spreads = [s.strip() for s in body.split('data-testid="committee-spread">')[1:]]
    assert [s.split("<")[0] for s in spreads] == ["3", "1", "2"]
    recused = body.split('data-testid="committee-recused">')[1].split("</dd>")[0]
    assert "bob" in recused


def test_the_analysis_page_costs_the_same_queries_with_many_members_and_criteria(
    login, cast, plan, under_analysis, criteria, django_assert_num_queries
):
    from projects.models import ReviewCriterion

    more = [
        ReviewCriterion.objects.create(plan=plan, name=f"Critère {i}", max_score=5, order=10 + i) for i in range(15)
    ]
    for i in range(12):
        member = committee_services.committee_member_add(alliance=plan.alliance, by=cast.coordinator, name=f"M{i}")
        committee_services.conflict_declare(
            review=under_analysis, member=member, in_conflict=i == 0, by=cast.coordinator
        )
        if i:
            committee_services.member_scores_save(
                review=under_analysis, member=member, scores=full_scores(criteria + more, 2), by=cast.coordinator
            )
    client = login(cast.coordinator)
    # 1 session, 2 user, 3 the alliance of the address, 4 groups and organisation ids, 5 the project with lead and
    # theme, 6 its latest analysis, 7 the scores with their criterion, 8 the active criteria, 9 the committee's
    # current members, 10 the declarations with their members, 11 the members' scores
    with django_assert_num_queries(11):
        response = client.get(reverse("projects:review-detail", args=[under_analysis.project_id]))
    assert page(response).count('data-testid="committee-row"') == 18


def test_recommending_below_quorum_is_refused_in_french_nothing_saved(login, cast, under_analysis, criteria, seats):
    _two_scored(cast, under_analysis, criteria, seats)
    response = login(cast.coordinator).post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        {"recommendation": "favorable", "recommendation_note": "Bien appuyé", "quorum": "3"},
    )
    assert response.status_code == 400
    assert "Quorum non atteint : 2 membre(s) du comité ont noté toute la grille, le quorum est de 3." in page(response)
    under_analysis.refresh_from_db()
    assert not under_analysis.is_closed and under_analysis.quorum is None


def test_the_quorum_is_required_once_the_committee_took_part(cast, under_analysis, criteria, seats):
    _two_scored(cast, under_analysis, criteria, seats)
    with pytest.raises(ValidationError, match="quorum"):
        review_services.review_recommend(
            review=under_analysis, recommendation="favorable", note="Bien", by=cast.coordinator
        )


def test_the_recommendation_records_the_quorum_participants_and_recused(login, cast, under_analysis, criteria, seats):
    _two_scored(cast, under_analysis, criteria, seats)
    client = login(cast.coordinator)
    response = client.post(
        reverse("projects:review-recommend", args=[under_analysis.project_id]),
        {"recommendation": "favorable", "recommendation_note": "Bien appuyé", "quorum": "2"},
    )
    assert response.status_code == 302
    review = ProjectReview.objects.get(pk=under_analysis.pk)
    assert review.is_closed and review.quorum == 2
    assert set(review.participants.all()) == {seats["charlie"], seats["named"]}
    assert list(review.recused_members.all()) == [seats["bob"]]
    body = page(client.get(reverse("projects:review-detail", args=[under_analysis.project_id])))
    assert "Membres récusés" in body and "Robert Côté" in body


def test_the_legacy_grid_alone_still_recommends_without_quorum(cast, under_analysis, criteria, seats):
    """Members exist, but none declared on this analysis: Coordination's grid is the committee's, as before."""
    review_services.review_save_scores(review=under_analysis, scores=full_scores(criteria), by=cast.coordinator)
    review = review_services.review_recommend(
        review=under_analysis, recommendation="favorable", note="Bien", by=cast.coordinator
    )
    assert review.is_closed and review.quorum is None and not review.participants.exists()


def test_another_alliance_member_is_not_seen(login, cast, under_analysis, seats):
    other = f.make_plan()
    stranger = committee_services.committee_member_add(alliance=other.alliance, by=cast.coordinator, name="Ailleurs")
    response = login(cast.coordinator).get(_member_url(under_analysis, stranger), follow=True)
    assert response.status_code == 404


def test_a_criterion_a_member_scored_is_archived_not_deleted_nor_lowered(cast, under_analysis, criteria, seats):
    committee_services.conflict_declare(
        review=under_analysis, member=seats["charlie"], in_conflict=False, by=cast.charlie
    )
    committee_services.member_scores_save(
        review=under_analysis, member=seats["charlie"], scores={criteria[1]: (5, "")}, by=cast.charlie
    )
    with pytest.raises(ValidationError, match="archivez-le"):
        review_services.criterion_delete(criterion=criteria[1])
    with pytest.raises(ValidationError, match="ne peut descendre sous 5"):
        review_services.criterion_update(criterion=criteria[1], max_score=4)
