"""Writes of the agreements: an accepted project's agreement (convention), its report schedule and its payment
schedule. A planned payment is released through disbursement_create (same conditional UPDATE, so it can never
over-pay) under a lock on the planned row, so two clicks never pay it twice."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from asis.money import ZERO
from asis.templatetags.asis_format import format_money, long_date
from budget.models import Agreement, Commitment, Disbursement, PlannedPayment
from budget.services._common import commitment_plans_written, positive
from budget.services.ledger import disbursement_create
from projects.models import ActionProject, ProgressReport, ProjectStatus, ReportDeadline
from projects.services.status import project_change_status


@transaction.atomic
def agreement_create(
    *,
    project: ActionProject,
    signed_on: datetime.date,
    reference: str = "",
    note: str = "",
    by=None,
    at: datetime.datetime | None = None,
) -> Agreement:
    """Sign the agreement of an accepted project (one per project); the project becomes « Convention signée »."""
    caller = project
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if Agreement.objects.filter(project=project).exists():
        raise ValidationError({"project": _("Ce projet a déjà une convention.")})
    if project.status != ProjectStatus.ACCEPTED:
        raise ValidationError(
            {
                "project": _("On signe une convention seulement avec un projet accepté (statut actuel : %(status)s).")
                % {"status": project.get_status_display()}
            }
        )
    reference = (reference or "").strip()
    agreement = Agreement(
        project=project, signed_on=signed_on, reference=reference, note=(note or "").strip(), created_by=by
    )
    agreement.full_clean()
    agreement.save()
    if reference:
        comment = _("Convention « %(reference)s » signée %(date)s.") % {
            "reference": reference,
            "date": long_date(signed_on),
        }
    else:
        comment = _("Convention signée %(date)s.") % {"date": long_date(signed_on)}
    project_change_status(project=project, to_status=ProjectStatus.AGREEMENT_SIGNED, by=by, comment=comment, at=at)
    caller.status = project.status
    return agreement


@transaction.atomic
def report_deadline_add(
    *, agreement: Agreement, kind: str, due_on: datetime.date, label: str = "", by=None
) -> ReportDeadline:
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
    *,
    agreement: Agreement,
    commitment: Commitment,
    due_on: datetime.date,
    amount: Decimal | str,
    required_report: ReportDeadline | None = None,
    note: str = "",
    by=None,
) -> PlannedPayment:
    """Schedule a payment on one of the project's commitments, optionally waiting for a report.

    The unpaid planned payments of a commitment never exceed what remains to pay on it."""
    amount = positive(amount)
    if commitment.project_id != agreement.project_id:
        raise ValidationError({"commitment": _("Cet engagement appartient à un autre projet.")})
    if required_report is not None and required_report.project_id != agreement.project_id:
        raise ValidationError({"required_report": _("Cette échéance de rapport appartient à un autre projet.")})
    # The lock serialises schedules drawn on the same commitment; its source (not locked) gives the payment its plan.
    commitment = Commitment.objects.select_for_update(of=("self",)).select_related("source").get(pk=commitment.pk)
    left = commitment.remaining - _planned_unpaid(commitment)
    if amount > left:
        raise ValidationError(
            {
                "amount": _("Il reste %(left)s à prévoir sur cet engagement : impossible de prévoir %(amount)s.")
                % {"left": format_money(max(left, ZERO)), "amount": format_money(amount)}
            }
        )
    planned = PlannedPayment(
        agreement=agreement,
        commitment=commitment,
        due_on=due_on,
        amount=amount,
        required_report=required_report,
        note=(note or "").strip(),
        created_by=by,
    )
    planned.full_clean()
    planned.save()
    commitment_plans_written(planned.commitment_id)  # the envelope's forecast counts what is planned
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
    commitment_plans_written(planned.commitment_id)
    return planned


@transaction.atomic
def planned_payment_release(
    *, planned: PlannedPayment, paid_on: datetime.date, reference: str = "", by=None
) -> Disbursement:
    """Pay a planned payment: refused while its report is not filed, if cancelled or already paid.

    The planned row is locked first: of two clicks at once, the second waits, then sees it paid."""
    caller = planned
    planned = PlannedPayment.objects.select_for_update().get(pk=planned.pk)
    if planned.cancelled_on is not None:
        raise ValidationError(_("Ce versement prévu est annulé : il ne peut pas être versé."))
    if planned.disbursement_id is not None:
        paid = Disbursement.objects.get(pk=planned.disbursement_id)
        raise ValidationError(_("Ce versement a déjà été fait %(date)s.") % {"date": long_date(paid.paid_on)})
    if (
        planned.required_report_id is not None
        and not ProgressReport.objects.filter(deadline_id=planned.required_report_id).exists()
    ):
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
