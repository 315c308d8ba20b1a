"""Change requests and amendments (issue 20, part 4): the lead of a project under agreement asks for new dates, moves
between its budget lines, a new scope or new indicator targets, with its reason; Coordination accepts or refuses
with its reason; an accepted request amends the agreement (AgreementAmendment: its next version, the terms before
and after kept, so every version stays readable).

The rule for line moves, kept here and checked again when the request is accepted (the lines may have changed
between the two): a move takes an amount, to the cent, from an existing line of the project (category × plan year)
and gives it to another (existing or new; an open category of the alliance, a year of the project's plan). So the
project's total (`amount_requested`, the sum of its lines) never changes; no line may go below zero; and each plan
year keeps at least what is committed to the project for that year (its commitments of that year less their
reductions): money may leave a year only as far as that year's lines stay above its commitments, so every committed
dollar keeps a line behind it. A move that breaks any of these is refused in French and nothing is saved.

The alliance's threshold (ChangeSettings.auto_accept_percent): a request made of line moves only, moving in all at
most that percentage of the project's total, is applied at once (AUTO_ACCEPTED) and logged like any other; 0 means
every request is reviewed.

Applying writes through the project's own service (`project_save_draft`: the lines, the year amounts, the total,
the dates and the scope in one save, its history kept by ChangeHistory) and the indicators' rows, in the request's
transaction, under the project's lock."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.money import CENT, ZERO, to_money
from asis.templatetags.asis_format import format_money, long_date
from budget.models import (
    Agreement,
    AgreementAmendment,
    ChangeRequest,
    ChangeRequestMove,
    ChangeRequestTarget,
    ChangeSettings,
    Commitment,
)
from projects.models import ActionProject, Indicator, ProjectBudgetLine, ProjectStatus
from projects.services.filing import project_save_draft

HUNDRED = Decimal("100")
# A change is asked for a project under agreement whose work is not over: once completed, its terms are history.
CHANGEABLE = (ProjectStatus.AGREEMENT_SIGNED, ProjectStatus.IN_PROGRESS)


def auto_accept_percent(alliance_id: int) -> Decimal:
    """The alliance's threshold (0 when its Coordination never set one). One query."""
    value = ChangeSettings.objects.filter(alliance_id=alliance_id).values_list("auto_accept_percent", flat=True).first()
    return ZERO if value is None else value


@transaction.atomic
def change_settings_save(*, alliance, auto_accept_percent) -> ChangeSettings:
    """Coordination sets its alliance's threshold (a percentage from 0 to 100)."""
    settings, _created = ChangeSettings.objects.select_for_update().get_or_create(alliance=alliance)
    settings.auto_accept_percent = auto_accept_percent
    settings.full_clean()
    settings.save()
    return settings


def _lines_of(project) -> dict:
    """{(category, plan year): amount} of the project's lines, as budget_lines_checked takes them. One query."""
    return {
        (line.category, line.plan_year): line.amount
        for line in ProjectBudgetLine.objects.filter(project=project).select_related("category", "plan_year")
    }


def _committed_by_year(project) -> dict:
    """{plan year id: what is committed to the project for it now}. One query."""
    rows = (
        Commitment.objects.filter(project=project)
        .order_by()
        .values("plan_year_id")
        .annotate(total=Sum(F("amount") - F("reduced_total")))
    )
    return {row["plan_year_id"]: row["total"] for row in rows}


def lines_after_moves(project, moves) -> dict:
    """The project's lines once `moves` are made ({(category, year): amount}, the zero ones left out), or a French
    ValidationError (nothing saved): see the module's rule."""
    if not moves:
        return _lines_of(project)
    lines = {(c.pk, y.pk): amount for (c, y), amount in _lines_of(project).items()}
    if not lines:
        raise ValidationError({"moves": _("Ce projet n'a pas de lignes budgétaires : il n'y a rien à déplacer.")})
    objects = {(c.pk, y.pk): (c, y) for (c, y) in _lines_of(project)}
    plan_id = project.theme.plan_id
    alliance_id = project.theme.plan.alliance_id
    before_total = sum(lines.values(), ZERO)
    for move in moves:
        amount = move["amount"]
        source = (move["from_category"].pk, move["from_year"].pk)
        target = (move["to_category"].pk, move["to_year"].pk)
        if amount is None or amount <= 0:
            raise ValidationError({"moves": _("Le montant déplacé doit être supérieur à zéro.")})
        if amount != amount.quantize(CENT):
            raise ValidationError({"moves": _("Un montant se donne au cent près.")})
        if source == target:
            raise ValidationError({"moves": _("Un déplacement va d'une ligne à une autre ligne.")})
        if source not in lines:
            raise ValidationError(
                {
                    "moves": _("Le projet n'a pas de ligne « %(category)s » en %(year)s.")
                    % {"category": move["from_category"].name, "year": move["from_year"].label}
                }
            )
        category, year = move["to_category"], move["to_year"]
        if category.alliance_id != alliance_id:
            raise ValidationError({"moves": _("Cette catégorie de dépenses appartient à une autre alliance.")})
        if category.archived and target not in lines:
            raise ValidationError(
                {
                    "moves": _("La catégorie « %(name)s » est archivée : choisissez-en une autre.")
                    % {"name": category.name}
                }
            )
        if year.plan_id != plan_id:
            raise ValidationError({"moves": _("Cette année n'est pas une année du plan du projet.")})
        if lines[source] - amount < 0:
            raise ValidationError(
                {
                    "moves": _(
                        "La ligne « %(category)s » (%(year)s) n'a que %(left)s : impossible d'en retirer %(amount)s."
                    )
                    % {
                        "category": move["from_category"].name,
                        "year": move["from_year"].label,
                        "left": format_money(lines[source]),
                        "amount": format_money(amount),
                    }
                }
            )
        lines[source] -= amount
        lines[target] = lines.get(target, ZERO) + amount
        objects.setdefault(target, (category, year))
    after_total = sum(lines.values(), ZERO)
    if after_total != before_total:  # cannot happen by construction; said so that a slip is never saved
        raise ValidationError({"moves": _("Ces déplacements changeraient le total du projet.")})
    by_year: dict = {}
    for (_category_id, year_id), amount in lines.items():
        by_year[year_id] = by_year.get(year_id, ZERO) + amount
    years = {year.pk: year for (_c, year) in objects.values()}
    for year_id, committed in _committed_by_year(project).items():
        if by_year.get(year_id, ZERO) < committed:
            year = years.get(year_id)
            raise ValidationError(
                {
                    "moves": _(
                        "%(committed)s sont engagés pour %(year)s : les lignes de cette année ne peuvent pas "
                        "descendre à %(left)s."
                    )
                    % {
                        "committed": format_money(committed),
                        "year": year.label if year else year_id,
                        "left": format_money(by_year.get(year_id, ZERO)),
                    }
                }
            )
    return {objects[key]: amount for key, amount in lines.items() if amount}


def terms_of(project) -> dict:
    """The terms an amendment can change, as plain strings (kept in AgreementAmendment): dates, scope, lines by
    year and category, indicator targets, the total. Two queries."""
    lines = sorted(_lines_of(project).items(), key=lambda item: (item[0][1].number, item[0][0].order, item[0][0].pk))
    return {
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "scope": project.description,
        "lines": [[year.label, category.name, f"{amount:.2f}"] for (category, year), amount in lines],
        "targets": [
            [indicator.name, None if indicator.target is None else f"{indicator.target:.2f}"]
            for indicator in Indicator.objects.filter(project=project).order_by("order", "pk")
        ],
        "total": f"{project.amount_requested:.2f}",
    }


def _check_dates(project, start, end, *, clear_end: bool = False) -> None:
    start = start or project.start_date
    end = None if clear_end else (end or project.end_date)
    if start and end and end < start:
        raise ValidationError({"new_end_date": _("La fin du projet ne peut pas précéder son début.")})


def _moved_total(moves) -> Decimal:
    return sum((move["amount"] for move in moves), ZERO)


@transaction.atomic
def change_request_create(
    *,
    agreement: Agreement,
    by,
    reason: str,
    new_start_date: datetime.date | None = None,
    new_end_date: datetime.date | None = None,
    clear_end_date: bool = False,
    clear_start_date: bool = False,
    new_scope: str = "",
    moves: list | None = None,
    targets: dict | None = None,
) -> ChangeRequest:
    """The lead asks for a change to its agreement. `moves`: [{from_category, from_year, to_category, to_year,
    amount}]; `targets`: {Indicator: new target or None (remove the target)}, only those that change;
    `clear_end_date`: remove the end date (`clear_start_date` is refused: a project under agreement keeps its start).
    Checked as the acceptance will check it; a request of moves alone within the alliance's threshold is applied at
    once (AUTO_ACCEPTED)."""
    project = ActionProject.objects.select_for_update().select_related("theme__plan").get(pk=agreement.project_id)
    reason = (reason or "").strip()
    new_scope = (new_scope or "").strip()
    moves = [dict(move, amount=to_money(move["amount"])) for move in (moves or [])]
    targets = {indicator: target for indicator, target in (targets or {}).items() if target != indicator.target}
    if project.status not in CHANGEABLE:
        raise ValidationError(
            _("On demande une modification pour un projet sous convention, pas encore terminé (statut : %(status)s).")
            % {"status": project.get_status_display()}
        )
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la demande.")})
    if new_start_date == project.start_date:
        new_start_date = None
    if new_end_date == project.end_date:
        new_end_date = None
    if new_scope == project.description.strip():
        new_scope = ""
    if clear_start_date:
        raise ValidationError(
            {
                "new_start_date": _(
                    "Un projet sous convention garde sa date de début : on ne peut pas la retirer, seulement la changer."
                )
            }
        )
    if clear_end_date and new_end_date:
        raise ValidationError({"new_end_date": _("Retirez la date de fin ou indiquez-en une nouvelle, pas les deux.")})
    if clear_end_date and project.end_date is None:
        raise ValidationError({"new_end_date": _("Le projet n'a pas de date de fin : il n'y a rien à retirer.")})
    if not (new_start_date or new_end_date or clear_end_date or new_scope or moves or targets):
        raise ValidationError(_("La demande ne change rien : indiquez au moins une modification."))
    if any(indicator.project_id != project.pk for indicator in targets):
        raise ValidationError({"targets": _("Cet indicateur appartient à un autre projet.")})
    if any(target is not None and target < 0 for target in targets.values()):
        raise ValidationError({"targets": _("Une cible ne peut pas être négative.")})
    _check_dates(project, new_start_date, new_end_date, clear_end=clear_end_date)
    lines_after_moves(project, moves)
    request = ChangeRequest(
        agreement=agreement,
        project=project,
        new_start_date=new_start_date,
        new_end_date=new_end_date,
        clear_end_date=bool(clear_end_date),
        new_scope=new_scope,
        reason=reason,
        asked_by=by,
    )
    request.full_clean()
    request.save()
    for move in moves:
        row = ChangeRequestMove(change_request=request, **move)
        row.full_clean()
        row.save()
    for indicator, target in targets.items():
        ChangeRequestTarget.objects.create(change_request=request, indicator=indicator, new_target=target)
    only_moves = moves and not (new_start_date or new_end_date or clear_end_date or new_scope or targets)
    percent = auto_accept_percent(project.theme.plan.alliance_id)
    if only_moves and percent > 0 and _moved_total(moves) * HUNDRED <= percent * project.amount_requested:
        share = (_moved_total(moves) * HUNDRED / project.amount_requested).quantize(Decimal("0.1"))
        _apply(
            request,
            project=project,
            status=ChangeRequest.Status.AUTO_ACCEPTED,
            by=None,
            reason=_(
                "Acceptée sans examen : %(share)s %% du total déplacé, au plus %(percent)s %% fixés par l'alliance."
            )
            % {"share": share, "percent": percent.normalize()},
        )
    return request


def _moves_of(request) -> list:
    return [
        {
            "from_category": move.from_category,
            "from_year": move.from_year,
            "to_category": move.to_category,
            "to_year": move.to_year,
            "amount": move.amount,
        }
        for move in request.moves.select_related("from_category", "from_year", "to_category", "to_year")
    ]


def _number(value: Decimal) -> str:
    """A target as French writes it: 60, 12,5."""
    return format(value.normalize(), "f").replace(".", ",")


def summary_of(request) -> str:
    """What the request changes, in one French text (the amendment's « ce qui change »)."""
    parts = []
    if request.new_start_date:
        parts.append(_("Début : %(date)s.") % {"date": long_date(request.new_start_date)})
    if request.new_end_date:
        parts.append(_("Fin : %(date)s.") % {"date": long_date(request.new_end_date)})
    if request.clear_end_date:
        parts.append(_("Fin : retirée (aucune)."))
    if request.new_scope:
        parts.append(_("Nouvelle description du projet."))
    for move in _moves_of(request):
        parts.append(
            _("%(amount)s de « %(from)s » (%(from_year)s) vers « %(to)s » (%(to_year)s).")
            % {
                "amount": format_money(move["amount"]),
                "from": move["from_category"].name,
                "from_year": move["from_year"].label,
                "to": move["to_category"].name,
                "to_year": move["to_year"].label,
            }
        )
    for row in request.targets.select_related("indicator"):
        parts.append(
            _("Cible de « %(indicator)s » : %(target)s.")
            % {
                "indicator": row.indicator.name,
                "target": _("retirée (aucune)") if row.new_target is None else _number(row.new_target),
            }
        )
    return " ".join(parts)


def _apply(request: ChangeRequest, *, project, status, by, reason: str) -> AgreementAmendment:
    """Make the change (project locked by the caller) and the agreement's next version."""
    before = terms_of(project)
    moves = _moves_of(request)
    fields = {}
    if request.new_start_date:
        fields["start_date"] = request.new_start_date
    if request.new_end_date:
        fields["end_date"] = request.new_end_date
    if request.clear_end_date:
        fields["end_date"] = None
    if request.new_scope:
        fields["description"] = request.new_scope
    _check_dates(project, request.new_start_date, request.new_end_date, clear_end=request.clear_end_date)
    if moves:
        fields["budget_lines"] = lines_after_moves(project, moves)
    if fields:
        project_save_draft(by=by, project=project, **fields)
    for row in request.targets.select_related("indicator"):
        indicator = Indicator.objects.select_for_update().get(pk=row.indicator_id)
        indicator.target = row.new_target
        indicator.full_clean()
        indicator.save()
    project.refresh_from_db()
    request.status = status
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    number = AgreementAmendment.objects.filter(agreement_id=request.agreement_id).count() + 1
    amendment = AgreementAmendment(
        agreement_id=request.agreement_id,
        number=number,
        change_request=request,
        made_on=timezone.localdate(),
        summary=summary_of(request),
        terms_before=before,
        terms_after=terms_of(project),
    )
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def change_request_decide(*, request: ChangeRequest, accept: bool, reason: str, by) -> ChangeRequest:
    """Coordination accepts (the change is made and the agreement amended) or refuses a pending request, with its
    reason. An acceptance checks the moves again against the lines as they are now."""
    project = ActionProject.objects.select_for_update().select_related("theme__plan").get(pk=request.project_id)
    caller = request
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    reason = (reason or "").strip()
    if not request.is_pending:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la décision.")})
    if accept:
        _apply(request, project=project, status=ChangeRequest.Status.ACCEPTED, by=by, reason=reason)
    else:
        request.status = ChangeRequest.Status.REFUSED
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_reason = reason
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    caller.status, caller.decided_by, caller.decided_at, caller.decision_reason = (
        request.status,
        request.decided_by,
        request.decided_at,
        request.decision_reason,
    )
    return request
