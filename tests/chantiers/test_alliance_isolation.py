"""Two alliances on one portal (issue 17, item 2): each alliance's concertation spaces, seats, meetings,
attendance, decisions and participation figures are its own. Another alliance's coordinator gets 404 (or 403)
and changes nothing; a closed plan's pages are read, never changed; the regional funder reads the figures that
name nobody and writes nothing."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from alliances.models import AllianceRole
from chantiers import access, services
from chantiers.forms import SeatCitizenForm, SpaceForm
from chantiers.models import (
    Attendance,
    AvoidedMeeting,
    Decision,
    FollowUp,
    Invitation,
    Meeting,
    Space,
    SpaceCitizen,
    SpaceMembership,
)
from organisations.models import Membership
from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL
from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
LAST_WEEK = TODAY - datetime.timedelta(days=7)
NOON, TWO = datetime.time(12), datetime.time(14)


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def _side(alliance, plan, name, *, coordinator, partner_org, citizen):
    """One alliance's space (its partner organisation and a citizen seated), a meeting last week (invitations,
    attendance, a decision with its follow-up) and one next week."""
    theme = f.make_theme(plan, name=f"Enjeu {name}")
    lead = f.make_organisation(name=f"Organisme du {name}")
    space = services.space_create(
        themes=[theme], name=f"Table du {name}", lead_organisation=lead, coordinator=coordinator
    )
    member_seat = services.space_seat_organisation(space=space, organisation=partner_org)
    citizen_seat = services.space_seat_citizen(space=space, citizen=citizen)
    past = services.meeting_schedule(space=space, date=LAST_WEEK, start_time=NOON, end_time=TWO, place="Salle")
    upcoming = services.meeting_schedule(space=space, date=NEXT_WEEK, start_time=NOON, end_time=TWO, place="Salle")
    services.attendance_record(meeting=past, citizens=[citizen], organisations=[partner_org])
    decision = services.decision_record(meeting=past, text=f"Décision du {name}", follow_ups=[{"what": "Écrire"}])
    return SimpleNamespace(
        alliance=alliance,
        plan=plan,
        theme=theme,
        lead=lead,
        space=space,
        member_seat=member_seat,
        citizen_seat=citizen_seat,
        past=past,
        upcoming=upcoming,
        decision=decision,
        follow_up=decision.follow_ups.get(),
        citizen=citizen,
    )


@pytest.fixture
def world(db):
    """Rouyn-Noranda (a closed plan 2010-2013 and its current plan) and Témiscamingue (its current plan), each
    with its coordinator (a role there only), a space and its meetings; a partner organisation sits in both; the
    regional funder funds both."""
    north = f.make_alliance(name="Alliance de Rouyn-Noranda", slug="rouyn-noranda")
    south = f.make_alliance(name="Alliance du Témiscamingue", slug="temiscamingue")
    past_plan = f.make_plan(
        alliance=north, title="Plan 2010-2013", status=Plan.Status.CLOSED, start_date=datetime.date(2010, 4, 1)
    )
    north_plan = f.make_plan(alliance=north, title="Plan 2013-2016", status=Plan.Status.CURRENT)
    south_plan = f.make_plan(alliance=south, title="Plan du Témiscamingue", status=Plan.Status.CURRENT)
    shared = f.make_organisation(name="Organisme des deux territoires")
    coord_north = f.make_user("coordo-nord", group=COORDINATION, alliances=[north], last_name="Nord")
    coord_south = f.make_user("coordo-sud", group=COORDINATION, alliances=[south], last_name="Sud")
    staff_north = f.make_user("personnel-nord", group=PERSONNEL, alliances=[north])
    partner = f.make_user("partenaire", organisation=shared, role=Membership.Role.RESPONSABLE, group=PARTENAIRE)
    funder = f.make_user("bailleur")
    for alliance in (north, south):
        f.grant_role(funder, alliance, AllianceRole.Role.FUNDER)
    n = _side(
        north,
        north_plan,
        "Nord",
        coordinator=coord_north,
        partner_org=shared,
        citizen=f.make_citizen(first_name="Rose", last_name="Nordique"),
    )
    s = _side(
        south,
        south_plan,
        "Sud",
        coordinator=coord_south,
        partner_org=shared,
        citizen=f.make_citizen(first_name="Lise", last_name="Sudiste"),
    )
    return SimpleNamespace(
        north=n,
        south=s,
        past_plan=past_plan,
        shared=shared,
        coord_north=coord_north,
        coord_south=coord_south,
        staff_north=staff_north,
        partner=partner,
        funder=funder,
        newcomer_org=f.make_organisation(name="Nouvel organisme"),
        newcomer=f.make_citizen(first_name="Nouvelle", last_name="Venue"),
    )


def at(alliance, name, *args, plan=None) -> str:
    """The address of page `name` of `alliance` (of its `plan` when given)."""
    prefix = f"/{alliance.slug}" + (f"/{plan.slug}" if plan is not None else "")
    return prefix + reverse(f"chantiers:{name}", args=args)


def rows(values) -> list:
    """Rows in a stable order (values may be None, which does not sort)."""
    return sorted(values, key=repr)


def snapshot(w) -> dict:
    """Everything of Rouyn-Noranda's concertation a write could change (and any space given its themes)."""
    north = w.north.alliance
    spaces = Space.objects.filter(Q(alliance=north) | Q(themes__plan__alliance=north)).distinct()
    meetings = Meeting.objects.filter(space__alliance=north)
    return {
        "spaces": rows(spaces.values_list("pk", "name", "kind", "status", "coordinator_id", "lead_organisation_id")),
        "themes": rows(Space.themes.through.objects.filter(space__in=spaces).values_list("space_id", "theme_id")),
        "seats": rows(SpaceMembership.objects.filter(space__in=spaces).values_list("pk", "organisation_id", "left_on")),
        "citizen_seats": rows(SpaceCitizen.objects.filter(space__in=spaces).values_list("pk", "citizen_id", "left_on")),
        "meetings": rows(meetings.values_list("pk", "date", "place", "agenda", "minutes")),
        "invitations": Invitation.objects.filter(meeting__in=meetings).count(),
        "attendance": rows(
            Attendance.objects.filter(meeting__in=meetings).values_list("citizen_id", "organisation_id", "user_id")
        ),
        "decisions": Decision.objects.filter(meeting__in=meetings).count(),
        "follow_ups": rows(FollowUp.objects.filter(decision__meeting__in=meetings).values_list("pk", "done")),
        "thresholds": rows(Plan.objects.filter(alliance=north).values_list("pk", "meeting_threshold_per_month")),
        # meetings avoided (issue 21, part 2)
        "avoided": rows(AvoidedMeeting.objects.filter(space__alliance=north).values_list("pk", "alternative")),
    }


# ---------------------------------------------------------------- every write of the app, on Rouyn-Noranda's rows

# (page, its arguments, the posted data): each one changes Rouyn-Noranda's rows when its coordinator posts it.
WRITES = {
    "space-create": (
        lambda w: (),
        lambda w: {
            "name": "Nouveau lieu",
            "kind": "chantier",
            "themes": [w.north.theme.pk],
            "coordinator": w.coord_north.pk,
        },
    ),
    "space-update": (
        lambda w: (w.north.space.pk,),
        lambda w: {
            "name": "Table renommée",
            "kind": "table",
            "themes": [w.north.theme.pk],
            "lead_organisation": w.north.lead.pk,
            "coordinator": w.coord_north.pk,
        },
    ),
    "space-archive": (lambda w: (w.north.space.pk,), lambda w: {}),
    "space-restore": (lambda w: (w.north.space.pk,), lambda w: {}),
    "space-member-add": (
        lambda w: (w.north.space.pk,),
        lambda w: {"org-organisation": w.newcomer_org.pk, "org-role": "member"},
    ),
    "space-member-remove": (lambda w: (w.north.space.pk, w.north.member_seat.pk), lambda w: {}),
    "space-citizen-add": (
        lambda w: (w.north.space.pk,),
        lambda w: {"cit-citizen": w.newcomer.pk, "cit-role": "member"},
    ),
    "space-citizen-remove": (lambda w: (w.north.space.pk, w.north.citizen_seat.pk), lambda w: {}),
    "meeting-create": (
        lambda w: (w.north.space.pk,),
        lambda w: {"date": (NEXT_WEEK + datetime.timedelta(days=1)).isoformat(), "place": "Salle B", "confirm": "True"},
    ),
    "meeting-update": (
        lambda w: (w.north.past.pk,),
        lambda w: {"date": LAST_WEEK.isoformat(), "place": "Ailleurs", "minutes": "Compte rendu"},
    ),
    "meeting-attendance": (lambda w: (w.north.past.pk,), lambda w: {"organisations": [w.north.lead.pk]}),
    "decision-create": (
        lambda w: (w.north.past.pk,),
        lambda w: {"text": "Une décision", "suivi-TOTAL_FORMS": 0, "suivi-INITIAL_FORMS": 0},
    ),
    "follow-up-done": (lambda w: (w.north.follow_up.pk,), lambda w: {"done": "1"}),
    "threshold-update": (lambda w: (), lambda w: {"threshold": 9}),
    # meetings avoided (issue 21, part 2): the space's lead organisation represents its partner organisation
    "meeting-avoid": (
        lambda w: (w.north.space.pk,),
        lambda w: {
            "alternative": "representation",
            "subject": "Avis commun",
            "date": NEXT_WEEK.isoformat(),
            "duration_minutes": "60",
            "representing": w.north.lead.pk,
            "represented": [w.north.member_seat.organisation_id],
        },
    ),
}
# Pages of no object: another alliance's coordinator posts them at their own address, where they act on their
# own alliance (and Rouyn-Noranda's theme is not theirs to give).
NO_OBJECT = {"space-create", "threshold-update"}


def prepare(w, name):
    if name == "space-restore":  # restoring changes an archived space only
        services.space_archive(space=w.north.space)


def post(client, w, name, *, alliance=None, plan=None):
    args, data = WRITES[name]
    return client.post(at(alliance or w.north.alliance, name, *args(w), plan=plan), data(w))


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_alliances_own_coordinator_makes_each_change(client, world, name):
    """The writes below are real: Rouyn-Noranda's coordinator, at its address, changes its rows with them."""
    prepare(world, name)
    before = snapshot(world)
    client.force_login(world.coord_north)
    response = post(client, world, name)
    assert response.status_code == 302, text(response)[:3000]
    assert snapshot(world) != before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_another_alliances_coordinator_changes_nothing_at_either_address(client, world, name):
    prepare(world, name)
    before = snapshot(world)
    client.force_login(world.coord_south)
    # At Rouyn-Noranda's address, where they hold no role: refused.
    assert post(client, world, name).status_code in (403, 404)
    # At their own address, naming Rouyn-Noranda's rows: not found (or, with no object, their own alliance's page).
    response = post(client, world, name, alliance=world.south.alliance)
    if name in NO_OBJECT:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_regional_funder_and_the_staff_change_nothing(client, world, name):
    prepare(world, name)
    before = snapshot(world)
    for who in (world.funder, world.staff_north, world.partner):
        client.force_login(who)
        assert post(client, world, name).status_code in (403, 404), who
    assert snapshot(world) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_closed_plan_refuses_every_change(client, world, name):
    prepare(world, name)
    before = snapshot(world)
    client.force_login(world.coord_north)
    assert post(client, world, name, plan=world.past_plan).status_code == 403
    assert snapshot(world) == before


def test_a_closed_plan_refuses_a_new_calendar_address_too(client, world):
    client.force_login(world.coord_north)
    token = world.coord_north.calendar_token
    response = client.post(at(world.north.alliance, "meeting-list", plan=world.past_plan), {"regenerate": "1"})
    assert response.status_code == 403
    world.coord_north.refresh_from_db()
    assert world.coord_north.calendar_token == token


def test_the_refusal_says_why_in_french(world):
    request = RequestFactory().post("/")
    request.alliance, request.plan_slug = world.north.alliance, world.past_plan.slug
    with pytest.raises(PermissionDenied) as refused:
        access.refuse_closed_plan(request)
    assert str(refused.value) == "Ce plan est terminé : ses pages se consultent, elles ne se modifient plus."


def test_an_alliance_whose_plans_are_all_closed_refuses_changes_at_its_own_address(client, world):
    Plan.objects.filter(pk=world.north.plan.pk).update(status=Plan.Status.CLOSED)
    before = snapshot(world)
    client.force_login(world.coord_north)
    assert post(client, world, "space-archive").status_code == 403
    assert snapshot(world) == before


# ---------------------------------------------------------------- reading: another alliance's rows are not found

OBJECT_PAGES = {
    "space-detail": lambda w: (w.north.space.pk,),
    "space-update": lambda w: (w.north.space.pk,),
    "meeting-create": lambda w: (w.north.space.pk,),
    "meeting-detail": lambda w: (w.north.past.pk,),
    "meeting-update": lambda w: (w.north.past.pk,),
    "meeting-attendance": lambda w: (w.north.past.pk,),
    "meeting-avoid": lambda w: (w.north.space.pk,),
}


@pytest.mark.parametrize("name", sorted(OBJECT_PAGES))
def test_another_alliances_coordinator_cannot_open_its_rows(client, world, name):
    args = OBJECT_PAGES[name](world)
    client.force_login(world.coord_north)
    assert client.get(at(world.north.alliance, name, *args)).status_code == 200  # the page exists
    client.force_login(world.coord_south)
    assert client.get(at(world.north.alliance, name, *args)).status_code in (403, 404)
    assert client.get(at(world.south.alliance, name, *args)).status_code == 404


@pytest.mark.parametrize("name", ["space-detail", "meeting-detail"])
def test_the_funder_does_not_read_spaces_and_meetings_which_name_people(client, world, name):
    client.force_login(world.funder)
    assert client.get(at(world.north.alliance, name, *OBJECT_PAGES[name](world))).status_code == 404


def test_each_coordinator_lists_only_their_alliances_spaces(client, world):
    for coordinator, own, other in (
        (world.coord_north, world.north, world.south),
        (world.coord_south, world.south, world.north),
    ):
        client.force_login(coordinator)
        page = text(client.get(at(own.alliance, "space-list")))
        assert own.space.name in page and other.space.name not in page
        # At the other alliance's address they hold no role: nothing to list.
        page = text(client.get(at(other.alliance, "space-list")))
        assert own.space.name not in page and other.space.name not in page


def test_a_partner_sees_their_organisations_spaces_in_each_alliance_on_its_pages(client, world):
    client.force_login(world.partner)
    north = text(client.get(at(world.north.alliance, "space-list")))
    south = text(client.get(at(world.south.alliance, "space-list")))
    assert world.north.space.name in north and world.south.space.name not in north
    assert world.south.space.name in south and world.north.space.name not in south
    assert client.get(at(world.north.alliance, "meeting-detail", world.north.past.pk)).status_code == 200
    assert client.get(at(world.south.alliance, "meeting-detail", world.north.past.pk)).status_code == 404


def test_all_the_meetings_are_the_alliances_own(client, world):
    client.force_login(world.coord_north)
    response = client.get(at(world.north.alliance, "meeting-list") + "?tout=1")
    assert list(response.context["page"].object_list) == [world.north.upcoming]
    client.force_login(world.coord_south)  # no role here: their own calendar only, never « tout »
    response = client.get(at(world.north.alliance, "meeting-list") + "?tout=1")
    assert not response.context["can_show_all"] and list(response.context["page"].object_list) == []


def test_the_hyperconcertation_figures_count_the_alliances_own_meetings_and_people(client, world):
    client.force_login(world.coord_north)
    response = client.get(at(world.north.alliance, "hyperconcertation"))
    organisations = {load.pk: load for load in response.context["organisations"]["page"].object_list}
    # The shared organisation was invited to one meeting of each alliance in the last 3 months: here, one.
    assert organisations[world.shared.pk].windows[0].meetings == 1
    assert organisations[world.shared.pk].spaces == 1
    people = {(load.kind, load.pk) for load in response.context["people"]["page"].object_list}
    assert ("citizen", world.north.citizen.pk) in people
    assert ("citizen", world.south.citizen.pk) not in people
    page = text(response)
    assert "Rose Nordique" in page and "Lise Sudiste" not in page


def test_the_hyperconcertation_page_is_not_the_funders_nor_another_alliances(client, world):
    for who in (world.funder, world.coord_south):
        client.force_login(who)
        assert client.get(at(world.north.alliance, "hyperconcertation")).status_code == 403


def test_citizen_participation_shows_the_alliances_spaces_and_the_funder_reads_it(client, world):
    for who in (world.coord_north, world.staff_north, world.funder):
        client.force_login(who)
        response = client.get(at(world.north.alliance, "citizen-participation"))
        assert response.status_code == 200
        assert [row["name"] for row in response.context["spaces"]] == [world.north.space.name]
        assert response.context["totals"]["citizen_present"] == 1
    client.force_login(world.coord_south)
    assert client.get(at(world.north.alliance, "citizen-participation")).status_code == 403
    client.force_login(world.partner)
    assert client.get(at(world.north.alliance, "citizen-participation")).status_code == 403


def test_the_forms_offer_the_alliances_own_themes_coordinators_and_citizens(world):
    form = SpaceForm(plan=world.north.plan, alliance=world.north.alliance)
    assert list(form.fields["themes"].queryset) == [world.north.theme]
    assert list(form.fields["coordinator"].queryset) == [world.coord_north]
    other = f.make_space(themes=[world.north.theme], name="Autre table")
    offered = set(SeatCitizenForm(space=other).fields["citizen"].queryset)
    # Rouyn-Noranda's citizen and the newcomer who sits nowhere; never Témiscamingue's.
    assert offered == {world.north.citizen, world.newcomer}


def test_another_alliances_citizen_cannot_be_seated(client, world):
    client.force_login(world.coord_north)
    response = client.post(
        at(world.north.alliance, "space-citizen-add", world.north.space.pk),
        {"cit-citizen": world.south.citizen.pk, "cit-role": "member"},
    )
    assert response.status_code == 200  # the form says it is not a choice
    assert not SpaceCitizen.objects.filter(space=world.north.space, citizen=world.south.citizen).exists()


def test_another_alliances_coordinator_cannot_be_named(client, world):
    client.force_login(world.coord_north)
    data = WRITES["space-update"][1](world) | {"coordinator": world.coord_south.pk}
    response = client.post(at(world.north.alliance, "space-update", world.north.space.pk), data)
    assert response.status_code == 200
    world.north.space.refresh_from_db()
    assert world.north.space.coordinator == world.coord_north


def test_the_warnings_count_the_alliances_own_meetings_and_its_plans_threshold(world):
    """The shared organisation has a meeting of each alliance next week: Rouyn-Noranda warns of its own only."""
    world.north.plan.meeting_threshold_per_month = 1
    warnings = services.meeting_warnings(
        space=world.north.space, date=NEXT_WEEK, organisations=[world.shared], plan=world.north.plan
    )
    assert warnings["threshold"] == 1
    assert warnings["same_day"] == [(world.shared, [world.north.upcoming])]
    # Rouyn-Noranda's meetings of that month only (last week's may be in it), never Témiscamingue's
    month = (NEXT_WEEK.year, NEXT_WEEK.month)
    assert warnings["over_threshold"] == [
        (world.shared, sum((d.year, d.month) == month for d in (LAST_WEEK, NEXT_WEEK)))
    ]


# ---------------------------------------------------------------- a closed plan's pages stay readable


@pytest.mark.parametrize(
    "name, args, hidden",
    [
        ("space-list", lambda w: (), "Nouveau lieu de concertation"),
        ("space-detail", lambda w: (w.north.space.pk,), "Planifier une rencontre"),
        ("meeting-detail", lambda w: (w.north.past.pk,), "Consigner les présences"),
        ("meeting-list", lambda w: (), "Créer une nouvelle adresse"),
        ("hyperconcertation", lambda w: (), "Changer le seuil"),
    ],
)
def test_a_closed_plans_pages_are_read_without_their_write_buttons(client, world, name, args, hidden):
    client.force_login(world.coord_north)
    current = client.get(at(world.north.alliance, name, *args(world)))
    assert current.status_code == 200 and hidden in text(current)
    closed = client.get(at(world.north.alliance, name, *args(world), plan=world.past_plan))
    assert closed.status_code == 200 and hidden not in text(closed)
    assert "Plan terminé" in text(closed)


@pytest.mark.parametrize("name", ["space-update", "meeting-create", "meeting-update", "meeting-attendance"])
def test_a_closed_plans_forms_are_refused(client, world, name):
    client.force_login(world.coord_north)
    assert (
        client.get(at(world.north.alliance, name, *OBJECT_PAGES[name](world), plan=world.past_plan)).status_code == 403
    )


# ---------------------------------------------------------------- the personal feed spans the alliances


def feed(client, user):
    """The person's feed, whichever alliance's address it is read at."""
    response = client.get(f"/rouyn-noranda/calendrier/{user.calendar_token}.ics")
    assert response.status_code == 200
    return response.content.decode()


def test_the_feed_lists_the_persons_meetings_of_every_alliance_each_at_its_address(client, world):
    body = feed(client, world.partner)
    for side in (world.north, world.south):
        for meeting in (side.past, side.upcoming):
            assert f"meeting-{meeting.pk}@asis" in body
            assert f"/{side.alliance.slug}/rencontres/{meeting.pk}/" in body.replace("\r\n ", "")


def test_the_feed_lists_coordinated_spaces_only_where_the_person_holds_a_role(client, world):
    # Rouyn-Noranda's coordinator is named coordinator of a Témiscamingue space, where they hold no role.
    elsewhere = f.make_space(alliance=world.south.alliance, name="Comité du Sud", coordinator=world.coord_north)
    there = f.make_meeting(elsewhere, date=NEXT_WEEK, place="Salle")
    body = feed(client, world.coord_north)
    assert f"meeting-{world.north.upcoming.pk}@asis" in body
    assert f"meeting-{there.pk}@asis" not in body
    assert f"meeting-{world.south.upcoming.pk}@asis" not in body
