"""Reads of the envelope: totals by source, theme, plan year and project, in a fixed number of queries."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, F, Sum, Value
from django.utils.translation import gettext as _

from budget.models import (
    Agreement,
    BudgetTarget,
    Commitment,
    CommitmentReduction,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
    PlannedPayment,
    TargetMove,
)
from chantiers.models import FUNDABLE_STATUSES, PUBLIC_STATUSES, OtherFunding, ProjectYearAmount

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


# Projects whose other funding counts in the leverage: accepted, under way or done.
LEVERAGE_STATUSES = tuple({*FUNDABLE_STATUSES, *PUBLIC_STATUSES})


def leverage(other: Decimal, committed: Decimal) -> Decimal | None:
    """Dollars from elsewhere for each dollar of the envelope (effet de levier), to the cent; None without commitment."""
    if not committed:
        return None
    return (Decimal(other) / Decimal(committed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def envelope_overview(plan) -> dict:
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    commitments = Commitment.objects.filter(source__plan=plan)
    by_theme = list(  # 1 committed and paid per theme
        commitments.values("project__theme__order", "project__theme__name")
        .annotate(committed=Sum(Commitment.CURRENT), disbursed=Sum("disbursed_total"), projects=Count("project", distinct=True))
        .order_by("project__theme__order")
    )
    by_year = list(  # 1 committed and paid per plan year
        commitments.values("plan_year__number", "plan_year__start_date", "plan_year__end_date")
        .annotate(committed=Sum(Commitment.CURRENT), disbursed=Sum("disbursed_total"))
        .order_by("plan_year__number")
    )
    for row in by_year:
        row["label"] = f"{row['plan_year__start_date'].year}-{row['plan_year__end_date'].year}"
    other_by_theme = {  # 1 other sources of the accepted projects, per theme (effet de levier)
        row["project__theme__order"]: row["total"]
        for row in OtherFunding.objects.filter(project__theme__plan=plan, project__status__in=LEVERAGE_STATUSES)
        .values("project__theme__order")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    for row in by_theme:
        row["other"] = other_by_theme.get(row["project__theme__order"], ZERO)
        row["leverage"] = leverage(row["other"], row["committed"])
    other_total = sum(other_by_theme.values(), ZERO)
    envelope = sum((s.amount for s in sources), ZERO)
    committed = sum((s.committed_total for s in sources), ZERO)
    disbursed = sum((s.disbursed_total for s in sources), ZERO)
    return {
        "plan": plan,
        "sources": sources,
        "envelope": envelope,
        "committed": committed,
        "disbursed": disbursed,
        "remaining": envelope - committed,
        "by_theme": by_theme,
        "by_year": by_year,
        "other_total": other_total,
        "leverage": leverage(other_total, committed),
    }


def commitments_page_queryset(plan):
    """Every commitment of the plan with its project, source and year (one query per page)."""
    return (
        Commitment.objects.filter(source__plan=plan)
        .select_related("project__lead", "project__theme", "source", "plan_year")
        .order_by("-decided_on", "-pk")
    )


def recent_disbursements(plan, limit=10):
    return list(
        Disbursement.objects.filter(commitment__source__plan=plan)
        .select_related("commitment__project", "commitment__source")
        .order_by("-paid_on", "-pk")[:limit]
    )


# ---------------------------------------------------------------- ledger: history and balances as at a date



def _sum_by_source(queryset, source_path: str, field: str) -> dict[int, Decimal]:
    return {
        source_id: (total or ZERO).quantize(CENT)
        for source_id, total in queryset.order_by().values(source_path).annotate(total=Sum(field)).values_list(source_path, "total")
    }


def balances_as_at(plan, day: datetime.date) -> dict:
    """Committed, disbursed and remaining per source, rebuilt from the entries dated on or before `day`.

    Each entry counts on its own date: a commitment on `decided_on`, a reduction or cancellation on
    `reduced_on`, a payment on `paid_on`, a correction on `corrected_on`. Five queries; Decimals to the cent.
    """
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    committed = _sum_by_source(Commitment.objects.filter(source__plan=plan, decided_on__lte=day), "source", "amount")  # 1
    reduced = _sum_by_source(  # 1
        CommitmentReduction.objects.filter(commitment__source__plan=plan, reduced_on__lte=day), "commitment__source", "amount"
    )
    paid = _sum_by_source(  # 1
        Disbursement.objects.filter(commitment__source__plan=plan, paid_on__lte=day), "commitment__source", "amount"
    )
    fixed = _sum_by_source(  # 1
        DisbursementCorrection.objects.filter(disbursement__commitment__source__plan=plan, corrected_on__lte=day),
        "disbursement__commitment__source", "delta",
    )
    rows = []
    for source in sources:
        row_committed = committed.get(source.pk, ZERO) - reduced.get(source.pk, ZERO)
        row_disbursed = paid.get(source.pk, ZERO) + fixed.get(source.pk, ZERO)
        rows.append({
            "source": source,
            "envelope": source.amount,
            "committed": row_committed,
            "disbursed": row_disbursed,
            "remaining": source.amount - row_committed,
            "to_disburse": row_committed - row_disbursed,
        })
    total = {key: sum((row[key] for row in rows), ZERO) for key in ("envelope", "committed", "disbursed", "remaining", "to_disburse")}
    return {"day": day, "sources": rows, **total}


# Each kind of ledger entry: how to find the plan's rows, the project and source paths (None: no such
# filter applies, so the kind drops out when filtering), and what to load to show a page of them.
HISTORY_KINDS = {
    "commitment": {
        "model": Commitment, "plan": "source__plan", "project": "project", "source": "source",
        "related": ["project", "source", "plan_year", "created_by"],
    },
    "reduction": {
        "model": CommitmentReduction, "plan": "commitment__source__plan", "project": "commitment__project",
        "source": "commitment__source", "related": ["commitment__project", "commitment__source", "created_by"],
    },
    "disbursement": {
        "model": Disbursement, "plan": "commitment__source__plan", "project": "commitment__project",
        "source": "commitment__source", "related": ["commitment__project", "commitment__source", "created_by"],
    },
    "correction": {
        "model": DisbursementCorrection, "plan": "disbursement__commitment__source__plan",
        "project": "disbursement__commitment__project", "source": "disbursement__commitment__source",
        "related": ["disbursement__commitment__project", "disbursement__commitment__source", "created_by"],
    },
    "agreement": {
        "model": Agreement, "plan": "project__theme__plan", "project": "project", "source": None,
        "related": ["project", "created_by"],
    },
    "planned_payment": {
        "model": PlannedPayment, "plan": "commitment__source__plan", "project": "agreement__project",
        "source": "commitment__source", "related": ["agreement__project", "commitment__source", "created_by"],
    },
    "target": {
        "model": BudgetTarget, "plan": "plan", "project": None, "source": None,
        "related": ["theme", "plan_year", "created_by"],
    },
    "target_move": {
        "model": TargetMove, "plan": "from_target__plan", "project": None, "source": None,
        "related": ["from_target__theme", "from_target__plan_year", "to_target__theme", "to_target__plan_year", "created_by"],
    },
}


def ledger_history_queryset(plan, *, project=None, source=None):
    """Every ledger entry of the plan as (entry_kind, entry_id, at) rows, newest first: one UNION ALL query,
    so a page and its count cost one query each whatever the number of entries."""
    parts = []
    for kind, spec in HISTORY_KINDS.items():
        if (project is not None and spec["project"] is None) or (source is not None and spec["source"] is None):
            continue
        queryset = spec["model"].objects.filter(**{spec["plan"]: plan})
        if project is not None:
            queryset = queryset.filter(**{spec["project"]: project})
        if source is not None:
            queryset = queryset.filter(**{spec["source"]: source})
        parts.append(
            queryset.order_by().values(entry_kind=Value(kind, output_field=CharField()), entry_id=F("pk"), at=F("created_at"))
        )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-at", "-entry_kind", "-entry_id") if rest else first.order_by("-at", "-entry_id")


@dataclass
class HistoryEntry:
    kind: str
    label: str
    at: datetime.datetime
    by: object
    day: datetime.date | None
    what: str
    project: object
    source: object
    amount: Decimal | None
    note: str
    entry: object


def _target_label(target) -> str:
    if target.theme_id:
        return _("cible de l'enjeu « %(theme)s »") % {"theme": target.theme.name}
    return _("cible de l'année %(year)s") % {"year": target.plan_year.label}


def _describe(kind: str, obj) -> HistoryEntry:
    """One entry as the history shows it; amounts are signed as they move the balances."""
    common = {"kind": kind, "at": obj.created_at, "by": obj.created_by, "entry": obj, "project": None, "source": None}
    if kind == "commitment":
        return HistoryEntry(label=_("Engagement"), day=obj.decided_on, what=obj.plan_year.label, amount=obj.amount, note=obj.reference or obj.note,
                            **{**common, "project": obj.project, "source": obj.source})
    if kind == "reduction":
        c = obj.commitment
        return HistoryEntry(label=_("Annulation d'engagement") if obj.is_cancellation else _("Réduction d'engagement"),
                            day=obj.reduced_on, what="", amount=-obj.amount, note=obj.reason,
                            **{**common, "project": c.project, "source": c.source})
    if kind == "disbursement":
        c = obj.commitment
        return HistoryEntry(label=_("Versement"), day=obj.paid_on, what="", amount=obj.amount, note=obj.reference,
                            **{**common, "project": c.project, "source": c.source})
    if kind == "correction":
        c = obj.disbursement.commitment
        return HistoryEntry(label=_("Correction de versement"), day=obj.corrected_on,
                            what=_("versement du %(day)s") % {"day": obj.disbursement.paid_on.isoformat()},
                            amount=obj.delta, note=obj.reason, **{**common, "project": c.project, "source": c.source})
    if kind == "agreement":
        return HistoryEntry(label=_("Convention"), day=obj.signed_on, what="", amount=None,
                            note=obj.reference or obj.note, **{**common, "project": obj.project})
    if kind == "planned_payment":
        what = _("prévu le %(day)s") % {"day": obj.due_on.isoformat()}
        if obj.cancelled_on:
            what += " — " + _("annulé le %(day)s") % {"day": obj.cancelled_on.isoformat()}
        return HistoryEntry(label=_("Versement prévu"), day=obj.due_on, what=what, amount=obj.amount,
                            note=obj.cancel_reason or obj.note,
                            **{**common, "project": obj.agreement.project, "source": obj.commitment.source})
    if kind == "target":
        return HistoryEntry(label=_("Cible budgétaire"), day=None, what=_target_label(obj), amount=obj.amount, note="", **common)
    return HistoryEntry(
        label=obj.get_kind_display(), day=obj.moved_on,
        what=f"{_target_label(obj.from_target)} → {_target_label(obj.to_target)}", amount=obj.amount, note=obj.reason, **common,
    )


def history_entries(rows) -> list[HistoryEntry]:
    """Load a page of (entry_kind, entry_id, at) rows: one query per kind present on the page."""
    wanted: dict[str, list[int]] = {}
    for row in rows:
        wanted.setdefault(row["entry_kind"], []).append(row["entry_id"])
    loaded = {}
    for kind, ids in wanted.items():
        spec = HISTORY_KINDS[kind]
        for obj in spec["model"].objects.select_related(*spec["related"]).filter(pk__in=ids):
            loaded[kind, obj.pk] = obj
    return [_describe(row["entry_kind"], loaded[row["entry_kind"], row["entry_id"]]) for row in rows if (row["entry_kind"], row["entry_id"]) in loaded]


# ---------------------------------------------------------------- ledger: one project's budget


def project_budget(project) -> dict:
    """Requested vs committed vs paid for one project, by plan year and by source, to the cent,
    with its other funding and its leverage. Six queries."""
    plan = project.theme.plan
    years = list(plan.years.order_by("number"))  # 1 plan years
    sources = {s.pk: s for s in FundingSource.objects.filter(plan=plan)}  # 1 sources
    requested = {  # 1 requested per year
        year_id: amount for year_id, amount in ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")
    }
    committed = {  # 1 committed now per (year, source)
        (row["plan_year"], row["source"]): (row["total"] or ZERO).quantize(CENT)
        for row in Commitment.objects.filter(project=project).order_by().values("plan_year", "source").annotate(total=Sum(Commitment.CURRENT))
    }
    paid = {  # 1 paid now (with corrections) per (year, source)
        (row["commitment__plan_year"], row["commitment__source"]): (row["total"] or ZERO).quantize(CENT)
        for row in Disbursement.objects.filter(commitment__project=project).order_by()
        .values("commitment__plan_year", "commitment__source").annotate(total=Sum(Disbursement.CURRENT))
    }
    other = list(OtherFunding.objects.filter(project=project).order_by("kind", "source_name"))  # 1 other funding

    def summed(table, *, year=None, source=None):
        return sum(
            (v for (y, s), v in table.items() if (year is None or y == year) and (source is None or s == source)), ZERO
        )

    by_year = [
        {
            "year": year,
            "requested": requested.get(year.pk, ZERO),
            "committed": summed(committed, year=year.pk),
            "paid": summed(paid, year=year.pk),
        }
        for year in years
    ]
    source_ids = sorted({s for _y, s in committed} | {s for _y, s in paid}, key=lambda pk: (sources[pk].order, pk))
    by_source = [
        {"source": sources[pk], "committed": summed(committed, source=pk), "paid": summed(paid, source=pk)} for pk in source_ids
    ]
    for row in (*by_year, *by_source):
        row["to_pay"] = row["committed"] - row["paid"]
    totals = {
        "requested": sum(requested.values(), ZERO),
        "committed": summed(committed),
        "paid": summed(paid),
    }
    totals["to_pay"] = totals["committed"] - totals["paid"]
    other_total = sum((o.amount for o in other), ZERO)
    return {
        "project": project,
        "by_year": by_year,
        "by_source": by_source,
        "totals": totals,
        "other_funding": other,
        "other_total": other_total,
        "leverage": leverage(other_total, totals["committed"]),
    }
