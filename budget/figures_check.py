"""The recompute of the kept totals (the `figures` app) from the rows they sum: `manage.py check_figures`.

It lives in budget, the lowest app that reads every row the totals sum (commitments, projects; the meetings are
counted by chantiers.figures_check); `figures` itself sits below the apps that write to it and reads none of their
tables.
"""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DecimalField, Exists, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Round

from budget.models import Commitment, Disbursement, DisbursementCorrection, FundingSource, PlannedPayment
from budget.selectors._common import CENT, ZERO
from chantiers.figures_check import MEETING_VALUES, expected_plan_meetings, expected_theme_meetings
from figures.models import MONEY, PlanMeetings, PlanMoney, PlanPayments, ThemeMeetings, ThemeMoney, ThemeProjects
from figures.services import LATEST_REPORT
from projects.models import (
    REPORTING_CLOSED_STATUSES,
    ActionProject,
    Indicator,
    IndicatorValue,
    OtherFunding,
    ProgressReport,
    ProjectPartner,
    ProjectStatusChange,
    ReportDeadline,
    latest_report_kept,
)

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
MONEY_VALUES = ("committed", "paid", "commitments", "projects")
PROJECT_VALUES = ("projects", "people_reached", "citizens_reached", "other_funding", "contributions")
MONEY_NAMES = ("committed", "paid", "other_funding", "contributions")
PAYMENTS_VALUES = ("paid",)
THEME_MONEY_VALUES = ("committed", "paid")


def _cents(value) -> Decimal:
    # SQLite sums decimals in binary floating point: 0,1000000000000227 is 0,10.
    return (value or ZERO).quantize(CENT)


def expected_money() -> dict[tuple, dict]:
    """{(plan, theme, plan year, source, status): values} of PlanMoney, summed from the commitments (one query)."""
    firsts = (  # each project's first commitment from a plan's sources
        Commitment.objects.order_by().values("project_id", "source__plan_id").annotate(first=Min("pk")).values("first")
    )
    rows = (
        Commitment.objects.order_by()
        .values("source__plan_id", "project__theme_id", "plan_year_id", "source_id", "project__status")
        .annotate(
            committed=Sum(Commitment.CURRENT),
            paid=Sum("disbursed_total"),
            commitments=Count("pk"),
            projects=Count("pk", filter=Q(pk__in=firsts)),
        )
    )
    return {
        (r["source__plan_id"], r["project__theme_id"], r["plan_year_id"], r["source_id"], r["project__status"]): {
            "committed": _cents(r["committed"]),
            "paid": _cents(r["paid"]),
            "commitments": r["commitments"],
            "projects": r["projects"],
        }
        for r in rows
    }


def expected_payments() -> dict[tuple, dict]:
    """{(plan, date): {"paid"}} of PlanPayments, summed from the payments as corrected, by the plan of their
    commitment's source and their date (one query)."""
    rows = (
        Disbursement.objects.order_by()
        .values("commitment__source__plan_id", "paid_on")
        .annotate(paid=Sum(Disbursement.CURRENT))
    )
    return {(r["commitment__source__plan_id"], r["paid_on"]): {"paid": _cents(r["paid"])} for r in rows}


def expected_theme_money() -> dict[tuple, dict]:
    """{(theme, date, plan year, source): {"committed", "paid"}} of ThemeMoney: the commitments as reduced by the
    day they were decided, the payments by the day they were made and the corrections by their own day, each by the
    theme of the project (three queries)."""
    rows = {}
    for model, prefix, date, field, total in (
        (Commitment, "", "decided_on", "committed", Commitment.CURRENT),
        (Disbursement, "commitment__", "paid_on", "paid", F("amount")),
        (DisbursementCorrection, "disbursement__commitment__", "corrected_on", "paid", F("delta")),
    ):
        sums = (
            model.objects.order_by()
            .values_list(f"{prefix}project__theme_id", date, f"{prefix}plan_year_id", f"{prefix}source_id")
            .annotate(total=Sum(total))
        )
        for *key, amount in sums:
            row = rows.setdefault(tuple(key), {"committed": ZERO, "paid": ZERO})
            row[field] = _cents(row[field] + _cents(amount))
    return rows


def _per_project(queryset, field: str) -> Subquery:
    """Σ `field` of the outer project's rows of `queryset`."""
    rows = queryset.filter(project=OuterRef("pk")).order_by().values("project").annotate(total=Sum(field))
    return Subquery(rows.values("total"), output_field=DecimalField(**MONEY))


def expected_projects() -> dict[tuple, dict]:
    """{(plan, theme, status): values} of ThemeProjects, from the projects: their count, the people and citizens of
    each one's latest report (figures.services.LATEST_REPORT), their other funding and their confirmed partners'
    contributions (one query, a lookup per project)."""
    latest = ProgressReport.objects.filter(project=OuterRef("pk")).order_by(*LATEST_REPORT)
    rows = (
        ActionProject.objects.order_by()
        .values("theme__plan_id", "theme_id", "status")
        .annotate(
            n=Count("pk"),
            people=Sum(Coalesce(Subquery(latest.values("people_reached")[:1]), 0)),
            citizens=Sum(Coalesce(Subquery(latest.values("citizens_reached")[:1]), 0)),
            other=Sum(_per_project(OtherFunding.objects.all(), "amount")),
            contributions=Sum(_per_project(ProjectPartner.objects.confirmed(), "contribution_value")),
        )
    )
    return {
        (r["theme__plan_id"], r["theme_id"], r["status"]): {
            "projects": r["n"],
            "people_reached": r["people"] or 0,
            "citizens_reached": r["citizens"] or 0,
            "other_funding": _cents(r["other"]),
            "contributions": _cents(r["contributions"]),
        }
        for r in rows
    }


def _project_committed():
    """What is committed to each project now, summed from its commitments as reduced (a subquery per project)."""
    committed = (
        Commitment.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum(Commitment.CURRENT))
        .values("total")
    )
    return Coalesce(Subquery(committed, output_field=MONEY_FIELD), ZERO)


def project_committed_mismatches() -> list[str]:
    """The projects whose kept `committed_total` (budget.services.ledger) differs from their commitments."""
    return [
        f"ActionProject {pk}: committed_total {_cents(kept)} != {_cents(expected)}"
        for pk, kept, expected in ActionProject.objects.annotate(expected=_project_committed())
        .order_by("pk")
        .values_list("pk", "committed_total", "expected")
        if _cents(kept) != _cents(expected)
    ]


def report_plan_mismatches() -> list[str]:
    """The reports and report deadlines whose kept `plan` is not their project's theme's (ProjectPlanKept)."""
    return [
        f"{model.__name__} {pk}: plan {kept} != {expected}"
        for model in (ProgressReport, ReportDeadline)
        for pk, kept, expected in model.objects.exclude(plan_id=F("project__theme__plan_id"))
        .order_by("pk")
        .values_list("pk", "plan_id", "project__theme__plan_id")
    ]


def _planned_wrong_plan():
    return PlannedPayment.objects.exclude(plan_id=F("commitment__source__plan_id"))


def planned_plan_mismatches() -> list[str]:
    """The planned payments whose kept `plan` is not their commitment's source's (PlannedPayment.plan)."""
    return [
        f"PlannedPayment {pk}: plan {kept} != {expected}"
        for pk, kept, expected in _planned_wrong_plan()
        .order_by("pk")
        .values_list("pk", "plan_id", "commitment__source__plan_id")
    ]


def planned_plan_rewrite() -> None:
    """Each planned payment's plan said again from its commitment's source, where it differs. A ledger row: on
    PostgreSQL its append-only trigger refuses the UPDATE, so it is disabled for that statement, in the caller's
    transaction (ALTER TABLE holds the table's lock until the commit: no other writer runs while it is off), and
    only when a row is wrong (the lock stops the payments' readers too)."""
    wrong = _planned_wrong_plan()
    if not wrong.exists():
        return
    postgresql = connection.vendor == "postgresql"
    table = connection.ops.quote_name(PlannedPayment._meta.db_table)
    trigger = connection.ops.quote_name(f"{PlannedPayment._meta.db_table}_append_only")
    with connection.cursor() as cursor:
        if postgresql:
            # the deferred foreign keys of rows written earlier in the transaction checked now: ALTER TABLE refuses a
            # table with pending trigger events
            connection.check_constraints()
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        wrong.update(
            plan_id=Subquery(FundingSource.objects.filter(commitments=OuterRef("commitment_id")).values("plan_id")[:1])
        )
        if postgresql:
            connection.check_constraints()  # the plans just written, as above
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


# The project's kept latest report and its keys (ActionProjectQuerySet.keep_latest), as values_list() names them.
LATEST_KEPT = ("latest_report", "latest_period_end", "latest_submitted_at")


def _latest_values():
    values = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by(
        *(f"-report__{name.lstrip('-')}" for name in LATEST_REPORT)
    )
    return Subquery(values.values("value")[:1]), Subquery(values.values("report__period_end")[:1])


def _status_since():
    return Subquery(
        ProjectStatusChange.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("changed_at"))
        .values("last")
    )


def latest_mismatches() -> list[str]:
    """The projects whose kept latest report (and its keys) or `status_since`, and the indicators whose kept latest value or its
    date, differ from their reports, status changes and values (ActionProjectQuerySet.keep_latest,
    ProjectStatusChange.save; 2 queries, a lookup per row)."""
    problems = []
    expected = {f"expected_{name}": latest_report_kept()[name] for name in LATEST_KEPT}
    for pk, *latest, since, expected_since in (
        ActionProject.objects.annotate(**expected, expected_since=_status_since())
        .order_by("pk")
        .values_list("pk", *LATEST_KEPT, *expected, "status_since", "expected_since")
    ):
        kept, recomputed = latest[: len(LATEST_KEPT)], latest[len(LATEST_KEPT) :]
        for name, value, right in zip(LATEST_KEPT, kept, recomputed, strict=True):
            if value != right:
                problems.append(f"ActionProject {pk}: {name} {value} != {right}")
        if since != expected_since:
            problems.append(f"ActionProject {pk}: status_since {since} != {expected_since}")
    value, on = _latest_values()
    for pk, kept_value, kept_on, expected_value, expected_on in (
        Indicator.objects.annotate(expected_value=value, expected_on=on)
        .order_by("pk")
        .values_list("pk", "latest_value", "latest_on", "expected_value", "expected_on")
    ):
        if (
            kept_on != expected_on
            or (kept_value is None) != (expected_value is None)
            or (kept_value is not None and _cents(kept_value) != _cents(expected_value))
        ):
            problems.append(
                f"Indicator {pk}: latest_value {kept_value} on {kept_on} != {expected_value} on {expected_on}"
            )
    return problems


def _kept(model, key: tuple, values: tuple) -> dict[tuple, dict]:
    return {
        row[: len(key)]: dict(zip(values, row[len(key) :], strict=True))
        for row in model.objects.values_list(*key, *values)
    }


def _zero(values: tuple) -> dict:
    return {name: ZERO if name in MONEY_NAMES else 0 for name in values}


def _differences(label: str, kept: dict, expected: dict, values: tuple) -> list[str]:
    problems = []
    for key in sorted(set(kept) | set(expected), key=lambda k: tuple(str(v) for v in k)):
        have = {n: _cents(v) if isinstance(v, Decimal) else v for n, v in kept.get(key, _zero(values)).items()}
        want = expected.get(key, _zero(values))
        if have != want:
            changed = ", ".join(f"{n} {have[n]} != {want[n]}" for n in values if have[n] != want[n])
            problems.append(f"{label} {'/'.join(str(k) for k in key)}: {changed}")
    return problems


MONEY_KEY = ("plan_id", "theme_id", "plan_year_id", "source_id", "status")
PROJECTS_KEY = ("plan_id", "theme_id", "status")
THEME_MEETINGS_KEY = ("plan_id", "theme_id", "date")
PLAN_MEETINGS_KEY = ("plan_id", "date")
PAYMENTS_KEY = ("plan_id", "date")
THEME_MONEY_KEY = ("theme_id", "date", "plan_year_id", "source_id")


KEPT = (PlanMoney, PlanPayments, ThemeMoney, ThemeProjects, ThemeMeetings, PlanMeetings)


def _answered():
    return Exists(ProgressReport.objects.filter(deadline=OuterRef("pk")))


def _project_closed():
    return Q(project__status__in=REPORTING_CLOSED_STATUSES)


def deadline_mismatches() -> list[str]:
    """The report deadlines whose `filed` flag says otherwise than their reports, or whose `project_closed` flag
    otherwise than their project's status (what the late reports read; two queries)."""
    wrong = ReportDeadline.objects.filter((Q(filed=True) & ~_answered()) | (Q(filed=False) & _answered()))
    closed = ReportDeadline.objects.filter(
        (Q(project_closed=True) & ~_project_closed()) | (Q(project_closed=False) & _project_closed())
    )
    return [
        f"ReportDeadline {pk}: filed {filed} != {not filed}"
        for pk, filed in wrong.order_by("pk").values_list("pk", "filed")
    ] + [
        f"ReportDeadline {pk}: project_closed {flag} != {not flag}"
        for pk, flag in closed.order_by("pk").values_list("pk", "project_closed")
    ]


def figures_mismatches() -> list[str]:
    """Every kept total that differs from the rows it sums, every report or deadline whose kept plan is not its
    project's and every planned payment whose kept plan is not its envelope's, one line each (none: all is well)."""
    return (
        _differences("PlanMoney", _kept(PlanMoney, MONEY_KEY, MONEY_VALUES), expected_money(), MONEY_VALUES)
        + _differences(
            "PlanPayments", _kept(PlanPayments, PAYMENTS_KEY, PAYMENTS_VALUES), expected_payments(), PAYMENTS_VALUES
        )
        + _differences(
            "ThemeMoney",
            _kept(ThemeMoney, THEME_MONEY_KEY, THEME_MONEY_VALUES),
            expected_theme_money(),
            THEME_MONEY_VALUES,
        )
        + _differences(
            "ThemeProjects", _kept(ThemeProjects, PROJECTS_KEY, PROJECT_VALUES), expected_projects(), PROJECT_VALUES
        )
        + _differences(
            "ThemeMeetings",
            _kept(ThemeMeetings, THEME_MEETINGS_KEY, MEETING_VALUES),
            expected_theme_meetings(),
            MEETING_VALUES,
        )
        + _differences(
            "PlanMeetings",
            _kept(PlanMeetings, PLAN_MEETINGS_KEY, MEETING_VALUES),
            expected_plan_meetings(),
            MEETING_VALUES,
        )
        + deadline_mismatches()
        + project_committed_mismatches()
        + report_plan_mismatches()
        + planned_plan_mismatches()
        + latest_mismatches()
    )


@transaction.atomic
def figures_rewrite() -> None:
    """Rewrite every kept total from the rows it sums. On PostgreSQL the tables are locked first (EXCLUSIVE: reads go
    on, writers wait): a writer that already added its delta has committed before the recompute reads, one that has
    not adds it after the rewrite; SQLite runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # the commitments too: the projects' committed totals are rewritten from them (a ledger writer that
            # has added or reduced one holds its row lock on the table until it commits, so the lock waits for it);
            # the reports, indicator values and status changes: the kept latest ones are, in the same way
            tables = ", ".join(
                connection.ops.quote_name(m._meta.db_table)
                for m in (*KEPT, Commitment, ProgressReport, IndicatorValue, ProjectStatusChange)
            )
            cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
    # Each report's, deadline's and planned payment's plan and each project's committed total: only the rows that
    # differ are written.
    for model in (ProgressReport, ReportDeadline):
        model.objects.exclude(plan_id=F("project__theme__plan_id")).update(
            plan_id=Subquery(ActionProject.objects.filter(pk=OuterRef("project_id")).values("theme__plan_id"))
        )
    planned_plan_rewrite()
    ActionProject.objects.alias(expected=_project_committed()).exclude(committed_total=F("expected")).update(
        committed_total=Round(_project_committed(), 2)
    )
    # Each project's latest report and each indicator's latest value, said again from the reports and values (the
    # tables are locked above: a writer of reports that has written has committed, and what it kept is recomputed).
    ActionProject.objects.update(**latest_report_kept(), status_since=_status_since())
    value, on = _latest_values()
    Indicator.objects.update(latest_value=value, latest_on=on)
    money, payments, projects = expected_money(), expected_payments(), expected_projects()
    theme_money = expected_theme_money()
    theme_meetings, plan_meetings = expected_theme_meetings(), expected_plan_meetings()
    for model in KEPT:
        model.objects.all().delete()
    PlanMoney.objects.bulk_create(
        PlanMoney(**dict(zip(MONEY_KEY, key, strict=True)), **values) for key, values in money.items()
    )
    PlanPayments.objects.bulk_create(
        PlanPayments(**dict(zip(PAYMENTS_KEY, key, strict=True)), **values) for key, values in payments.items()
    )
    ThemeMoney.objects.bulk_create(
        (ThemeMoney(**dict(zip(THEME_MONEY_KEY, key, strict=True)), **values) for key, values in theme_money.items()),
        batch_size=1000,
    )
    ThemeProjects.objects.bulk_create(
        ThemeProjects(**dict(zip(PROJECTS_KEY, key, strict=True)), **values) for key, values in projects.items()
    )
    ThemeMeetings.objects.bulk_create(
        ThemeMeetings(**dict(zip(THEME_MEETINGS_KEY, key, strict=True)), **values)
        for key, values in theme_meetings.items()
    )
    PlanMeetings.objects.bulk_create(
        PlanMeetings(**dict(zip(PLAN_MEETINGS_KEY, key, strict=True)), **values)
        for key, values in plan_meetings.items()
    )
    # The deadlines' flags, where they differ (a deadline row is the reports', not the figures': no table lock).
    ReportDeadline.objects.filter(~_answered(), filed=True).update(filed=False)
    ReportDeadline.objects.filter(_answered(), filed=False).update(filed=True)
    ReportDeadline.objects.filter(~_project_closed(), project_closed=True).update(project_closed=False)
    ReportDeadline.objects.filter(_project_closed(), project_closed=False).update(project_closed=True)
