import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_french(client):
    response = client.get("/connexion/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nom d’utilisateur" in page and "Mot de passe" in page


def test_a_wrong_password_gets_a_clear_french_error(client, cast):
    response = client.post("/connexion/", {"username": "alice", "password": "mauvais"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client, cast):
    wrong = client.post("/connexion/", {"username": "alice", "password": "mauvais"}).content.decode()
    unknown = client.post("/connexion/", {"username": "qui-donc-xyz", "password": "mauvais"}).content.decode()
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert "valides" in unknown
    assert strip(wrong).replace('value="alice"', "") == strip(unknown).replace('value="qui-donc-xyz"', "")


def test_login_then_back_where_you_were(client, cast):
    response = client.post("/connexion/?next=/admin/", {"username": "alice", "password": f.PASSWORD, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_logout_is_post_only(client, cast):
    client.force_login(cast.alice)
    assert client.get("/deconnexion/").status_code == 405
    assert client.post("/deconnexion/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_page_headers_protect_the_visitor(client):
    response = client.get("/connexion/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
