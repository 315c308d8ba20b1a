"""The seat forms of a space offer at most SEAT_CHOICES names; a search (?org-q=, ?cit-q=) narrows them (issue 7)."""

import re

import pytest
from django.urls import reverse

from chantiers.forms import SEAT_CHOICES
from chantiers.models import Space
from chantiers.services import space_create
from organisations.models import Citizen, Organisation

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def options(html: str, select_name: str) -> list[str]:
    """The labels of the non-empty options of one <select>."""
    select = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return [label for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select) if value]


@pytest.fixture
def crowd(cast, theme):
    """A table, and more organisations and citizens than a seat form offers."""
    space = space_create(themes=[theme], name="Table logement", kind=Space.Kind.TABLE, lead_organisation=cast.org_a)
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Groupe {i:03}", kind=Organisation.Kind.COMMUNITY, status=Organisation.Status.APPROVED)
            for i in range(120)
        ]
    )
    Citizen.objects.bulk_create([Citizen(first_name="Rose", last_name=f"Côté {i:03}") for i in range(80)])
    return space


def url(space, **query):
    return reverse("chantiers:space-detail", args=[space.pk]) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


def test_without_a_search_the_first_names_are_offered_with_a_message(client, cast, crowd):
    client.force_login(cast.coordinator)
    html = page(client.get(url(crowd)))
    offered = options(html, "org-organisation")
    assert len(offered) == SEAT_CHOICES
    assert offered == sorted(offered, key=str.lower)
    assert "Organisme A" not in offered  # already seated (lead)
    assert f"Seules les {SEAT_CHOICES} premières organisations" in html
    assert len(options(html, "cit-citizen")) == SEAT_CHOICES
    assert f"Seuls les {SEAT_CHOICES} premiers citoyens" in html
    # Each search box has its label.
    assert '<label class="form-label" for="org-q">Chercher une organisation par nom</label>' in html
    assert '<label class="form-label" for="cit-q">Chercher un citoyen ou une citoyenne par nom</label>' in html


def test_a_search_narrows_the_names_offered(client, cast, crowd):
    client.force_login(cast.coordinator)
    html = page(client.get(url(crowd, **{"org-q": "groupe 11", "cit-q": "rose 07"})))
    assert options(html, "org-organisation") == [f"Groupe {i}" for i in range(110, 120)]
    # Every word must match the first or the last name: « 07 » in 007 and 070 to 079.
    assert options(html, "cit-citizen") == [f"Rose Côté {i:03}" for i in (7, *range(70, 80))]
    assert "10 résultats proposés pour « groupe 11 »." in html
    assert 'value="groupe 11"' in html
    assert "premières organisations" not in html


def test_a_nul_character_in_a_search_is_dropped_not_a_server_error(client, cast, crowd):
    """PostgreSQL refuses NUL in a query (the fuzzing found a 500 there): the search reads without it."""
    client.force_login(cast.coordinator)
    response = client.get(url(crowd, **{"org-q": "groupe\x00 11", "cit-q": "\x00"}))
    assert response.status_code == 200
    assert options(page(response), "org-organisation") == [f"Groupe {i}" for i in range(110, 120)]


def test_a_search_without_result_says_so(client, cast, crowd):
    client.force_login(cast.coordinator)
    html = page(client.get(url(crowd, **{"org-q": "introuvable"})))
    assert options(html, "org-organisation") == []
    assert "Aucun résultat pour « introuvable »." in html


def test_an_organisation_not_offered_can_still_take_a_seat(client, cast, crowd):
    """The list shown is bounded; what the form accepts is not: every approved organisation not seated."""
    last = Organisation.objects.get(name="Groupe 119")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:space-member-add", args=[crowd.pk]), {"org-organisation": last.pk, "org-role": "member"}
    )
    assert response.status_code == 302
    assert crowd.memberships.current().filter(organisation=last).exists()


def test_the_page_costs_the_same_queries_with_many_names(client, cast, crowd, django_assert_max_num_queries):
    client.force_login(cast.coordinator)
    client.get(url(crowd))
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Autre {i:03}", kind=Organisation.Kind.COMMUNITY, status=Organisation.Status.APPROVED)
            for i in range(500)
        ]
    )
    # session, user, groups, then the space's own queries; one query (LIMIT) per seat list, whatever the number of names
    with django_assert_max_num_queries(16):
        response = client.get(url(crowd, **{"org-q": "autre"}))
    assert len(options(page(response), "org-organisation")) == SEAT_CHOICES
