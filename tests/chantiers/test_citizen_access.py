"""A citizen's own access (issue 21, part 5): optional and with consent. Coordination of an alliance where the
citizen sits offers an account (e-mail and the « compte » consent required); the citizen accepts through a signed,
expiring link, chooses a password, then sees their meetings (says whether they will come) and answers the written
consultations of their seat; Coordination can withdraw the access (the account deactivated, never deleted). A
citizen's account opens nothing else of the portal."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from chantiers import services_citizen
from chantiers.models import ConsultationAnswer, ConsultationRespondent, Invitation
from chantiers.services import meeting_schedule, space_create, space_seat_citizen, space_seat_organisation
from chantiers.services_avoided import consultation_launch
from organisations.models import Citizen, User
from privacy.models import Consent
from privacy.services import consent_give
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
LAST_WEEK = TODAY - datetime.timedelta(days=7)
PASSWORD = "Un-mot-de-passe-solide-2026"


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'").replace("&quot;", '"')


@pytest.fixture
def space(cast, theme):
    space = space_create(themes=[theme], name="Table logement", lead_organisation=cast.org_a)
    space_seat_organisation(space=space, organisation=cast.org_b)
    return space


@pytest.fixture
def jeanne(cast, space):
    """Seated in the space, with her e-mail and her consent to an account noted by Coordination."""
    citizen = f.make_citizen(first_name="Jeanne", last_name="Citoyenne", email="jeanne@example.org")
    space_seat_citizen(space=space, citizen=citizen)
    consent_give(person=citizen, purpose="compte", source=Consent.Source.COORDINATION, by=cast.coordinator)
    return citizen


@pytest.fixture
def other_alliance(cast):
    """A second alliance and its Coordination, who holds no role in the cast's."""
    alliance = f.make_alliance(name="Autre alliance")
    coordinator = f.make_user("coordo2")
    f.grant_role(coordinator, alliance, AllianceRole.Role.COORDINATION)
    return alliance, coordinator


def access_url(space, citizen):
    return alliance_reverse(space.alliance, "chantiers:citizen-access", kwargs={"pk": citizen.pk})


def offer(client, space, citizen, capture):
    with capture(execute=True):
        return client.post(access_url(space, citizen))


def link_in(message) -> str:
    return re.search(r"https?://testserver(/citoyen/compte/\S+/)", message.body).group(1)


def with_account(citizen, username="jeanne"):
    token = services_citizen.account_token(citizen)
    return services_citizen.citizen_account_accept(token=token, username=username, password=PASSWORD)


# Offering the account --------------------------------------------------------------------------------------------


def test_coordination_of_the_alliance_offers_an_account(
    client, cast, space, jeanne, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator)
    assert client.get(access_url(space, jeanne)).status_code == 200
    response = offer(client, space, jeanne, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jeanne@example.org"]
    assert "/citoyen/compte/" in mail.outbox[0].body
    jeanne.refresh_from_db()
    assert jeanne.user is None  # nothing is created until she accepts


@pytest.mark.parametrize("who, status", [("bob", 403), ("alice", 403), ("staff", 403), ("anonymous", 302)])
def test_others_cannot_offer_it(client, cast, space, jeanne, who, status, django_capture_on_commit_callbacks):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    assert offer(client, space, jeanne, django_capture_on_commit_callbacks).status_code == status
    assert not mail.outbox


def test_another_alliances_coordination_cannot(
    client, space, jeanne, other_alliance, django_capture_on_commit_callbacks
):
    alliance, coordinator = other_alliance
    client.force_login(coordinator)
    # at the citizen's alliance's address: no role there (403); at their own: no such citizen (404)
    assert offer(client, space, jeanne, django_capture_on_commit_callbacks).status_code == 403
    own = alliance_reverse(alliance, "chantiers:citizen-access", kwargs={"pk": jeanne.pk})
    assert client.get(own).status_code == 404
    assert not mail.outbox


@pytest.mark.parametrize(
    "change, message",
    [
        ("no e-mail", "Indiquez d'abord le courriel de cette personne"),
        ("no consent", "Notez d'abord son consentement « Avoir mon compte citoyen dans le portail »"),
        ("an account", "Cette personne a déjà un compte dans le portail."),
    ],
)
def test_an_offer_refused_says_why(client, cast, space, jeanne, change, message, django_capture_on_commit_callbacks):
    if change == "no e-mail":
        Citizen.objects.filter(pk=jeanne.pk).update(email="")
    elif change == "no consent":
        Consent.objects.filter(citizen=jeanne).delete()
    else:
        with_account(jeanne)
    client.force_login(cast.coordinator)
    response = offer(client, space, jeanne, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert message in page(response)
    assert not mail.outbox


# The link --------------------------------------------------------------------------------------------------------


def test_the_citizen_accepts_and_lands_on_their_meetings(
    client, cast, space, jeanne, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator)
    offer(client, space, jeanne, django_capture_on_commit_callbacks)
    client.logout()
    path = link_in(mail.outbox[0])
    assert client.get(path).status_code == 200
    data = {"username": "jeanne", "password1": PASSWORD, "password2": PASSWORD, "consent": "on"}
    response = client.post(path, data)
    assert response.status_code == 302 and response.url == reverse("citizen:home")
    jeanne.refresh_from_db()
    assert jeanne.user.username == "jeanne" and jeanne.user.is_active and jeanne.user.check_password(PASSWORD)
    assert not jeanne.user.groups.exists()
    assert client.get(reverse("citizen:home")).status_code == 200
    # the link has served: a second use is refused
    assert "déjà activé" in page(client.post(path, data)) or client.post(path, data).status_code == 400


def test_the_consent_must_be_ticked_and_the_passwords_agree(client, jeanne):
    path = reverse("citizen:account-accept", args=[services_citizen.account_token(jeanne)])
    response = client.post(path, {"username": "jeanne", "password1": PASSWORD, "password2": "autre"})
    assert response.status_code == 400
    text = page(response)
    assert "Cochez la case pour accepter d'avoir un compte." in text
    assert "Les deux mots de passe ne concordent pas." in text
    jeanne.refresh_from_db()
    assert jeanne.user is None and not User.objects.filter(username="jeanne").exists()


def test_an_altered_link_is_refused(client, jeanne):
    token = services_citizen.account_token(jeanne)
    response = client.get(reverse("citizen:account-accept", args=[token[:-3] + "abc"]))
    assert response.status_code == 400
    assert "Ce lien n'est pas valide : il a été modifié ou mal copié." in page(response)


def test_an_expired_link_is_refused(client, jeanne, settings):
    old = signing.TimestampSigner(salt=services_citizen.SALT)
    token = services_citizen.account_token(jeanne)
    settings.INVITATION_EXPIRY_DAYS = 0
    response = client.post(
        reverse("citizen:account-accept", args=[token]),
        {"username": "jeanne", "password1": PASSWORD, "password2": PASSWORD, "consent": "on"},
    )
    assert old and response.status_code == 400
    assert "Ce lien a expiré" in page(response)
    assert not User.objects.filter(username="jeanne").exists()


def test_a_link_sent_to_a_former_address_stops_working(client, jeanne):
    token = services_citizen.account_token(jeanne)
    Citizen.objects.filter(pk=jeanne.pk).update(email="nouvelle@example.org")
    assert client.get(reverse("citizen:account-accept", args=[token])).status_code == 400


# Withdrawal ------------------------------------------------------------------------------------------------------


def test_coordination_withdraws_the_access(client, cast, space, jeanne):
    user = with_account(jeanne)
    citizen_client = type(client)()
    citizen_client.force_login(user)
    client.force_login(cast.coordinator)
    response = client.post(
        alliance_reverse(space.alliance, "chantiers:citizen-access-withdraw", kwargs={"pk": jeanne.pk})
    )
    assert response.status_code == 302
    user.refresh_from_db()
    jeanne.refresh_from_db()
    assert not user.is_active and jeanne.user_id == user.pk  # deactivated, never deleted, still linked
    assert citizen_client.get(reverse("citizen:home")).status_code == 302  # signed out: to the login page
    # a new offer may follow; a second withdrawal says there is nothing to close
    again = client.post(alliance_reverse(space.alliance, "chantiers:citizen-access-withdraw", kwargs={"pk": jeanne.pk}))
    assert again.status_code == 400 and "n'a pas de compte ouvert" in page(again)


def test_a_partner_cannot_withdraw(client, cast, space, jeanne):
    user = with_account(jeanne)
    client.force_login(cast.alice)
    url = alliance_reverse(space.alliance, "chantiers:citizen-access-withdraw", kwargs={"pk": jeanne.pk})
    assert client.post(url).status_code == 403
    user.refresh_from_db()
    assert user.is_active


# Meetings and answers --------------------------------------------------------------------------------------------


@pytest.fixture
def meetings(space, jeanne):
    upcoming = meeting_schedule(space=space, date=NEXT_WEEK, place="Salle Desjardins", agenda="Logements sociaux")
    past = meeting_schedule(space=space, date=LAST_WEEK, place="Hôtel de ville", agenda="Bilan")
    return upcoming, past


@pytest.fixture
def citizen_client(client, jeanne):
    client.force_login(with_account(jeanne))
    return client


def test_the_citizen_sees_their_meetings(citizen_client, meetings):
    text = page(citizen_client.get(reverse("citizen:home")))
    assert "Salle Desjardins" in text and "Logements sociaux" in text and "Hôtel de ville" in text


def test_the_citizen_says_they_will_come(citizen_client, cast, space, jeanne, meetings):
    upcoming, _past = meetings
    response = citizen_client.post(reverse("citizen:meeting-respond", args=[upcoming.pk]), {"response": "coming"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(meeting=upcoming, citizen=jeanne)
    assert invitation.response == "coming" and invitation.responded_at is not None
    assert "Vous avez dit : je serai là." in page(citizen_client.get(reverse("citizen:home")))
    # Coordination sees the count on the meeting's page
    citizen_client.force_login(cast.coordinator)
    text = page(
        citizen_client.get(alliance_reverse(space.alliance, "chantiers:meeting-detail", kwargs={"pk": upcoming.pk}))
    )
    assert "1 seront là, 0 ne seront pas là" in text
    # a partner of the space does not
    citizen_client.force_login(cast.alice)
    text = page(
        citizen_client.get(alliance_reverse(space.alliance, "chantiers:meeting-detail", kwargs={"pk": upcoming.pk}))
    )
    assert "seront là" not in text


def test_a_past_meeting_takes_no_answer(citizen_client, jeanne, meetings):
    _upcoming, past = meetings
    response = citizen_client.post(
        reverse("citizen:meeting-respond", args=[past.pk]), {"response": "coming"}, follow=True
    )
    assert "Cette rencontre a déjà eu lieu : on n'y répond plus." in page(response)
    assert Invitation.objects.get(meeting=past, citizen=jeanne).response == ""


def test_another_citizens_meeting_is_not_found(citizen_client, cast, theme):
    elsewhere = space_create(themes=[theme], name="Ailleurs", lead_organisation=cast.org_b)
    space_seat_citizen(space=elsewhere, citizen=f.make_citizen())
    meeting = meeting_schedule(space=elsewhere, date=NEXT_WEEK)
    response = citizen_client.post(reverse("citizen:meeting-respond", args=[meeting.pk]), {"response": "coming"})
    assert response.status_code == 404
    assert not Invitation.objects.filter(meeting=meeting).exclude(response="").exists()


@pytest.fixture
def consultation(cast, space, citizen_client):
    """Launched once Jeanne has her account: her seat is asked, with the organisations."""
    avoided = consultation_launch(
        space=space,
        date=NEXT_WEEK,
        subject="Horaire d'été",
        duration_minutes=60,
        questions=["Quels jours?"],
        due_on=NEXT_WEEK,
        by=cast.coordinator,
    )
    return avoided.consultation


def test_the_citizen_answers_their_consultation(citizen_client, jeanne, consultation):
    respondent = ConsultationRespondent.objects.get(consultation=consultation, citizen_seat__citizen=jeanne)
    assert "Horaire d'été" in page(citizen_client.get(reverse("citizen:home")))
    assert "Horaire d'été" in page(citizen_client.get(reverse("citizen:consultation-list")))
    question = consultation.questions.get()
    url = reverse("citizen:consultation-answer", args=[consultation.pk])
    assert citizen_client.get(url).status_code == 200
    response = citizen_client.post(url, {f"q{question.pk}": "Les mardis"})
    assert response.status_code == 302
    respondent.refresh_from_db()
    jeanne.refresh_from_db()
    assert respondent.answered_by == jeanne.user and respondent.answers.get().text == "Les mardis"


def test_a_closed_consultation_is_read_only(citizen_client, jeanne, consultation):
    question = consultation.questions.get()
    type(consultation).objects.filter(pk=consultation.pk).update(due_on=LAST_WEEK)
    url = reverse("citizen:consultation-answer", args=[consultation.pk])
    assert "Cette consultation est close" in page(citizen_client.get(url))
    response = citizen_client.post(url, {f"q{question.pk}": "Trop tard"})
    assert response.status_code == 400
    assert "Cette consultation est close : les réponses ne se modifient plus." in page(response)
    assert not ConsultationAnswer.objects.exists()


def test_another_consultation_is_not_found(citizen_client, cast, theme):
    elsewhere = space_create(themes=[theme], name="Ailleurs", lead_organisation=cast.org_b)
    avoided = consultation_launch(
        space=elsewhere,
        date=NEXT_WEEK,
        subject="Autre",
        duration_minutes=30,
        questions=["?"],
        due_on=NEXT_WEEK,
        by=cast.coordinator,
    )
    url = reverse("citizen:consultation-answer", args=[avoided.consultation_id])
    assert citizen_client.get(url).status_code == 404
    assert citizen_client.post(url, {"q1": "x"}).status_code == 404


# A citizen's account sees nothing else ---------------------------------------------------------------------------


def test_the_home_page_leads_to_their_meetings(citizen_client):
    response = citizen_client.get("/")
    assert response.status_code == 302 and response.url == reverse("citizen:home")


@pytest.mark.parametrize(
    "name",
    ["chantiers:space-list", "projects:project-list", "chantiers:meeting-list", "chantiers:consultation-list"],
)
def test_the_rest_of_the_portal_is_refused(citizen_client, space, name):
    assert citizen_client.get(alliance_reverse(space.alliance, name)).status_code == 403


def test_other_accounts_do_not_open_the_citizen_pages(client, cast):
    for who in (cast.alice, cast.coordinator, cast.staff):
        client.force_login(who)
        assert client.get(reverse("citizen:home")).status_code == 403
        assert client.get(reverse("citizen:consultation-list")).status_code == 403
    client.logout()
    assert client.get(reverse("citizen:home")).status_code == 302


def test_the_citizen_pages_read_a_bounded_number_of_queries(
    citizen_client, cast, space, jeanne, django_assert_max_num_queries
):
    for day in range(1, 6):
        meeting_schedule(space=space, date=TODAY + datetime.timedelta(days=day), place=f"Salle {day}")
        meeting_schedule(space=space, date=TODAY - datetime.timedelta(days=day), place=f"Passée {day}")
    for n in range(3):
        consultation_launch(
            space=space,
            date=NEXT_WEEK,
            subject=f"Avis {n}",
            duration_minutes=30,
            questions=["?"],
            due_on=NEXT_WEEK,
            by=cast.coordinator,
        )
    # session, user, the citizen; upcoming, past, their answers, the consultations with their spaces; the roles read
    # by the menu (8), whatever the number of meetings and consultations
    with django_assert_max_num_queries(8):
        assert citizen_client.get(reverse("citizen:home")).status_code == 200
    # session, user, the citizen, the consultations with their spaces, the menu's roles (5)
    with django_assert_max_num_queries(5):
        assert citizen_client.get(reverse("citizen:consultation-list")).status_code == 200


def test_erasing_the_citizen_closes_their_account(cast, jeanne):
    from privacy.services import person_erase

    user = with_account(jeanne)
    person_erase(person=jeanne, by=cast.coordinator)
    user.refresh_from_db()
    assert not user.is_active and user.anonymised_at is not None and not user.has_usable_password()


# Told by e-mail, as they chose (part 4) -----------------------------------------------------------------------------


def test_a_citizen_with_an_account_is_told_of_meetings_and_consultations_with_links_to_their_own_pages(
    cast, space, jeanne, django_capture_on_commit_callbacks
):
    from django.core import mail

    from chantiers.services import meeting_schedule
    from chantiers.services_avoided import consultation_decide, consultation_launch
    from notifications.models import Frequency, Kind, NotificationPreference, PendingNotice

    with_account(jeanne)
    jeanne.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(space=space, date=NEXT_WEEK, place="Salle du conseil")
    [told] = [message for message in mail.outbox if message.to == ["jeanne@example.org"]]
    assert "Table logement" in told.subject and "Salle du conseil" in told.body
    assert "/citoyen/" in told.body and "/rencontres/" not in told.body  # her own pages, not the alliance's
    assert "dites-nous sur le portail si vous y serez" in told.body and "Votre organisation" not in told.body

    mail.outbox.clear()
    NotificationPreference.objects.create(user=jeanne.user, kind=Kind.DECISIONS, frequency=Frequency.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        avoided = consultation_launch(
            space=space,
            date=NEXT_WEEK,
            subject="Horaire des rencontres",
            duration_minutes=60,
            questions=["Le soir vous convient-il?"],
            due_on=NEXT_WEEK,
            by=cast.coordinator,
        )
    [asked] = [message for message in mail.outbox if message.to == ["jeanne@example.org"]]
    assert f"/citoyen/consultations/{avoided.consultation.pk}/" in asked.body
    with django_capture_on_commit_callbacks(execute=True):
        consultation_decide(consultation=avoided.consultation, text="Le mardi soir", by=cast.coordinator)
    # the decision waits for her weekly digest, as she chose
    assert PendingNotice.objects.get(user=jeanne.user, kind=Kind.DECISIONS).body.count("Le mardi soir") == 1

    # a citizen without an account (a record kept by Coordination) is told nothing
    mail.outbox.clear()
    jeanne.user.is_active = False
    jeanne.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(space=space, date=NEXT_WEEK + datetime.timedelta(days=7))
    assert all(message.to != ["jeanne@example.org"] for message in mail.outbox)


def test_withdrawing_the_account_consent_closes_the_access(client, cast, jeanne):
    """Law 25: the access rests on the « compte » consent; withdrawn on the privacy page, the account is closed at
    once (never deleted), and the citizen's pages are no longer theirs."""
    from privacy.services import consent_withdraw

    user = with_account(jeanne)
    client.force_login(user)
    assert client.get("/citoyen/").status_code == 200
    consent_withdraw(consent=Consent.objects.get(citizen=jeanne, purpose="compte"), by=cast.coordinator)
    user.refresh_from_db()
    jeanne.refresh_from_db()
    assert user.is_active is False and jeanne.user == user  # kept, linked, closed
    assert client.get("/citoyen/").status_code == 302  # signed out: back to the sign-in page
