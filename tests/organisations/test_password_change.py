import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_member_changes_their_password(client, cast):
    client.force_login(cast.alice)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": f.PASSWORD,
            "new_password1": "Une-phrase-longue-2026",
            "new_password2": "Une-phrase-longue-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    cast.alice.refresh_from_db()
    assert cast.alice.check_password("Une-phrase-longue-2026")


def test_a_wrong_old_password_gets_a_french_error(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": "faux", "new_password1": "Une-phrase-longue-2026", "new_password2": "Une-phrase-longue-2026"},
    )
    assert response.status_code == 200
    assert "ancien mot de passe est incorrect" in response.content.decode().replace("&#x27;", "'")
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(f.PASSWORD)
