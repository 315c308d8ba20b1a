"""The shared indicators in the open data (issue 22): CSV, one row per (indicator, measure) for R or a spreadsheet,
and JSON, one object per indicator with its measures; the alliance's, and the region's with each row's alliance.

The names of the columns are stable (readers key on them; docs/open-data.md describes each): a change here is a
change for them. Decimal values as in the other open-data files: `12.50` in the CSV, the string "12.50" in the JSON
(exact, unlike a JSON number read as a float)."""

import itertools
import json
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from bilan.exports import DATE, DECIMAL, INT, TEXT, Table
from bilan.selectors.open_indicators import OpenIndicatorRow

YES, NO = "oui", "non"  # values, not words of the page: the same in every language

INDICATOR_COLUMNS = (
    ("indicateur_id", INT),
    ("plan", TEXT),
    ("plan_titre", TEXT),
    ("enjeu", TEXT),
    ("indicateur", TEXT),
    ("question", TEXT),
    ("question_libelle", TEXT),
    ("nature", TEXT),
    ("nature_libelle", TEXT),
    ("unite", TEXT),
    ("sens", TEXT),
    ("depart", DECIMAL),
    ("depart_le", DATE),
    ("cible", DECIMAL),
    ("cible_le", DATE),
    ("source", TEXT),
    ("archive", TEXT),
    ("mesure_le", DATE),
    ("mesure_valeur", DECIMAL),
    ("mesure_source", TEXT),
)
REGION_INDICATOR_COLUMNS = (("alliance", TEXT), ("alliance_nom", TEXT), *INDICATOR_COLUMNS)


def indicator_row(r: OpenIndicatorRow) -> tuple:
    """A row of INDICATOR_COLUMNS: the indicator, then its measure (empty for an indicator not measured)."""
    return (
        r.pk,
        r.plan,
        r.plan_title,
        r.theme,
        r.name,
        r.category,
        r.category_label,
        r.kind,
        r.kind_label,
        r.unit,
        r.direction,
        r.baseline,
        r.baseline_on,
        r.target,
        r.target_on,
        r.source,
        NO if r.is_active else YES,
        r.measured_on,
        r.value,
        r.measure_source,
    )


def indicators_table(rows: Callable[[], Iterable[OpenIndicatorRow]]) -> Table:
    """The shared indicators as a table; `rows()` gives them (bilan.selectors.open_indicators streams them)."""
    return Table("indicateurs", _("Indicateurs partagés"), INDICATOR_COLUMNS, lambda: map(indicator_row, rows()))


def region_indicators_table(rows: Callable[[], Iterable[OpenIndicatorRow]]) -> Table:
    """Every alliance's shared indicators as a table, each row with its alliance (slug and name) first."""
    return Table(
        "indicateurs",
        _("Indicateurs partagés"),
        REGION_INDICATOR_COLUMNS,
        lambda: ((r.alliance_slug, r.alliance_name, *indicator_row(r)) for r in rows()),
    )


def _decimal(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def indicator_fields(r: OpenIndicatorRow, measures: list[dict]) -> dict:
    """An indicator as its JSON object: the CSV's names, `archive` a boolean, its measures a list."""
    return {
        "indicateur_id": r.pk,
        "plan": r.plan,
        "plan_titre": r.plan_title,
        "enjeu": r.theme,
        "indicateur": r.name,
        "question": r.category,
        "question_libelle": r.category_label,
        "nature": r.kind,
        "nature_libelle": r.kind_label,
        "unite": r.unit,
        "sens": r.direction,
        "depart": _decimal(r.baseline),
        "depart_le": _date(r.baseline_on),
        "cible": _decimal(r.target),
        "cible_le": _date(r.target_on),
        "source": r.source,
        "archive": not r.is_active,
        "mesures": measures,
    }


def _region_fields(r: OpenIndicatorRow, measures: list[dict]) -> dict:
    return {"alliance": r.alliance_slug, "alliance_nom": r.alliance_name, **indicator_fields(r, measures)}


def indicators_json_lines(rows: Iterable[OpenIndicatorRow], *, title: str | None = None, fields=indicator_fields):
    """The shared indicators as one JSON document, written an indicator at a time: its rows come one after the other
    (bilan.selectors.open_indicators orders them so), their measures gathered into its list."""
    head = {
        "titre": title or _("Indicateurs partagés des enjeux du plan de l'Alliance, leurs cibles et leurs mesures"),
        "genere_le": timezone.localtime().isoformat(),
    }
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "indicateurs": ['
    separator = "\n  "
    for _pk, group in itertools.groupby(rows, key=lambda r: r.pk):
        group = list(group)
        measures = [
            {"date": _date(r.measured_on), "valeur": _decimal(r.value), "source": r.measure_source}
            for r in group
            if r.measured_on is not None
        ]
        yield separator + json.dumps(fields(group[0], measures), ensure_ascii=False)
        separator = ",\n  "
    yield "\n ]\n}\n"


def region_indicators_json_lines(rows: Iterable[OpenIndicatorRow]) -> Iterator[str]:
    """Every alliance's shared indicators as one JSON document, each with its alliance."""
    return indicators_json_lines(
        rows,
        title=_("Indicateurs partagés des enjeux des alliances de la région, leurs cibles et leurs mesures"),
        fields=_region_fields,
    )
