"""The recompute of the meetings kept per theme and per plan (figures.ThemeMeetings, PlanMeetings) from the meetings
and their attendance: part of `manage.py check_figures` (budget.figures_check), which sums the rest."""

from chantiers.models import Meeting
from chantiers.services import DAY_COUNTS

MEETING_VALUES = tuple(DAY_COUNTS)


def _counted(*key: str) -> dict[tuple, dict]:
    # The meetings of the spaces serving a theme: DISTINCT counts, the joins repeating a meeting once per attendance
    # row and, per plan, once per theme of that plan its space serves.
    rows = Meeting.objects.filter(space__themes__isnull=False).order_by().values(*key).annotate(**DAY_COUNTS)
    return {tuple(row[name] for name in key): {name: row[name] for name in MEETING_VALUES} for row in rows}


def expected_theme_meetings() -> dict[tuple, dict]:
    """{(plan, theme, date): values} of ThemeMeetings, counted from the meetings (one query)."""
    return _counted("space__themes__plan_id", "space__themes", "date")


def expected_plan_meetings() -> dict[tuple, dict]:
    """{(plan, date): values} of PlanMeetings, each meeting once per plan (one query)."""
    return _counted("space__themes__plan_id", "date")
