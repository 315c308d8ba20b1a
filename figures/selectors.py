"""Reads of the kept totals: sums over a few rows per theme, plan year, source and status, never over projects; the
meetings over a row per theme (or plan) and day, never over meetings.

A visitor's sum is a sum over the statuses they see (`statuses`: None, every status); what a partner also sees of
their own projects is added by the page, from those projects alone."""

from django.db.models import DecimalField, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from figures.models import (
    MONEY,
    ZERO,
    PlanMeetings,
    PlanMoney,
    PlanPayments,
    ThemeMeetings,
    ThemeMoney,
    ThemeProjects,
)

MONEY_FIELD = DecimalField(**MONEY)


def _with_statuses(queryset, statuses):
    return queryset if statuses is None else queryset.filter(status__in=statuses)


def money_rows(statuses=None, **filters):
    """The PlanMoney rows of these statuses (None: every one) and filters."""
    return _with_statuses(PlanMoney.objects.filter(**filters), statuses).order_by()


def payment_rows(**filters):
    """The PlanPayments rows of these filters (what a plan's sources paid per day)."""
    return PlanPayments.objects.filter(**filters).order_by()


def theme_money_of(theme_ids, *, start, end):
    """(source, plan year, theme, committed, paid) of the projects of these themes, dated in the period as the bilan
    dates them (figures.ThemeMoney): sums over the themes' rows of those days, never over commitments and payments."""
    return (
        ThemeMoney.objects.filter(theme_id__in=theme_ids, date__range=(start, end))
        .order_by()
        .values_list("source_id", "plan_year_id", "theme_id")
        .annotate(committed=Sum("committed"), paid=Sum("paid"))
    )


def source_committed_up_to(end, source=None):
    """What the outer funding source (`source`: OuterRef("pk") by default) committed, as reduced, to commitments
    decided up to the day `end`, for a source query's annotation: a subquery over its rows of those days."""
    rows = ThemeMoney.objects.filter(source_id=OuterRef("pk") if source is None else source, date__lte=end)
    total = rows.order_by().values("source_id").annotate(total=Sum("committed")).values("total")
    return Subquery(total, output_field=MONEY_FIELD)


def project_rows(statuses=None, **filters):
    """The ThemeProjects rows of these statuses (None: every one) and filters."""
    return _with_statuses(ThemeProjects.objects.filter(**filters), statuses).order_by()


def theme_money(field: str, statuses=None, theme=None):
    """The sum of `field` (committed, paid) of the outer theme (`theme`: OuterRef("pk") by default), for a theme
    query's annotation: a subquery over the theme's rows."""
    rows = money_rows(statuses, theme=OuterRef("pk") if theme is None else theme)
    total = rows.values("theme").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))


def theme_projects(statuses=None, theme=None):
    """How many projects of these statuses the outer theme has, for a theme query's annotation."""
    rows = project_rows(statuses, theme=OuterRef("pk") if theme is None else theme)
    total = rows.values("theme").annotate(total=Sum("projects")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def theme_meeting_rows(**filters):
    """The ThemeMeetings rows of these filters (a theme's meetings per day)."""
    return ThemeMeetings.objects.filter(**filters).order_by()


def plan_meeting_rows(**filters):
    """The PlanMeetings rows of these filters (a plan's meetings per day, each meeting once)."""
    return PlanMeetings.objects.filter(**filters).order_by()


def theme_meetings_held(before, theme=None):
    """How many meetings the spaces of the outer theme (`theme`: OuterRef("pk") by default) held before the day
    `before` (today: held, not to come), for a theme query's annotation."""
    rows = theme_meeting_rows(theme=OuterRef("pk") if theme is None else theme, date__lt=before)
    total = rows.values("theme").annotate(total=Sum("meetings")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def theme_leverage(statuses=None, theme=None):
    """The other funding and confirmed partners' contributions of the outer theme's projects of these statuses, for
    a theme query's annotation (the envelope's leverage)."""
    rows = project_rows(statuses, theme=OuterRef("pk") if theme is None else theme)
    total = rows.values("theme").annotate(total=Sum(F("other_funding") + F("contributions"))).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))
