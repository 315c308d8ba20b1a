"""Every write of money goes through here: the portal's views, the admin and the commands.

The rule "commitments never exceed their source, disbursements never exceed their
commitment" is enforced by one conditional UPDATE per write. The UPDATE adds the amount
only if the running total stays within the limit; PostgreSQL re-checks that condition on
the latest row version after waiting for a concurrent writer, and SQLite runs writers one
at a time (IMMEDIATE transactions), so two requests at once can never over-commit. CHECK
constraints on the same totals are the database's last word.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils.translation import gettext as _

from asis.money import CENT, ZERO, to_money
from asis.templatetags.asis_format import format_money, long_date
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
from chantiers.models import (
    ActionProject,
    Plan,
    PlanYear,
    ProgressReport,
    ProjectStatus,
    ReportDeadline,
    Theme,
)
from chantiers.services import project_change_status

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def _add_within(model, pk, *, total: str, limit, amount: Decimal) -> bool:
    """Add `amount` to the running `total` of one row only if it stays within `limit`.

    One UPDATE ... WHERE: atomic on both databases. ROUND(…, 2) keeps SQLite, which stores
    decimals as binary floating point, from refusing an exact fit such as 0,10 $ + 0,20 $.
    """
    after = Round(F(total) + Value(amount, output_field=MONEY_FIELD), 2)
    # The limit is rounded too: on SQLite 500,00 − 375,73 is 124,26999…, which would refuse an exact fit.
    limit = Round(F(limit) if isinstance(limit, str) else limit, 2)
    return bool(model.objects.filter(pk=pk).alias(after=after).filter(after__lte=limit).update(**{total: after}))


def _positive(amount) -> Decimal:
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être supérieur à zéro.")})
    return amount


@transaction.atomic
def commitment_create(
    *,
    source: FundingSource,
    project: ActionProject,
    plan_year: PlanYear,
    amount: Decimal | str,
    decided_on: datetime.date,
    reference: str = "",
    note: str = "",
    by=None,
) -> Commitment:
    amount = _positive(amount)
    # The rule applies to the project's current status, under a lock: a project withdrawn
    # by someone else a moment ago receives nothing.
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if not project.is_fundable:
        raise ValidationError(
            {"project": _("On n'engage de l'argent qu'envers un projet accepté ou en cours (statut actuel : %(status)s).")
             % {"status": project.get_status_display()}}
        )
    if plan_year.plan_id != source.plan_id:
        raise ValidationError({"plan_year": _("Cette année n'appartient pas au plan de cette source.")})

    if not _add_within(FundingSource, source.pk, total="committed_total", limit="amount", amount=amount):
        source.refresh_from_db()
        raise ValidationError(
            {"amount": _("Il reste %(left)s dans la source « %(source)s » : impossible d'engager %(amount)s.")
             % {"left": format_money(source.remaining, cents=True), "source": source.name, "amount": format_money(amount, cents=True)}}
        )
    commitment = Commitment(
        source=source,
        project=project,
        plan_year=plan_year,
        amount=amount,
        decided_on=decided_on,
        reference=reference,
        note=note,
        created_by=by,
    )
    commitment.full_clean()
    commitment.save()
    source.refresh_from_db(fields=["committed_total", "disbursed_total"])
    return commitment


@transaction.atomic
def disbursement_create(
    *, commitment: Commitment, amount: Decimal | str, paid_on: datetime.date, reference: str = "", by=None
) -> Disbursement:
    amount = _positive(amount)
    # Locked in the same order as commitment_create (project, then totals): a project withdrawn
    # a moment ago by someone else receives nothing more.
    project = ActionProject.objects.select_for_update().get(pk=commitment.project_id)
    if project.status in (ProjectStatus.WITHDRAWN, ProjectStatus.REFUSED):
        raise ValidationError(
            {"amount": _("On ne verse rien à un projet « %(status)s ».") % {"status": project.get_status_display()}}
        )
    if not _add_within(Commitment, commitment.pk, total="disbursed_total", limit=F("amount") - F("reduced_total"), amount=amount):
        commitment.refresh_from_db()
        raise ValidationError(
            {"amount": _("Il reste %(left)s à verser sur cet engagement : impossible de verser %(amount)s.")
             % {"left": format_money(commitment.remaining, cents=True), "amount": format_money(amount, cents=True)}}
        )
    if not _add_within(FundingSource, commitment.source_id, total="disbursed_total", limit="committed_total", amount=amount):
        # Cannot happen while every commitment respects its source; refuse rather than drift.
        raise ValidationError({"amount": _("Les versements dépasseraient les engagements de la source.")})
    disbursement = Disbursement(commitment=commitment, amount=amount, paid_on=paid_on, reference=reference, created_by=by)
    disbursement.full_clean()
    disbursement.save()
    commitment.refresh_from_db(fields=["disbursed_total"])
    return disbursement


@transaction.atomic
def commitment_reduce(
    *, commitment: Commitment, amount: Decimal | str | None, reduced_on: datetime.date, reason: str,
    cancel: bool = False, by=None,
) -> CommitmentReduction:
    """Reduce a commitment, or cancel what is left of it (`cancel=True`), by a new dated entry with a reason.

    The money goes back to its source. What was already paid stays committed."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de la réduction ou de l'annulation.")})
    commitment.refresh_from_db(fields=["amount", "reduced_total", "disbursed_total"])
    if cancel:
        amount = commitment.remaining
        if amount <= 0:
            raise ValidationError({"amount": _("Il ne reste rien à annuler sur cet engagement.")})
    else:
        amount = _positive(amount)
    if not _add_within(Commitment, commitment.pk, total="reduced_total", limit=F("amount") - F("disbursed_total"), amount=amount):
        commitment.refresh_from_db()
        raise ValidationError(
            {"amount": _("On ne peut retirer que ce qui n'est pas versé : %(left)s au plus.")
             % {"left": format_money(commitment.remaining, cents=True)}}
        )
    FundingSource.objects.filter(pk=commitment.source_id).update(committed_total=Round(F("committed_total") - amount, 2))
    reduction = CommitmentReduction(
        commitment=commitment, amount=amount, reduced_on=reduced_on, reason=reason.strip(), is_cancellation=cancel,
        created_by=by,
    )
    reduction.full_clean()
    reduction.save()
    commitment.refresh_from_db(fields=["reduced_total"])
    return reduction


def totals_mismatches() -> list[str]:
    """Running totals that differ from the sum of the ledger rows (should be none).

    Paid money is the disbursements as recorded plus their corrections (signed)."""
    problems = []

    def summed(queryset, group: str, field: str):
        return Coalesce(
            Subquery(queryset.order_by().values(group).annotate(s=Sum(field)).values("s")), ZERO, output_field=MONEY_FIELD
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
            problems.append(f"{source.code}: committed_total {source.committed_total:.2f} != {source.ledger_committed:.2f}")
        if ledger_paid != source.disbursed_total:
            problems.append(f"{source.code}: disbursed_total {source.disbursed_total:.2f} != {ledger_paid:.2f}")
    for commitment in Commitment.objects.annotate(
        ledger_paid=summed(Disbursement.objects.filter(commitment=OuterRef("pk")), "commitment", "amount"),
        ledger_fixed=summed(DisbursementCorrection.objects.filter(disbursement__commitment=OuterRef("pk")), "disbursement__commitment", "delta"),
        ledger_reduced=summed(CommitmentReduction.objects.filter(commitment=OuterRef("pk")), "commitment", "amount"),
    ):
        ledger_paid = (commitment.ledger_paid + commitment.ledger_fixed).quantize(CENT)
        commitment.ledger_reduced = commitment.ledger_reduced.quantize(CENT)
        if commitment.ledger_reduced != commitment.reduced_total:
            problems.append(f"commitment {commitment.pk}: reduced_total {commitment.reduced_total:.2f} != {commitment.ledger_reduced:.2f}")
        if ledger_paid != commitment.disbursed_total:
            problems.append(f"commitment {commitment.pk}: disbursed_total {commitment.disbursed_total:.2f} != {ledger_paid:.2f}")
    for disbursement in Disbursement.objects.annotate(
        ledger_fixed=summed(DisbursementCorrection.objects.filter(disbursement=OuterRef("pk")), "disbursement", "delta"),
    ).only("pk", "correction_total"):
        disbursement.ledger_fixed = disbursement.ledger_fixed.quantize(CENT)
        if disbursement.ledger_fixed != disbursement.correction_total:
            problems.append(
                f"disbursement {disbursement.pk}: correction_total {disbursement.correction_total:.2f} != {disbursement.ledger_fixed:.2f}"
            )
    return problems


# ---- targets
# The share of the envelope meant for each theme and each plan year. A target is set once;
# afterwards money moves between targets of the same kind by a TargetMove with its reason.


def _envelope(plan) -> Decimal:
    return FundingSource.objects.filter(plan=plan).aggregate(s=Sum("amount", default=ZERO))["s"]


def _check_targets_fit(*, plan, themes: Decimal = ZERO, years: Decimal = ZERO) -> None:
    """Refuse when the theme targets, or the year targets, with the new amounts would exceed the envelope."""
    envelope = _envelope(plan)
    existing = BudgetTarget.objects.filter(plan=plan).aggregate(
        themes=Sum("amount", filter=Q(theme__isnull=False), default=ZERO),
        years=Sum("amount", filter=Q(plan_year__isnull=False), default=ZERO),
    )
    errors = []
    for total, message in (
        (existing["themes"] + themes, _("La somme des cibles par enjeu (%(total)s) dépasserait l'enveloppe (%(envelope)s) de %(excess)s.")),
        (existing["years"] + years, _("La somme des cibles par année (%(total)s) dépasserait l'enveloppe (%(envelope)s) de %(excess)s.")),
    ):
        if total > envelope:
            errors.append(
                message % {"total": format_money(total, cents=True), "envelope": format_money(envelope, cents=True),
                           "excess": format_money(total - envelope, cents=True)}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_set(*, plan: Plan, theme: Theme | None = None, plan_year: PlanYear | None = None, amount: Decimal | str, by=None) -> BudgetTarget:
    """Set, the first time, the share of the envelope meant for one theme or one plan year.

    Sums (theme targets, year targets) stay within the envelope. A target already set is
    changed only by a move (`target_move`), so its history keeps every change and its reason."""
    if (theme is None) == (plan_year is None):
        raise ValidationError(_("Une cible vise un enjeu ou une année du plan, pas les deux."))
    if (theme or plan_year).plan_id != plan.pk:
        raise ValidationError(_("Cet enjeu ou cette année n'appartient pas au plan."))
    amount = to_money(amount)
    if amount < 0:
        raise ValidationError({"amount": _("Une cible ne peut être négative.")})
    Plan.objects.select_for_update().get(pk=plan.pk)  # one target writer at a time per plan: the sums hold
    existing = BudgetTarget.objects.filter(plan=plan, theme=theme, plan_year=plan_year).first()
    if existing is not None:
        raise ValidationError(
            _("La cible de « %(what)s » est déjà fixée (%(amount)s) : pour la changer, faites une réaffectation avec son motif.")
            % {"what": theme.name if theme else plan_year.label, "amount": format_money(existing.amount, cents=True)}
        )
    _check_targets_fit(plan=plan, themes=amount if theme else ZERO, years=amount if plan_year else ZERO)
    target = BudgetTarget(plan=plan, theme=theme, plan_year=plan_year, amount=amount, created_by=by)
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def targets_set(*, plan: Plan, themes: dict | None = None, years: dict | None = None, by=None) -> list[BudgetTarget]:
    """Set several first targets at once (the targets page): {theme: amount}, {plan_year: amount}.

    The sums are checked for the whole form first, so the error shows the whole excess; nothing
    is saved when any one is refused."""
    themes, years = themes or {}, years or {}
    Plan.objects.select_for_update().get(pk=plan.pk)
    _check_targets_fit(
        plan=plan, themes=sum((to_money(a) for a in themes.values()), ZERO), years=sum((to_money(a) for a in years.values()), ZERO)
    )
    created = [target_set(plan=plan, theme=theme, amount=amount, by=by) for theme, amount in themes.items()]
    created += [target_set(plan=plan, plan_year=year, amount=amount, by=by) for year, amount in years.items()]
    return created


def target_current(target: BudgetTarget) -> Decimal:
    """The target now: its first amount, plus what was moved in, less what was moved out."""
    return BudgetTarget.objects.with_current().get(pk=target.pk).current


def year_uncommitted(target: BudgetTarget) -> Decimal:
    """What a year target leaves uncommitted: its current value less the commitments of that year."""
    committed = Commitment.objects.filter(plan_year_id=target.plan_year_id, source__plan_id=target.plan_id).aggregate(
        s=Sum(Commitment.CURRENT, default=ZERO)
    )["s"]
    return target_current(target) - committed


@transaction.atomic
def target_move(
    *, kind: str, from_target: BudgetTarget, to_target: BudgetTarget, amount: Decimal | str, moved_on: datetime.date,
    reason: str, by=None,
) -> TargetMove:
    """Move money from one target to another of the same kind, with a reason.

    A reallocation goes theme→theme or year→year, at most the from-target's current value.
    A carry-over goes from a year to the next year only, at most what that year left uncommitted
    (its current target less what is committed in that year). Both rows are locked in pk order,
    so two moves at once cannot take the same money twice."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de la réaffectation ou du report.")})
    amount = _positive(amount)
    if kind not in TargetMove.Kind.values:
        raise ValidationError({"kind": _("Choisissez une réaffectation ou un report.")})
    if from_target.pk == to_target.pk:
        raise ValidationError({"to_target": _("Choisissez deux cibles différentes.")})
    locked = {t.pk: t for t in BudgetTarget.objects.select_for_update().filter(pk__in=[from_target.pk, to_target.pk]).order_by("pk")}
    source, dest = locked[from_target.pk], locked[to_target.pk]
    if source.plan_id != dest.plan_id:
        raise ValidationError({"to_target": _("Les deux cibles doivent appartenir au même plan.")})
    if source.is_year != dest.is_year:
        raise ValidationError(
            {"to_target": _("On déplace de l'argent d'un enjeu vers un enjeu, ou d'une année vers une année, jamais de l'un vers l'autre.")}
        )
    if kind == TargetMove.Kind.CARRY_OVER:
        if not source.is_year:
            raise ValidationError({"kind": _("Un report va d'une année du plan à la suivante; entre enjeux, faites une réaffectation.")})
        if dest.plan_year.number != source.plan_year.number + 1:
            raise ValidationError(
                {"to_target": _("Un report va de l'année %(year)s à l'année suivante seulement.") % {"year": source.plan_year.label}}
            )
    current = target_current(source)
    if amount > current:
        raise ValidationError(
            {"amount": _("La cible « %(what)s » n'est plus que de %(current)s : impossible d'en déplacer %(amount)s.")
             % {"what": source.label, "current": format_money(current, cents=True), "amount": format_money(amount, cents=True)}}
        )
    if kind == TargetMove.Kind.CARRY_OVER:
        left = year_uncommitted(source)
        if amount > left:
            raise ValidationError(
                {"amount": _("L'année %(year)s laisse %(left)s non engagés : impossible d'en reporter %(amount)s.")
                 % {"year": source.plan_year.label, "left": format_money(max(left, ZERO), cents=True), "amount": format_money(amount, cents=True)}}
            )
    move = TargetMove(
        kind=kind, from_target=source, to_target=dest, amount=amount, moved_on=moved_on, reason=reason.strip(), created_by=by
    )
    move.full_clean()
    move.save()
    return move
# ---- agreements
# An accepted project's agreement (convention), its report schedule and its payment schedule.
# A planned payment is released through disbursement_create (same conditional UPDATE, so it can
# never over-pay) under a lock on the planned row, so two clicks never pay it twice.




@transaction.atomic
def agreement_create(
    *, project: ActionProject, signed_on: datetime.date, reference: str = "", note: str = "", by=None,
    at: datetime.datetime | None = None,
) -> Agreement:
    """Sign the agreement of an accepted project (one per project); the project becomes « Convention signée »."""
    caller = project
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if Agreement.objects.filter(project=project).exists():
        raise ValidationError({"project": _("Ce projet a déjà une convention.")})
    if project.status != ProjectStatus.ACCEPTED:
        raise ValidationError(
            {"project": _("On signe une convention seulement avec un projet accepté (statut actuel : %(status)s).")
             % {"status": project.get_status_display()}}
        )
    reference = (reference or "").strip()
    agreement = Agreement(project=project, signed_on=signed_on, reference=reference, note=(note or "").strip(), created_by=by)
    agreement.full_clean()
    agreement.save()
    if reference:
        comment = _("Convention « %(reference)s » signée %(date)s.") % {"reference": reference, "date": long_date(signed_on)}
    else:
        comment = _("Convention signée %(date)s.") % {"date": long_date(signed_on)}
    project_change_status(project=project, to_status=ProjectStatus.AGREEMENT_SIGNED, by=by, comment=comment, at=at)
    caller.status = project.status
    return agreement


@transaction.atomic
def report_deadline_add(*, agreement: Agreement, kind: str, due_on: datetime.date, label: str = "", by=None) -> ReportDeadline:
    """A report the agreement asks for by a date: a progress report, or the final report (one at most)."""
    # Lock the project: two coordinators adding a final report at once are served one after the other.
    ActionProject.objects.select_for_update().get(pk=agreement.project_id)
    deadline = ReportDeadline(
        project_id=agreement.project_id, kind=kind, due_on=due_on, label=(label or "").strip(), created_by=by
    )
    deadline.full_clean()
    deadline.save()
    return deadline


def _planned_unpaid(commitment: Commitment) -> Decimal:
    """What the active (not cancelled) planned payments of a commitment still have to pay."""
    return commitment.planned_payments.filter(cancelled_on__isnull=True, disbursement__isnull=True).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]


@transaction.atomic
def planned_payment_add(
    *, agreement: Agreement, commitment: Commitment, due_on: datetime.date, amount: Decimal | str,
    required_report: ReportDeadline | None = None, note: str = "", by=None,
) -> PlannedPayment:
    """Schedule a payment on one of the project's commitments, optionally waiting for a report.

    The unpaid planned payments of a commitment never exceed what remains to pay on it."""
    amount = _positive(amount)
    if commitment.project_id != agreement.project_id:
        raise ValidationError({"commitment": _("Cet engagement appartient à un autre projet.")})
    if required_report is not None and required_report.project_id != agreement.project_id:
        raise ValidationError({"required_report": _("Cette échéance de rapport appartient à un autre projet.")})
    # The lock serialises schedules drawn on the same commitment.
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    left = commitment.remaining - _planned_unpaid(commitment)
    if amount > left:
        raise ValidationError(
            {"amount": _("Il reste %(left)s à prévoir sur cet engagement : impossible de prévoir %(amount)s.")
             % {"left": format_money(max(left, ZERO), cents=True), "amount": format_money(amount, cents=True)}}
        )
    planned = PlannedPayment(
        agreement=agreement, commitment=commitment, due_on=due_on, amount=amount, required_report=required_report,
        note=(note or "").strip(), created_by=by,
    )
    planned.full_clean()
    planned.save()
    return planned


@transaction.atomic
def planned_payment_cancel(*, planned: PlannedPayment, on: datetime.date, reason: str, by=None) -> PlannedPayment:
    """Cancel a planned payment not yet paid, with its reason; the row stays in the schedule."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
    caller = planned
    planned = PlannedPayment.objects.select_for_update().get(pk=planned.pk)
    if planned.disbursement_id is not None:
        raise ValidationError(_("Ce versement a déjà été fait : il ne peut plus être annulé."))
    if planned.cancelled_on is not None:
        raise ValidationError(_("Ce versement prévu est déjà annulé."))
    planned.cancelled_on = on
    planned.cancel_reason = reason
    planned.full_clean()
    planned.save(update_fields=["cancelled_on", "cancel_reason"])
    caller.cancelled_on, caller.cancel_reason = planned.cancelled_on, planned.cancel_reason
    return planned


@transaction.atomic
def planned_payment_release(*, planned: PlannedPayment, paid_on: datetime.date, reference: str = "", by=None) -> Disbursement:
    """Pay a planned payment: refused while its report is not filed, if cancelled or already paid.

    The planned row is locked first: of two clicks at once, the second waits, then sees it paid."""
    caller = planned
    planned = PlannedPayment.objects.select_for_update().get(pk=planned.pk)
    if planned.cancelled_on is not None:
        raise ValidationError(_("Ce versement prévu est annulé : il ne peut pas être versé."))
    if planned.disbursement_id is not None:
        paid = Disbursement.objects.get(pk=planned.disbursement_id)
        raise ValidationError(_("Ce versement a déjà été fait %(date)s.") % {"date": long_date(paid.paid_on)})
    if planned.required_report_id is not None and not ProgressReport.objects.filter(deadline_id=planned.required_report_id).exists():
        deadline = ReportDeadline.objects.get(pk=planned.required_report_id)
        if deadline.kind == ReportDeadline.Kind.FINAL:
            message = _("Ce versement attend le rapport final dû %(date)s.")
        else:
            message = _("Ce versement attend le rapport d'étape dû %(date)s.")
        raise ValidationError(message % {"date": long_date(deadline.due_on)})
    commitment = Commitment.objects.get(pk=planned.commitment_id)
    disbursement = disbursement_create(
        commitment=commitment, amount=planned.amount, paid_on=paid_on, reference=(reference or "").strip(), by=by
    )
    planned.disbursement = disbursement
    planned.save(update_fields=["disbursement"])
    caller.disbursement = disbursement
    return disbursement
# ---------------------------------------------------------------- corrections of disbursements (ledger)


@transaction.atomic
def disbursement_correct(
    *,
    disbursement: Disbursement,
    delta: Decimal | str | None = None,
    new_amount: Decimal | str | None = None,
    corrected_on: datetime.date,
    reason: str,
    by=None,
) -> DisbursementCorrection:
    """Correct a disbursement by a new dated entry with its reason; the payment as recorded never changes.

    Give either `delta` (added, or taken away when negative) or `new_amount` (what was really paid).
    More money must fit in what is left of the commitment (the same conditional UPDATE as a payment);
    less money cannot make the payment negative (the disbursement row is locked meanwhile).
    """
    field = "new_amount" if new_amount is not None else "delta"
    if (delta is None) == (new_amount is None):
        raise ValidationError(_("Indiquez soit le nouveau montant du versement, soit l'écart à corriger."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    current = disbursement.current_amount
    if new_amount is not None:
        new_amount = to_money(new_amount)
        if new_amount < 0:
            raise ValidationError({field: _("Un versement ne peut pas être négatif.")})
        delta = new_amount - current
    else:
        delta = to_money(delta)
    if delta == 0:
        raise ValidationError({field: _("Cette correction ne change rien : le versement est déjà de %(current)s.")
                               % {"current": format_money(current, cents=True)}})
    commitment = disbursement.commitment
    if delta > 0:
        if not _add_within(Commitment, commitment.pk, total="disbursed_total", limit=F("amount") - F("reduced_total"), amount=delta):
            commitment.refresh_from_db()
            raise ValidationError(
                {field: _("Il reste %(left)s à verser sur cet engagement : impossible d'ajouter %(delta)s à ce versement.")
                 % {"left": format_money(commitment.remaining, cents=True), "delta": format_money(delta, cents=True)}}
            )
        if not _add_within(FundingSource, commitment.source_id, total="disbursed_total", limit="committed_total", amount=delta):
            # Cannot happen while every commitment respects its source; refuse rather than drift.
            raise ValidationError({field: _("Les versements dépasseraient les engagements de la source.")})
    else:
        if current + delta < 0:
            raise ValidationError(
                {field: _("Ce versement est de %(current)s : une correction ne peut pas retirer %(delta)s, il deviendrait négatif.")
                 % {"current": format_money(current, cents=True), "delta": format_money(-delta, cents=True)}}
            )
        Commitment.objects.filter(pk=commitment.pk).update(disbursed_total=Round(F("disbursed_total") + delta, 2))
        FundingSource.objects.filter(pk=commitment.source_id).update(disbursed_total=Round(F("disbursed_total") + delta, 2))
    Disbursement.objects.filter(pk=disbursement.pk).update(correction_total=Round(F("correction_total") + delta, 2))
    correction = DisbursementCorrection(
        disbursement=disbursement, delta=delta, corrected_on=corrected_on, reason=reason.strip(), created_by=by
    )
    correction.full_clean()
    correction.save()
    disbursement.refresh_from_db(fields=["correction_total"])
    return correction
