"""The API's OpenAPI schema (issue 22, part 3): served, valid OpenAPI 3, and true: each list's columns in the schema are
the columns it answers, its filters the parameters it takes; the documentation page shows them to everyone."""

import pytest
import yaml
from django.conf import settings
from drf_spectacular.validation import validate_schema

from tests.api.conftest import ASIS, bearer

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/bilan/", "/api/v1/engagements/", "/api/v1/indicateurs/", "/api/v1/projets/", "/api/v1/versements/"]


def _schema(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _columns(schema, path):
    page = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][page["$ref"].rsplit("/", 1)[1]]
    row = page["properties"]["results"]["items"]
    return list(schema["components"]["schemas"][row["$ref"].rsplit("/", 1)[1]]["properties"])


def test_the_schema_is_served_to_anyone_as_yaml_and_json_and_is_valid(client, demo):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    as_yaml = yaml.safe_load(response.content)
    validate_schema(as_yaml)  # raises on an invalid OpenAPI 3 document
    assert as_yaml == _schema(client)
    assert as_yaml["components"]["securitySchemes"]["jeton"] == {
        "type": "http",
        "scheme": "bearer",
        "description": as_yaml["components"]["securitySchemes"]["jeton"]["description"],
    }
    assert sorted(path for path in as_yaml["paths"]) == LISTS


@pytest.mark.parametrize("path", LISTS)
def test_each_list_answers_the_columns_its_schema_says(client, issue, path):
    schema = _schema(client)
    rows = client.get(path, **bearer(issue(ASIS, "coordination"))).json()["results"]
    assert rows
    assert all(list(row) == _columns(schema, path) for row in rows)
    operation = schema["paths"][path]["get"]
    assert operation["security"] == [{"jeton": []}]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"page", "taille", "format"} <= names


def test_the_documentation_page_lists_every_list_its_filters_and_columns(client, demo):
    schema = _schema(client)
    response = client.get("/api/")
    assert response.status_code == 200
    page = response.content.decode()
    for path in LISTS:
        assert f"GET {path}" in page
        for column in _columns(schema, path):
            assert f"<code>{column}</code>" in page
    assert "<code>statut</code>" in page and "<code>modifie_depuis</code>" in page
    assert 'href="/api/v1/schema/"' in page


def test_the_documentation_links_the_token_pages_of_whoever_may_issue(client, demo):
    from organisations.models import User

    assert f"/{ASIS}/jetons-api/" not in client.get("/api/").content.decode()
    client.force_login(User.objects.get(username="region"))
    page = client.get("/api/").content.decode()
    assert f"/{ASIS}/jetons-api/" in page and "/temiscamingue/jetons-api/" in page
    client.force_login(User.objects.get(username="personnel"))
    assert "jetons-api" not in client.get("/api/").content.decode()


def test_the_documentation_speaks_english_to_an_english_reader(client, demo):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/api/").content.decode()
    assert 'lang="en"' in page, page[:300]
    assert "Read API" in page and "Projects" in page
