"""Facilitators (animateurs, issue 20 part 5): Coordination names a member of a seated organisation to run a space's
meetings; they schedule them (with the hyperconcertation warning), record attendance, minutes, decisions and
follow-ups, for that space only; settings, seats and facilitators stay Coordination's."""

import datetime

import pytest
from django.urls import reverse

from chantiers.access import can_run_meetings, facilitated_spaces
from chantiers.models import Attendance, Decision, FollowUp, Meeting, SpaceFacilitator
from chantiers.services import (
    decision_record,
    facilitator_name,
    facilitator_remove,
    meeting_schedule,
    space_create,
    space_seat_citizen,
    space_seat_organisation,
    space_unseat,
)
from organisations.models import Membership
from organisations.roles import COORDINATION, PARTENAIRE
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
YESTERDAY = TODAY - datetime.timedelta(days=1)


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def space(cast, theme):
    """Organisations A and B sit in it, and a citizen."""
    space = space_create(themes=[theme], name="Table logement", lead_organisation=cast.org_a)
    space_seat_organisation(space=space, organisation=cast.org_b)
    space_seat_citizen(space=space, citizen=f.make_citizen(first_name="Jeanne", last_name="Citoyenne"))
    return space


@pytest.fixture
def other(cast, theme):
    """Another space where organisation A sits too, but whose meetings alice does not run."""
    return space_create(themes=[theme], name="Chantier emploi", lead_organisation=cast.org_a)


@pytest.fixture
def unseen(cast, theme):
    """A space where alice's organisation does not sit: she does not see it."""
    return space_create(themes=[theme], name="Comité sans A", lead_organisation=cast.org_b)


@pytest.fixture
def facilitator(cast, space):
    """alice (organisation A) runs the meetings of `space`."""
    return facilitator_name(space=space, user=cast.alice, by=cast.coordinator)


def schedule(client, space, **data):
    payload = {"date": NEXT_WEEK.isoformat(), "start_time": "13:30", "end_time": "15:00", "place": "Salle"}
    payload.update(data)
    return client.post(reverse("chantiers:meeting-create", args=[space.pk]), payload)


def decision_payload(text="Déposer une demande commune", what="Rédiger la demande", org=None):
    return {
        "text": text,
        "suivi-TOTAL_FORMS": 1,
        "suivi-INITIAL_FORMS": 0,
        "suivi-0-what": what,
        "suivi-0-responsible_organisation": org.pk if org else "",
        "suivi-0-due_on": "2030-01-15",
    }


# ---------------------------------------------------------------- naming and removing (Coordination)


def test_coordination_names_a_facilitator_on_the_space_page(client, cast, space):
    client.force_login(cast.coordinator)
    url = reverse("chantiers:space-detail", args=[space.pk])
    text = page(client.get(url))
    assert "Nommer un animateur ou une animatrice" in text
    assert "alice" in text.split('id="ajout-animateur"')[1]  # a member of a seated organisation is offered
    response = client.post(reverse("chantiers:space-facilitator-add", args=[space.pk]), {"anim-user": cast.alice.pk})
    assert response.status_code == 302 and response["Location"] == url
    row = SpaceFacilitator.objects.get()
    assert (row.user, row.space, row.since, row.until, row.named_by) == (
        cast.alice,
        space,
        TODAY,
        None,
        cast.coordinator,
    )
    assert "anime maintenant les rencontres" in page(client.get(url))


@pytest.mark.parametrize(
    "who, error",
    [
        ("outsider", "Cette personne ne peut pas animer ce lieu"),  # their organisation does not sit in the space
        ("nobody", "Choisissez la personne qui animera ce lieu"),
        ("alice-again", "Cette personne ne peut pas animer ce lieu"),  # she runs it already: not offered
    ],
)
def test_naming_someone_who_may_not_gets_a_french_error_and_saves_nothing(client, cast, space, who, error):
    if who == "alice-again":
        facilitator_name(space=space, user=cast.alice)
    outsider = f.make_user("dehors", organisation=f.make_organisation(), group=PARTENAIRE)
    value = {"outsider": outsider.pk, "nobody": "", "alice-again": cast.alice.pk}[who]
    before = SpaceFacilitator.objects.count()
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:space-facilitator-add", args=[space.pk]), {"anim-user": value})
    assert response.status_code == 200
    assert error in page(response)
    assert SpaceFacilitator.objects.count() == before


def test_the_service_refuses_a_person_whose_organisation_does_not_sit_there(cast, space):
    from django.core.exceptions import ValidationError

    outsider = f.make_user("dehors", organisation=f.make_organisation(), group=PARTENAIRE)
    with pytest.raises(ValidationError, match="Seule une personne membre"):
        facilitator_name(space=space, user=outsider)
    assert not SpaceFacilitator.objects.exists()


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_names_or_removes_facilitators(client, login, cast, space, facilitator, who, status):
    c = login(getattr(cast, who))
    assert (
        c.post(reverse("chantiers:space-facilitator-add", args=[space.pk]), {"anim-user": cast.charlie.pk}).status_code
        == status
    )
    assert c.post(reverse("chantiers:space-facilitator-remove", args=[space.pk, facilitator.pk])).status_code == status
    assert list(SpaceFacilitator.objects.values_list("user__username", "until")) == [("alice", None)]


def test_removing_a_facilitator_keeps_the_row_with_its_end(client, cast, space, facilitator):
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:space-facilitator-remove", args=[space.pk, facilitator.pk]))
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.until == TODAY
    text = page(client.get(reverse("chantiers:space-detail", args=[space.pk])))
    assert "Anciens animateurs et animatrices" in text
    # Removing again: a French message, nothing changes.
    response = client.post(reverse("chantiers:space-facilitator-remove", args=[space.pk, facilitator.pk]), follow=True)
    assert "n'anime déjà plus" in page(response)


# ---------------------------------------------------------------- running their space's meetings


def test_the_facilitator_schedules_in_their_space_with_the_hyperconcertation_warning(
    client, cast, space, facilitator, plan, theme
):
    plan.meeting_threshold_per_month = 2
    plan.save()
    elsewhere = space_create(themes=[theme], name="Table ailleurs", lead_organisation=cast.org_b)
    for day in (NEXT_WEEK.replace(day=1), NEXT_WEEK):
        meeting_schedule(space=elsewhere, date=day, place="Ailleurs", start_time=datetime.time(9))
    client.force_login(cast.alice)
    assert client.get(reverse("chantiers:meeting-create", args=[space.pk])).status_code == 200

    response = schedule(client, space)
    assert response.status_code == 200
    text = page(response)
    assert "Attention à l'hyperconcertation" in text
    assert "Organisme B : 2 rencontres ce mois-ci" in text and "Table ailleurs" in text
    assert not Meeting.objects.filter(space=space).exists()  # nothing saved before confirming

    response = schedule(client, space, confirm="True")
    meeting = Meeting.objects.get(space=space)
    assert response.status_code == 302 and response["Location"] == reverse(
        "chantiers:meeting-detail", args=[meeting.pk]
    )
    text = page(client.get(response["Location"]))
    assert "Consigner les présences" in text and "Modifier, compte rendu" in text


def test_the_facilitator_records_minutes_attendance_a_decision_and_closes_a_follow_up(client, cast, space, facilitator):
    meeting = meeting_schedule(space=space, date=YESTERDAY, place="Salle")
    citizen = space.citizen_memberships.get().citizen
    client.force_login(cast.alice)

    response = client.post(
        reverse("chantiers:meeting-update", args=[meeting.pk]),
        {"date": YESTERDAY.isoformat(), "place": "Salle", "minutes": "On a parlé de logement."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "On a parlé de logement."

    url = reverse("chantiers:meeting-attendance", args=[meeting.pk])
    assert "Jeanne Citoyenne" in page(client.get(url))  # who runs the meeting records who came
    response = client.post(url, {"users": [cast.charlie.pk], "citizens": [citizen.pk]})
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("user__username", "citizen__last_name")) == {
        ("charlie", None),
        (None, "Citoyenne"),
    }

    response = client.post(reverse("chantiers:decision-create", args=[meeting.pk]), decision_payload(org=cast.org_b))
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.decision.text, follow_up.responsible_organisation) == ("Déposer une demande commune", cast.org_b)

    response = client.post(reverse("chantiers:follow-up-done", args=[follow_up.pk]), {"done": "1"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done

    text = page(client.get(reverse("chantiers:meeting-detail", args=[meeting.pk])))
    assert "Déposer une demande commune" in text and "Jeanne Citoyenne" in text


def test_bad_input_from_the_facilitator_gets_a_french_error_and_saves_nothing(client, cast, space, facilitator):
    meeting = meeting_schedule(space=space, date=YESTERDAY, place="Salle")
    client.force_login(cast.alice)
    response = schedule(client, space, place="", end_time="12:00")
    assert response.status_code == 200
    assert "Indiquez un lieu ou un lien de visioconférence" in page(response)
    response = client.post(reverse("chantiers:decision-create", args=[meeting.pk]), decision_payload(text=""))
    assert response.status_code == 200
    assert "La décision n'a pas été enregistrée" in page(response)
    response = client.post(reverse("chantiers:meeting-attendance", args=[meeting.pk]), {"users": ["pas un nombre"]})
    assert response.status_code == 200
    assert Meeting.objects.count() == 1
    assert not Decision.objects.exists() and not FollowUp.objects.exists() and not Attendance.objects.exists()


def test_the_facilitator_cannot_run_another_space(client, cast, space, facilitator, other, unseen):
    seen = meeting_schedule(space=other, date=YESTERDAY, place="Salle")
    hidden = meeting_schedule(space=unseen, date=YESTERDAY, place="Salle")
    follow_up = decision_record(meeting=seen, text="D", follow_ups=[{"what": "Écrire"}]).follow_ups.get()
    client.force_login(cast.alice)
    assert schedule(client, other).status_code == 403  # a space she sees (her organisation sits there)
    assert schedule(client, unseen).status_code == 404  # a space she does not see
    assert client.get(reverse("chantiers:meeting-update", args=[seen.pk])).status_code == 403
    assert client.get(reverse("chantiers:meeting-update", args=[hidden.pk])).status_code == 404
    assert (
        client.post(reverse("chantiers:meeting-attendance", args=[seen.pk]), {"users": [cast.alice.pk]}).status_code
        == 403
    )
    assert client.post(reverse("chantiers:decision-create", args=[seen.pk]), decision_payload()).status_code == 403
    assert client.post(reverse("chantiers:follow-up-done", args=[follow_up.pk]), {"done": "1"}).status_code == 403
    # Coordination's pages of her own space stay Coordination's.
    assert client.get(reverse("chantiers:space-update", args=[space.pk])).status_code == 403
    assert client.post(reverse("chantiers:space-archive", args=[space.pk])).status_code == 403
    assert (
        client.post(
            reverse("chantiers:space-member-add", args=[space.pk]), {"org-organisation": cast.org_b.pk}
        ).status_code
        == 403
    )
    assert Meeting.objects.filter(space__in=[other, unseen]).count() == 2
    assert not Attendance.objects.exists() and Decision.objects.count() == 1
    follow_up.refresh_from_db()
    assert not follow_up.done
    # The other space's meeting page shows her no buttons.
    assert "Consigner les présences" not in page(client.get(reverse("chantiers:meeting-detail", args=[seen.pk])))


def test_an_ex_facilitator_runs_nothing(client, cast, space, facilitator):
    meeting = meeting_schedule(space=space, date=YESTERDAY, place="Salle")
    facilitator_remove(facilitator=facilitator)
    client.force_login(cast.alice)
    assert schedule(client, space).status_code == 403
    assert (
        client.post(reverse("chantiers:meeting-attendance", args=[meeting.pk]), {"users": [cast.alice.pk]}).status_code
        == 403
    )
    assert client.post(reverse("chantiers:decision-create", args=[meeting.pk]), decision_payload()).status_code == 403
    assert Meeting.objects.count() == 1 and not Attendance.objects.exists() and not Decision.objects.exists()
    assert "Mes lieux à animer" not in page(client.get(reverse("chantiers:space-list")))


def test_a_facilitator_whose_organisation_left_the_space_runs_nothing(client, cast, space, facilitator):
    space_unseat(seat=space.memberships.get(organisation=cast.org_a))
    client.force_login(cast.alice)
    assert schedule(client, space).status_code == 403
    assert not Meeting.objects.exists()


def test_coordination_still_runs_a_facilitated_space(client, cast, space, facilitator):
    client.force_login(cast.coordinator)
    assert schedule(client, space).status_code == 302
    assert Meeting.objects.filter(space=space).count() == 1


def test_another_alliances_facilitator_runs_nothing_here(client, cast, space, facilitator, plan):
    """alice runs a space of the cast's alliance; a space of another alliance where her organisation also sits is not
    hers to run, at its address; nor is her own space at the other alliance's address."""
    south = f.make_alliance(name="Alliance du Sud", slug="sud")
    south_plan = f.make_plan(alliance=south, title="Plan du Sud")
    south_space = space_create(themes=[f.make_theme(south_plan)], name="Table du Sud", lead_organisation=cast.org_a)
    coord_south = f.make_user("coordo-sud", organisation=f.make_organisation(), group=COORDINATION, alliances=[south])
    client.force_login(cast.alice)
    url = "/sud" + reverse("chantiers:meeting-create", args=[south_space.pk])
    assert client.get(url).status_code == 403
    assert client.get("/sud" + reverse("chantiers:meeting-create", args=[space.pk])).status_code == 403
    assert not Meeting.objects.exists()
    # And the other alliance's coordinator does not run ASIS's facilitated space.
    client.force_login(coord_south)
    here = f"/{plan.alliance.slug}" + reverse("chantiers:meeting-create", args=[space.pk])
    assert client.get(here).status_code == 403


# ---------------------------------------------------------------- what they see


def test_the_facilitator_finds_their_spaces_to_run_on_the_space_list(client, cast, space, facilitator, other):
    client.force_login(cast.alice)
    text = page(client.get(reverse("chantiers:space-list")))
    assert "Mes lieux à animer" in text
    block = text.split('data-testid="facilitated"')[1].split("</section>")[0]
    assert "Table logement" in block and "Chantier emploi" not in block
    assert reverse("chantiers:meeting-create", args=[space.pk]) in block
    client.force_login(cast.charlie)
    assert "Mes lieux à animer" not in page(client.get(reverse("chantiers:space-list")))


def test_the_space_page_names_its_facilitators_and_offers_them_scheduling(client, cast, space, facilitator, other):
    client.force_login(cast.alice)
    text = page(client.get(reverse("chantiers:space-detail", args=[space.pk])))
    assert "Vous animez ce lieu de concertation" in text
    assert reverse("chantiers:meeting-create", args=[space.pk]) in text
    assert reverse("chantiers:space-update", args=[space.pk]) not in text  # the settings stay Coordination's
    assert "Nommer un animateur" not in text
    text = page(client.get(reverse("chantiers:space-detail", args=[other.pk])))
    assert reverse("chantiers:meeting-create", args=[other.pk]) not in text
    client.force_login(cast.charlie)
    text = page(client.get(reverse("chantiers:space-detail", args=[space.pk])))
    assert "Alice" in text or "alice" in text  # the facilitators are named to the space's members
    assert reverse("chantiers:meeting-create", args=[space.pk]) not in text


def test_can_run_meetings_costs_no_query_once_loaded(cast, space, facilitator, other, django_assert_num_queries):
    user = type(cast.alice).objects.get(pk=cast.alice.pk)
    with django_assert_num_queries(2):  # the roles (organisations), the facilitated spaces
        facilitated_spaces(user)
    with django_assert_num_queries(0):
        assert can_run_meetings(user, space) and can_run_meetings(user, space.pk)
        assert not can_run_meetings(user, other)
    bob = type(cast.bob).objects.get(pk=cast.bob.pk)  # a member of organisation A who runs nothing
    assert not can_run_meetings(bob, space)


def test_a_new_member_of_a_seated_organisation_may_be_named(cast, space):
    newcomer = f.make_user("nouvelle", organisation=cast.org_b, role=Membership.Role.MEMBER, group=PARTENAIRE)
    assert facilitator_name(space=space, user=newcomer).user == newcomer


# ---------------------------------------------------------------- query bounds


def test_space_list_queries_for_a_facilitator(client, cast, theme, django_assert_num_queries):
    for i in range(12):
        space = space_create(themes=[theme], name=f"Lieu {i}", lead_organisation=cast.org_a)
        facilitator_name(space=space, user=cast.alice)
        meeting_schedule(space=space, date=NEXT_WEEK, place="Salle")
    client.force_login(cast.alice)
    # session, alliance, user, roles (groups, memberships, alliance roles), count of the page's spaces, the spaces
    # she runs (facilitated_spaces), « Mes lieux à animer », the page's spaces with their counts, their themes
    with django_assert_num_queries(9):
        text = page(client.get(reverse("chantiers:space-list")))
    assert text.count("Planifier une rencontre") == 12


def test_space_detail_queries_with_facilitators(client, cast, space, django_assert_num_queries):
    for i in range(10):
        member = f.make_user(f"membre{i}", organisation=cast.org_b, group=PARTENAIRE)
        facilitator_remove(facilitator=facilitator_name(space=space, user=member))
        facilitator_name(space=space, user=member)
    client.force_login(cast.coordinator)
    # session, alliance, user, roles, the space, its seats, its citizens' seats, its facilitators with their person,
    # upcoming and past meetings, the organisation and citizen seat forms' choices, the themes, the facilitator
    # form's choices, the projects
    with django_assert_num_queries(15):
        text = page(client.get(reverse("chantiers:space-detail", args=[space.pk])))
    assert text.count('data-testid="facilitator"') == 10


def test_meeting_detail_queries_for_a_facilitator(client, cast, space, facilitator, django_assert_num_queries):
    meeting = meeting_schedule(space=space, date=YESTERDAY, place="Salle")
    for i in range(10):
        decision_record(
            meeting=meeting,
            text=f"Décision {i}",
            follow_ups=[{"what": "Écrire", "responsible_organisation": cast.org_b}],
        )
    client.force_login(cast.alice)
    # session, alliance, user, roles, the meeting with its space, the spaces she runs, invitations, attendance,
    # decisions, their follow-ups, the invited organisations of the follow-up forms' choices (one per blank form: 2),
    # as for Coordination plus one (the spaces she runs)
    with django_assert_num_queries(12):
        text = page(client.get(reverse("chantiers:meeting-detail", args=[meeting.pk])))
    assert "Consigner les présences" in text and text.count("Décision ") >= 10
