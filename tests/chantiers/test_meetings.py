"""Meetings: scheduling with the hyperconcertation warning, attendance, decisions and follow-ups."""

import datetime

import pytest
from django.urls import reverse

from chantiers.models import Attendance, Decision, FollowUp, Invitation, Meeting
from chantiers.services import (
    meeting_schedule,
    meeting_warnings,
    space_create,
    space_seat_citizen,
    space_seat_organisation,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def space(cast, theme):
    space = space_create(
        themes=[theme], name="Chantier logement", lead_organisation=cast.org_a, coordinator=cast.coordinator
    )
    space_seat_organisation(space=space, organisation=cast.org_b)
    space_seat_citizen(space=space, citizen=f.make_citizen(first_name="Jeanne", last_name="Citoyenne"))
    return space


def schedule(client, space, **data):
    payload = {
        "date": NEXT_WEEK.isoformat(),
        "start_time": "13:30",
        "end_time": "15:00",
        "place": "Salle du conseil",
        "agenda": "1. Bilan",
    }
    payload.update(data)
    return client.post(reverse("chantiers:meeting-create", args=[space.pk]), payload)


def test_scheduling_invites_the_current_members(client, cast, space):
    client.force_login(cast.coordinator)
    response = schedule(client, space)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "chantiers:meeting-detail", args=[meeting.pk]
    )
    assert meeting.duration_minutes == 90
    invited = set(meeting.invitations.values_list("organisation__name", flat=True))
    assert invited == {"Organisme A", "Organisme B", None}  # None: the citizen's invitation
    assert meeting.invitations.filter(citizen__isnull=False).count() == 1


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_schedules(client, login, cast, space, who, status):
    assert schedule(login(getattr(cast, who)), space).status_code == status
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"place": "", "video_link": ""}, "Indiquez un lieu ou un lien de visioconférence"),
        ({"end_time": "12:00"}, "L'heure de fin doit suivre l'heure de début"),
        ({"date": "pas une date"}, "Saisissez une date valide"),
        ({"video_link": "pas une url", "place": ""}, "Saisissez une URL valide"),
    ],
)
def test_bad_meeting_input_gets_a_french_error_and_saves_nothing(client, cast, space, data, error):
    client.force_login(cast.coordinator)
    response = schedule(client, space, **data)
    assert response.status_code == 200
    assert error in page(response).replace("&#x27;", "'")
    assert not Meeting.objects.exists()


def test_the_form_warns_before_saving_when_an_organisation_is_over_the_threshold(client, cast, space, plan, theme):
    plan.meeting_threshold_per_month = 2
    plan.save()
    elsewhere = space_create(themes=[theme], name="Table ailleurs", lead_organisation=cast.org_b)
    for day in (NEXT_WEEK.replace(day=1), NEXT_WEEK):
        meeting_schedule(space=elsewhere, date=day, place="Ailleurs", start_time=datetime.time(9))
    client.force_login(cast.coordinator)

    response = schedule(client, space)
    assert response.status_code == 200
    text = page(response)
    assert "Attention à l'hyperconcertation" in text.replace("&#x27;", "'")
    assert "Organisme B : 2 rencontres ce mois-ci" in text
    assert "Table ailleurs" in text  # the same-day meeting, to merge or move
    assert "Organisme A" not in text.split("hyperconcertation-warning")[1].split("</div>")[0]
    assert Meeting.objects.filter(space=space).count() == 0  # nothing saved before confirming

    response = schedule(client, space, confirm="True")
    assert response.status_code == 302
    assert Meeting.objects.filter(space=space).count() == 1


def test_meeting_warnings_counts_the_month_and_the_day(cast, space, theme, plan):
    elsewhere = space_create(themes=[theme], name="Autre", lead_organisation=cast.org_b)
    day = datetime.date(2026, 3, 10)
    meeting_schedule(space=elsewhere, date=day, place="X")
    meeting_schedule(space=elsewhere, date=datetime.date(2026, 3, 25), place="X")
    meeting_schedule(space=elsewhere, date=datetime.date(2026, 4, 1), place="X")  # next month: not counted
    warnings = meeting_warnings(space=space, date=day, organisations=[cast.org_a, cast.org_b], plan=plan)
    assert warnings["threshold"] == 4
    assert warnings["over_threshold"] == []
    assert [(org.name, [m.space.name for m in meetings]) for org, meetings in warnings["same_day"]] == [
        ("Organisme B", ["Autre"])
    ]


def test_attendance_and_a_decision_with_its_follow_up(client, cast, space):
    meeting = meeting_schedule(
        space=space,
        date=TODAY - datetime.timedelta(days=2),
        place="Salle",
        start_time=datetime.time(9),
        end_time=datetime.time(11),
    )
    citizen = space.citizen_memberships.get().citizen
    client.force_login(cast.coordinator)
    url = reverse("chantiers:meeting-attendance", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"users": [cast.alice.pk], "citizens": [citizen.pk], "organisations": [cast.org_b.pk]})
    assert response.status_code == 302
    rows = set(Attendance.objects.values_list("user__username", "citizen__last_name", "organisation__name"))
    assert rows == {("alice", None, "Organisme A"), (None, "Citoyenne", None), (None, None, "Organisme B")}

    response = client.post(
        reverse("chantiers:decision-create", args=[meeting.pk]),
        {
            "text": "Déposer une demande commune de logement social",
            "suivi-TOTAL_FORMS": 2,
            "suivi-INITIAL_FORMS": 0,
            "suivi-MIN_NUM_FORMS": 0,
            "suivi-MAX_NUM_FORMS": 5,
            "suivi-0-what": "Rédiger la demande",
            "suivi-0-responsible_organisation": cast.org_a.pk,
            "suivi-0-due_on": "2030-01-15",
            "suivi-1-what": "",
            "suivi-1-responsible_organisation": "",
            "suivi-1-due_on": "",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    follow_up = decision.follow_ups.get()
    assert (follow_up.what, follow_up.responsible_organisation, follow_up.due_on, follow_up.done) == (
        "Rédiger la demande",
        cast.org_a,
        datetime.date(2030, 1, 15),
        False,
    )
    text = page(client.get(reverse("chantiers:meeting-detail", args=[meeting.pk])))
    assert "Déposer une demande commune" in text and "Rédiger la demande" in text and "Jeanne Citoyenne" in text

    client.post(reverse("chantiers:follow-up-done", args=[follow_up.pk]), {"done": "1"})
    follow_up.refresh_from_db()
    assert follow_up.done and follow_up.done_on == datetime.date.today()


def test_attendance_cannot_be_recorded_before_the_meeting(client, cast, space):
    meeting = meeting_schedule(space=space, date=NEXT_WEEK, place="Salle")
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:meeting-attendance", args=[meeting.pk]), {"users": [cast.alice.pk]})
    assert response.status_code == 200
    assert "qui a eu lieu" in page(response)
    assert not Attendance.objects.exists()


def test_a_follow_up_needs_a_what(client, cast, space):
    meeting = meeting_schedule(space=space, date=TODAY, place="Salle")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:decision-create", args=[meeting.pk]),
        {
            "text": "Décision",
            "suivi-TOTAL_FORMS": 1,
            "suivi-INITIAL_FORMS": 0,
            "suivi-0-what": "",
            "suivi-0-due_on": "2030-01-01",
        },
    )
    assert response.status_code == 200
    assert "Décrivez le suivi à faire" in page(response).replace("&#x27;", "'")
    assert not Decision.objects.exists() and not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 200), ("charlie", 200), ("staff", 200), ("coordinator", 200)]
)
def test_meeting_detail_access(client, login, cast, space, who, status):
    meeting = meeting_schedule(space=space, date=NEXT_WEEK, place="Salle")
    assert login(getattr(cast, who)).get(reverse("chantiers:meeting-detail", args=[meeting.pk])).status_code == status


def test_an_outsider_cannot_see_a_meeting(client, cast, theme):
    outsider_space = space_create(themes=[theme], name="Sans A", lead_organisation=cast.org_b)
    meeting = meeting_schedule(space=outsider_space, date=NEXT_WEEK, place="Salle")
    client.force_login(cast.alice)
    assert client.get(reverse("chantiers:meeting-detail", args=[meeting.pk])).status_code == 404
    # Invited later: now she may.
    Invitation.objects.create(meeting=meeting, organisation=cast.org_a)
    assert client.get(reverse("chantiers:meeting-detail", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("who", ["alice", "staff"])
def test_only_coordination_records_attendance_or_decisions(client, cast, space, who):
    meeting = meeting_schedule(space=space, date=TODAY, place="Salle")
    client.force_login(getattr(cast, who))
    assert (
        client.post(reverse("chantiers:meeting-attendance", args=[meeting.pk]), {"users": [cast.alice.pk]}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("chantiers:decision-create", args=[meeting.pk]),
            {"text": "x", "suivi-TOTAL_FORMS": 0, "suivi-INITIAL_FORMS": 0},
        ).status_code
        == 403
    )
    assert not Attendance.objects.exists() and not Decision.objects.exists()


def test_meeting_detail_queries_do_not_grow(client, cast, space, django_assert_max_num_queries):
    meeting = meeting_schedule(space=space, date=TODAY, place="Salle")
    for i in range(25):
        org = f.make_organisation()
        Invitation.objects.create(meeting=meeting, organisation=org)
        Attendance.objects.create(meeting=meeting, organisation=org)
        Invitation.objects.create(meeting=meeting, citizen=f.make_citizen())
        decision = Decision.objects.create(meeting=meeting, text=f"Décision {i}")
        FollowUp.objects.create(decision=decision, what="Suivi", responsible_organisation=org)
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("chantiers:meeting-detail", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_edits_a_meeting_or_closes_a_follow_up(client, login, cast, space, who, status):
    meeting = meeting_schedule(space=space, date=TODAY, place="Salle")
    decision = Decision.objects.create(meeting=meeting, text="Décision")
    follow_up = FollowUp.objects.create(decision=decision, what="Suivi")
    c = login(getattr(cast, who))
    update = reverse("chantiers:meeting-update", args=[meeting.pk])
    assert c.get(update).status_code == status
    assert c.post(update, {"date": TODAY.isoformat(), "place": "Piratée", "minutes": "x"}).status_code == status
    assert c.post(reverse("chantiers:follow-up-done", args=[follow_up.pk]), {"done": "1"}).status_code == status
    meeting.refresh_from_db()
    follow_up.refresh_from_db()
    assert meeting.place == "Salle" and meeting.minutes == "" and not follow_up.done


def test_closing_a_follow_up_is_post_only(client, cast, space):
    meeting = meeting_schedule(space=space, date=TODAY, place="Salle")
    follow_up = FollowUp.objects.create(decision=Decision.objects.create(meeting=meeting, text="D"), what="Suivi")
    client.force_login(cast.coordinator)
    assert client.get(reverse("chantiers:follow-up-done", args=[follow_up.pk])).status_code == 405
