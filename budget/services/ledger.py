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
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from asis.money import to_money
from asis.templatetags.asis_format import format_money
from budget.models import Commitment, CommitmentReduction, Disbursement, DisbursementCorrection, FundingSource
from budget.services._common import commitment_plans_written, positive, resolution_of_alliance
from figures import services as figures
from plans.models import PlanYear
from projects.models import ActionProject, ProjectStatus, Resolution

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def _figures_add(commitment: Commitment, project: ActionProject, **deltas) -> None:
    """Add to the plan's kept money (figures.PlanMoney) of the commitment's source, year, project theme and status,
    in the caller's transaction; the caller holds the project's lock, so its status cannot move meanwhile."""
    figures.money_add(
        plan_id=commitment.plan_year.plan_id,  # a commitment's year is one of its source's plan (commitment_create)
        theme_id=project.theme_id,
        plan_year_id=commitment.plan_year_id,
        source_id=commitment.source_id,
        status=project.status,
        **deltas,
    )


def _figures_day(commitment: Commitment, project: ActionProject, *, date: datetime.date, **deltas) -> None:
    """What the project's theme was committed or paid on `date` (figures.ThemeMoney: the bilan's money of any
    period), after the plan's other money rows: one order for every writer."""
    figures.theme_money_add(
        theme_id=project.theme_id,
        plan_year_id=commitment.plan_year_id,
        source_id=commitment.source_id,
        date=date,
        **deltas,
    )


def _figures_paid(
    commitment: Commitment, project: ActionProject, *, paid_on: datetime.date, paid: Decimal, on: datetime.date
) -> None:
    """A payment made or corrected: its plan's kept money (`_figures_add`), then what the plan paid that day
    (figures.PlanPayments: the payments per quarter, a correction on the day of its payment), then what the theme
    was paid on day `on` (the payment's, or the correction's own: `_figures_day`), in that order for every writer."""
    _figures_add(commitment, project, paid=paid)
    figures.payments_add(plan_id=commitment.plan_year.plan_id, date=paid_on, paid=paid)
    _figures_day(commitment, project, date=on, paid=paid)


def _project_committed_add(project_pk: int, amount: Decimal) -> None:
    """Add `amount` (negative: a reduction) to the project's kept `committed_total`, in the caller's transaction and
    under its lock on the project (« À traiter » reads it for the money left to commit; check_figures recomputes
    it). ROUND(…, 2): SQLite adds decimals in binary floating point."""
    ActionProject.objects.filter(pk=project_pk).update(
        committed_total=Round(F("committed_total") + Value(amount, output_field=MONEY_FIELD), 2)
    )


def _add_within(model, pk, *, total: str, limit, amount: Decimal) -> bool:
    """Add `amount` to the running `total` of one row only if it stays within `limit`.

    One UPDATE ... WHERE: atomic on both databases. ROUND(…, 2) keeps SQLite, which stores
    decimals as binary floating point, from refusing an exact fit such as 0,10 $ + 0,20 $.
    """
    after = Round(F(total) + Value(amount, output_field=MONEY_FIELD), 2)
    # The limit is rounded too: on SQLite 500,00 − 375,73 is 124,26999…, which would refuse an exact fit.
    limit = Round(F(limit) if isinstance(limit, str) else limit, 2)
    return bool(model.objects.filter(pk=pk).alias(after=after).filter(after__lte=limit).update(**{total: after}))


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
    carried_from: Commitment | None = None,
    resolution: Resolution,
) -> Commitment:
    """Commit `amount` of `source` to an accepted project for one plan year, by the board's `resolution` (of the
    source's alliance, else refused). `carried_from`: the commitment of the previous plan
    whose remaining amount this one carries (budget.services.carry, which reduces that one)."""
    amount = positive(amount)
    resolution = resolution_of_alliance(
        resolution,
        alliance_id=FundingSource.objects.filter(pk=source.pk).values_list("plan__alliance_id", flat=True).get(),
    )
    # The rule applies to the project's current status, under a lock: a project withdrawn
    # by someone else a moment ago receives nothing.
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if not project.is_fundable:
        raise ValidationError(
            {
                "project": _(
                    "On n'engage de l'argent qu'envers un projet accepté ou en cours (statut actuel : %(status)s)."
                )
                % {"status": project.get_status_display()}
            }
        )
    if plan_year.plan_id != source.plan_id:
        raise ValidationError({"plan_year": _("Cette année n'appartient pas au plan de cette source.")})
    # An alliance's envelope funds its own projects only (a project carried to the next plan stays in its alliance).
    if not ActionProject.objects.filter(pk=project.pk, theme__plan__alliance__plans=source.plan_id).exists():
        raise ValidationError({"project": _("Ce projet n'appartient pas à l'alliance de cette source.")})

    if not _add_within(FundingSource, source.pk, total="committed_total", limit="amount", amount=amount):
        source.refresh_from_db()
        raise ValidationError(
            {
                "amount": _("Il reste %(left)s dans la source « %(source)s » : impossible d'engager %(amount)s.")
                % {
                    "left": format_money(source.remaining),
                    "source": source.name,
                    "amount": format_money(amount),
                }
            }
        )
    commitment = Commitment(
        source=source,
        project=project,
        plan_year=plan_year,
        amount=amount,
        decided_on=decided_on,
        resolution=resolution,
        reference=reference or (resolution.number if not resolution.is_reconstructed else ""),
        note=note,
        created_by=by,
        carried_from=carried_from,
    )
    commitment.full_clean()
    # The project's first commitment from this plan's sources counts it among the plan's funded projects.
    first = not Commitment.objects.filter(project=project, source__plan_id=source.plan_id).exists()
    commitment.save()
    _figures_add(commitment, project, committed=amount, commitments=1, projects=int(first))
    _figures_day(commitment, project, date=commitment.decided_on, committed=amount)
    _project_committed_add(project.pk, amount)
    source.refresh_from_db(fields=["committed_total", "disbursed_total"])
    commitment_plans_written(commitment.pk, on=commitment.decided_on)
    return commitment


@transaction.atomic
def disbursement_create(
    *, commitment: Commitment, amount: Decimal | str, paid_on: datetime.date, reference: str = "", by=None
) -> Disbursement:
    amount = positive(amount)
    # Locked in the same order as commitment_create (project, then totals): a project withdrawn
    # a moment ago by someone else receives nothing more.
    project = ActionProject.objects.select_for_update().get(pk=commitment.project_id)
    if project.status in (ProjectStatus.WITHDRAWN, ProjectStatus.REFUSED):
        raise ValidationError(
            {"amount": _("On ne verse rien à un projet « %(status)s ».") % {"status": project.get_status_display()}}
        )
    if not _add_within(
        Commitment, commitment.pk, total="disbursed_total", limit=F("amount") - F("reduced_total"), amount=amount
    ):
        commitment.refresh_from_db()
        raise ValidationError(
            {
                "amount": _("Il reste %(left)s à verser sur cet engagement : impossible de verser %(amount)s.")
                % {"left": format_money(commitment.remaining), "amount": format_money(amount)}
            }
        )
    if not _add_within(
        FundingSource, commitment.source_id, total="disbursed_total", limit="committed_total", amount=amount
    ):
        # Cannot happen while every commitment respects its source; refuse rather than drift.
        raise ValidationError({"amount": _("Les versements dépasseraient les engagements de la source.")})
    disbursement = Disbursement(
        commitment=commitment, amount=amount, paid_on=paid_on, reference=reference, created_by=by
    )
    disbursement.full_clean()
    disbursement.save()
    _figures_paid(commitment, project, paid_on=disbursement.paid_on, paid=amount, on=disbursement.paid_on)
    commitment.refresh_from_db(fields=["disbursed_total"])
    commitment_plans_written(commitment.pk, on=disbursement.paid_on)
    return disbursement


@transaction.atomic
def commitment_reduce(
    *,
    commitment: Commitment,
    amount: Decimal | str | None,
    reduced_on: datetime.date,
    reason: str,
    cancel: bool = False,
    by=None,
    resolution: Resolution,
) -> CommitmentReduction:
    """Reduce a commitment, or cancel what is left of it (`cancel=True`), by a new dated entry with a reason and
    the board's `resolution` (of the commitment's alliance, else refused).

    The money goes back to its source. What was already paid stays committed."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de la réduction ou de l'annulation.")})
    resolution = resolution_of_alliance(
        resolution,
        alliance_id=Commitment.objects.filter(pk=commitment.pk)
        .values_list("source__plan__alliance_id", flat=True)
        .get(),
    )
    # The project first, as every write of money locks it (its status keys the plan's kept money).
    project = ActionProject.objects.select_for_update().get(pk=commitment.project_id)
    commitment.refresh_from_db(fields=["amount", "reduced_total", "disbursed_total"])
    if cancel:
        amount = commitment.remaining
        if amount <= 0:
            raise ValidationError({"amount": _("Il ne reste rien à annuler sur cet engagement.")})
    else:
        amount = positive(amount)
    if not _add_within(
        Commitment, commitment.pk, total="reduced_total", limit=F("amount") - F("disbursed_total"), amount=amount
    ):
        commitment.refresh_from_db()
        raise ValidationError(
            {
                "amount": _("On ne peut retirer que ce qui n'est pas versé : %(left)s au plus.")
                % {"left": format_money(commitment.remaining)}
            }
        )
    FundingSource.objects.filter(pk=commitment.source_id).update(
        committed_total=Round(F("committed_total") - amount, 2)
    )
    reduction = CommitmentReduction(
        commitment=commitment,
        amount=amount,
        reduced_on=reduced_on,
        reason=reason.strip(),
        is_cancellation=cancel,
        resolution=resolution,
        created_by=by,
    )
    reduction.full_clean()
    reduction.save()
    _figures_add(commitment, project, committed=-amount)
    # the bilan counts a commitment as reduced on the day it was decided
    _figures_day(commitment, project, date=commitment.decided_on, committed=-amount)
    _project_committed_add(project.pk, -amount)
    commitment.refresh_from_db(fields=["reduced_total"])
    commitment_plans_written(commitment.pk)
    return reduction


# ---- corrections of disbursements


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
    # The project first, as every write of money locks it (its status keys the plan's kept money).
    project = ActionProject.objects.select_for_update().get(
        pk=Disbursement.objects.filter(pk=disbursement.pk).values("commitment__project_id")[:1]
    )
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
        raise ValidationError(
            {
                field: _("Cette correction ne change rien : le versement est déjà de %(current)s.")
                % {"current": format_money(current)}
            }
        )
    commitment = disbursement.commitment
    if delta > 0:
        if not _add_within(
            Commitment, commitment.pk, total="disbursed_total", limit=F("amount") - F("reduced_total"), amount=delta
        ):
            commitment.refresh_from_db()
            raise ValidationError(
                {
                    field: _(
                        "Il reste %(left)s à verser sur cet engagement : impossible d'ajouter %(delta)s à ce versement."
                    )
                    % {"left": format_money(commitment.remaining), "delta": format_money(delta)}
                }
            )
        if not _add_within(
            FundingSource, commitment.source_id, total="disbursed_total", limit="committed_total", amount=delta
        ):
            # Cannot happen while every commitment respects its source; refuse rather than drift.
            raise ValidationError({field: _("Les versements dépasseraient les engagements de la source.")})
    else:
        if current + delta < 0:
            raise ValidationError(
                {
                    field: _(
                        "Ce versement est de %(current)s : une correction ne peut pas retirer %(delta)s, il deviendrait négatif."
                    )
                    % {"current": format_money(current), "delta": format_money(-delta)}
                }
            )
        Commitment.objects.filter(pk=commitment.pk).update(disbursed_total=Round(F("disbursed_total") + delta, 2))
        FundingSource.objects.filter(pk=commitment.source_id).update(
            disbursed_total=Round(F("disbursed_total") + delta, 2)
        )
    Disbursement.objects.filter(pk=disbursement.pk).update(correction_total=Round(F("correction_total") + delta, 2))
    correction = DisbursementCorrection(
        disbursement=disbursement, delta=delta, corrected_on=corrected_on, reason=reason.strip(), created_by=by
    )
    correction.full_clean()
    correction.save()
    _figures_paid(commitment, project, paid_on=disbursement.paid_on, paid=delta, on=correction.corrected_on)
    disbursement.refresh_from_db(fields=["correction_total"])
    commitment_plans_written(disbursement.commitment_id, on=correction.corrected_on)
    return correction
