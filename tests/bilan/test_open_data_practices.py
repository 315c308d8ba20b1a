"""The practices in the open data (issue 20, part 6): each alliance publishes its organisations' published practices
as CSV and JSON (stable columns, no person: a contact is a role), the region every alliance's with its alliance;
an unpublished practice never, another alliance's never; linked from the open-data pages; exact query counts."""

import csv
import io
import json

import pytest
from django.utils import timezone

from bilan.exports import PRACTICE_COLUMNS
from bilan.region_exports import REGION_PRACTICE_COLUMNS
from sustainability.models import Practice
from tests.alliance_money import two_alliances, url
from tests.bilan.test_alliance_isolation import streamed

pytestmark = pytest.mark.django_db

COLUMNS = [
    "id",
    "titre",
    "organisation",
    "projet_id",
    "projet",
    "enjeu",
    "pratique",
    "a_reprendre",
    "contact_role",
    "publiee_le",
]


def _practice(side, project, title, *, published=True):
    return Practice.objects.create(
        organisation=project.lead,
        project=project,
        title=title,
        summary=f"Ce que {side.name} a fait.",
        reuse="Le calendrier des ateliers.",
        contact_role="Coordonnatrice",
        published=published,
        published_at=timezone.now() if published else None,
        created_by=side.coordinator,
    )


@pytest.fixture
def world(db):
    world = two_alliances()
    north, south = world.north, world.south
    world.practices = {
        "north": _practice(north, north.funded, "Pratique Nord"),
        "north_past": _practice(north, north.past.funded, "Pratique Nord 2010"),
        "north_draft": _practice(north, north.awaiting, "Brouillon Nord", published=False),
        "south": _practice(south, south.funded, "Pratique Sud"),
    }
    return world


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"))))


def _json(response) -> dict:
    assert response.status_code == 200
    return json.loads(streamed(response))


def test_stable_columns():
    """The files' readers key on these names: a change here is a change for them."""
    assert [name for name, _kind in PRACTICE_COLUMNS] == COLUMNS
    assert [name for name, _kind in REGION_PRACTICE_COLUMNS] == ["alliance", "alliance_nom", *COLUMNS]


def test_each_alliance_publishes_its_published_practices_only(client, world, django_assert_num_queries):
    north, south = world.north, world.south
    for mine, _theirs, titles in (
        (north, south, {"Pratique Nord", "Pratique Nord 2010"}),
        (south, north, {"Pratique Sud"}),
    ):
        with django_assert_num_queries(2):  # the alliance of the address; the practices (its plans a subquery)
            rows = _csv(client.get(url(mine, "bilan:open-data-practices-csv")))
        assert {row["titre"] for row in rows} == titles  # never another alliance's, never an unpublished one
        assert list(rows[0]) == COLUMNS
        with django_assert_num_queries(2):  # the same two
            data = _json(client.get(url(mine, "bilan:open-data-practices-json")))
        assert {p["titre"] for p in data["pratiques"]} == titles
        assert all(list(p) == COLUMNS for p in data["pratiques"])
    row = next(
        row for row in _csv(client.get(url(north, "bilan:open-data-practices-csv"))) if row["titre"] == "Pratique Nord"
    )
    practice = world.practices["north"]
    assert row == {
        "id": str(practice.pk),
        "titre": "Pratique Nord",
        "organisation": north.org.name,
        "projet_id": str(north.funded.pk),
        "projet": north.funded.title,
        "enjeu": north.theme.name,
        "pratique": "Ce que Nord a fait.",
        "a_reprendre": "Le calendrier des ateliers.",
        "contact_role": "Coordonnatrice",
        "publiee_le": timezone.localdate(practice.published_at).isoformat(),
    }
    # no person: nobody's name nor address (who wrote it stays out)
    text = streamed(client.get(url(north, "bilan:open-data-practices-json"))).decode()
    assert north.coordinator.username not in text and "@" not in text


def test_a_closed_plans_address_publishes_that_plans_practices(client, world):
    north = world.north
    rows = _csv(client.get(url(north, "bilan:open-data-practices-csv", plan=north.past.plan)))
    assert {row["titre"] for row in rows} == {"Pratique Nord 2010"}


def test_the_region_publishes_every_alliances_with_its_alliance(client, world, django_assert_num_queries):
    with django_assert_num_queries(1):  # the practices, with their alliance
        rows = _csv(client.get("/region/donnees-ouvertes/pratiques.csv"))
    names = sorted([world.north.alliance.name, world.south.alliance.name])
    north_first = names[0] == world.north.alliance.name
    north_rows = [(world.north.alliance.name, "Pratique Nord"), (world.north.alliance.name, "Pratique Nord 2010")]
    south_rows = [(world.south.alliance.name, "Pratique Sud")]
    # by alliance (its name), then by title
    expected = north_rows + south_rows if north_first else south_rows + north_rows
    assert [(row["alliance_nom"], row["titre"]) for row in rows] == expected
    with django_assert_num_queries(1):
        data = _json(client.get("/region/donnees-ouvertes/pratiques.json"))
    by_title = {p["titre"]: p for p in data["pratiques"]}
    assert set(by_title) == {"Pratique Nord", "Pratique Nord 2010", "Pratique Sud"}
    assert by_title["Pratique Sud"]["alliance"] == world.south.alliance.slug
    assert list(by_title["Pratique Sud"]) == ["alliance", "alliance_nom", *COLUMNS]


def test_the_open_data_pages_link_to_them(client, world):
    page = client.get(url(world.north, "bilan:open-data")).content.decode()
    assert url(world.north, "bilan:open-data-practices-csv") in page
    assert url(world.north, "bilan:open-data-practices-json") in page
