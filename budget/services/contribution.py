"""Writes of concertation as a contribution (issue 21, part 3): the hourly rate at which an alliance values its
partners' staff time at meetings, and the small payments that help citizens take part.

Both are shown by the bilan's meetings part and the envelope page: each write moves the `meetings` part of every
plan of the alliance (plans.versions.alliance_plans_written), so their cached figures are built again.

The support payments are drawn from the alliance's own operating money, recorded against one of its expense
categories (« Participation citoyenne » unless another is chosen), never from the envelope: no commitment, payment
or source total moves (`check_budget` stays green)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.money import to_money
from budget.models import ContributionRate, ParticipationSupport
from chantiers.models import Meeting, Space
from plans.versions import alliance_plans_written
from projects.models import ExpenseCategory

MEETINGS = ("meetings",)
PARTICIPATION_CATEGORY = "Participation citoyenne"  # the default category every alliance starts with (issue 20)
MAX_RATE = Decimal("999.99")  # an hourly rate beyond this is a typo (a day's or a year's pay)


def default_category(alliance_id: int) -> ExpenseCategory | None:
    """The alliance's « Participation citoyenne » category (active), None when it was renamed or archived."""
    return ExpenseCategory.objects.active().filter(alliance_id=alliance_id, name=PARTICIPATION_CATEGORY).first()


@transaction.atomic
def contribution_rate_set(*, alliance, hourly_rate, valid_from: datetime.date, by, note: str = "") -> ContributionRate:
    """Coordination sets the hourly rate of the valued time from a date: a new row; the earlier ones stay (history)."""
    rate = to_money(hourly_rate)
    if rate <= 0:
        raise ValidationError({"hourly_rate": _("Le taux horaire doit être plus grand que zéro.")})
    if rate > MAX_RATE:
        raise ValidationError({"hourly_rate": _("Un taux horaire de plus de 999,99 $ est sans doute une erreur.")})
    row = ContributionRate(alliance=alliance, hourly_rate=rate, valid_from=valid_from, note=note.strip(), set_by=by)
    row.full_clean()
    row.save()
    alliance_plans_written(alliance.pk, parts=MEETINGS)
    return row


@transaction.atomic
def participation_support_record(
    *,
    space: Space,
    paid_on: datetime.date,
    kind: str,
    amount,
    people: int,
    by,
    meeting: Meeting | None = None,
    category: ExpenseCategory | None = None,
) -> ParticipationSupport:
    """A payment that helped `people` citizens take part in `space` (at `meeting`, when given): no name (Law 25)."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être plus grand que zéro.")})
    if not isinstance(people, int) or people < 1:
        raise ValidationError({"people": _("Indiquez combien de personnes ce soutien a aidées (au moins une).")})
    if meeting is not None and meeting.space_id != space.pk:
        raise ValidationError({"meeting": _("Cette rencontre est celle d'un autre lieu de concertation.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Un soutien se consigne une fois payé : la date ne peut pas être future.")})
    category = category or default_category(space.alliance_id)
    if category is None:
        raise ValidationError({"category": _("Choisissez la catégorie de dépenses d'où ce soutien est payé.")})
    if category.alliance_id != space.alliance_id:
        raise ValidationError({"category": _("Cette catégorie de dépenses est celle d'une autre alliance.")})
    support = ParticipationSupport(
        space=space,
        meeting=meeting,
        category=category,
        paid_on=paid_on,
        kind=kind,
        amount=amount,
        people=people,
        created_by=by,
    )
    support.full_clean()
    support.save()
    alliance_plans_written(space.alliance_id, parts=MEETINGS)
    return support


@transaction.atomic
def participation_support_cancel(*, support: ParticipationSupport, reason: str, by) -> ParticipationSupport:
    """Cancels a support payment recorded by mistake: kept, with who cancelled it, when and why."""
    support = ParticipationSupport.objects.select_for_update().select_related("space").get(pk=support.pk)
    if support.is_cancelled:
        raise ValidationError(_("Ce soutien est déjà annulé."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Donnez le motif de l'annulation.")})
    support.cancelled_at = timezone.now()
    support.cancelled_by = by
    support.cancel_reason = reason
    support.full_clean()
    support.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    alliance_plans_written(support.space.alliance_id, parts=MEETINGS)
    return support
