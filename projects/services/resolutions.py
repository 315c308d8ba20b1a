"""Writes of the board's resolutions (« résolutions du conseil d'administration »): Coordination records one with
its quorum, who was present and the conflicts declared; the money (budget.services) and the board decisions on
projects (projects.services.review) point to one. A resolution is never deleted."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Resolution, ResolutionConflict


@transaction.atomic
def resolution_create(
    *,
    alliance,
    number: str,
    decided_on: datetime.date | None,
    quorum: int | None,
    members_present: str = "",
    citizens_present: int | None = 0,
    subject: str = "",
    conflicts: list[dict] | None = None,
    by=None,
) -> Resolution:
    """Record a resolution of `alliance`'s board. `members_present`: names, one per line (at least the quorum);
    `citizens_present`: a count, never names (Law 25); `conflicts`: [{person, organisation, concerns, recused}]."""
    errors = {}
    number = (number or "").strip()
    if not number:
        errors["number"] = _("Indiquez le numéro de la résolution.")
    elif Resolution.objects.filter(alliance=alliance, number__iexact=number).exists():
        errors["number"] = _("La résolution %(number)s existe déjà dans cette alliance.") % {"number": number}
    if decided_on is None:
        errors["decided_on"] = _("Indiquez la date de la résolution.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("La date de la résolution ne peut pas être dans le futur.")
    if quorum is None or quorum < 1:
        errors["quorum"] = _("Indiquez le quorum : le nombre de membres requis, au moins un.")
    if citizens_present is None or citizens_present < 0:
        errors["citizens_present"] = _("Indiquez le nombre de citoyennes et citoyens présents (zéro ou plus).")
    resolution = Resolution(
        alliance=alliance,
        number=number,
        decided_on=decided_on,
        subject=(subject or "").strip(),
        quorum=quorum or 0,
        members_present="\n".join(line.strip() for line in (members_present or "").splitlines() if line.strip()),
        citizens_present=citizens_present or 0,
        recorded_by=by,
    )
    if "quorum" not in errors and not resolution.has_quorum:
        errors["members_present"] = _(
            "Le quorum n'est pas atteint : %(present)s membre(s) présent(s) pour un quorum de %(quorum)s."
        ) % {"present": resolution.members_count, "quorum": quorum}
    rows = []
    for conflict in conflicts or []:
        person = (conflict.get("person") or "").strip()
        concerns = (conflict.get("concerns") or "").strip()
        if not person and not concerns:
            continue
        if not person or not concerns:
            errors.setdefault(
                "conflicts", _("Pour chaque conflit d'intérêts, indiquez le membre et ce qu'il concerne.")
            )
            continue
        rows.append(
            ResolutionConflict(
                person=person,
                organisation=(conflict.get("organisation") or "").strip(),
                concerns=concerns,
                recused=bool(conflict.get("recused", True)),
            )
        )
    if errors:
        raise ValidationError(errors)
    resolution.full_clean()
    try:
        with transaction.atomic():
            resolution.save()
    except IntegrityError:  # the same number recorded a moment ago by someone else
        raise ValidationError(
            {"number": _("La résolution %(number)s existe déjà dans cette alliance.") % {"number": number}}
        ) from None
    for row in rows:
        row.resolution = resolution
        row.full_clean()
    ResolutionConflict.objects.bulk_create(rows)
    return resolution


def resolution_for_number(*, alliance_id: int, number: str, decided_on: datetime.date, by=None) -> Resolution:
    """The alliance's resolution of this number, made (without presences) when it is not recorded yet: a board
    decision on a project names its resolution by its number (projects.services.review)."""
    resolution = Resolution.objects.filter(alliance_id=alliance_id, number__iexact=number.strip()).first()
    if resolution is None:
        resolution = Resolution.objects.create(
            alliance_id=alliance_id, number=number.strip(), decided_on=decided_on, recorded_by=by
        )
    return resolution
