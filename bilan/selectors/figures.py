"""The figures of a bilan, as SQL aggregates: tallies, roll-ups, money, highlights and meetings."""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from bilan.selectors._common import SUM, ZERO, to_cents
from bilan.selectors.bilan import AvoidedTally, Highlight, Rollup, SpaceMeetings, UnitTotal
from bilan.selectors.lines import latest_indicator_values
from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
)
from budget.selectors import contribution
from chantiers.models import Attendance, AvoidedMeeting, Meeting, Space
from plans.models import SharedIndicator, SharedIndicatorMeasure
from projects.models import Indicator, IndicatorValue, ProgressReport, ProjectPartner, written

HIGHLIGHTS_SHOWN = 50  # latest highlights on the page (every one is in the exports)

COMMITTED, PAID, CORRECTED = 1, 2, 3
NO_VALUE = Decimal("-1e13")  # below any value or target (12 digits)


def _latest_reports(end: datetime.date):
    """The reports of the project (OuterRef) up to `end`, the latest first (reports are cumulative)."""
    return ProgressReport.objects.filter(project=OuterRef("pk"), period_end__lte=end).order_by(
        "-period_end", "-submitted_at", "-pk"
    )


def _latest_value(end: datetime.date):
    """The latest value up to `end` of the indicator of the row: the value in its project's latest
    report when there is one (two index lookups, the common case), else that of `latest_indicator_values`."""
    latest_report = ProgressReport.objects.filter(project=OuterRef(OuterRef("project")), period_end__lte=end).order_by(
        "-period_end", "-submitted_at", "-pk"
    )
    in_latest_report = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), report=Subquery(latest_report.values("pk")[:1])
    )
    return Coalesce(
        Subquery(in_latest_report.values("value")[:1]),
        Subquery(latest_indicator_values(end).values("value")[:1]),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _kept_latest_value(end: datetime.date):
    """The latest value up to `end` of the indicator of the row: its kept one (Indicator.latest_value) when it is
    as of `end` or earlier (the common case: the bilan of the whole plan, or of a period after its last report) or
    there is none, else `_latest_value`, which the database evaluates for those rows alone."""
    return Case(
        When(Q(latest_on__isnull=True) | Q(latest_on__lte=end), then=F("latest_value")),
        default=_latest_value(end),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _kept_reached(field: str, end: datetime.date):
    """`field` (people or citizens reached) of the latest report up to `end` of the project of the row: that of
    its kept latest report (ActionProject.latest_report) when it ends on or before `end` or there is none, else
    that of the latest report up to `end`, looked for on those rows alone."""
    return Case(
        When(
            Q(latest_report__isnull=True) | Q(latest_report__period_end__lte=end),
            then=F(f"latest_report__{field}"),
        ),
        default=Subquery(_latest_reports(end).values(field)[:1]),
        output_field=IntegerField(),
    )


def money_rows_of(projects, *, start: datetime.date, end: datetime.date):
    """(source, plan year, theme, kind, total) of these projects in the period, in one UNION query:
    committed (decided in it, less reductions), paid in it, corrections dated in it."""
    kind = IntegerField()
    committed = (
        Commitment.objects.filter(project__in=projects, decided_on__range=(start, end))
        .values_list("source", "plan_year", "project__theme")
        .annotate(kind=Value(COMMITTED, output_field=kind), total=Sum(Commitment.CURRENT, output_field=SUM))
        .order_by()
    )
    paid = (
        Disbursement.objects.filter(commitment__project__in=projects, paid_on__range=(start, end))
        .values_list("commitment__source", "commitment__plan_year", "commitment__project__theme")
        .annotate(kind=Value(PAID, output_field=kind), total=Sum("amount", output_field=SUM))
        .order_by()
    )
    corrected = (
        DisbursementCorrection.objects.filter(
            disbursement__commitment__project__in=projects, corrected_on__range=(start, end)
        )
        .values_list(
            "disbursement__commitment__source",
            "disbursement__commitment__plan_year",
            "disbursement__commitment__project__theme",
        )
        .annotate(kind=Value(CORRECTED, output_field=kind), total=Sum("delta", output_field=SUM))
        .order_by()
    )
    for source, year, theme, row_kind, total in committed.union(paid, corrected, all=True):
        yield source, year, theme, row_kind, Decimal(total) if not isinstance(total, Decimal) else total


def _sort_text(number):
    """An integer as text that sorts as the number does (for a positive id or order)."""
    return Cast(number + Value(10**12), CharField())


def day_number(expression):
    """A date as the integer YYYYMMDD (0 for none): a date in an integer column of the tallies' UNION, the same on
    SQLite and PostgreSQL (`number_day` reads it back)."""
    return Coalesce(
        ExtractYear(expression) * Value(10000) + ExtractMonth(expression) * Value(100) + ExtractDay(expression),
        Value(0),
        output_field=IntegerField(),
    )


def number_day(number) -> datetime.date | None:
    number = int(number or 0)
    return datetime.date(number // 10000, number // 100 % 100, number % 100) if number else None


def shared_rows(row, shared, projects, *, end: datetime.date, latest_value):
    """The rows of the tallies' UNION for the shared indicators `shared` (issue 21, part 1), by `level`:

    - "shared": one per shared indicator (theme, space = its pk): text = name, unit and source, extra = kind,
      category, direction and whether in use (separated by SEPARATOR), n1 = its baseline's day, n2 = its target's
      day, d1 = baseline, d2 = target;
    - "measured": one per population indicator (space = its pk): n1 = the day of its latest measure up to `end`,
      d1 = that measure;
    - "linked": one per shared indicator the projects link to (space = its pk): n1 = their indicators linked to it,
      n2 = those with a value up to `end`, n3 = distinct projects, d1 = Σ of their latest values up to `end`."""
    text = CharField()
    sep = Value(SEPARATOR, output_field=text)
    zero = Value(0, output_field=IntegerField())
    definitions = row(
        shared,
        "shared",
        F("theme"),
        F("pk"),
        Concat(F("name"), sep, F("unit"), sep, F("source"), output_field=text),
        Concat(
            F("kind"),
            sep,
            F("category"),
            sep,
            F("direction"),
            sep,
            Case(When(is_active=True, then=Value("1")), default=Value("0"), output_field=text),
            output_field=text,
        ),
        n1=day_number(F("baseline_on")),
        n2=day_number(F("target_on")),
        n3=zero,
        d1=Cast(F("baseline"), output_field=SUM),
        d2=Cast(F("target"), output_field=SUM),
    )
    latest = SharedIndicatorMeasure.objects.filter(indicator=OuterRef("pk"), measured_on__lte=end).order_by(
        "-measured_on", "-pk"
    )
    measured = row(
        shared.filter(kind=SharedIndicator.Kind.POPULATION),
        "measured",
        zero,
        F("pk"),
        Value("", output_field=text),
        n1=Subquery(latest.annotate(day=day_number(F("measured_on"))).values("day")[:1], output_field=IntegerField()),
        n2=zero,
        n3=zero,
        d1=Subquery(latest.values("value")[:1], output_field=SUM),
    )
    linked = row(
        Indicator.objects.filter(project__in=projects.values("pk"), shared__in=shared.values("pk")),
        "linked",
        zero,
        F("shared"),
        Value("", output_field=text),
        n1=Count("pk"),
        n2=Count(latest_value),
        n3=Count("project", distinct=True),
        d1=Sum(latest_value, output_field=SUM),
    )
    return definitions, measured, linked


SEPARATOR = "\x1f"  # between the parts of a shared indicator's text in the tallies' UNION (no one types it)


def tallies_of(
    projects,
    *,
    end: datetime.date,
    among=None,
    checks=None,
    late_before: datetime.date | None = None,
    shared=None,
):
    """The counts and sums behind the headline figures and the roll-ups, in one UNION of GROUP BYs:
    rows of (level, theme, space, text, extra, n1, n2, n3, d1, d2), where by `level`:

    - "units": the indicators with a target of the projects of a theme and a space, by unit (text):
      extra = the sort text of the earliest in the bilan's order, n1 = how many, d1 = Σ latest
      value up to `end`, d2 = Σ target;
    - "projects": the projects of a theme and a space with a status (text; extra = the space's
      name): n1 = how many, n2 = with an indicator with a target, n3 = below one of their targets
      (no value yet, or a latest value lower than the target; the others of n2 are on track),
      d1 = Σ people reached and d2 = Σ citizens reached by the latest report of each project;
    - "organisations": n1 = distinct leads, n2 = distinct partners, n3 = partner links;
    - "durability" (with `checks`, the follow-ups after funding of the bilan: sustainability): by whether the action
      continues (text, blank while unanswered) and who funds it now (extra): n1 = checks, n2 = answered, n3 = late
      (unanswered, due before `late_before`). Read here, not by a query of its own: the page's 15 queries.
    - "shared", "measured", "linked" (with `shared`, the plan's shared indicators: issue 21): `shared_rows`. Read
      here too, for the same reason.

    Each latest value is read once (units, and the verdicts of projects), as is each project.

    `among`: projects that hold `projects` (the same, not yet filtered by period: cheap to list), whose indicators
    alone the verdicts read. A partner's few projects then read their own indicators, not every indicator of the
    instance hashed (scale 100: 70 ms to under 1 ms on each of a partner's bilans).
    """
    text, number = CharField(), IntegerField()

    def row(queryset, level: str, theme, space, label, extra=None, **aggregates):
        counts = {name: aggregates.get(name, Cast(Value(None), output_field=number)) for name in ("n1", "n2", "n3")}
        sums = {name: aggregates.get(name, Cast(Value(None), output_field=SUM)) for name in ("d1", "d2")}
        keys = {"t_theme": theme, "t_space": space, "t_text": label}
        if extra is not None and not getattr(extra, "contains_aggregate", False):
            keys["t_extra"] = extra
        return (
            queryset.order_by()
            .annotate(t_level=Value(level, output_field=text), **keys)
            .values("t_level", *keys)
            .annotate(
                **(
                    {}
                    if "t_extra" in keys
                    else {"t_extra": extra if extra is not None else Value("", output_field=text)}
                ),
                **counts,
                **sums,
            )
            .values_list("t_level", "t_theme", "t_space", "t_text", "t_extra", "n1", "n2", "n3", "d1", "d2")
        )

    latest_value = _kept_latest_value(end)
    first = Min(
        Concat(
            _sort_text(F("project__theme__order")),
            F("project__title"),
            Value("\x01"),
            _sort_text(F("project_id")),
            _sort_text(F("order")),
            _sort_text(F("pk")),
            output_field=text,
        )
    )
    units = row(
        Indicator.objects.filter(project__in=projects.values("pk"), target__isnull=False),
        "units",
        F("project__theme"),
        F("project__space"),
        F("unit"),
        first,
        n1=Count("pk"),
        d1=Sum(latest_value, output_field=SUM),
        d2=Sum("target", output_field=SUM),
    )

    # The projects with an indicator with a target, and those with one below its target (no value yet, or a lower
    # one: no value sorts lowest): sets of projects read once each (hashed), not looked for project by project.
    # Below as kept: the indicators whose kept latest value is as of `end` or earlier (or none); below up to `end`:
    # the others (a period that ends before their latest value), whose value up to `end` is looked for.
    with_target = Indicator.objects.filter(target__isnull=False)
    if among is not None:
        with_target = with_target.filter(project__in=among.values("pk"))
    below_as_kept = (
        with_target.filter(Q(latest_on__isnull=True) | Q(latest_on__lte=end))
        .annotate(latest=Coalesce("latest_value", Value(NO_VALUE), output_field=SUM))
        .filter(latest__lt=F("target"))
    )
    below_up_to_end = (
        with_target.filter(latest_on__gt=end)
        .annotate(latest=Coalesce(_latest_value(end), Value(NO_VALUE), output_field=SUM))
        .filter(latest__lt=F("target"))
    )
    has_targets = Q(pk__in=with_target.values("project"))
    below = Q(pk__in=below_as_kept.values("project")) | Q(pk__in=below_up_to_end.values("project"))
    verdicts = row(
        projects,
        "projects",
        F("theme"),
        F("space"),
        F("status"),
        F("space__name"),
        n1=Count("pk"),
        n2=Count("pk", filter=has_targets),
        n3=Count("pk", filter=below),
        d1=Sum(_kept_reached("people_reached", end), output_field=SUM),
        d2=Sum(_kept_reached("citizens_reached", end), output_field=SUM),
    )

    zero, blank = Value(0, output_field=number), Value("", output_field=text)
    organisations = row(
        projects,
        "organisations",
        zero,
        zero,
        blank,
        # partners that confirmed (an unconfirmed one is only the lead's word)
        n1=Count("lead", distinct=True),
        n2=Count(
            "partnerships__organisation", distinct=True, filter=Q(partnerships__status=ProjectPartner.Status.CONFIRMED)
        ),
        n3=Count("partnerships", filter=Q(partnerships__status=ProjectPartner.Status.CONFIRMED)),
    )
    more = shared_rows(row, shared, projects, end=end, latest_value=latest_value) if shared is not None else ()
    if checks is None:
        return units.union(verdicts, organisations, *more, all=True)
    answered = Q(answered_at__isnull=False)
    durability = row(
        checks,
        "durability",
        zero,
        zero,
        F("continues"),
        F("funded_by"),
        n1=Count("pk"),
        n2=Count("pk", filter=answered),
        n3=Count("pk", filter=~answered & Q(due_on__lt=late_before)),
    )
    return units.union(verdicts, organisations, durability, *more, all=True)


def rollups_of(level: str, names: dict, verdicts: dict, units: dict) -> list["Rollup"]:
    """The roll-ups of one level, in the order of `names` (key -> name): `verdicts` key -> (projects
    with a target, on track); `units` key -> {unit key -> [label, first, value, target, indicators]}."""
    rollups = []
    for key, name in names.items():
        projects, on_track = verdicts[key] if key in verdicts else (0, 0)
        if not projects:  # a unit counts only indicators with a target: none without such projects
            continue
        rollups.append(
            Rollup(
                level=level,
                name=name,
                units=tuple(
                    UnitTotal(
                        unit=label, value=to_cents(value), target=to_cents(target), indicators=n
                    )  # values and targets are to the cent
                    for _unit, (label, _first, value, target, n) in sorted(units.get(key, {}).items())
                ),
                projects=projects,
                on_track=on_track,
            )
        )
    return rollups


def latest_highlights(
    projects, *, start: datetime.date, end: datetime.date, plan=None
) -> tuple[list["Highlight"], int]:
    """The HIGHLIGHTS_SHOWN latest highlights of these projects written in the period, and how many
    there are (1 query: the count as a subquery, computed once): latest report first, then by
    project title (the latest), project, report.

    `plan`: the projects are every project of that plan. Its reports are then read by their kept plan, on the index
    of the reports with highlights (`chantiers_report_written_idx`): the count reads the index alone, not each
    report and its project (scale 100: 60 000 reports, 90 ms to a few)."""
    reports = (
        ProgressReport.objects.filter(plan=plan)
        if plan is not None
        else ProgressReport.objects.filter(project__in=projects.values("pk"))
    )
    with_highlights = reports.filter(period_end__range=(start, end)).filter(written("highlights"))
    # counted on `period_end` (never null), a column of the plan's index: the count reads the index alone
    count = with_highlights.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("period_end")).values("n")
    rows = list(
        with_highlights.annotate(total=Subquery(count, output_field=IntegerField()))
        .order_by("-period_end", "-project__title", "project_id", "-pk")
        .values_list("project_id", "project__title", "period_start", "period_end", "highlights", "total")[
            :HIGHLIGHTS_SHOWN
        ]
    )
    shown = [
        Highlight(project, title, period_start, period_end, text.strip())
        for project, title, period_start, period_end, text, _total in rows
    ]
    return shown, rows[0][-1] if rows else 0


def meetings_of(user, *, plan, period, theme, space, organisation) -> dict:
    """Meetings held in the period per space, with the distinct citizens present overall, and the meetings avoided
    (principle 3: `chantiers.models.AvoidedMeeting`) in the period: how many and the person-minutes they saved, in
    all, per theme and per organisation spared — one query, a UNION of GROUP BYs (the avoided ones are read here,
    not by a query of their own: the page's 15 queries; they are written as meetings are, under the meetings'
    version). Who reads the figures (Coordination, Personnel, the regional funder) counts every meeting of the plan:
    counts, no names."""
    held_until = min(period.end, timezone.localdate() - datetime.timedelta(days=1))
    reads_all = user.is_authenticated and user.reads_figures
    meetings = Meeting.objects.all() if reads_all else Meeting.objects.visible_to(user)
    meetings = meetings.filter(date__range=(period.start, held_until))
    avoided = AvoidedMeeting.objects.filter(date__range=(period.start, period.end))
    if not reads_all:  # a partner: the spaces its organisations sit in
        avoided = avoided.filter(space__in=Space.objects.visible_to(user).values("pk"))
    if theme is not None:
        spaces = theme.spaces.values("pk")
    else:
        spaces = Space.objects.filter(themes__plan=plan).values("pk")
    meetings, avoided = meetings.filter(space__in=spaces), avoided.filter(space__in=spaces)
    if space is not None:
        meetings, avoided = meetings.filter(space=space), avoided.filter(space=space)
    if organisation is not None:
        seats = organisation.space_memberships.values("space")
        meetings, avoided = meetings.filter(space__in=seats), avoided.filter(space__in=seats)
    meeting_ids = meetings.values("pk")
    present = Q(attendances__present=True)
    everyone = (  # distinct citizens present at any of these meetings (one figure, computed once)
        Attendance.objects.filter(meeting__in=meeting_ids, present=True, citizen__isnull=False)
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Count("citizen", distinct=True))
        .values("n")
    )
    # the support paid to help citizens take part (issue 21, part 3): every space of the bilan's scope, paid in the
    # period, whether or not it held a meeting (one figure, computed once), and per space on its rows
    scope_spaces = theme.spaces.all() if theme is not None else Space.objects.filter(themes__plan=plan)
    if space is not None:
        scope_spaces = scope_spaces.filter(pk=space.pk)
    if organisation is not None:
        scope_spaces = scope_spaces.filter(pk__in=organisation.space_memberships.values("space"))
    start, end = period.start, period.end
    text, number = CharField(), IntegerField()
    zero = Value(0, output_field=number)
    columns = (  # every member of the UNION has them; a member leaves the others at zero
        "n",
        "c_present",
        "c_citizen_attendances",
        "c_citizens",
        "c_overall",
        "c_staff_minutes",
        "c_staff_cent_minutes",
        "c_support",
        "c_support_people",
        "c_support_overall",
    )

    def part(queryset, kind: str, key, name, theme_key, **aggregates):
        """Rows of (kind, key, name, theme, *columns)."""
        return (
            queryset.order_by()
            .annotate(c_kind=Value(kind, output_field=text), c_key=key, c_name=name, c_theme=theme_key)
            .values("c_kind", "c_key", "c_name", "c_theme")
            .annotate(**{column: aggregates.get(column, zero) for column in columns})
            .values_list("c_kind", "c_key", "c_name", "c_theme", *columns)
        )

    held = part(  # 1 per space and theme of the plan: meetings held, everyone present, citizens present, distinct
        # citizens, partner staff's minutes and their value (valued time), the support paid (a theme splits whole
        # meetings: each figure per space is that of any of its themes' rows)
        Meeting.objects.filter(
            pk__in=meeting_ids, **({"space__themes": theme} if theme else {"space__themes__plan": plan})
        ),
        "held",
        F("space"),
        F("space__name"),
        F("space__themes"),
        n=Count("pk", distinct=True),
        c_present=Count("attendances", filter=present),
        c_citizen_attendances=Count("attendances", filter=present & Q(attendances__citizen__isnull=False)),
        c_citizens=Count("attendances__citizen", filter=present, distinct=True),
        c_overall=Max(Subquery(everyone, output_field=IntegerField())),
        c_staff_minutes=contribution.staff_minutes(),
        c_staff_cent_minutes=contribution.staff_cent_minutes(),
        c_support=Max(contribution.support_sum(OuterRef("space"), start=start, end=end)),
        c_support_people=Max(contribution.support_sum(OuterRef("space"), start=start, end=end, field="people")),
        c_support_overall=Max(contribution.support_sum(scope_spaces.values("pk"), start=start, end=end)),
    )
    blank = Value("", output_field=text)
    # avoided: n = meetings avoided, c_present = person-minutes saved (an organisation's: the planned durations)
    avoided_all = part(avoided, "avoided", zero, blank, zero, n=Count("pk"), c_present=Sum("person_minutes"))
    by_theme = part(
        avoided.filter(space__themes__plan=plan),
        "avoided_theme",
        F("space__themes"),
        F("space__themes__name"),
        zero,
        n=Count("pk"),
        c_present=Sum("person_minutes"),
    )
    by_organisation = part(
        avoided.filter(organisations__isnull=False),
        "avoided_organisation",
        F("organisations"),
        F("organisations__name"),
        zero,
        n=Count("pk"),
        c_present=Sum("duration_minutes"),
    )
    rows = list(held.union(avoided_all, by_theme, by_organisation, all=True).order_by("c_kind", "c_name", "c_key"))
    counts = [
        dict(zip(("kind", "space", "name", "theme", *columns), row, strict=True)) for row in rows if row[0] == "held"
    ]
    spaces, themes = {}, {}
    for row in counts:
        value = contribution.valued(row["c_staff_cent_minutes"])
        support = to_cents(row["c_support"])
        if row["space"] not in spaces:
            spaces[row["space"]] = SpaceMeetings(
                row["space"],
                row["name"],
                row["n"],
                row["c_present"],
                row["c_citizen_attendances"],
                row["c_citizens"],
                staff_hours=contribution.hours(row["c_staff_minutes"]),
                valued_time=value,
                support=support,
                support_people=row["c_support_people"] or 0,
            )
        theme_row = themes.setdefault(row["theme"], [0, ZERO, ZERO])
        theme_row[0] += row["c_staff_minutes"] or 0
        theme_row[1] += value
        theme_row[2] += support

    def tallies(kind):
        found = [
            AvoidedTally(key, name, n, int(minutes or 0)) for k, key, name, _t, n, minutes, *_rest in rows if k == kind
        ]
        return tuple(sorted(found, key=lambda t: (-t.person_minutes, t.name)))

    total = next((row for row in rows if row[0] == "avoided"), None)
    return {
        "spaces": tuple(spaces.values()),
        "citizens": counts[0]["c_overall"] or 0 if counts else 0,
        "support_total": to_cents(counts[0]["c_support_overall"]) if counts else ZERO,
        "by_theme": {pk: (contribution.hours(m), v, s) for pk, (m, v, s) in themes.items()},
        "avoided": total[4] if total else 0,
        "avoided_minutes": int(total[5] or 0) if total else 0,
        "avoided_by_theme": tallies("avoided_theme"),
        "avoided_by_organisation": tallies("avoided_organisation"),
    }
