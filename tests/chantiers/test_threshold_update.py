"""Coordination sets the hyperconcertation threshold (meetings a month) of the current plan."""

import datetime
import html

import pytest
from django.test import Client

from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/hyperconcertation/seuil/"


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 403), ("bob", 403), ("charlie", 403), ("staff", 403), ("coordinator", 302)],
)
def test_threshold_update_access(login, cast, plan, who, status):
    response = login(getattr(cast, who)).post(URL, {"threshold": "6"})
    assert response.status_code == status
    plan.refresh_from_db()
    assert plan.meeting_threshold_per_month == (6 if who == "coordinator" else 4)
    if who == "anonymous":
        assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("who", ["anonymous", "staff", "coordinator"])
def test_threshold_update_is_post_only(login, cast, who):
    assert login(getattr(cast, who)).get(URL).status_code == 405


def test_coordination_changes_the_threshold_and_sees_it(login, cast, plan):
    client = login(cast.coordinator)
    response = client.post(URL, {"threshold": "2"}, follow=True)
    assert response.redirect_chain == [("/hyperconcertation/", 302)]
    plan.refresh_from_db()
    assert plan.meeting_threshold_per_month == 2
    page = text(response)
    assert "Seuil d'hyperconcertation enregistré : 2 rencontres par mois." in page
    assert "plus de 6 rencontres en 3 mois" in page


def test_it_changes_the_current_plan_the_latest_one(login, cast, plan):
    later = f.make_plan(title="Plan suivant", alliance=plan.alliance, start_date=datetime.date(2016, 4, 1))
    login(cast.coordinator).post(URL, {"threshold": "3"})
    assert Plan.objects.get(pk=later.pk).meeting_threshold_per_month == 3
    assert Plan.objects.get(pk=plan.pk).meeting_threshold_per_month == 4


@pytest.mark.parametrize("value", ["0", "-2", "abc", "", "2.5", "100"])
def test_a_bad_threshold_is_explained_on_the_page_and_nothing_is_saved(login, cast, plan, value):
    response = login(cast.coordinator).post(URL, {"threshold": value})
    assert response.status_code == 400
    page = text(response)
    assert "Éviter l'hyperconcertation" in page  # the hyperconcertation page itself
    assert "Le seuil doit être un nombre entier de rencontres par mois, entre 1 et 99." in page
    assert 'aria-invalid="true"' in page
    assert 'href="/hyperconcertation/?tri=' in page and 'href="?' not in page  # sort links lead back to the page
    plan.refresh_from_db()
    assert plan.meeting_threshold_per_month == 4


def test_the_form_needs_its_csrf_token(cast, plan):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.coordinator)
    assert strict.post(URL, {"threshold": "5"}).status_code == 403
    plan.refresh_from_db()
    assert plan.meeting_threshold_per_month == 4


def test_without_a_plan_there_is_nothing_to_change(client):
    client.force_login(f.make_user(group="Coordination"))
    assert client.post(URL, {"threshold": "5"}).status_code == 404
