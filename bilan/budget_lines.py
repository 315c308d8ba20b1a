"""Budget against actual by line (issue 20, part 3) for a plan, per theme and for the whole plan, as an XLSX workbook
(bilan.xlsx, as the bilan's): one sheet per theme's lines, one for the plan's. The figures are
projects.selectors.budget_lines.plan_budget_against_actual's, to the cent."""

import tempfile

from django.utils.translation import gettext as _

from bilan import xlsx
from bilan.exports import INT, MONEY, TEXT


def _columns():
    return (
        (_("Enjeu"), TEXT),
        (_("Ligne"), TEXT),
        (_("Budget"), MONEY),
        (_("Dépensé à ce jour"), MONEY),
        (_("Écart"), MONEY),
        (_("% dépensé"), INT),
    )


def _row(theme_name: str, row) -> tuple:
    label = row.category.name if row.category is not None else _("Non détaillé")
    percent = row.percent_spent
    return (theme_name, label, row.budgeted, row.spent, row.left, percent)


def budget_lines_xlsx_file(figures: dict):
    """The workbook in an anonymous temporary file (rewound, ready for FileResponse): « Par enjeu » (each theme's
    lines, then its total) and « Plan » (the plan's lines, then its total)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        with xlsx.Workbook(handle) as workbook:
            themes = workbook.add_sheet(_("Par enjeu"), _columns())
            for table in figures["themes"]:
                themes.extend(_row(table.theme.name, row) for row in table.rows)
                themes.append(_total_row(table.theme.name, table.total))
            plan = workbook.add_sheet(_("Plan"), _columns())
            plan.extend(_row(_("Plan"), row) for row in figures["rows"])
            plan.append(_total_row(_("Plan"), figures["total"]))
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def _total_row(theme_name: str, total) -> tuple:
    return (theme_name, _("Total"), total.budgeted, total.spent, total.left, total.percent_spent)
