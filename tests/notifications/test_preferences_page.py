"""« Mes avis par courriel » (/notifications/preferences/): a signed-in person's own choices, one per kind."""

import pytest
from django.urls import reverse

from notifications.models import Frequency, Kind, NotificationPreference

URL = "/notifications/preferences/"
ALL_IMMEDIATE = dict.fromkeys(Kind.values, Frequency.IMMEDIATE)


def test_the_address():
    assert reverse("notifications:preferences") == URL


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "coordinator", "staff"])
def test_every_role_sees_and_saves_only_their_own(client, cast, who):
    person = getattr(cast, who)
    other = cast.bob if who != "bob" else cast.alice
    NotificationPreference.objects.create(user=other, kind=Kind.DECISIONS, frequency=Frequency.NONE)
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial == ALL_IMMEDIATE  # the other person's « none » is not shown here
    response = client.post(URL, {**ALL_IMMEDIATE, Kind.MEETINGS: Frequency.WEEKLY}, follow=True)
    assert "Vos choix d&#x27;avis par courriel sont enregistrés." in response.content.decode()
    assert NotificationPreference.objects.get(user=person, kind=Kind.MEETINGS).frequency == Frequency.WEEKLY
    assert list(NotificationPreference.objects.filter(user=other).values_list("kind", "frequency")) == [
        (Kind.DECISIONS, Frequency.NONE)
    ]
    assert client.get(URL).context["form"].initial[Kind.MEETINGS] == Frequency.WEEKLY


def test_a_bad_value_is_refused_in_french_and_nothing_is_saved(client, cast):
    client.force_login(cast.alice)
    response = client.post(URL, {**ALL_IMMEDIATE, Kind.MEETINGS: Frequency.DAILY, Kind.DECISIONS: "monthly"})
    assert response.status_code == 200
    assert "Choisissez une fréquence de la liste." in response.content.decode()
    assert "Il y a un problème" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_missing_kind_is_refused(client, cast):
    client.force_login(cast.alice)
    response = client.post(URL, {Kind.MEETINGS: Frequency.DAILY})
    assert "Choisissez une fréquence pour cette sorte d&#x27;avis." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_account_menu_links_to_the_page(client, cast):
    client.force_login(cast.alice)
    assert f'href="{URL}"' in client.get(URL).content.decode()


def test_the_page_costs_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    for kind in Kind.values:
        NotificationPreference.objects.create(user=cast.alice, kind=kind, frequency=Frequency.DAILY)
    client.force_login(cast.alice)
    client.get(URL)  # warm the caches a first page fills
    with django_assert_max_num_queries(12) as captured:
        assert client.get(URL).status_code == 200
    assert sum("notifications_notificationpreference" in q["sql"] for q in captured.captured_queries) == 1
