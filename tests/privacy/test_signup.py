"""Sign-up in steps (issue 23, item 4): the choice (a new organisation or one to join), then only that block, then the
person, then the consents, then « Vérifier et envoyer » with the password. Nothing is saved before the review is sent;
each step keeps what was typed and reports all its errors at once; then a new account with a new (pending)
organisation, or a request to join an approved one, as before."""

import pytest
from django.urls import reverse

from organisations.models import Membership, MembershipRequest, Organisation, User
from organisations.roles import PARTENAIRE
from tests.privacy.privacy_helpers import NEW_ORGANISATION, PASSWORD, PERSON, SIGNUP, sign_up

pytestmark = pytest.mark.django_db

URL = SIGNUP["choice"]


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


def nothing_saved(users, orgs):
    assert (User.objects.count(), Organisation.objects.count()) == (users, orgs)
    assert not MembershipRequest.objects.exists()


def test_the_signup_starts_with_one_question_and_is_linked_from_the_login_page(client):
    assert reverse("privacy:signup") == URL
    text = page(client.get(URL))
    assert "Créer un compte" in text and "Votre organisation est-elle déjà inscrite au portail?" in text
    assert "Nom de l'organisation" not in text and "Mot de passe" not in text  # one thing per page
    assert "étape 1 sur 5" in text
    login = page(client.get("/connexion/"))
    assert URL in login and "Mot de passe oublié?" in login


def test_the_choice_shows_only_its_block(client, cast):
    client.post(URL, {"choice": "new"})
    new = page(client.get(SIGNUP["organisation"]))
    assert "Nom de l'organisation" in new and "Organisation à joindre" not in new
    client.post(URL, {"choice": "join"})
    join = page(client.get(SIGNUP["organisation"]))
    assert "Organisation à joindre" in join and "Nom de l'organisation" not in join
    assert "Choisir une organisation" in join and "---------" not in join


def test_signup_with_a_new_organisation(client, cast):
    response = sign_up(client)
    org = Organisation.objects.get(name="Maison des jeunes")
    user = User.objects.get(username="denise")
    assert org.status == Organisation.Status.PENDING and not org.can_submit and org.sector == "Jeunesse"
    assert Membership.objects.get(user=user, organisation=org).role == Membership.Role.RESPONSABLE
    assert user.groups.filter(name=PARTENAIRE).exists() and user.check_password(PASSWORD)
    # Logged in, on the organisation's page, told that coordination must approve it; the answers forgotten.
    assert response["Location"] == org.get_absolute_url()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "signup" not in client.session
    assert "doit approuver" in page(client.get(response["Location"]))
    assert not user.can_submit_for(org)


def test_signup_asking_to_join_an_approved_organisation(client, cast):
    response = sign_up(client, choice="join", organisation={"join": cast.org_a.pk, "message": "Je coordonne."})
    user = User.objects.get(username="denise")
    request = MembershipRequest.objects.get(user=user)
    assert request.organisation == cast.org_a and request.status == MembershipRequest.Status.PENDING
    assert request.message == "Je coordonne."
    assert not Membership.objects.filter(user=user).exists()
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_nothing_is_saved_before_the_review_is_sent_and_the_password_is_never_kept(client, cast):
    users, orgs = User.objects.count(), Organisation.objects.count()
    client.post(URL, {"choice": "new"})
    client.post(SIGNUP["organisation"], NEW_ORGANISATION)
    client.post(SIGNUP["person"], PERSON)
    client.post(SIGNUP["consents"], {"consent_nouvelles": "on"})
    nothing_saved(users, orgs)
    review = page(client.get(SIGNUP["review"]))
    # Every answer, with a « Modifier » link to its step
    for shown in ("Maison des jeunes", "Organisme communautaire", "Jeunesse", "denise", "denise@example.org"):
        assert shown in review, shown
    for step in ("choice", "organisation", "person", "consents"):
        assert f'href="{SIGNUP[step]}?retour=verifier"' in review
    assert "Vérifier et envoyer" in review and 'name="password1"' in review
    assert not any("password" in name for step in client.session["signup"].values() for name in step)


def test_a_step_keeps_what_was_typed_and_tells_every_error_at_once(client, cast):
    client.post(URL, {"choice": "new"})
    client.post(SIGNUP["organisation"], NEW_ORGANISATION)
    response = client.post(SIGNUP["person"], {"username": "alice", "first_name": "Denise", "email": "pas-un-courriel"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"username", "last_name", "email"}  # one pass: all three at once
    text = page(response)
    assert "Il y a un problème" in text and 'href="#id_username"' in text and 'href="#id_last_name"' in text
    assert 'value="Denise"' in text  # what was typed stays


def test_a_later_step_asked_first_sends_back_to_the_first_unanswered(client, cast):
    assert client.get(SIGNUP["review"])["Location"] == URL
    client.post(URL, {"choice": "join"})
    assert client.get(SIGNUP["person"])["Location"] == SIGNUP["organisation"]
    assert client.get(SIGNUP["organisation"]).status_code == 200


def test_back_and_modify_links_find_the_answers_again(client, cast):
    client.post(URL, {"choice": "new"})
    client.post(SIGNUP["organisation"], NEW_ORGANISATION)
    person = client.get(SIGNUP["person"])
    assert f'href="{SIGNUP["organisation"]}"' in page(person)  # the back link
    assert 'value="Maison des jeunes"' in page(client.get(SIGNUP["organisation"]))
    client.post(SIGNUP["person"], PERSON)
    client.post(SIGNUP["consents"], {})
    # « Modifier » from the review goes back to the review once saved
    response = client.post(f"{SIGNUP['person']}?retour=verifier", {**PERSON, "first_name": "Denyse"})
    assert response["Location"] == SIGNUP["review"]
    assert "Denyse" in page(client.get(SIGNUP["review"]))
    # Changing the choice from the review asks the other block, then returns to the review
    response = client.post(f"{URL}?retour=verifier", {"choice": "join"})
    assert response["Location"] == f"{SIGNUP['organisation']}?retour=verifier"
    response = client.post(response["Location"], {"join": cast.org_a.pk})
    assert response["Location"] == SIGNUP["review"]
    assert "Organisme A" in page(client.get(SIGNUP["review"]))


def test_a_pending_organisation_cannot_be_joined(client, cast):
    pending = Organisation.objects.create(name="En attente", kind="community")
    client.post(URL, {"choice": "join"})
    response = client.post(SIGNUP["organisation"], {"join": pending.pk})
    assert response.status_code == 200 and "join" in response.context["form"].errors
    assert not User.objects.filter(username="denise").exists()


@pytest.mark.parametrize(
    "step, data, field, message",
    [
        ("choice", {}, "choice", "Choisissez : une nouvelle organisation ou une organisation déjà inscrite."),
        ("person", {**PERSON, "username": "alice"}, "username", "Ce nom d'utilisateur est déjà pris."),
        ("organisation", {"org_kind": "community"}, "org_name", "Indiquez le nom de l'organisation."),
        ("organisation", {"org_name": "X"}, "org_kind", "Indiquez le type d'organisation."),
        (
            "organisation",
            {"org_name": "organisme a", "org_kind": "community"},
            "org_name",
            "Une organisation porte déjà ce nom",
        ),
    ],
)
def test_bad_input_at_a_step_gets_a_french_error_and_saves_nothing(client, cast, step, data, field, message):
    users, orgs = User.objects.count(), Organisation.objects.count()
    if step != "choice":
        client.post(URL, {"choice": "new"})
    if step == "person":
        client.post(SIGNUP["organisation"], NEW_ORGANISATION)
    response = client.post(SIGNUP[step], data)
    assert response.status_code == 200
    assert message in page(response) and "Il y a un problème" in page(response)
    assert field in response.context["form"].errors
    nothing_saved(users, orgs)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "password, confirm, field, message",
    [
        (PASSWORD, "autre-chose-2013!", "password2", "Les deux mots de passe ne concordent pas."),
        ("1234", "1234", "password1", "Ce mot de passe est trop court."),
        ("denise2013", "denise2013", "password1", "Le mot de passe est trop semblable"),
    ],
)
def test_a_bad_password_gets_a_french_error_and_saves_nothing(client, cast, password, confirm, field, message):
    users, orgs = User.objects.count(), Organisation.objects.count()
    response = sign_up(client, password=password, confirm=confirm)
    assert response.status_code == 200
    assert message in page(response)
    assert field in response.context["form"].errors
    nothing_saved(users, orgs)
    assert "Maison des jeunes" in page(response)  # the review, its answers still there


def test_a_name_taken_in_the_meantime_sends_back_to_its_step(client, cast):
    client.post(URL, {"choice": "new"})
    client.post(SIGNUP["organisation"], NEW_ORGANISATION)
    client.post(SIGNUP["person"], PERSON)
    client.post(SIGNUP["consents"], {})
    Organisation.objects.create(name="Maison des jeunes", kind="community")
    response = client.post(SIGNUP["review"], {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == f"{SIGNUP['organisation']}?retour=verifier"
    step = client.get(response["Location"])
    assert "Une organisation porte déjà ce nom" in page(step) and "Il y a un problème" in page(step)
    assert not User.objects.filter(username="denise").exists()


@pytest.mark.parametrize("step", ["choice", "organisation", "person", "consents", "review"])
def test_a_logged_in_person_is_sent_home(login, cast, step):
    assert login(cast.alice).get(SIGNUP[step])["Location"] == "/"


def test_sign_up_flooding_from_one_client_is_bounded(client, cast, settings):
    """One client opening account after account (and pending organisation after organisation) is stopped
    after the hour's limit with a clear French message; another client is not held back."""
    settings.MAIL_THROTTLE_PER_CLIENT = 3
    for i in range(3):
        sign_up(
            client,
            organisation={"org_name": f"Robot {i}", "org_kind": "community"},
            person={"username": f"robot{i}", "email": f"robot{i}@example.org"},
        )
        client.logout()
    robot9 = {
        "organisation": {"org_name": "Robot 9", "org_kind": "community"},
        "person": {"username": "robot9", "email": "robot9@example.org"},
    }
    response = sign_up(client, **robot9)
    assert response.status_code == 200 and "Trop d'inscriptions" in page(response)
    assert User.objects.filter(username__startswith="robot").count() == 3
    assert not Organisation.objects.filter(name="Robot 9").exists()
    from django.test import Client

    other = sign_up(Client(REMOTE_ADDR="192.0.2.8"), **robot9)
    assert other.status_code == 302 and User.objects.filter(username="robot9").exists()
