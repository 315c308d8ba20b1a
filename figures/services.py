"""Deltas to the kept totals, added by the services that write money, projects and meetings in their own transaction.

Each delta is one statement, `INSERT … ON CONFLICT (key) DO UPDATE SET x = x + delta` (PostgreSQL and SQLite ≥ 3.24
both speak it): two writers at once both add, neither loses the other's delta, and neither fails on the unique key
(an UPDATE then INSERT would, the second INSERT racing the first). A writer that touches several rows touches them
in the order of their keys, so two writers lock them in the same order and never deadlock each other; the callers
lock the project first (budget.services.ledger, projects.services), then these rows.

What a project's reports, other funding and partners add to its theme's row (`project_values`) is read before and
after their write, with the project locked, and the difference added (`project_values_changed`): one way for every
write of these rows (a report filed, the funding package replaced, a partner's answer, the admin's inlines), each
bounded by the project.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, Min, Subquery, Sum

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

MONEY_FIELDS = ("committed", "paid", "other_funding", "contributions")
MONEY_KEY = ("plan_id", "theme_id", "plan_year_id", "source_id", "status")
PROJECTS_KEY = ("theme_id", "status")
THEME_MONEY_KEY = ("theme_id", "date", "plan_year_id", "source_id")
THEME_MEETINGS_KEY = ("plan_id", "theme_id", "date")
PLAN_MEETINGS_KEY = ("plan_id", "date")
MEETING_VALUES = ("meetings", "present", "citizens_present")
# What a project adds to its theme's ThemeProjects row besides its count.
PROJECT_VALUES = ("people_reached", "citizens_reached", "other_funding", "contributions")
NO_VALUES = {"people_reached": 0, "citizens_reached": 0, "other_funding": ZERO, "contributions": ZERO}
LATEST_REPORT = ("-period_end", "-submitted_at", "-pk")  # reports are cumulative: the latest one counts


def _upsert(model, key: dict, deltas: dict) -> None:
    """Add `deltas` ({field: number}) to the row of `model` whose unique key is `key`, creating it if need be."""
    deltas = {name: value for name, value in deltas.items() if value}
    if not deltas:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # Every value column is inserted (the model's defaults are Python's, not the table's), the deltas' alone added.
    values = {f.attname: 0 for f in model._meta.concrete_fields if not f.primary_key and f.attname not in key}
    inserted = {**values, **deltas}
    columns = [*key, *inserted]
    unique = next(c for c in model._meta.constraints if getattr(c, "fields", None))
    conflict = ", ".join(quote(model._meta.get_field(name).column) for name in unique.fields)

    def added(name):
        # ROUND(…, 2): SQLite keeps decimals as binary floating point; a cent must stay a cent.
        total = f"{table}.{quote(name)} + EXCLUDED.{quote(name)}"
        return f"ROUND({total}, 2)" if name in MONEY_FIELDS else total

    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(f'{quote(n)} = {added(n)}' for n in deltas)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key.values(), *inserted.values()])


def _apply(model, rows: dict[tuple, dict], key_names: tuple) -> None:
    for key in sorted(rows, key=lambda k: tuple(str(v) for v in k)):  # one order for every writer: no deadlock
        _upsert(model, dict(zip(key_names, key, strict=True)), rows[key])


def money_add(
    *,
    plan_id: int,
    theme_id: int,
    plan_year_id: int,
    source_id: int,
    status: str,
    committed: Decimal = ZERO,
    paid: Decimal = ZERO,
    commitments: int = 0,
    projects: int = 0,
) -> None:
    """Add to the money of one source, year, theme and project status (budget.services.ledger: a commitment made,
    reduced, a payment made, corrected)."""
    _upsert(
        PlanMoney,
        {
            "plan_id": plan_id,
            "theme_id": theme_id,
            "plan_year_id": plan_year_id,
            "source_id": source_id,
            "status": status,
        },
        {"committed": committed, "paid": paid, "commitments": commitments, "projects": projects},
    )


def payments_add(*, plan_id: int, date, paid: Decimal) -> None:
    """Add `paid` (negative: a correction down) to what the plan's sources paid on `date`, the date of the payment
    (budget.services.ledger: a payment made, corrected; after its PlanMoney row: one order for every writer)."""
    _upsert(PlanPayments, {"plan_id": plan_id, "date": date}, {"paid": paid})


def theme_money_add(
    *, theme_id: int, plan_year_id: int, source_id: int, date, committed: Decimal = ZERO, paid: Decimal = ZERO
) -> None:
    """Add to what the projects of a theme were committed or paid on `date` (figures.ThemeMoney), after the plan's
    other money rows (budget.services.ledger: a commitment on the day it was decided, a reduction on that same day, a
    payment on the day it was made, a correction on its own day)."""
    _upsert(
        ThemeMoney,
        {"theme_id": theme_id, "date": date, "plan_year_id": plan_year_id, "source_id": source_id},
        {"committed": committed, "paid": paid},
    )


def _project_days(project) -> dict[tuple, dict]:
    """The project's money as rows of ThemeMoney without their theme: {(date, plan year, source): deltas}, read from
    its commitments, their payments and corrections (three queries bounded by the project, through the relations
    budget declares: `commitments`, `disbursements`, `corrections`)."""
    days = defaultdict(lambda: {"committed": ZERO, "paid": ZERO})
    commitments = project.commitments.order_by()
    for field, date, total in (
        ("committed", "decided_on", F("amount") - F("reduced_total")),
        ("paid", "disbursements__paid_on", F("disbursements__amount")),
        ("paid", "disbursements__corrections__corrected_on", F("disbursements__corrections__delta")),
    ):
        rows = (
            commitments.filter(**{f"{date}__isnull": False})
            .values_list(date, "plan_year_id", "source_id")
            .annotate(total=Sum(total))
        )
        for day, year_id, source_id, amount in rows:
            days[(day, year_id, source_id)][field] += Decimal(amount or 0)
    return days


def _project_money(project) -> list[tuple[tuple, dict]]:
    """The project's money as rows of PlanMoney (key without the status, deltas), read from its commitments
    (through the `commitments` relation budget declares: one query bounded by the project)."""
    rows = list(
        project.commitments.order_by()
        .values("source__plan_id", "plan_year_id", "source_id")
        .annotate(
            committed=Sum(F("amount") - F("reduced_total")),
            paid=Sum("disbursed_total"),
            n=Count("pk"),
            first=Min("pk"),
        )
    )
    first_of_plan = {}
    for row in rows:
        plan = row["source__plan_id"]
        first_of_plan[plan] = min(first_of_plan.get(plan, row["first"]), row["first"])
    return [
        (
            (row["source__plan_id"], row["plan_year_id"], row["source_id"]),
            {
                "committed": row["committed"] or ZERO,
                "paid": row["paid"] or ZERO,
                "commitments": row["n"],
                "projects": int(first_of_plan[row["source__plan_id"]] == row["first"]),
            },
        )
        for row in rows
    ]


def _project_row(project):
    """The project's key in ThemeProjects and what it adds there (`PROJECT_VALUES`): one query bounded by the
    project, through the relations projects declares (`reports`, `other_funding`, `partnerships`)."""
    money = DecimalField(**MONEY)

    def total(related, field):
        rows = related.order_by().values("project").annotate(total=Sum(field)).values("total")
        return Subquery(rows, output_field=money)

    latest = project.reports.order_by(*LATEST_REPORT)
    return (
        type(project)
        .objects.filter(pk=project.pk)
        .values("theme__plan_id", "theme_id", "status")
        .annotate(
            people_reached=Subquery(latest.values("people_reached")[:1]),
            citizens_reached=Subquery(latest.values("citizens_reached")[:1]),
            other_funding=total(project.other_funding, "amount"),
            contributions=total(project.partnerships.confirmed(), "contribution_value"),
        )
        .get()
    )


def project_values(project) -> dict:
    """What the project adds to its theme's row now ({name: value} of `PROJECT_VALUES`): read before a write of its
    reports, other funding or partners, then given to `project_values_changed`. One query."""
    row = _project_row(project)
    return {name: row[name] or NO_VALUES[name] for name in PROJECT_VALUES}


def project_values_changed(*, project, before: dict) -> None:
    """The project's reports, other funding or partners were written (the project locked by the caller since
    `before = project_values(project)`, and its status and theme unchanged since): the difference goes to its
    theme's row. One query, and one statement when something changed."""
    row = _project_row(project)
    deltas = {name: (row[name] or NO_VALUES[name]) - before[name] for name in PROJECT_VALUES}
    _upsert(
        ThemeProjects,
        {"plan_id": row["theme__plan_id"], "theme_id": row["theme_id"], "status": row["status"]},
        deltas,
    )


def project_moved(*, project, before: tuple[int, int, str] | None) -> None:
    """The project (its row already written, and locked by the caller) was created (`before` None) or moved from
    (plan id, theme id, status) `before` to its present plan, theme and status: its count, and its money, people
    reached, other funding and contributions when its status or theme changed, move with it (projects.services:
    filing, status, continuation). A new project has none of these yet: what a continuation copies is added by
    `project_values_changed`."""
    after = (project.theme.plan_id, project.theme_id, project.status)
    if before == after:
        return
    counts = defaultdict(lambda: defaultdict(int))
    plans = {after[1]: after[0]}
    counts[(after[1], after[2])]["projects"] += 1
    if before is not None:
        counts[(before[1], before[2])]["projects"] -= 1
        plans[before[1]] = before[0]
        values = project_values(project)  # what it carries from the row it leaves to the one it joins
        for sign, (_plan, theme_id, status) in ((-1, before), (1, after)):
            for name, value in values.items():
                counts[(theme_id, status)][name] += sign * value
    for (theme_id, status), deltas in sorted(counts.items()):
        _upsert(
            ThemeProjects,
            {"plan_id": plans[theme_id], "theme_id": theme_id, "status": status},
            dict(deltas),
        )
    if before is None:
        return  # a new project has no money yet
    money = defaultdict(lambda: defaultdict(lambda: 0))
    for (plan_id, year_id, source_id), deltas in _project_money(project):
        for sign, (_plan, theme_id, status) in ((-1, before), (1, after)):
            row = money[(plan_id, theme_id, year_id, source_id, status)]
            for name, value in deltas.items():
                row[name] += sign * value
    _apply(PlanMoney, money, MONEY_KEY)
    if before[1] != after[1]:  # another theme: its money by day goes with it (ThemeMoney has no status)
        themes = {}
        for (day, year_id, source_id), deltas in _project_days(project).items():
            for sign, theme_id in ((-1, before[1]), (1, after[1])):
                themes[(theme_id, day, year_id, source_id)] = {name: sign * value for name, value in deltas.items()}
        _apply(ThemeMoney, themes, THEME_MONEY_KEY)


def meetings_add(days) -> None:
    """Add the meetings and attendance of `days` to the kept rows: each day is (the (plan id, theme id) pairs of
    the themes a space serves, a date, {meetings, present, citizens_present}: signed deltas). Each theme's row of
    that date takes the deltas, and each plan's row once, however many of its themes the space serves. A writer
    that moves meetings passes their old days negated and their new ones together: what does not move nets to
    nothing and is not written (chantiers.services: a meeting scheduled, moved, its attendance replaced, a
    space's themes changed)."""
    themes = defaultdict(lambda: dict.fromkeys(MEETING_VALUES, 0))
    plans = defaultdict(lambda: dict.fromkeys(MEETING_VALUES, 0))
    for served, date, deltas in days:
        served = set(served)
        for plan_id, theme_id in served:
            row = themes[(plan_id, theme_id, date)]
            for name, value in deltas.items():
                row[name] += value
        for plan_id in {plan_id for plan_id, _theme_id in served}:
            row = plans[(plan_id, date)]
            for name, value in deltas.items():
                row[name] += value
    _apply(ThemeMeetings, themes, THEME_MEETINGS_KEY)  # the themes' rows first, then the plans': one order
    _apply(PlanMeetings, plans, PLAN_MEETINGS_KEY)
