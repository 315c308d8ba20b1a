"""Writes of the bilan app: the bulk progress import.

A coordinator downloads the bilan's XLSX, changes "Avancement (%)" on the Projets sheet and
"Valeur" on the Indicateurs sheet, and uploads it. `progress_import_parse` reads it and returns
what would change (nothing is written); a bad row is refused with its sheet and line number and
the whole file is refused. `progress_import_apply` then creates one ProgressReport per project
that changes (submitted by the coordinator), with the new values, in one transaction.
"""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from asis.money import parse_number
from bilan import exports
from plans.versions import plan_written
from projects.models import ActionProject, Indicator, IndicatorValue, ProgressReport

MAX_ROWS = 5000


@dataclass
class IndicatorChange:
    indicator_id: int
    name: str
    unit: str
    before: str | None  # Decimal as text (kept in the session)
    after: str
    shared: str = ""  # the shared indicator it counts towards (issue 21); a preview kept before it has none


@dataclass
class ProjectChange:
    project_id: int
    title: str
    percent_before: int | None
    percent_after: int | None  # None: unchanged
    indicators: list[IndicatorChange] = field(default_factory=list)


@dataclass
class ImportPreview:
    period_start: datetime.date
    period_end: datetime.date
    changes: list[ProjectChange]
    rows_read: int = 0

    def to_session(self) -> dict:
        data = asdict(self)
        data["period_start"] = self.period_start.isoformat()
        data["period_end"] = self.period_end.isoformat()
        return data

    @classmethod
    def from_session(cls, data: dict) -> "ImportPreview":
        return cls(
            period_start=datetime.date.fromisoformat(data["period_start"]),
            period_end=datetime.date.fromisoformat(data["period_end"]),
            changes=[
                ProjectChange(**{**c, "indicators": [IndicatorChange(**i) for i in c["indicators"]]})
                for c in data["changes"]
            ],
            rows_read=data.get("rows_read", 0),
        )


def _sheet(workbook, slug: str):
    titles = {str(exports.TABLE_TITLES[slug]), {"projets": "Projets", "indicateurs": "Indicateurs"}[slug]}
    for title in titles:
        if title in workbook.sheetnames:
            return workbook[title]
    return None


def _columns(header_row, wanted: dict[str, str], sheet_title: str) -> dict[str, int]:
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    found = {}
    for key, header in wanted.items():
        if header not in headers:
            raise ValidationError(
                _("Feuille %(sheet)s : la colonne « %(column)s » est introuvable à la ligne 1.")
                % {"sheet": sheet_title, "column": header}
            )
        found[key] = headers.index(header)
    return found


# Read through asis.money.parse_number: ASCII digits only (Decimal() alone takes `1_000`, `1e999999999`
# and other scripts' digits, and a huge exponent made quantize() raise InvalidOperation, a 500), bounded
# to 18 digits before any arithmetic. Beyond that a cell is no id and no indicator value.
_MAX_WHOLE_DIGITS = 18


def _cell_number(value, *, decimal_places: int) -> Decimal | None:
    """A cell as a Decimal: a spreadsheet's number (int or float) or text typed as people type it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or (number and number.adjusted() >= _MAX_WHOLE_DIGITS):
            raise ValueError
        return number
    try:
        return parse_number(str(value), max_digits=_MAX_WHOLE_DIGITS + decimal_places, decimal_places=decimal_places)
    except ValidationError:
        raise ValueError from None


def _integer(value) -> int | None:
    number = _cell_number(value, decimal_places=0)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError
    return int(number)


def _decimal(value) -> Decimal | None:
    # Ten decimals read, then rounded to the cent as before (a formula's 0.30000000000000004 is 0.30).
    number = _cell_number(value, decimal_places=10)
    if number is None:
        return None
    return number.quantize(Decimal("0.01"))


def _rows(sheet):
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS:
            raise ValidationError(_("Le fichier compte plus de %(max)s lignes.") % {"max": MAX_ROWS})
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in row):
            continue
        yield number, row


def progress_import_parse(
    upload, *, period_start: datetime.date, period_end: datetime.date, projects_in=None
) -> ImportPreview:
    """What the uploaded workbook would change. Writes nothing; raises ValidationError listing
    every bad row (sheet and line number) when one is wrong. `projects_in` (a queryset, every project by default):
    the projects the import may change; any other is unknown to it (another alliance's, for the page of one)."""
    scope = projects_in if projects_in is not None else ActionProject.objects.all()
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:  # a zip, XML or format error: the file is not a workbook we wrote
        raise ValidationError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from error
    projects_sheet, indicators_sheet = _sheet(workbook, "projets"), _sheet(workbook, "indicateurs")
    if projects_sheet is None and indicators_sheet is None:
        raise ValidationError(_("Le classeur n'a ni feuille « Projets » ni feuille « Indicateurs »."))

    errors: list[str] = []
    percents: dict[int, tuple[int, int]] = {}  # project id -> (line, percent)
    values: dict[int, tuple[int, int, Decimal]] = {}  # indicator id -> (line, project id, value)
    shared_named: dict[int, str] = {}  # indicator id -> the shared indicator its line names (issue 21)
    rows_read = 0

    def error(sheet, line, message):
        errors.append(
            _("Feuille %(sheet)s, ligne %(line)s : %(message)s")
            % {"sheet": sheet.title, "line": line, "message": message}
        )

    if projects_sheet is not None:
        header = next(projects_sheet.iter_rows(max_row=1, values_only=True), ())
        cols = _columns(
            header, {"project": str(exports.PROJECT_ID), "percent": str(exports.PERCENT_DONE)}, projects_sheet.title
        )
        for line, row in _rows(projects_sheet):
            rows_read += 1
            cell = lambda key, row=row: row[cols[key]] if cols[key] < len(row) else None  # noqa: E731
            try:
                project_id = _integer(cell("project"))
            except ValueError:
                project_id = None
            if project_id is None:
                error(projects_sheet, line, _("l'identifiant du projet est manquant ou invalide."))
                continue
            try:
                percent = _integer(cell("percent"))
            except ValueError:
                error(projects_sheet, line, _("l'avancement doit être un nombre entier de 0 à 100."))
                continue
            if percent is None:
                continue
            if not 0 <= percent <= 100:
                error(projects_sheet, line, _("l'avancement doit être un nombre entier de 0 à 100."))
                continue
            if project_id in percents:
                error(
                    projects_sheet,
                    line,
                    _("le projet %(id)s figure déjà à la ligne %(other)s.")
                    % {"id": project_id, "other": percents[project_id][0]},
                )
                continue
            percents[project_id] = (line, percent)

    if indicators_sheet is not None:
        header = next(indicators_sheet.iter_rows(max_row=1, values_only=True), ())
        cols = _columns(
            header,
            {"project": str(exports.PROJECT_ID), "indicator": str(exports.INDICATOR_ID), "value": str(exports.VALUE)},
            indicators_sheet.title,
        )
        # the shared indicator each counts towards (issue 21), in the exports since then: optional, read to check
        headers = [str(h).strip() if h is not None else "" for h in header]
        shared_column = headers.index(str(exports.SHARED)) if str(exports.SHARED) in headers else None
        for line, row in _rows(indicators_sheet):
            rows_read += 1
            cell = lambda key, row=row: row[cols[key]] if cols[key] < len(row) else None  # noqa: E731
            try:
                project_id, indicator_id = _integer(cell("project")), _integer(cell("indicator"))
            except ValueError:
                project_id = indicator_id = None
            if project_id is None or indicator_id is None:
                error(indicators_sheet, line, _("l'identifiant du projet ou de l'indicateur est manquant ou invalide."))
                continue
            try:
                value = _decimal(cell("value"))
            except ValueError:
                error(indicators_sheet, line, _("« %(value)s » n'est pas un nombre.") % {"value": cell("value")})
                continue
            if value is None:
                continue
            if value < 0 or abs(value) >= Decimal("1e10"):
                error(indicators_sheet, line, _("la valeur doit être un nombre positif de moins de 10 chiffres."))
                continue
            if indicator_id in values:
                error(
                    indicators_sheet,
                    line,
                    _("l'indicateur %(id)s figure déjà à la ligne %(other)s.")
                    % {"id": indicator_id, "other": values[indicator_id][0]},
                )
                continue
            values[indicator_id] = (line, project_id, value)
            if shared_column is not None and shared_column < len(row) and row[shared_column] not in (None, ""):
                shared_named[indicator_id] = str(row[shared_column]).strip()
    workbook.close()

    projects = scope.in_bulk({*percents, *(p for _l, p, _v in values.values())})  # 1
    indicators = (  # 1 (with the shared indicator each counts towards)
        Indicator.objects.filter(project__in=scope.values("pk")).select_related("shared").in_bulk(list(values))
    )
    for project_id, (line, _percent) in percents.items():
        if project_id not in projects:
            error(projects_sheet, line, _("aucun projet n'a l'identifiant %(id)s.") % {"id": project_id})
    for indicator_id, (line, project_id, _value) in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            error(indicators_sheet, line, _("aucun indicateur n'a l'identifiant %(id)s.") % {"id": indicator_id})
        elif indicator.project_id != project_id:
            error(
                indicators_sheet,
                line,
                _("l'indicateur %(indicator)s n'appartient pas au projet %(project)s.")
                % {"indicator": indicator_id, "project": project_id},
            )
        elif indicator_id in shared_named and shared_named[indicator_id] != _shared_name(indicator):
            error(
                indicators_sheet,
                line,
                _(
                    "l'indicateur %(indicator)s compte pour « %(shared)s », pas pour « %(named)s » : l'import ne change "
                    "pas le rattachement d'un indicateur (le formulaire du projet le change)."
                )
                % {
                    "indicator": indicator_id,
                    "shared": _shared_name(indicator) or "—",
                    "named": shared_named[indicator_id],
                },
            )
    if errors:
        raise ValidationError(errors)

    latest = _latest_reports(projects)  # 1
    latest_values = {}
    for indicator_id, value in (  # 1
        IndicatorValue.objects.filter(indicator_id__in=list(values))
        .order_by("-report__period_end", "-report__submitted_at", "-report__pk")
        .values_list("indicator_id", "value")
    ):
        latest_values.setdefault(indicator_id, value)

    changes: dict[int, ProjectChange] = {}

    def change_of(project_id) -> ProjectChange:
        if project_id not in changes:
            report = latest.get(project_id)
            changes[project_id] = ProjectChange(
                project_id, projects[project_id].title, report.percent_done if report else None, None
            )
        return changes[project_id]

    for project_id, (_line, percent) in sorted(percents.items()):
        report = latest.get(project_id)
        if report is None or report.percent_done != percent:
            change_of(project_id).percent_after = percent
    for indicator_id, (_line, project_id, value) in sorted(values.items()):
        before = latest_values.get(indicator_id)
        if before is None or before != value:
            indicator = indicators[indicator_id]
            change_of(project_id).indicators.append(
                IndicatorChange(
                    indicator_id,
                    indicator.name,
                    indicator.unit,
                    None if before is None else f"{before:.2f}",
                    f"{value:.2f}",
                    _shared_name(indicator),
                )
            )
    return ImportPreview(period_start, period_end, [changes[pk] for pk in sorted(changes)], rows_read)


def _shared_name(indicator: Indicator) -> str:
    return indicator.shared.name if indicator.shared_id else ""


def _latest_reports(project_ids) -> dict[int, ProgressReport]:
    latest = {}
    for report in ProgressReport.objects.filter(project_id__in=list(project_ids)).order_by(
        "-period_end", "-submitted_at", "-pk"
    ):
        latest.setdefault(report.project_id, report)
    return latest


@transaction.atomic
def progress_import_apply(*, preview: ImportPreview, by, projects_in=None) -> list[ProgressReport]:
    """One new ProgressReport per project of the preview, submitted by `by`: the new percent (or
    the latest one), people and citizens reached carried over from the latest report, and the new
    indicator values. All or nothing. `projects_in` (a queryset, every project by default): those it may change."""
    project_ids = [change.project_id for change in preview.changes]
    projects = ActionProject.objects.select_for_update()
    if projects_in is not None:  # a subquery: only the projects' rows are locked, not their themes'
        projects = projects.filter(pk__in=projects_in.values("pk"))
    projects = projects.in_bulk(project_ids)
    latest = _latest_reports(project_ids)
    indicator_ids = [i.indicator_id for change in preview.changes for i in change.indicators]
    indicators = Indicator.objects.in_bulk(indicator_ids)
    created = []
    for change in preview.changes:
        project = projects.get(change.project_id)
        if project is None:
            raise ValidationError(_("Le projet %(id)s n'existe plus.") % {"id": change.project_id})
        previous = latest.get(project.pk)
        report = ProgressReport(
            project=project,
            period_start=preview.period_start,
            period_end=preview.period_end,
            percent_done=change.percent_after
            if change.percent_after is not None
            else (previous.percent_done if previous else 0),
            # carried over from the latest report: the theme's kept people reached (figures) do not move
            people_reached=previous.people_reached if previous else 0,
            citizens_reached=previous.citizens_reached if previous else 0,
            narrative=_("Avancement mis à jour par importation du classeur du bilan."),
            submitted_by=by,
        )
        report.full_clean()
        report.save()  # and the project's kept latest report (ProgressReport.save; the projects are locked above)
        for item in change.indicators:
            indicator = indicators.get(item.indicator_id)
            if indicator is None or indicator.project_id != project.pk:
                raise ValidationError(
                    _("L'indicateur %(id)s n'appartient plus à ce projet.") % {"id": item.indicator_id}
                )
            value = IndicatorValue(report=report, indicator=indicator, value=Decimal(item.after))
            value.full_clean()
            value.save()  # and its indicator's kept latest value (IndicatorValue.save)
        created.append(report)
    # the bilan shows the new progress: the plans of the projects move their version (one query)
    for plan_id in set(ActionProject.objects.filter(pk__in=project_ids).values_list("theme__plan_id", flat=True)):
        plan_written(plan_id, parts=("reports",))
    return created
