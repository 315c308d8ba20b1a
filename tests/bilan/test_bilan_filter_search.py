"""The bilan's lists of spaces and organisations offer at most SEAT_CHOICES names, narrowed by a search beside each (as
the seat forms do): at province scale a plan has thousands of organisations. The one chosen stays offered, and any
choice is still checked on the server against the plan's (and the alliance's) own."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.addresses import alliance_reverse
from chantiers.forms import SEAT_CHOICES
from chantiers.models import SpaceMembership
from tests import factories as f

pytestmark = pytest.mark.django_db
YEAR = {"periode": "2014-2015"}


@pytest.fixture
def crowd(plan, theme):
    """SEAT_CHOICES + 10 organisations seated in a space of the plan (Organisme 00 … 59), and one elsewhere."""
    space = f.make_space(themes=[theme], name="Grande table")
    organisations = [f.make_organisation(name=f"Organisme {i:02d}") for i in range(SEAT_CHOICES + 10)]
    SpaceMembership.objects.bulk_create(
        SpaceMembership(space=space, organisation=o, joined_on=datetime.date(2014, 4, 1)) for o in organisations
    )
    elsewhere = f.make_organisation(name="Organisme d'une autre alliance")
    other_theme = f.make_theme(f.make_plan())
    f.make_project(lead=elsewhere, theme=other_theme)
    return organisations, elsewhere


def options(response, field="organisation") -> list[str]:
    return [label for _pk, label in response.context["form"].fields[field].widget.choices][1:]


def test_the_first_names_are_offered_with_a_way_to_find_the_others(client, cast, plan, crowd):
    client.force_login(cast.staff)
    response = client.get(alliance_reverse(plan.alliance, "bilan:bilan"), YEAR)
    assert options(response) == [f"Organisme {i:02d}" for i in range(SEAT_CHOICES)]
    page = response.content.decode()
    assert 'name="organisation-q"' in page and 'name="lieu-q"' in page
    assert "cherchez par nom pour trouver les autres" in page


def test_a_search_narrows_the_list_and_the_choice_stays_offered(client, cast, plan, crowd):
    organisations, _elsewhere = crowd
    client.force_login(cast.staff)
    last = organisations[-1]
    url = alliance_reverse(plan.alliance, "bilan:bilan")
    found = client.get(url, {**YEAR, "organisation-q": "isme 59"})
    assert options(found) == ["Organisme 59"]
    assert "1 résultat proposé pour « isme 59 »." in found.content.decode()
    chosen = client.get(url, {**YEAR, "organisation": last.pk})  # no search: beyond the first names, still offered
    assert chosen.context["bilan"] is not None and chosen.context["form"].cleaned_data["organisation"] == last
    assert "Organisme 59" in options(chosen) and f'<option value="{last.pk}" selected>' in chosen.content.decode()
    nothing = client.get(url, {**YEAR, "organisation-q": "introuvable"})
    assert options(nothing) == [] and "Aucun résultat pour « introuvable »." in nothing.content.decode()


def test_another_alliances_organisation_is_neither_found_nor_accepted(client, cast, plan, crowd):
    _organisations, elsewhere = crowd
    client.force_login(cast.staff)
    url = alliance_reverse(plan.alliance, "bilan:bilan")
    assert options(client.get(url, {**YEAR, "organisation-q": "autre alliance"})) == []
    refused = client.get(url, {**YEAR, "organisation": elsewhere.pk, "organisation-q": "autre"})
    assert refused.context["bilan"] is None and "autre alliance" not in refused.content.decode()


def test_the_exports_read_no_list(client, cast, plan, crowd):
    """The lists are read only when the form is shown: a CSV export reads none of them."""
    client.force_login(cast.staff)
    url = alliance_reverse(plan.alliance, "bilan:bilan-csv", args=["projets"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, YEAR)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert not [q["sql"] for q in queries if f"LIMIT {SEAT_CHOICES + 1}" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        client.get(alliance_reverse(plan.alliance, "bilan:bilan"), YEAR)
    assert len([q["sql"] for q in queries if f"LIMIT {SEAT_CHOICES + 1}" in q["sql"]]) == 1  # both lists, one query
