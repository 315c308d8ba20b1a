"""Reads of the ledger: balances as at a date, the history of entries, and the check of the running totals."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
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
from budget.selectors._common import CENT, ZERO


def _sum_by_source(queryset, source_path: str, field: str) -> dict[int, Decimal]:
    return {
        source_id: (total or ZERO).quantize(CENT)
        for source_id, total in queryset.order_by()
        .values(source_path)
        .annotate(total=Sum(field))
        .values_list(source_path, "total")
    }


def balances_as_at(plan, day: datetime.date) -> dict:
    """Committed, disbursed and remaining per source, rebuilt from the entries dated on or before `day`.

    Each entry counts on its own date: a commitment on `decided_on`, a reduction or cancellation on
    `reduced_on`, a payment on `paid_on`, a correction on `corrected_on`. Five queries; Decimals to the cent.
    """
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    committed = _sum_by_source(
        Commitment.objects.filter(source__plan=plan, decided_on__lte=day), "source", "amount"
    )  # 1
    reduced = _sum_by_source(  # 1
        CommitmentReduction.objects.filter(commitment__source__plan=plan, reduced_on__lte=day),
        "commitment__source",
        "amount",
    )
    paid = _sum_by_source(  # 1
        Disbursement.objects.filter(commitment__source__plan=plan, paid_on__lte=day), "commitment__source", "amount"
    )
    fixed = _sum_by_source(  # 1
        DisbursementCorrection.objects.filter(disbursement__commitment__source__plan=plan, corrected_on__lte=day),
        "disbursement__commitment__source",
        "delta",
    )
    rows = []
    for source in sources:
        row_committed = committed.get(source.pk, ZERO) - reduced.get(source.pk, ZERO)
        row_disbursed = paid.get(source.pk, ZERO) + fixed.get(source.pk, ZERO)
        rows.append(
            {
                "source": source,
                "envelope": source.amount,
                "committed": row_committed,
                "disbursed": row_disbursed,
                "remaining": source.amount - row_committed,
                "to_disburse": row_committed - row_disbursed,
            }
        )
    total = {
        key: sum((row[key] for row in rows), ZERO)
        for key in ("envelope", "committed", "disbursed", "remaining", "to_disburse")
    }
    return {"day": day, "sources": rows, **total}


# Each kind of ledger entry: how to find the plan's rows, the project and source paths (None: no such
# filter applies, so the kind drops out when filtering), and what to load to show a page of them.
HISTORY_KINDS = {
    "commitment": {
        "model": Commitment,
        "plan": "source__plan",
        "project": "project",
        "source": "source",
        "related": ["project", "source", "plan_year", "created_by"],
    },
    "reduction": {
        "model": CommitmentReduction,
        "plan": "commitment__source__plan",
        "project": "commitment__project",
        "source": "commitment__source",
        "related": ["commitment__project", "commitment__source", "created_by"],
    },
    "disbursement": {
        "model": Disbursement,
        "plan": "commitment__source__plan",
        "project": "commitment__project",
        "source": "commitment__source",
        "related": ["commitment__project", "commitment__source", "created_by"],
    },
    "correction": {
        "model": DisbursementCorrection,
        "plan": "disbursement__commitment__source__plan",
        "project": "disbursement__commitment__project",
        "source": "disbursement__commitment__source",
        "related": ["disbursement__commitment__project", "disbursement__commitment__source", "created_by"],
    },
    "agreement": {
        "model": Agreement,
        "plan": "project__theme__plan",
        "project": "project",
        "source": None,
        "related": ["project", "created_by"],
    },
    "planned_payment": {
        "model": PlannedPayment,
        "plan": "plan",  # its commitment's source's, kept on the row
        "project": "agreement__project",
        "source": "commitment__source",
        "related": ["agreement__project", "commitment__source", "created_by"],
    },
    "target": {
        "model": BudgetTarget,
        "plan": "plan",
        "project": None,
        "source": None,
        "related": ["theme", "plan_year", "created_by"],
    },
    "target_move": {
        "model": TargetMove,
        "plan": "from_target__plan",
        "project": None,
        "source": None,
        "related": [
            "from_target__theme",
            "from_target__plan_year",
            "to_target__theme",
            "to_target__plan_year",
            "created_by",
        ],
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
            queryset.order_by().values(
                entry_kind=Value(kind, output_field=CharField()), entry_id=F("pk"), at=F("created_at")
            )
        )
    first, *rest = parts
    return (
        first.union(*rest, all=True).order_by("-at", "-entry_kind", "-entry_id")
        if rest
        else first.order_by("-at", "-entry_id")
    )


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
        return HistoryEntry(
            label=_("Engagement"),
            day=obj.decided_on,
            what=obj.plan_year.label,
            amount=obj.amount,
            note=obj.reference or obj.note,
            **{**common, "project": obj.project, "source": obj.source},
        )
    if kind == "reduction":
        c = obj.commitment
        return HistoryEntry(
            label=_("Annulation d'engagement") if obj.is_cancellation else _("Réduction d'engagement"),
            day=obj.reduced_on,
            what="",
            amount=-obj.amount,
            note=obj.reason,
            **{**common, "project": c.project, "source": c.source},
        )
    if kind == "disbursement":
        c = obj.commitment
        return HistoryEntry(
            label=_("Versement"),
            day=obj.paid_on,
            what="",
            amount=obj.amount,
            note=obj.reference,
            **{**common, "project": c.project, "source": c.source},
        )
    if kind == "correction":
        c = obj.disbursement.commitment
        return HistoryEntry(
            label=_("Correction de versement"),
            day=obj.corrected_on,
            what=_("versement du %(day)s") % {"day": obj.disbursement.paid_on.isoformat()},
            amount=obj.delta,
            note=obj.reason,
            **{**common, "project": c.project, "source": c.source},
        )
    if kind == "agreement":
        return HistoryEntry(
            label=_("Convention"),
            day=obj.signed_on,
            what="",
            amount=None,
            note=obj.reference or obj.note,
            **{**common, "project": obj.project},
        )
    if kind == "planned_payment":
        what = _("prévu le %(day)s") % {"day": obj.due_on.isoformat()}
        if obj.cancelled_on:
            what += " — " + _("annulé le %(day)s") % {"day": obj.cancelled_on.isoformat()}
        return HistoryEntry(
            label=_("Versement prévu"),
            day=obj.due_on,
            what=what,
            amount=obj.amount,
            note=obj.cancel_reason or obj.note,
            **{**common, "project": obj.agreement.project, "source": obj.commitment.source},
        )
    if kind == "target":
        return HistoryEntry(
            label=_("Cible budgétaire"), day=None, what=_target_label(obj), amount=obj.amount, note="", **common
        )
    return HistoryEntry(
        label=obj.get_kind_display(),
        day=obj.moved_on,
        what=f"{_target_label(obj.from_target)} → {_target_label(obj.to_target)}",
        amount=obj.amount,
        note=obj.reason,
        **common,
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
    return [
        _describe(row["entry_kind"], loaded[row["entry_kind"], row["entry_id"]])
        for row in rows
        if (row["entry_kind"], row["entry_id"]) in loaded
    ]


# ---- the check of the running totals

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def totals_mismatches() -> list[str]:
    """Running totals that differ from the sum of the ledger rows (should be none).

    Paid money is the disbursements as recorded plus their corrections (signed)."""
    problems = []

    def summed(queryset, group: str, field: str):
        return Coalesce(
            Subquery(queryset.order_by().values(group).annotate(s=Sum(field)).values("s")),
            ZERO,
            output_field=MONEY_FIELD,
        )

    paid = Disbursement.objects.filter(commitment__source=OuterRef("pk"))
    fixed = DisbursementCorrection.objects.filter(disbursement__commitment__source=OuterRef("pk"))
    reduced = CommitmentReduction.objects.filter(commitment__source=OuterRef("pk"))
    for source in FundingSource.objects.annotate(
        ledger_committed=Sum("commitments__amount", default=ZERO) - summed(reduced, "commitment__source", "amount"),
        ledger_paid=summed(paid, "commitment__source", "amount"),
        ledger_fixed=summed(fixed, "disbursement__commitment__source", "delta"),
    ):
        # Quantized: SQLite computes these sums in binary floating point (0,1000000000000227).
        ledger_paid = (source.ledger_paid + source.ledger_fixed).quantize(CENT)
        source.ledger_committed = source.ledger_committed.quantize(CENT)
        if source.ledger_committed != source.committed_total:
            problems.append(
                f"{source.code}: committed_total {source.committed_total:.2f} != {source.ledger_committed:.2f}"
            )
        if ledger_paid != source.disbursed_total:
            problems.append(f"{source.code}: disbursed_total {source.disbursed_total:.2f} != {ledger_paid:.2f}")
    for commitment in Commitment.objects.annotate(
        ledger_paid=summed(Disbursement.objects.filter(commitment=OuterRef("pk")), "commitment", "amount"),
        ledger_fixed=summed(
            DisbursementCorrection.objects.filter(disbursement__commitment=OuterRef("pk")),
            "disbursement__commitment",
            "delta",
        ),
        ledger_reduced=summed(CommitmentReduction.objects.filter(commitment=OuterRef("pk")), "commitment", "amount"),
    ):
        ledger_paid = (commitment.ledger_paid + commitment.ledger_fixed).quantize(CENT)
        commitment.ledger_reduced = commitment.ledger_reduced.quantize(CENT)
        if commitment.ledger_reduced != commitment.reduced_total:
            problems.append(
                f"commitment {commitment.pk}: reduced_total {commitment.reduced_total:.2f} != {commitment.ledger_reduced:.2f}"
            )
        if ledger_paid != commitment.disbursed_total:
            problems.append(
                f"commitment {commitment.pk}: disbursed_total {commitment.disbursed_total:.2f} != {ledger_paid:.2f}"
            )
    for disbursement in Disbursement.objects.annotate(
        ledger_fixed=summed(
            DisbursementCorrection.objects.filter(disbursement=OuterRef("pk")), "disbursement", "delta"
        ),
    ).only("pk", "correction_total"):
        disbursement.ledger_fixed = disbursement.ledger_fixed.quantize(CENT)
        if disbursement.ledger_fixed != disbursement.correction_total:
            problems.append(
                f"disbursement {disbursement.pk}: correction_total {disbursement.correction_total:.2f} != {disbursement.ledger_fixed:.2f}"
            )
    return problems


def resolution_mismatches() -> list[str]:
    """Commitments, reductions and moves whose board resolution is not one of their own alliance (should be none;
    each points to one: the column is not null). Three queries."""
    problems = []
    for model, own in (
        (Commitment, "source__plan__alliance"),
        (CommitmentReduction, "commitment__source__plan__alliance"),
        (TargetMove, "from_target__plan__alliance"),
    ):
        for pk, number in (
            model.objects.exclude(resolution__alliance=F(own)).order_by("pk").values_list("pk", "resolution__number")
        ):
            problems.append(f"{model._meta.model_name} {pk}: resolution {number} of another alliance")
    return problems
