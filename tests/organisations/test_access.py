"""The access matrix of every organisations URL: outsider 404, no right 403, GET on POST-only 405."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Membership, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "alice", "bob", "charlie", "staff", "coordinator"]


@pytest.fixture
def objects(cast):
    pending = f.make_organisation(name="En attente", status=Organisation.Status.PENDING)
    denise = f.make_user("denise", email="denise@example.org")
    join = services.membership_request_create(user=denise, organisation=cast.org_a)
    return {"org": cast.org_a, "pending": pending, "join": join, "bob": Membership.objects.get(user=cast.bob)}


def url(name, objects):
    args = {
        "organisation-detail": [objects["org"].pk],
        "organisation-update": [objects["org"].pk],
        "member-invite": [objects["org"].pk],
        "member-remove": [objects["org"].pk, objects["bob"].pk],
        "organisation-approve": [objects["pending"].pk],
        "organisation-refuse": [objects["pending"].pk],
        "membership-request-approve": [objects["join"].pk],
        "membership-request-refuse": [objects["join"].pk],
        "request-list": [],
    }[name]
    return reverse(f"organisations:{name}", args=args)


def matrix(name, method, statuses):
    return [(name, method, who, status) for who, status in zip(WHO, statuses, strict=True)]


CASES = [
    # who:                                 anonymous alice bob charlie staff coordinator
    *matrix("organisation-detail", "get", [302, 200, 200, 404, 200, 200]),
    *matrix("organisation-update", "get", [302, 200, 200, 404, 403, 200]),
    *matrix("member-invite", "get", [302, 405, 405, 405, 405, 405]),
    *matrix("member-invite", "post", [302, 200, 403, 404, 403, 200]),  # 200: the form with its errors
    *matrix("member-remove", "get", [302, 405, 405, 405, 405, 405]),
    *matrix("member-remove", "post", [302, 302, 403, 404, 403, 302]),
    *matrix("request-list", "get", [302, 403, 403, 403, 403, 200]),
    *matrix("organisation-approve", "get", [302, 403, 403, 403, 403, 405]),
    *matrix("organisation-approve", "post", [302, 403, 403, 403, 403, 302]),
    *matrix("organisation-refuse", "get", [302, 403, 403, 403, 403, 200]),
    *matrix("membership-request-approve", "get", [302, 403, 403, 403, 403, 405]),
    *matrix("membership-request-approve", "post", [302, 403, 403, 403, 403, 302]),
    *matrix("membership-request-refuse", "get", [302, 403, 403, 403, 403, 200]),
]


@pytest.mark.parametrize("name, method, who, status", CASES)
def test_access(login, cast, objects, name, method, who, status):
    response = getattr(login(getattr(cast, who)), method)(url(name, objects))
    assert response.status_code == status
    if status == 302 and who == "anonymous":
        assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("who, status", [("anonymous", 200), ("alice", 302)])
def test_signup_access(login, cast, who, status):
    assert login(getattr(cast, who)).get(reverse("privacy:signup")).status_code == status


def test_a_member_who_left_no_longer_sees_the_organisation(login, cast, objects):
    services.member_remove(membership=objects["bob"], by=cast.alice)
    assert login(cast.bob).get(url("organisation-detail", objects)).status_code == 404


def test_the_navbar_links_to_my_organisation(client, cast):
    client.force_login(cast.bob)
    text = client.get("/").content.decode()
    assert reverse("organisations:organisation-detail", args=[cast.org_a.pk]) in text and "Mon organisation" in text
    client.logout()
    anonymous = client.get("/").content.decode()
    assert "Mon organisation" not in anonymous and reverse("privacy:signup") in anonymous
