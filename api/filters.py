"""The API's filters: each one a query parameter, its check and its lookup, declared once; the OpenAPI schema's
parameters are made from the same declarations, so the documentation cannot drift from what is filtered. A bad value
answers 400 with a French message naming the parameter; nothing is guessed."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


@dataclass(frozen=True)
class Filter:
    name: str  # the query parameter
    lookup: str  # the queryset lookup it filters on
    kind: str  # "slug", "int", "date", "choice" or "bool"
    description: str
    choices: tuple[str, ...] = ()

    def clean(self, raw: str):
        if self.kind == "slug" and SLUG.match(raw):
            return raw
        if self.kind == "int" and raw.isdigit() and len(raw) < 19:
            return int(raw)
        if self.kind == "date":
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                pass
        if self.kind == "choice" and raw in self.choices:
            return raw
        if self.kind == "bool" and raw in ("oui", "non", "true", "false", "1", "0"):
            return raw in ("oui", "true", "1")
        expected = {
            "slug": _("un identifiant (lettres, chiffres, tirets)"),
            "int": _("un nombre entier"),
            "date": _("une date AAAA-MM-JJ"),
            "choice": _("l'une des valeurs %(values)s") % {"values": ", ".join(self.choices)},
            "bool": _("oui ou non"),
        }[self.kind]
        raise ValidationError(
            {
                self.name: [
                    _("Valeur invalide « %(value)s » : %(expected)s attendu.")
                    % {"value": raw[:40], "expected": expected}
                ]
            }
        )

    def parameter(self) -> OpenApiParameter:
        kind = {
            "slug": OpenApiTypes.STR,
            "int": OpenApiTypes.INT,
            "date": OpenApiTypes.DATE,
            "choice": OpenApiTypes.STR,
            "bool": OpenApiTypes.BOOL,
        }[self.kind]
        return OpenApiParameter(
            self.name, kind, OpenApiParameter.QUERY, description=self.description, enum=list(self.choices) or None
        )


def filtered(queryset, query_params, filters: tuple[Filter, ...]):
    """`queryset` narrowed by each filter given a value (an empty value filters nothing)."""
    for item in filters:
        raw = query_params.get(item.name, "")
        if raw != "":
            queryset = queryset.filter(**{item.lookup: item.clean(raw)})
    return queryset


PLAN = Filter(
    "plan", "", "slug", gettext_lazy("Le plan, par ses années (2013-2016); tous les plans de l'alliance sans lui.")
)
THEME = Filter("enjeu", "", "slug", gettext_lazy("L'enjeu, par son identifiant (logement-et-habitation)."))
PROJECT = Filter("projet", "", "int", gettext_lazy("Le projet, par son numéro."))
SINCE = Filter("du", "", "date", gettext_lazy("À partir de ce jour (AAAA-MM-JJ), inclus."))
UNTIL = Filter("au", "", "date", gettext_lazy("Jusqu'à ce jour (AAAA-MM-JJ), inclus."))


def on(base: Filter, lookup: str, description=None) -> Filter:
    """`base` filtering on `lookup` (each list reaches the plan, the theme or the date by its own path)."""
    return Filter(base.name, lookup, base.kind, description or base.description, base.choices)
