"""The signed one-click unsubscribe link of every notification e-mail: /notifications/desabonnement/<token>/."""

from django.test import Client

from notifications.models import Frequency, Kind, NotificationPreference
from notifications.services import unsubscribe_token, unsubscribe_url


def _url(user, kinds=(Kind.MEETINGS,)):
    return unsubscribe_url(user_id=user.pk, kinds=kinds)


def test_get_shows_one_button_and_changes_nothing(client, cast):
    response = client.get(_url(cast.alice))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Me désabonner" in content and "Rencontres" in content
    assert not NotificationPreference.objects.exists()


def test_one_click_turns_the_kind_off_without_signing_in(client, cast):
    response = client.post(_url(cast.alice))
    assert response.status_code == 302 and response["Location"] == _url(cast.alice) + "?fait=1"
    response = client.get(response["Location"])
    assert "vous ne recevrez plus de courriel pour ces avis : Rencontres" in response.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "kind", "frequency")) == [
        (cast.alice.pk, Kind.MEETINGS, Frequency.NONE)
    ]


def test_the_mail_client_s_one_click_post_needs_no_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(cast.alice), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and response.content.decode() == "Désabonnement fait."
    assert NotificationPreference.objects.get(user=cast.alice).frequency == Frequency.NONE


def test_a_token_names_one_person_and_its_kinds_only(client, cast):
    NotificationPreference.objects.create(user=cast.bob, kind=Kind.MEETINGS, frequency=Frequency.DAILY)
    client.force_login(cast.bob)  # whoever clicks: the token's person is changed, not the signed-in one
    client.post(_url(cast.alice, kinds=[Kind.DECISIONS, Kind.PROJECTS]))
    assert sorted(NotificationPreference.objects.filter(user=cast.alice).values_list("kind", "frequency")) == [
        (Kind.DECISIONS, Frequency.NONE),
        (Kind.PROJECTS, Frequency.NONE),
    ]
    assert NotificationPreference.objects.get(user=cast.bob).frequency == Frequency.DAILY


def test_the_done_page_says_so_only_when_it_is_done(client, cast):
    assert "Me désabonner" in client.get(_url(cast.alice) + "?fait=1").content.decode()


def _refused(client, url):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert "Lien de désabonnement invalide" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_an_altered_token_is_refused_in_french(client, cast):
    token = unsubscribe_token(user_id=cast.alice.pk, kinds=[Kind.MEETINGS])
    forged = token.replace(token.split(":")[0], unsubscribe_token(user_id=cast.bob.pk, kinds=[]).split(":")[0])
    _refused(client, f"/notifications/desabonnement/{forged}/")
    _refused(client, f"/notifications/desabonnement/{token[:-2]}xx/")
    _refused(client, "/notifications/desabonnement/n-importe-quoi/")


def test_a_token_of_another_salt_or_an_unknown_kind_is_refused(client, cast):
    from django.core import signing

    other_salt = signing.dumps({"u": cast.alice.pk, "k": [Kind.MEETINGS]}, salt="autre")
    _refused(client, f"/notifications/desabonnement/{other_salt}/")
    unknown = signing.dumps({"u": cast.alice.pk, "k": ["monthly"]}, salt="notifications.unsubscribe")
    _refused(client, f"/notifications/desabonnement/{unknown}/")


def test_a_deactivated_person_s_token_is_refused(client, cast):
    cast.alice.is_active = False
    cast.alice.save()
    _refused(client, _url(cast.alice))
