"""The shared indicators in the open data (issue 22): each alliance publishes its plans' shared indicators, their
targets and measures as CSV (one row per indicator and measure, stable columns) and JSON (an object per indicator with
its measures), the region every alliance's with its alliance; another alliance's never; archived ones marked; no
person; the queries do not grow with the rows; linked from the open-data pages."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from bilan.open_indicators import INDICATOR_COLUMNS, REGION_INDICATOR_COLUMNS
from plans import services as plan_services
from plans.models import SharedIndicator, SharedIndicatorMeasure
from tests.alliance_money import two_alliances, url
from tests.bilan.test_alliance_isolation import streamed

pytestmark = pytest.mark.django_db
D = datetime.date

COLUMNS = [
    "indicateur_id",
    "plan",
    "plan_titre",
    "enjeu",
    "indicateur",
    "question",
    "question_libelle",
    "nature",
    "nature_libelle",
    "unite",
    "sens",
    "depart",
    "depart_le",
    "cible",
    "cible_le",
    "source",
    "archive",
    "mesure_le",
    "mesure_valeur",
    "mesure_source",
]
REGION_COLUMNS = ["alliance", "alliance_nom", *COLUMNS]


def _index(theme, name, measures=(), **fields):
    """A population indicator of `theme` measured on each (day, value) of `measures`."""
    indicator = plan_services.shared_indicator_create(
        theme=theme,
        name=name,
        unit="indice",
        kind=SharedIndicator.Kind.POPULATION,
        category=SharedIndicator.Category.BETTER_OFF,
        direction=SharedIndicator.Direction.LOWER,
        baseline=Decimal("30"),
        baseline_on=D(2011, 1, 1),
        target=Decimal("20"),
        target_on=D(2016, 3, 31),
        source="INSPQ",
        **fields,
    )
    for day, value in measures:
        plan_services.shared_indicator_measure_add(
            indicator=indicator, measured_on=day, value=Decimal(value), source=f"INSPQ {day.year}"
        )
    return indicator


@pytest.fixture
def world(db):
    world = two_alliances()
    north, south = world.north, world.south
    # measured out of date order: the files list them by date
    world.index = _index(north.theme, "Indice Nord", [(D(2016, 6, 1), "22"), (D(2014, 6, 1), "27.5")])
    world.people = plan_services.shared_indicator_create(
        theme=north.theme, name="Personnes rejointes", unit="personnes", target=Decimal("100"), order=2
    )
    world.archived = plan_services.shared_indicator_create(
        theme=north.theme, name="Ancien indicateur", unit="ateliers", order=3
    )
    plan_services.shared_indicator_set_active(indicator=world.archived, active=False)
    # the closed plan's, kept as it was when it closed (its services refuse a closed plan's changes)
    world.past = SharedIndicator.objects.create(
        theme=north.past.theme, name="Indice Nord 2010", unit="indice", kind=SharedIndicator.Kind.POPULATION
    )
    SharedIndicatorMeasure.objects.create(
        indicator=world.past, measured_on=D(2012, 6, 1), value=Decimal("29"), source="INSPQ 2012"
    )
    world.south_index = _index(south.theme, "Indice Sud", [(D(2015, 6, 1), "25")])
    return world


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"))))


def _json(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(streamed(response))


def test_stable_columns():
    """The files' readers key on these names: a change here is a change for them."""
    assert [name for name, _kind in INDICATOR_COLUMNS] == COLUMNS
    assert [name for name, _kind in REGION_INDICATOR_COLUMNS] == REGION_COLUMNS


def test_one_row_per_indicator_and_measure_with_its_target(client, world):
    north = world.north
    rows = _csv(client.get(url(north, "bilan:open-data-indicators-csv")))
    assert list(rows[0]) == COLUMNS
    # the current plan's first (its plans by start date: the closed 2010 plan first), measures by date, then by order
    assert [(row["indicateur"], row["mesure_le"]) for row in rows] == [
        ("Indice Nord 2010", "2012-06-01"),
        ("Indice Nord", "2014-06-01"),
        ("Indice Nord", "2016-06-01"),
        ("Personnes rejointes", ""),  # not measured: once, its measure empty
        ("Ancien indicateur", ""),
    ]
    assert rows[1] == {
        "indicateur_id": str(world.index.pk),
        "plan": north.plan.slug,
        "plan_titre": "Plan Nord",
        "enjeu": "Enjeu Nord",
        "indicateur": "Indice Nord",
        "question": "better_off",
        "question_libelle": "Quelqu'un s'en porte-t-il mieux ?",
        "nature": "population",
        "nature_libelle": "population",
        "unite": "indice",
        "sens": "lower",
        "depart": "30.00",
        "depart_le": "2011-01-01",
        "cible": "20.00",
        "cible_le": "2016-03-31",
        "source": "INSPQ",
        "archive": "non",
        "mesure_le": "2014-06-01",
        "mesure_valeur": "27.50",
        "mesure_source": "INSPQ 2014",
    }
    people = rows[3]
    assert (people["nature"], people["question"], people["cible"], people["depart"]) == (
        "projects",
        "how_much",
        "100.00",
        "",
    )
    assert (people["mesure_valeur"], people["mesure_source"]) == ("", "")


def test_archived_indicators_are_published_marked(client, world):
    """An archived indicator stays part of the plan's record (archived, never deleted): published, marked."""
    rows = _csv(client.get(url(world.north, "bilan:open-data-indicators-csv")))
    assert {row["indicateur"]: row["archive"] for row in rows} == {
        "Indice Nord 2010": "non",
        "Indice Nord": "non",
        "Personnes rejointes": "non",
        "Ancien indicateur": "oui",
    }
    data = _json(client.get(url(world.north, "bilan:open-data-indicators-json")))
    assert {i["indicateur"]: i["archive"] for i in data["indicateurs"]}["Ancien indicateur"] is True


def test_the_json_holds_an_object_per_indicator_with_its_measures(client, world):
    data = _json(client.get(url(world.north, "bilan:open-data-indicators-json")))
    assert data["genere_le"]
    by_name = {i["indicateur"]: i for i in data["indicateurs"]}
    assert list(by_name) == ["Indice Nord 2010", "Indice Nord", "Personnes rejointes", "Ancien indicateur"]
    index = by_name["Indice Nord"]
    assert list(index) == [*[c for c in COLUMNS if not c.startswith("mesure_")], "mesures"]
    assert (index["depart"], index["cible"], index["archive"]) == ("30.00", "20.00", False)
    assert index["mesures"] == [
        {"date": "2014-06-01", "valeur": "27.50", "source": "INSPQ 2014"},
        {"date": "2016-06-01", "valeur": "22.00", "source": "INSPQ 2016"},
    ]
    assert by_name["Personnes rejointes"]["mesures"] == []
    assert by_name["Personnes rejointes"]["depart"] is None


def test_each_alliance_publishes_its_own_only(client, world):
    north, south = world.north, world.south
    assert {row["indicateur"] for row in _csv(client.get(url(south, "bilan:open-data-indicators-csv")))} == {
        "Indice Sud"
    }
    names = {i["indicateur"] for i in _json(client.get(url(south, "bilan:open-data-indicators-json")))["indicateurs"]}
    assert names == {"Indice Sud"}
    north_text = streamed(client.get(url(north, "bilan:open-data-indicators-csv"))).decode()
    assert "Sud" not in north_text


def test_a_plans_address_publishes_that_plans_indicators(client, world):
    north = world.north
    rows = _csv(client.get(url(north, "bilan:open-data-indicators-csv", plan=north.past.plan)))
    assert [row["indicateur"] for row in rows] == ["Indice Nord 2010"]
    assert rows[0]["plan"] == north.past.plan.slug


def test_no_person(client, world):
    """Who recorded or measured is not published: no user's name nor address, no e-mail at all."""
    north = world.north
    for name in ("bilan:open-data-indicators-csv", "bilan:open-data-indicators-json"):
        text = streamed(client.get(url(north, name))).decode()
        assert "@" not in text
        for person in (north.coordinator, north.partner):
            assert person.username not in text
            assert person.get_full_name() not in text or not person.get_full_name()


def test_the_region_publishes_every_alliances_with_its_alliance(client, world):
    rows = _csv(client.get("/region/donnees-ouvertes/indicateurs.csv"))
    assert list(rows[0]) == REGION_COLUMNS
    by_alliance = {}
    for row in rows:
        by_alliance.setdefault(row["alliance"], []).append((row["alliance_nom"], row["indicateur"], row["mesure_le"]))
    assert by_alliance[world.south.alliance.slug] == [("Alliance Sud", "Indice Sud", "2015-06-01")]
    assert [name for _alliance, name, _day in by_alliance[world.north.alliance.slug]] == [
        "Indice Nord 2010",
        "Indice Nord",
        "Indice Nord",
        "Personnes rejointes",
        "Ancien indicateur",
    ]
    data = _json(client.get("/region/donnees-ouvertes/indicateurs.json"))
    south = next(i for i in data["indicateurs"] if i["indicateur"] == "Indice Sud")
    assert (south["alliance"], south["alliance_nom"]) == (world.south.alliance.slug, "Alliance Sud")
    assert list(south) == ["alliance", "alliance_nom", *[c for c in COLUMNS if not c.startswith("mesure_")], "mesures"]


@pytest.mark.parametrize("more", [0, 30])
def test_the_queries_do_not_grow_with_the_rows(client, world, django_assert_num_queries, more):
    """Two sizes, the same queries: the alliance of the address and the rows (1 query, streamed 500 at a time)."""
    north = world.north
    for number in range(more):
        _index(north.theme, f"Indice {number}", [(D(2014, 1, 1 + number % 28), "1")], order=10 + number)
    with django_assert_num_queries(2):
        assert len(_csv(client.get(url(north, "bilan:open-data-indicators-csv")))) == 5 + more
    with django_assert_num_queries(2):
        assert len(_json(client.get(url(north, "bilan:open-data-indicators-json")))["indicateurs"]) == 4 + more
    with django_assert_num_queries(1):
        assert len(_csv(client.get("/region/donnees-ouvertes/indicateurs.csv"))) == 6 + more
    with django_assert_num_queries(1):
        assert len(_json(client.get("/region/donnees-ouvertes/indicateurs.json"))["indicateurs"]) == 5 + more


def test_the_open_data_pages_link_to_them(client, world):
    page = client.get(url(world.north, "bilan:open-data")).content.decode()
    assert url(world.north, "bilan:open-data-indicators-csv") in page
    assert url(world.north, "bilan:open-data-indicators-json") in page
    client.force_login(world.funder)
    comparison = client.get("/region/comparaison/").content.decode()
    assert "/region/donnees-ouvertes/indicateurs.csv" in comparison
    assert "/region/donnees-ouvertes/indicateurs.json" in comparison
