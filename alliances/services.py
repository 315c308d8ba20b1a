"""Writes of the alliance: the roles people hold in it, granted and ended (never deleted)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.models import Alliance, AllianceRole
from organisations.models import User


@transaction.atomic
def alliance_role_grant(*, user: User, alliance: Alliance, role: str, by: User | None) -> AllianceRole:
    """Give `user` an open `role` in `alliance`; refused while they hold an open role there (end it first)."""
    # Grants to the same alliance wait for each other, so two of them cannot both pass the check below.
    Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
    granted = AllianceRole(user=user, alliance=alliance, role=role, granted_by=by)
    # The model's constraint refuses a second open role with its French message.
    granted.full_clean()
    granted._history_user = by
    granted.save()
    return granted


@transaction.atomic
def alliance_role_end(*, role: AllianceRole, by: User | None, on: datetime.date | None = None) -> AllianceRole:
    """End a role on `on` (today by default): the row stays, with its end date, for the record."""
    if role.ended_on is not None:
        raise ValidationError(_("Ce rôle est déjà terminé."))
    role.ended_on = on or timezone.localdate()
    try:
        role.full_clean()  # an end before the grant is refused by the model
    except ValidationError:
        role.ended_on = None  # refused: the role stays open, in memory as in the database
        raise
    role._history_user = by
    role.save(update_fields=["ended_on"])
    return role
