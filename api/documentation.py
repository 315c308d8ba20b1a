"""The API's documentation page (/api/), made from its OpenAPI schema: each list's address, what it holds, its
filters and its columns, in the reader's language. The schema is made once per process and language (it changes
only with the code)."""

import functools

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from api.models import Role


@functools.lru_cache(maxsize=4)
def api_schema(language: str) -> dict:
    """The OpenAPI 3 schema of /api/v1/ (`language` keys the cache: its texts are translated when it is made)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def operations(schema: dict) -> list[dict]:
    """Each list: path, summary, description, parameters and columns (name, type, may be empty)."""
    listed = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        page = _resolved(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])
        row = (
            _resolved(schema, page["properties"]["results"]["items"])
            if "results" in page.get("properties", {})
            else page
        )
        columns = [
            {
                "name": name,
                "type": field.get("format") or field.get("type", ""),
                "nullable": field.get("nullable", False),
            }
            for name, field in row.get("properties", {}).items()
        ]
        parameters = [
            {
                "name": parameter["name"],
                "type": parameter["schema"].get("format") or parameter["schema"].get("type", ""),
                "values": parameter["schema"].get("enum", []),
                "description": parameter.get("description", ""),
            }
            for parameter in operation.get("parameters", [])
        ]
        listed.append(
            {
                "anchor": operation["operationId"],
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": parameters,
                "columns": columns,
            }
        )
    return listed


def issuer_alliances(user) -> list[dict]:
    """The alliances whose token page `user` opens (Coordination or the regional funder there), with its address."""
    if not user.is_authenticated:
        return []
    ids = [pk for pk, role in user.alliance_role_map().items() if role in (Role.COORDINATION, Role.FUNDER)]
    return [
        {"name": alliance.name, "url": alliance_reverse(alliance, "tokens:token-list")}
        for alliance in Alliance.objects.filter(pk__in=ids).order_by("name")
    ]


@require_safe
def documentation(request):
    schema = api_schema(get_language())
    return render(
        request,
        "api/documentation.html",
        {"operations": operations(schema), "info": schema["info"], "issuer_alliances": issuer_alliances(request.user)},
    )
