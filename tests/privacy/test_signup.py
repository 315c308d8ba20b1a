"""Sign-up: a new account with a new (pending) organisation, or a request to join an approved one."""

import pytest
from django.urls import reverse

from organisations.models import Membership, MembershipRequest, Organisation, User
from organisations.roles import PARTENAIRE

pytestmark = pytest.mark.django_db

URL = "/inscription/"
PASSWORD = "Rouyn-Noranda-2013!"


def person(**extra):
    return {
        "username": "denise",
        "first_name": "Denise",
        "last_name": "Gagnon",
        "email": "denise@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


def test_the_signup_page_is_in_french_and_linked_from_the_login_page(client):
    assert reverse("privacy:signup") == URL
    text = page(client.get(URL))
    assert "Créer un compte" in text and "Nom de l'organisation" in text
    login = page(client.get("/connexion/"))
    assert URL in login and "Mot de passe oublié ?" in login


def test_signup_with_a_new_organisation(client, cast):
    response = client.post(
        URL,
        person(choice="new", org_name="Maison des jeunes", org_kind="community", org_sector="Jeunesse"),
        follow=True,
    )
    org = Organisation.objects.get(name="Maison des jeunes")
    user = User.objects.get(username="denise")
    assert org.status == Organisation.Status.PENDING and not org.can_submit
    assert Membership.objects.get(user=user, organisation=org).role == Membership.Role.RESPONSABLE
    assert user.groups.filter(name=PARTENAIRE).exists() and user.check_password(PASSWORD)
    # Logged in, on the organisation's page, told that coordination must approve it.
    assert response.redirect_chain[-1][0] == org.get_absolute_url()
    assert int(client.session["_auth_user_id"]) == user.pk
    assert "doit approuver" in page(response)
    assert not user.can_submit_for(org)


def test_signup_asking_to_join_an_approved_organisation(client, cast):
    response = client.post(URL, person(choice="join", join=cast.org_a.pk, message="Je coordonne la cuisine."))
    user = User.objects.get(username="denise")
    request = MembershipRequest.objects.get(user=user)
    assert request.organisation == cast.org_a and request.status == MembershipRequest.Status.PENDING
    assert request.message == "Je coordonne la cuisine."
    assert not Membership.objects.filter(user=user).exists()
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_a_pending_organisation_cannot_be_joined(client, cast):
    pending = Organisation.objects.create(name="En attente", kind="community")
    response = client.post(URL, person(choice="join", join=pending.pk))
    assert response.status_code == 200
    assert not User.objects.filter(username="denise").exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            person(username="alice", choice="new", org_name="X", org_kind="community"),
            "username",
            "Ce nom d'utilisateur est déjà pris.",
        ),
        (
            person(password2="autre-chose-2013!", choice="new", org_name="X", org_kind="community"),
            "password2",
            "Les deux mots de passe ne concordent pas.",
        ),
        (person(choice="new", org_kind="community"), "org_name", "Indiquez le nom de l'organisation."),
        (person(choice="join"), "join", "Choisissez l'organisation à joindre."),
        (
            person(password1="1234", password2="1234", choice="new", org_name="X", org_kind="community"),
            "password1",
            "Ce mot de passe est trop court.",
        ),
        (
            person(choice="new", org_name="organisme a", org_kind="community"),
            "org_name",
            "Une organisation porte déjà ce nom",
        ),
    ],
)
def test_bad_input_gets_a_french_error_and_saves_nothing(client, cast, data, field, message):
    users, orgs = User.objects.count(), Organisation.objects.count()
    response = client.post(URL, data)
    assert response.status_code == 200
    assert message in page(response)
    assert field in response.context["form"].errors
    assert (User.objects.count(), Organisation.objects.count()) == (users, orgs)
    assert not MembershipRequest.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_logged_in_person_is_sent_home(login, cast):
    assert login(cast.alice).get(URL)["Location"] == "/"


def test_sign_up_flooding_from_one_client_is_bounded(client, cast, settings):
    """One client opening account after account (and pending organisation after organisation) is stopped
    after the hour's limit with a clear French message; another client is not held back."""
    settings.MAIL_THROTTLE_PER_CLIENT = 3
    for i in range(3):
        client.post(
            URL,
            person(
                username=f"robot{i}",
                email=f"robot{i}@example.org",
                choice="new",
                org_name=f"Robot {i}",
                org_kind="community",
            ),
        )
        client.logout()
    response = client.post(
        URL,
        person(username="robot9", email="robot9@example.org", choice="new", org_name="Robot 9", org_kind="community"),
    )
    assert response.status_code == 200 and "Trop d'inscriptions" in page(response)
    assert User.objects.filter(username__startswith="robot").count() == 3
    assert not Organisation.objects.filter(name="Robot 9").exists()
    other = client.post(
        URL,
        person(username="robot9", email="robot9@example.org", choice="new", org_name="Robot 9", org_kind="community"),
        REMOTE_ADDR="192.0.2.8",
    )
    assert other.status_code == 302 and User.objects.filter(username="robot9").exists()
