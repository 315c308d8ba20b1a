"""The open data's catalogue in DCAT (JSON-LD, issue 22, part 2), as Données Québec's harvester reads it: every dataset
of bilan.catalogue.DATASETS with its licence, publisher, contact (a role's address, never a person's), frequency,
temporal coverage (the plans' years) and files, each file answering 200 with the media type announced; the
alliance's names none of another alliance's addresses; the region's holds its files and each alliance's datasets; the
queries do not grow with the alliances; linked from the open-data page."""

import json

import pytest
from django.test import Client

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from bilan import catalogue
from organisations.models import User
from plans.models import PlanYear
from tests import factories as f
from tests.alliance_money import two_alliances, url
from tests.bilan.test_alliance_isolation import body
from tests.demo_snapshot import load_asis_and_demo

pytestmark = pytest.mark.django_db
CATALOGUE = "bilan:open-data-catalogue"
REGION = "/region/donnees-ouvertes/catalogue.jsonld"


@pytest.fixture
def world(db):
    world = two_alliances()
    Alliance.objects.filter(pk=world.south.alliance.pk).update(contact_email="info@sud.example.org")
    return world


def _document(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def _datasets(document) -> dict[str, dict]:
    return {d["@id"]: d for d in document["dcat:dataset"]}


def _value(node) -> str:
    return node["@value"] if isinstance(node, dict) else node


def _span(alliance, plans=None) -> tuple[str, str]:
    years = PlanYear.objects.filter(plan__alliance=alliance)
    if plans is not None:
        years = years.filter(plan__in=plans)
    return min(y.start_date for y in years).isoformat(), max(y.end_date for y in years).isoformat()


def test_every_dataset_with_what_the_catalogue_needs(client, world):
    south = world.south
    document = _document(client.get(url(south, CATALOGUE)))
    assert set(document["@context"]) >= {"dcat", "dct", "foaf", "vcard"}
    assert document["@type"] == "dcat:Catalog"
    assert document["@id"] == f"http://testserver{url(south, CATALOGUE)}"
    datasets = _datasets(document)
    assert list(datasets) == [f"{document['@id']}#{entry.slug}" for entry in catalogue.DATASETS]
    start, end = _span(south.alliance)
    for identifier, d in datasets.items():
        assert d["@type"] == "dcat:Dataset"
        assert d["dct:identifier"] == identifier
        assert d["dct:title"].endswith("— Alliance Sud") and d["dct:description"]
        assert d["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
        assert d["dct:publisher"]["@type"] == "foaf:Organization"
        assert d["dct:publisher"]["foaf:name"] == "Alliance Sud"
        assert d["dct:creator"]["foaf:name"] == south.alliance.coordinating_organisation.name
        (contact,) = d["dcat:contactPoint"]
        assert contact["@type"] == "vcard:Organization" and contact["vcard:fn"] == "Alliance Sud"
        assert contact["vcard:hasEmail"] == {"@id": "mailto:info@sud.example.org"}
        assert d["dct:accrualPeriodicity"] == {"@id": catalogue.FREQUENCY}
        temporal = d["dct:temporal"]
        assert temporal["@type"] == "dct:PeriodOfTime"
        assert (_value(temporal["dcat:startDate"]), _value(temporal["dcat:endDate"])) == (start, end)
        assert (_value(temporal["schema:startDate"]), _value(temporal["schema:endDate"])) == (start, end)
        assert d["dct:spatial"]["skos:prefLabel"] == "Sud"
        assert "Sud" in d["dcat:keyword"]
        assert d["dct:language"] == [{"@id": catalogue.LANGUAGE}]
        assert _value(d["dct:issued"]) and _value(d["dct:modified"])
        assert d["dcat:landingPage"] == {"@id": f"http://testserver{url(south, 'bilan:open-data')}"}
        assert d["dcat:distribution"]


def test_every_file_answers_with_the_media_type_announced(client, world):
    for document in (_document(client.get(url(world.north, CATALOGUE))), _document(client.get(REGION))):
        for d in document["dcat:dataset"]:
            for distribution in d["dcat:distribution"]:
                address = distribution["dcat:downloadURL"]["@id"]
                assert distribution["dcat:accessURL"]["@id"] == address
                assert address.startswith("http://testserver/")
                assert distribution["@type"] == "dcat:Distribution"
                assert distribution["dct:license"] == {"@id": catalogue.LICENCE}
                assert distribution["dct:format"] in ("CSV", "JSON", "XLSX")  # XLSX: the 360Giving spreadsheet
                response = Client().get(address.removeprefix("http://testserver"))
                assert response.status_code == 200, address
                assert response["Content-Type"].split(";")[0] == distribution["dcat:mediaType"], address
                body(response)


def test_the_plans_years_a_plans_address_covers_only_its_own(client, world):
    north = world.north
    whole = _datasets(_document(client.get(url(north, CATALOGUE))))
    start, end = _span(north.alliance)
    assert start == "2010-04-01"  # the closed plan's first year
    for d in whole.values():
        assert (_value(d["dct:temporal"]["dcat:startDate"]), _value(d["dct:temporal"]["dcat:endDate"])) == (
            start,
            end,
        )
    past = _document(client.get(url(north, CATALOGUE, plan=north.past.plan)))
    assert past["@id"].endswith(f"/nord/{north.past.plan.slug}/donnees-ouvertes/catalogue.jsonld")
    for d in past["dcat:dataset"]:
        assert (_value(d["dct:temporal"]["dcat:startDate"]), _value(d["dct:temporal"]["dcat:endDate"])) == _span(
            north.alliance, [north.past.plan]
        )
        for distribution in d["dcat:distribution"]:
            assert f"/nord/{north.past.plan.slug}/donnees-ouvertes/" in distribution["dcat:downloadURL"]["@id"]


def test_no_contact_address_without_the_alliances_own(client, world):
    """Nord has no public address: its contact is its name and its open-data page, never a person's address."""
    document = _document(client.get(url(world.north, CATALOGUE)))
    for d in document["dcat:dataset"]:
        (contact,) = d["dcat:contactPoint"]
        assert "vcard:hasEmail" not in contact
        assert contact["vcard:hasURL"]["@id"].endswith("/nord/donnees-ouvertes/")
    text = json.dumps(document)
    assert "mailto:" not in text
    for person in User.objects.exclude(email=""):
        assert person.email not in text


def test_an_alliances_catalogue_names_none_of_another_alliances_addresses(client, world):
    text = json.dumps(_document(client.get(url(world.north, CATALOGUE))))
    assert "/sud/" not in text and "Alliance Sud" not in text and "/region/" not in text
    text = json.dumps(_document(client.get(url(world.south, CATALOGUE))))
    assert "/nord/" not in text and "Alliance Nord" not in text


def test_the_region_holds_its_files_then_each_alliances_datasets(client, world):
    document = _document(client.get(REGION))
    assert document["@id"] == f"http://testserver{REGION}"
    datasets = _datasets(document)
    slugs = [entry.slug for entry in catalogue.DATASETS]
    expected = [f"http://testserver{REGION}#{slug}" for slug in slugs]
    for side in sorted((world.north, world.south), key=lambda s: s.alliance.name):
        # the same identifiers as in the alliance's own catalogue
        expected += [f"http://testserver{url(side, CATALOGUE)}#{slug}" for slug in slugs]
        assert set(_datasets(_document(client.get(url(side, CATALOGUE))))) <= set(datasets)
    assert list(datasets) == expected
    for slug in slugs:
        region = datasets[f"http://testserver{REGION}#{slug}"]
        for distribution in region["dcat:distribution"]:
            assert "/region/donnees-ouvertes/" in distribution["dcat:downloadURL"]["@id"]
        # every alliance a contact: its name, its address when it has one
        assert [c["vcard:fn"] for c in region["dcat:contactPoint"]] == ["Alliance Nord", "Alliance Sud"]
        assert region["dcat:contactPoint"][1]["vcard:hasEmail"] == {"@id": "mailto:info@sud.example.org"}
        assert region["dct:license"] == {"@id": catalogue.LICENCE}
        assert region["dct:publisher"]["foaf:name"]
        assert _value(region["dct:temporal"]["dcat:startDate"]) == "2010-04-01"
        assert region["dct:accrualPeriodicity"] == {"@id": catalogue.FREQUENCY}


def test_portal_url_makes_the_addresses(client, world, settings):
    """Behind a proxy the portal's public address (PORTAL_URL, as the e-mails' links) names the datasets."""
    settings.PORTAL_URL = "https://asis.example.org/"
    document = _document(client.get(url(world.north, CATALOGUE)))
    assert document["@id"] == "https://asis.example.org/nord/donnees-ouvertes/catalogue.jsonld"
    addresses = [d["dcat:downloadURL"]["@id"] for ds in document["dcat:dataset"] for d in ds["dcat:distribution"]]
    assert all(a.startswith("https://asis.example.org/nord/donnees-ouvertes/") for a in addresses)


def test_the_queries_do_not_grow_with_the_alliances(client, world, django_assert_num_queries):
    with django_assert_num_queries(2):  # the alliance of the address; it with its plans' span
        _document(client.get(url(world.north, CATALOGUE)))
    with django_assert_num_queries(1):  # the alliances with their plans' span
        _document(client.get(REGION))
    for number in range(3):
        f.make_plan(alliance=f.make_alliance(name=f"Alliance {number}", slug=f"alliance-{number}"))
    with django_assert_num_queries(1):
        assert len(_document(client.get(REGION))["dcat:dataset"]) == 6 * len(catalogue.DATASETS)


def test_the_open_data_page_links_to_it(client, world):
    page = client.get(url(world.north, "bilan:open-data")).content.decode()
    assert f'href="{url(world.north, CATALOGUE)}"' in page
    assert "Catalogue des données (DCAT, JSON-LD)" in page
    assert f'<link rel="alternate" type="application/ld+json" href="{url(world.north, CATALOGUE)}"' in page


def test_the_demo_publishes_no_persons_address(client):
    """On the demo: ASIS's catalogue names no Témiscamingue address; no demo person's address appears in either."""
    load_asis_and_demo()
    asis, temiscamingue = Alliance.objects.get(slug="rouyn-noranda"), Alliance.objects.get(slug="temiscamingue")
    asis_text = client.get(alliance_reverse(asis, CATALOGUE)).content.decode()
    assert "/temiscamingue/" not in asis_text and temiscamingue.name not in asis_text
    region_text = client.get(REGION).content.decode()
    assert "mailto:coordination@cdctemis.example.org" in region_text  # Témiscamingue's role address
    emails = set(User.objects.exclude(email="").values_list("email", flat=True))
    assert emails
    for text in (asis_text, region_text, client.get(alliance_reverse(temiscamingue, CATALOGUE)).content.decode()):
        assert not [email for email in emails if email in text]
    json.loads(region_text)
