"""Writes of the targets: the share of the envelope meant for each theme and each plan year. A target is set
once; afterwards money moves between targets of the same kind by a TargetMove with its reason."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from asis.money import ZERO, to_money
from asis.templatetags.asis_format import format_money
from budget.models import BudgetTarget, FundingSource, TargetMove
from budget.selectors.targets import target_current, year_uncommitted
from budget.services._common import positive, resolution_of_alliance
from plans.models import Plan, PlanYear, Theme
from plans.versions import plan_written
from projects.models import Resolution


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
        (
            existing["themes"] + themes,
            _("La somme des cibles par enjeu (%(total)s) dépasserait l'enveloppe (%(envelope)s) de %(excess)s."),
        ),
        (
            existing["years"] + years,
            _("La somme des cibles par année (%(total)s) dépasserait l'enveloppe (%(envelope)s) de %(excess)s."),
        ),
    ):
        if total > envelope:
            errors.append(
                message
                % {
                    "total": format_money(total),
                    "envelope": format_money(envelope),
                    "excess": format_money(total - envelope),
                }
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_set(
    *, plan: Plan, theme: Theme | None = None, plan_year: PlanYear | None = None, amount: Decimal | str, by=None
) -> BudgetTarget:
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
            _(
                "La cible de « %(what)s » est déjà fixée (%(amount)s) : pour la changer, faites une réaffectation avec son motif."
            )
            % {"what": theme.name if theme else plan_year.label, "amount": format_money(existing.amount)}
        )
    _check_targets_fit(plan=plan, themes=amount if theme else ZERO, years=amount if plan_year else ZERO)
    target = BudgetTarget(plan=plan, theme=theme, plan_year=plan_year, amount=amount, created_by=by)
    target.full_clean()
    target.save()
    plan_written(plan.pk, parts=("money",))
    return target


@transaction.atomic
def targets_set(*, plan: Plan, themes: dict | None = None, years: dict | None = None, by=None) -> list[BudgetTarget]:
    """Set several first targets at once (the targets page): {theme: amount}, {plan_year: amount}.

    The sums are checked for the whole form first, so the error shows the whole excess; nothing
    is saved when any one is refused."""
    themes, years = themes or {}, years or {}
    Plan.objects.select_for_update().get(pk=plan.pk)
    _check_targets_fit(
        plan=plan,
        themes=sum((to_money(a) for a in themes.values()), ZERO),
        years=sum((to_money(a) for a in years.values()), ZERO),
    )
    created = [target_set(plan=plan, theme=theme, amount=amount, by=by) for theme, amount in themes.items()]
    created += [target_set(plan=plan, plan_year=year, amount=amount, by=by) for year, amount in years.items()]
    return created


@transaction.atomic
def target_move(
    *,
    kind: str,
    from_target: BudgetTarget,
    to_target: BudgetTarget,
    amount: Decimal | str,
    moved_on: datetime.date,
    reason: str,
    by=None,
    resolution: Resolution,
) -> TargetMove:
    """Move money from one target to another of the same kind, with a reason.

    A reallocation goes theme→theme or year→year, at most the from-target's current value.
    A carry-over goes from a year to the next year only, at most what that year left uncommitted
    (its current target less what is committed in that year). Both rows are locked in pk order,
    so two moves at once cannot take the same money twice. `resolution`: the board's resolution that decides it, of
    the plan's alliance (else refused)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez le motif de la réaffectation ou du report.")})
    amount = positive(amount)
    if kind not in TargetMove.Kind.values:
        raise ValidationError({"kind": _("Choisissez une réaffectation ou un report.")})
    if from_target.pk == to_target.pk:
        raise ValidationError({"to_target": _("Choisissez deux cibles différentes.")})
    locked = {
        t.pk: t
        for t in BudgetTarget.objects.select_for_update().filter(pk__in=[from_target.pk, to_target.pk]).order_by("pk")
    }
    source, dest = locked[from_target.pk], locked[to_target.pk]
    if source.plan_id != dest.plan_id:
        raise ValidationError({"to_target": _("Les deux cibles doivent appartenir au même plan.")})
    resolution = resolution_of_alliance(
        resolution, alliance_id=Plan.objects.filter(pk=source.plan_id).values_list("alliance_id", flat=True).get()
    )
    if source.is_year != dest.is_year:
        raise ValidationError(
            {
                "to_target": _(
                    "On déplace de l'argent d'un enjeu vers un enjeu, ou d'une année vers une année, jamais de l'un vers l'autre."
                )
            }
        )
    if kind == TargetMove.Kind.CARRY_OVER:
        if not source.is_year:
            raise ValidationError(
                {"kind": _("Un report va d'une année du plan à la suivante; entre enjeux, faites une réaffectation.")}
            )
        if dest.plan_year.number != source.plan_year.number + 1:
            raise ValidationError(
                {
                    "to_target": _("Un report va de l'année %(year)s à l'année suivante seulement.")
                    % {"year": source.plan_year.label}
                }
            )
    current = target_current(source)
    if amount > current:
        raise ValidationError(
            {
                "amount": _(
                    "La cible « %(what)s » n'est plus que de %(current)s : impossible d'en déplacer %(amount)s."
                )
                % {
                    "what": source.label,
                    "current": format_money(current),
                    "amount": format_money(amount),
                }
            }
        )
    if kind == TargetMove.Kind.CARRY_OVER:
        left = year_uncommitted(source)
        if amount > left:
            raise ValidationError(
                {
                    "amount": _("L'année %(year)s laisse %(left)s non engagés : impossible d'en reporter %(amount)s.")
                    % {
                        "year": source.plan_year.label,
                        "left": format_money(max(left, ZERO)),
                        "amount": format_money(amount),
                    }
                }
            )
    move = TargetMove(
        kind=kind,
        from_target=source,
        to_target=dest,
        amount=amount,
        moved_on=moved_on,
        reason=reason.strip(),
        resolution=resolution,
        created_by=by,
    )
    move.full_clean()
    move.save()
    plan_written(source.plan_id, parts=("money",))
    return move
