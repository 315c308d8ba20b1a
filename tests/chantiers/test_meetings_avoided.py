"""Meetings avoided (issue 21, part 2): beside the hyperconcertation warning, the scheduling page offers the
alternatives to a meeting — the item added to another space's next meeting where most invitees sit, a written
consultation, one organisation representing several — and records the choice with the person-hours it spared."""

import datetime

import pytest
from django.urls import reverse

from chantiers.models import (
    AvoidedMeeting,
    Consultation,
    ConsultationAnswer,
    ConsultationRespondent,
    Representation,
)
from chantiers.services import (
    facilitator_name,
    meeting_schedule,
    space_create,
    space_seat_citizen,
    space_seat_organisation,
)
from chantiers.services_avoided import consultation_answer, consultation_launch
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
IN_TWO_WEEKS = TODAY + datetime.timedelta(days=14)


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def space(cast, theme):
    """Organisations A and B sit in it, and a citizen: three invitees."""
    space = space_create(themes=[theme], name="Table logement", lead_organisation=cast.org_a)
    space_seat_organisation(space=space, organisation=cast.org_b)
    space_seat_citizen(space=space, citizen=f.make_citizen(first_name="Jeanne", last_name="Citoyenne"))
    return space


@pytest.fixture
def shared(cast, theme):
    """Another space where A and B both sit, with a meeting in two weeks."""
    other = space_create(themes=[theme], name="Comité quartier", lead_organisation=cast.org_a)
    space_seat_organisation(space=other, organisation=cast.org_b)
    return meeting_schedule(
        space=other, date=IN_TWO_WEEKS, place="Salle", start_time=datetime.time(9), agenda="Accueil"
    )


def avoid(client, space, **data):
    payload = {"subject": "Calendrier des travaux", "date": NEXT_WEEK.isoformat(), "duration_minutes": "90"}
    payload.update(data)
    return client.post(reverse("chantiers:meeting-avoid", args=[space.pk]), payload)


def test_the_scheduling_page_offers_the_alternatives_beside_the_warning(client, cast, space, shared, plan):
    plan.meeting_threshold_per_month = 1
    plan.save()
    client.force_login(cast.coordinator)
    payload = {"date": NEXT_WEEK.isoformat(), "start_time": "13:30", "end_time": "15:00", "place": "Salle"}
    text = page(client.post(reverse("chantiers:meeting-create", args=[space.pk]), payload))
    assert "Attention à l'hyperconcertation" in text
    assert "Plutôt que de se réunir" in text
    # the other space's next meeting, and how many of this meeting's organisations sit there
    assert f"Comité quartier, le {IN_TWO_WEEKS.isoformat()} (2 organisations sur 2 y siègent)" in text
    assert 'value="90"' in text  # the planned duration carried over


def test_adding_the_item_to_another_space_s_meeting_is_recorded(client, cast, space, shared):
    client.force_login(cast.coordinator)
    response = avoid(client, space, alternative="next_meeting", target_meeting=shared.pk)
    assert response.status_code == 302
    avoided = AvoidedMeeting.objects.get()
    assert (avoided.alternative, avoided.invitees, avoided.person_minutes) == ("next_meeting", 3, 270)
    assert avoided.target_meeting == shared and avoided.chosen_by == cast.coordinator
    assert set(avoided.organisations.all()) == {cast.org_a, cast.org_b}
    shared.refresh_from_db()
    assert (
        "Accueil" in shared.agenda and "Point ajouté par « Table logement » : Calendrier des travaux" in shared.agenda
    )
    assert "4,5 heures-personnes épargnées" in page(client.get(response["Location"]))


def test_a_written_consultation_is_launched_answered_and_decided(client, cast, space):
    client.force_login(cast.coordinator)
    response = avoid(
        client,
        space,
        alternative="consultation",
        questions="Êtes-vous d'accord ?\nQuelle date vous convient ?",
        due_on=NEXT_WEEK.isoformat(),
    )
    consultation = Consultation.objects.get()
    assert response["Location"] == reverse("chantiers:consultation-detail", args=[consultation.pk])
    assert consultation.questions.count() == 2
    assert {r.organisation for r in consultation.respondents.all()} == {cast.org_a, cast.org_b}
    assert AvoidedMeeting.objects.get().consultation == consultation

    # charlie answers for organisation B
    client.force_login(cast.charlie)
    url = reverse("chantiers:consultation-answer", args=[consultation.pk])
    questions = list(consultation.questions.all())
    response = client.post(url, {f"q{questions[0].pk}": "Oui", f"q{questions[1].pk}": "Le 12"})
    assert response.status_code == 302
    respondent = ConsultationRespondent.objects.get(organisation=cast.org_b)
    assert respondent.answered_by == cast.charlie
    text = page(client.get(response["Location"]))
    assert "Le 12" in text and "Organisme A" not in text  # a partner reads its own organisation's answers

    client.force_login(cast.coordinator)
    text = page(client.get(response["Location"]))
    assert "Réponses reçues : 1 sur 2 organisations consultées" in text and "Le 12" in text
    response = client.post(
        reverse("chantiers:consultation-decide", args=[consultation.pk]), {"decision": "On avance au 12."}
    )
    consultation.refresh_from_db()
    assert consultation.decision == "On avance au 12." and consultation.decided_by == cast.coordinator
    # decided: the answers are read only
    client.force_login(cast.charlie)
    response = client.post(url, {f"q{questions[0].pk}": "Non"})
    assert response.status_code == 200 and "Cette consultation est close" in page(response)
    assert ConsultationAnswer.objects.get(question=questions[0]).text == "Oui"


def test_answers_are_read_only_after_the_due_date(cast, space):
    avoided = consultation_launch(
        space=space,
        date=NEXT_WEEK,
        subject="Avis",
        duration_minutes=60,
        questions=["D'accord ?"],
        due_on=TODAY,
        by=cast.coordinator,
    )
    consultation = avoided.consultation
    Consultation.objects.filter(pk=consultation.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    respondent = consultation.respondents.get(organisation=cast.org_a)
    with pytest.raises(Exception, match="close"):
        consultation_answer(respondent=respondent, answers={consultation.questions.get().pk: "Oui"}, by=cast.alice)
    assert not ConsultationAnswer.objects.exists()


def test_one_organisation_representing_others_is_recorded(client, cast, space):
    client.force_login(cast.coordinator)
    response = avoid(
        client, space, alternative="representation", representing=cast.org_a.pk, represented=[cast.org_b.pk]
    )
    assert response.status_code == 302
    representation = Representation.objects.get()
    assert (representation.representing, representation.represented) == (cast.org_a, cast.org_b)
    assert AvoidedMeeting.objects.get().alternative == "representation"


@pytest.mark.parametrize(
    "data, error",
    [
        ({"alternative": "next_meeting"}, "Choisissez la rencontre qui reçoit le point."),
        ({"alternative": "consultation", "due_on": NEXT_WEEK.isoformat()}, "Posez au moins une question."),
        ({"alternative": "consultation", "questions": "Oui ?"}, "Indiquez la date limite des réponses."),
        (
            {"alternative": "consultation", "questions": "Oui ?", "due_on": "2020-01-01"},
            "La date limite des réponses ne peut pas être passée.",
        ),
        ({"alternative": "representation", "represented": []}, "Choisissez l'organisation qui représente les autres."),
        ({"alternative": "next_meeting", "target_meeting": "999999"}, "Sélectionnez un choix valide."),
        (
            {"alternative": "representation", "duration_minutes": "0"},
            "Assurez-vous que cette valeur est supérieure ou égale à 1.",
        ),
        ({"alternative": "", "subject": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(client, cast, space, data, error):
    client.force_login(cast.coordinator)
    response = avoid(client, space, **data)
    assert response.status_code == 200
    assert error in page(response)
    assert not AvoidedMeeting.objects.exists() and not Consultation.objects.exists()


def test_a_facilitator_avoids_meetings_of_their_space_only(client, cast, space, theme):
    facilitator_name(space=space, user=cast.alice, by=cast.coordinator)
    other = space_create(themes=[theme], name="Chantier emploi", lead_organisation=cast.org_a)
    client.force_login(cast.alice)
    assert client.get(reverse("chantiers:meeting-avoid", args=[space.pk])).status_code == 200
    assert client.get(reverse("chantiers:meeting-avoid", args=[other.pk])).status_code == 403
    assert (
        avoid(
            client, space, alternative="representation", representing=cast.org_a.pk, represented=[cast.org_b.pk]
        ).status_code
        == 302
    )
    assert AvoidedMeeting.objects.get().chosen_by == cast.alice


def test_who_sees_a_consultation(client, cast, space, theme):
    avoided = consultation_launch(
        space=space,
        date=NEXT_WEEK,
        subject="Avis",
        duration_minutes=60,
        questions=["D'accord ?"],
        due_on=NEXT_WEEK,
        by=cast.coordinator,
    )
    url = reverse("chantiers:consultation-detail", args=[avoided.consultation_id])
    answer = reverse("chantiers:consultation-answer", args=[avoided.consultation_id])
    outsider = f.make_user("zoe", organisation=f.make_organisation(name="Organisme Z"))
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(outsider)
    assert client.get(url).status_code == 404 and client.get(answer).status_code == 404
    client.force_login(cast.staff)
    assert client.get(url).status_code == 200 and client.get(answer).status_code == 403  # staff answers for nobody
    client.force_login(cast.bob)
    assert client.get(answer).status_code == 200
    text = page(client.get(reverse("chantiers:consultation-list")))
    assert "Avis" in text


def test_the_new_pages_read_a_fixed_number_of_queries(client, cast, space, shared, django_assert_num_queries):
    avoided = consultation_launch(
        space=space,
        date=NEXT_WEEK,
        subject="Avis",
        duration_minutes=60,
        questions=["A ?", "B ?"],
        due_on=NEXT_WEEK,
        by=cast.coordinator,
    )
    for org in (cast.org_a, cast.org_b):
        respondent = avoided.consultation.respondents.get(organisation=org)
        consultation_answer(
            respondent=respondent, answers={q.pk: "Oui" for q in avoided.consultation.questions.all()}, by=cast.alice
        )
    client.force_login(cast.coordinator)
    # session, user and the alliance's roles (4), then: the consultation, its questions, respondents, answers
    detail = reverse("chantiers:consultation-detail", args=[avoided.consultation_id])
    # the list: the consultations with their spaces, in one query
    listing = reverse("chantiers:consultation-list")
    # the space, the meetings to share (1: overlap and next meeting as subqueries), the seated organisations
    avoid_page = reverse("chantiers:meeting-avoid", args=[space.pk])
    for url, queries in ((detail, 8), (listing, 5), (avoid_page, 9)):
        client.get(url)  # warm the alliance's caches
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_a_refused_decision_shows_the_page_again_and_saves_nothing(client, cast, space):
    avoided = consultation_launch(
        space=space,
        date=NEXT_WEEK,
        subject="Avis",
        duration_minutes=60,
        questions=["D'accord ?"],
        due_on=NEXT_WEEK,
        by=cast.coordinator,
    )
    client.force_login(cast.coordinator)
    url = reverse("chantiers:consultation-decide", args=[avoided.consultation_id])
    for data, error in (({"decision": ""}, "Ce champ est obligatoire."), ({"decision": "é" * 10_001}, "au plus 10")):
        response = client.post(url, data)
        assert response.status_code == 400 and error in page(response)
    avoided.consultation.refresh_from_db()
    assert avoided.consultation.decision == "" and avoided.consultation.decided_on is None

    # once decided, a second decision is refused on the page, and the first one stays
    assert client.post(url, {"decision": "Oui"}).status_code == 302
    response = client.post(url, {"decision": "Non"})
    assert response.status_code == 400 and "La décision de cette consultation est déjà consignée." in page(response)
    avoided.consultation.refresh_from_db()
    assert avoided.consultation.decision == "Oui"
