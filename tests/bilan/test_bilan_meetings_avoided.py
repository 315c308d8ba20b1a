"""The bilan counts the meetings avoided (issue 21, part 2) beside the meetings held: in all, per theme and per
organisation spared, with the person-hours they saved — on the page, in the CSV and XLSX — read in the meetings'
query (the page's query count does not move)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bilan.selectors.build import build_bilan
from chantiers.services import space_create, space_seat_citizen, space_seat_organisation
from chantiers.services_avoided import avoided_by_representation, consultation_launch
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def avoided(cast, plan, theme):
    """Two meetings avoided in 2014-2015 in a space of A, B and a citizen (3 invitees), one outside the period."""
    space = space_create(themes=[theme], name="Table logement", lead_organisation=cast.org_a)
    space_seat_organisation(space=space, organisation=cast.org_b)
    space_seat_citizen(space=space, citizen=f.make_citizen())
    common = {"space": space, "representing": cast.org_a, "represented": [cast.org_b], "by": cast.coordinator}
    avoided_by_representation(date=D(2014, 6, 1), subject="Avis commun", duration_minutes=60, **common)
    avoided_by_representation(date=D(2013, 6, 1), subject="Hors période", duration_minutes=60, **common)
    consultation_launch(
        space=space,
        date=D(2014, 9, 1),
        subject="Calendrier",
        duration_minutes=90,
        questions=["D'accord ?"],
        due_on=datetime.date.today(),
        by=cast.coordinator,
    )
    return space


def bilan_for(user, **filters):
    return build_bilan(user=user, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), **filters)


def test_meetings_and_person_hours_avoided_per_theme_and_organisation(cast, theme, avoided):
    bilan = bilan_for(cast.staff)
    # 3 invitees × 60 min + 3 invitees × 90 min = 450 person-minutes: 7,5 person-hours
    assert (bilan.meetings_avoided, bilan.person_hours_avoided) == (2, Decimal("7.5"))
    assert [(t.name, t.meetings, t.person_hours) for t in bilan.avoided_by_theme] == [(theme.name, 2, Decimal("7.5"))]
    # an organisation spared saves its own time: the planned durations (60 + 90 min)
    assert [(t.name, t.meetings, t.person_hours) for t in bilan.avoided_by_organisation] == [
        ("Organisme A", 2, Decimal("2.5")),
        ("Organisme B", 2, Decimal("2.5")),
    ]
    # a partner whose organisation does not sit in the space counts none of them
    outsider = f.make_user("zoe", organisation=f.make_organisation(name="Organisme Z"))
    assert bilan_for(outsider).meetings_avoided == 0
    assert bilan_for(cast.alice).meetings_avoided == 2


def test_the_page_and_exports_show_them_beside_the_meetings_held(client, cast, avoided):
    client.force_login(cast.staff)
    params = {"periode": "dates", "du": "2014-04-01", "au": "2015-03-31"}
    text = client.get(reverse("bilan:bilan"), params).content.decode().replace("\xa0", " ")
    assert "Rencontres évitées" in text and "2 évitées (7,5 heures-personnes épargnées)" in text
    assert "Rencontres évitées par organisation épargnée" in text
    csv = b"".join(client.get(reverse("bilan:bilan-csv", args=["rencontres-evitees"]), params).streaming_content)
    csv = csv.decode("utf-8-sig")
    assert "Total,,2,7.50" in csv and "Organisation,Organisme A,2,2.50" in csv
    response = client.get(reverse("bilan:bilan-xlsx"), params)
    assert response.status_code == 200


def test_a_choice_moves_the_cached_bilan(client, cast, theme, avoided):
    """Coordination's cached bilan is built again after a meeting is avoided: the write moves the meetings' version."""
    client.force_login(cast.coordinator)
    params = {"periode": "dates", "du": "2014-04-01", "au": "2015-03-31"}
    assert "2 évitées (7,5 heures-personnes épargnées)" in client.get(
        reverse("bilan:bilan"), params
    ).content.decode().replace("\xa0", " ")
    avoided_by_representation(
        space=avoided,
        date=D(2014, 7, 1),
        subject="Encore",
        duration_minutes=60,
        representing=cast.org_a,
        represented=[cast.org_b],
        by=cast.coordinator,
    )
    text = client.get(reverse("bilan:bilan"), params).content.decode().replace("\xa0", " ")
    assert "3 évitées (10,5 heures-personnes épargnées)" in text
