"""What the budget's writes share."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from asis.money import to_money
from budget.models import Commitment
from plans.versions import plan_written


def positive(amount) -> Decimal:
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être supérieur à zéro.")})
    return amount


def commitment_plans_written(commitment_id: int) -> None:
    """Money of a commitment moved (committed, reduced, paid, corrected, carried): the plans whose figures show it,
    its source's and its project's (the same but for a commitment carried into the next plan), move their version
    (plans.versions) once the transaction commits. One query."""
    plans = Commitment.objects.filter(pk=commitment_id).values_list("source__plan_id", "project__theme__plan_id")
    for plan_id in set(plans.first() or ()):
        plan_written(plan_id)
