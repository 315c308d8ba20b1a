"""Writes of the succession of plans: closing a plan (its final bilan frozen) and starting the next one, each in one
transaction. Nothing of the closed plan is deleted: what the next plan carries is copied, linked or moved by new
ledger entries; the closed plan's pages and frozen bilan still show it as it was."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_slug
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.addresses import addressed
from alliances.models import Alliance
from alliances.services import alliance_role_end
from asis.money import ZERO, to_money
from asis.templatetags.asis_format import format_money, long_date
from bilan import documents, exports
from bilan.selectors.build import build_bilan
from bilan.selectors.period import period_of_plan
from budget.services.carry import agreement_carry, commitment_carry, commitment_return
from budget.services.sources import funding_source_create
from budget.services.targets import target_set
from chantiers.services import space_archive, space_themes_add
from organisations.models import User
from plans.models import Objective, Plan, PlanAction, SharedIndicator, Theme
from plans.services import plan_years_ensure
from plans.versions import plan_written
from projects.models import Resolution
from projects.services.continuation import project_continue
from projects.services.review import criterion_create
from succession.models import FrozenBilan, sha256
from succession.selectors import NextPreview, funder_key, plan_next_preview, previous_plan

# Every project line of a final bilan is on its one page (the frozen page has no other pages to turn to).
ALL_LINES = 10**9


class _CoordinationReader:
    """Who a final bilan is built for: Coordination, who sees every project, space and meeting of the plan, whoever
    closes it (the bilan must not depend on the closer's own organisations)."""

    # The role predicates the bilan's reads ask (organisations.models.User): Coordination's answers.
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_coordinator = True
    is_personnel = False
    is_funder = False
    sees_everything = True
    reads_figures = True

    def organisation_ids(self) -> set[int]:
        return set()


def _read(handle) -> bytes:
    with handle:
        return handle.read()


def bilan_freeze(*, plan: Plan) -> dict:
    """The final bilan of `plan` (its whole period, every theme, every project, as Coordination sees it): the page's
    report body as HTML and the PDF, XLSX and DOCX bytes, with what the FrozenBilan row keeps of them. Writes
    nothing; raises whatever a builder raises."""
    years = list(plan.years.order_by("number"))
    if not years:
        raise ValidationError(_("Ce plan n'a aucune année : son bilan ne peut être produit."))
    period = period_of_plan(years)
    report = build_bilan(
        user=_CoordinationReader(),
        period_start=period.start,
        period_end=period.end,
        plan=plan,
        period=period,
        years=years,
        page=1,
        per_page=ALL_LINES,
    )
    # Its links lead to the closed plan's own pages (/<alliance>/<plan>/projets/12/), wherever it is closed from.
    with addressed(plan.alliance, plan):
        html = render_to_string(
            "bilan/_report.html",
            {
                "bilan": report,
                "space_rollups": report.space_rollups,
                "space_meetings": report.meetings,
                "page": Paginator(range(report.project_count), ALL_LINES).get_page(1),
            },
        )
        if report.durability is not None:  # « Durabilité », after the report body as on the page
            html += render_to_string(
                "sustainability/_bilan_section.html", {"durability": report.durability, "document": True}
            )
    pdf = _read(documents.pdf_file(report))
    xlsx = _read(exports.xlsx_file(report))
    docx = _read(documents.docx_file(report))
    return {
        "period_label": period.label,
        "file_stem": exports.file_name(report, "pdf").removesuffix(".pdf"),
        "html": html,
        "pdf": pdf,
        "pdf_sha256": sha256(pdf),
        "xlsx": xlsx,
        "xlsx_sha256": sha256(xlsx),
        "docx": docx,
        "docx_sha256": sha256(docx),
    }


@transaction.atomic
def plan_close(*, plan: Plan, closed_by: User, note: str = "") -> FrozenBilan:
    """Close the alliance's current plan: it becomes closed and its final bilan is frozen as a dated document
    (FrozenBilan). Refused unless the plan is current; when a document cannot be built, nothing is saved and the
    plan stays current."""
    locked = Plan.objects.select_for_update().select_related("alliance").get(pk=plan.pk)
    if locked.status != Plan.Status.CURRENT:
        if locked.status == Plan.Status.CLOSED:
            raise ValidationError(_("Le plan « %(plan)s » est déjà terminé.") % {"plan": locked.title})
        raise ValidationError(
            _("Seul le plan en cours peut être terminé : « %(plan)s » est %(status)s.")
            % {"plan": locked.title, "status": locked.get_status_display()}
        )
    frozen = FrozenBilan(
        plan=locked,
        closed_at=timezone.now(),
        closed_by=closed_by,
        note=(note or "").strip(),
        **bilan_freeze(plan=locked),
    )
    frozen.full_clean()
    locked.status = Plan.Status.CLOSED
    locked.full_clean()
    locked.save(update_fields=["status"])
    frozen.save()
    plan.status = locked.status
    plan_written(locked.pk)  # its pages now serve the frozen bilan
    return frozen


# ---------------------------------------------------------------- the next plan


@dataclass(frozen=True)
class NextStart:
    """What `plan_next_start` did: the new plan, and what it carried, returned and skipped."""

    plan: Plan
    previous: Plan
    themes: int
    spaces: int
    spaces_archived: int
    criteria: int
    targets: int
    targets_skipped: tuple[str, ...]  # why each target not carried was skipped
    projects: int
    carried: Decimal  # money carried to the new plan's sources
    returned: Decimal  # money returned to the closed plan's sources
    roles_ended: int


def _clean_sources(sources: Iterable[dict]) -> tuple[list[dict], list[str]]:
    """The new plan's sources, checked: code (a slug, unique), name, funder and a positive amount each."""
    cleaned, errors, codes = [], [], set()
    for number, source in enumerate(sources, start=1):
        code = (source.get("code") or "").strip()
        name = (source.get("name") or "").strip()
        funder = (source.get("funder") or "").strip()
        label = name or code or str(number)
        if not (code and name and funder):
            errors.append(
                _("Source %(source)s : indiquez son code, son nom et son bailleur de fonds.") % {"source": label}
            )
            continue
        try:
            validate_slug(code)
            amount = to_money(source.get("amount"))
        except ValidationError as error:
            errors.extend(_("Source %(source)s : %(error)s") % {"source": label, "error": e} for e in error.messages)
            continue
        if amount <= 0:
            errors.append(_("Source %(source)s : le montant doit être supérieur à zéro.") % {"source": label})
            continue
        if code in codes:
            errors.append(_("Deux sources ont le code « %(code)s » : chaque code est unique.") % {"code": code})
            continue
        codes.add(code)
        cleaned.append({"code": code, "name": name, "funder": funder, "amount": amount})
    if not cleaned and not errors:
        errors.append(_("Indiquez au moins une source de financement du nouveau plan."))
    return cleaned, errors


def _chosen(ids, among: dict, what: str, errors: list[str]) -> list:
    """The rows of `among` (pk -> row) whose pk is in `ids`; an id not among them is an error."""
    chosen = []
    for pk in ids or ():
        try:
            row = among.get(int(pk))
        except (TypeError, ValueError):
            row = None
        if row is None:
            errors.append(_("%(what)s inconnu : %(pk)s.") % {"what": what, "pk": pk})
        elif row not in chosen:
            chosen.append(row)
    return chosen


def _copy_theme(theme: Theme, plan: Plan) -> tuple[Theme, dict[int, Objective]]:
    """A carried theme in the new plan, with its objectives and their actions; returns it and its objectives
    (old objective pk -> new objective)."""
    copy = Theme(
        plan=plan,
        order=theme.order,
        name=theme.name,
        slug=theme.slug,
        description=theme.description,
        orientation=theme.orientation,
        carried_from=theme,
    )
    copy.full_clean()
    copy.save()
    objectives = {}
    for objective in theme.objectives.order_by("order", "pk"):
        objectives[objective.pk] = Objective.objects.create(
            theme=copy,
            order=objective.order,
            title=objective.title,
            description=objective.description,
            is_demo=objective.is_demo,
        )
        for action in objective.actions.order_by("order", "pk").prefetch_related("partners"):
            copied = PlanAction.objects.create(
                objective=objectives[objective.pk],
                order=action.order,
                title=action.title,
                description=action.description,
                lead_id=action.lead_id,
                timeline=action.timeline,
                indicators=action.indicators,
                is_demo=action.is_demo,
            )
            copied.partners.set(action.partners.all())
    _copy_shared_indicators(theme, copy)
    return copy, objectives


def _copy_shared_indicators(theme: Theme, copy: Theme) -> None:
    """The theme's shared indicators in use, carried into its copy: what is measured goes on from plan to plan (RBA
    follows a population over years). The new plan sets its own targets, so target and its date are left empty; a
    population indicator starts from its latest measure (value, date and source), another from its old baseline.
    Archived ones stay with the old plan."""
    for indicator in theme.shared_indicators.filter(is_active=True).order_by("order", "pk"):
        latest = indicator.measures.order_by("-measured_on", "-pk").first()
        from_measure = indicator.kind == SharedIndicator.Kind.POPULATION and latest is not None
        carried = SharedIndicator(
            theme=copy,
            name=indicator.name,
            kind=indicator.kind,
            category=indicator.category,
            unit=indicator.unit,
            direction=indicator.direction,
            baseline=latest.value if from_measure else indicator.baseline,
            baseline_on=latest.measured_on if from_measure else indicator.baseline_on,
            source=latest.source if from_measure else indicator.source,
            order=indicator.order,
        )
        carried.full_clean()
        carried.save()


def _check_next(
    *,
    preview: NextPreview,
    title: str,
    start_date: datetime.date,
    sources: list[dict],
    themes: list,
    spaces: list,
    projects: list,
    reason: str,
    resolution: Resolution | None,
    alliance: Alliance,
    errors: list[str],
) -> None:
    """The refusals of `plan_next_start`, all found before anything is written (added to `errors`)."""
    if not title:
        errors.append(_("Indiquez le titre du nouveau plan."))
    if start_date is None:
        errors.append(_("Indiquez la date de début du nouveau plan."))
    elif start_date <= preview.end:
        errors.append(
            _("Le nouveau plan doit commencer après la fin du plan précédent (%(end)s).")
            % {"end": long_date(preview.end)}
        )
    carried_themes = {carry.theme.pk for carry in themes}
    for carry in spaces:
        if not any(theme.pk in carried_themes for theme in carry.themes):
            errors.append(
                _("Le lieu « %(space)s » continue, mais aucun de ses enjeux n'est reporté.")
                % {"space": carry.space.name}
            )
    by_funder = {funder_key(source["funder"]): source for source in sources}
    needed: dict[str, Decimal] = {}
    for money in projects:
        project = money.project
        if project.theme_id not in carried_themes:
            errors.append(
                _("Le projet « %(project)s » continue, mais son enjeu « %(theme)s » n'est pas reporté.")
                % {"project": project.title, "theme": project.theme.name}
            )
        for left in money.commitments:
            source = by_funder.get(funder_key(left.commitment.source.funder))
            if source is None:
                errors.append(
                    _(
                        "Le projet « %(project)s » garde %(amount)s de « %(source)s » : le nouveau plan n'a aucune "
                        "source du bailleur de fonds « %(funder)s »."
                    )
                    % {
                        "project": project.title,
                        "amount": format_money(left.remaining),
                        "source": left.commitment.source.name,
                        "funder": left.commitment.source.funder,
                    }
                )
            else:
                needed[source["code"]] = needed.get(source["code"], ZERO) + left.remaining
    for source in sources:
        if needed.get(source["code"], ZERO) > source["amount"]:
            errors.append(
                _("Les engagements reportés vers « %(source)s » (%(needed)s) dépassent son montant (%(amount)s).")
                % {
                    "source": source["name"],
                    "needed": format_money(needed[source["code"]]),
                    "amount": format_money(source["amount"]),
                }
            )
    returned = preview.returned([m.project.pk for m in projects])
    if returned and not reason:
        errors.append(_("Indiquez le motif du retour à la source de l'argent des projets qui ne continuent pas."))
    # Carrying money to the next plan, or returning it to its source, is a decision of the board: its resolution is
    # named, never supplied behind the user's back (issue 20).
    if returned or any(money.remaining > 0 for money in projects):
        if resolution is None:
            errors.append(
                _(
                    "Choisissez la résolution du conseil d'administration qui décide du report de l'argent restant "
                    "et de son retour aux sources."
                )
            )
        elif resolution.alliance_id != alliance.pk:
            errors.append(_("Cette résolution est celle d'une autre alliance : choisissez une résolution de la vôtre."))


@transaction.atomic
def plan_next_start(
    *,
    alliance: Alliance,
    started_by: User,
    title: str,
    start_date: datetime.date,
    sources: Iterable[dict],
    carry_theme_ids: Iterable = (),
    carry_space_ids: Iterable = (),
    carry_criteria: bool = False,
    carry_targets: bool = False,
    carry_project_ids: Iterable = (),
    keep_role_ids: Iterable = (),
    reason: str = "",
    resolution: Resolution | None,
) -> NextStart:
    """Start the alliance's next plan after its closed one, in one transaction.

    The new plan is current, with its years and its sources (`sources`: dicts of code, name, funder, amount). It
    carries the chosen themes (copied with their objectives and actions, `carried_from` the old ones), spaces
    (linked to the carried themes; the others are archived), analysis criteria and targets (mapped onto the new
    themes and years; one that does not fit is skipped and said why), and ongoing projects: each continues in the
    new plan (projects.services.continuation) and what is left of each of its commitments moves to the new plan's
    source of the same funder (budget.services.carry). The money left to the projects that do not continue
    returns to the closed plan's sources with `reason`; both point to `resolution` (the board's resolution of the
    alliance that decides them: required when money is carried or returned, None only when none is left). Open roles not in `keep_role_ids` are ended.

    Refused (French ValidationError, nothing saved): the alliance's last plan is not closed, the start is not after
    its end, a carried project's theme or every theme of a carried space is not carried, a carried commitment has
    no source of its funder in the new plan (or more than its amount), money carried or returned without a
    resolution of the alliance, bad sources, unknown ids."""
    Alliance.objects.select_for_update().filter(pk=alliance.pk).first()  # one start at a time per alliance
    previous = previous_plan(alliance)
    if previous is None:
        raise ValidationError(_("Cette alliance n'a encore aucun plan à poursuivre."))
    if previous.status != Plan.Status.CLOSED or alliance.plans.filter(status=Plan.Status.CURRENT).exists():
        raise ValidationError(
            _("Le plan « %(plan)s » est encore en cours : terminez-le avant de démarrer le suivant.")
            % {"plan": previous.title}
        )
    preview = plan_next_preview(plan=previous)
    title, reason = (title or "").strip(), (reason or "").strip()
    cleaned_sources, errors = _clean_sources(sources)
    themes = _chosen(carry_theme_ids, {c.theme.pk: c for c in preview.themes}, _("Enjeu"), errors)
    spaces = _chosen(carry_space_ids, {c.space.pk: c for c in preview.spaces}, _("Lieu de concertation"), errors)
    projects = _chosen(carry_project_ids, {m.project.pk: m for m in preview.projects}, _("Projet"), errors)
    roles = {role.pk: role for role in preview.roles}
    kept_roles = _chosen(keep_role_ids, roles, _("Rôle"), errors)
    _check_next(
        preview=preview,
        title=title,
        start_date=start_date,
        sources=cleaned_sources,
        themes=themes,
        spaces=spaces,
        projects=projects,
        reason=reason,
        resolution=resolution,
        alliance=alliance,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)

    today = timezone.localdate()
    plan = Plan(
        title=title,
        alliance=alliance,
        status=Plan.Status.CURRENT,
        start_date=start_date,
        meeting_threshold_per_month=previous.meeting_threshold_per_month,
    )
    plan.full_clean()
    plan.save()
    years = plan_years_ensure(plan=plan)
    first_year = next((year for year in years if year.contains(start_date)), years[0])
    new_sources = [
        funding_source_create(plan=plan, order=number, **source)
        for number, source in enumerate(cleaned_sources, start=1)
    ]
    source_of_funder = {}
    for source in new_sources:
        source_of_funder.setdefault(funder_key(source.funder), source)

    theme_map, objective_map = {}, {}
    for carry in themes:
        theme_map[carry.theme.pk], objectives = _copy_theme(carry.theme, plan)
        objective_map.update(objectives)

    carried_spaces = {carry.space.pk for carry in spaces}
    for carry in preview.spaces:
        if carry.space.pk in carried_spaces:
            space_themes_add(space=carry.space, themes=[theme_map[t.pk] for t in carry.themes if t.pk in theme_map])
        else:
            space_archive(space=carry.space, on=today)

    criteria = 0
    if carry_criteria:
        for criterion in preview.criteria:
            criterion_create(
                plan=plan,
                name=criterion.name,
                max_score=criterion.max_score,
                description=criterion.description,
                order=criterion.order,
            )
            criteria += 1

    targets, skipped = 0, []
    if carry_targets:
        year_of_number = {year.number: year for year in years}
        for carry in preview.targets:
            target = carry.target
            if target.theme_id is not None and target.theme_id not in theme_map:
                skipped.append(_("« %(target)s » : l'enjeu n'est pas reporté.") % {"target": carry.label})
                continue
            if target.plan_year_id is not None and target.plan_year.number not in year_of_number:
                skipped.append(_("« %(target)s » : le nouveau plan n'a pas cette année.") % {"target": carry.label})
                continue
            try:
                target_set(
                    plan=plan,
                    theme=theme_map.get(target.theme_id),
                    plan_year=year_of_number.get(target.plan_year.number) if target.plan_year_id else None,
                    amount=carry.amount,
                    by=started_by,
                )
            except ValidationError as error:
                skipped.append(
                    _("« %(target)s » : %(error)s") % {"target": carry.label, "error": " ".join(error.messages)}
                )
            else:
                targets += 1

    carried = ZERO
    carried_reason = _("Reporté au plan %(plan)s") % {"plan": plan.slug}
    carried_note = _("Reporté du plan %(plan)s") % {"plan": previous.slug}
    for money in projects:
        old = money.project
        continuation, deadlines = project_continue(
            project=old,
            theme=theme_map[old.theme_id],
            objective=objective_map.get(old.objective_id),
            requested={first_year: money.remaining},
            comment=_("Suite du projet du plan %(plan)s.") % {"plan": previous.slug},
            by=started_by,
        )
        old_agreement = getattr(old, "agreement", None)
        agreement = (
            agreement_carry(agreement=old_agreement, to_project=continuation, note=carried_note, by=started_by)
            if old_agreement is not None
            else None
        )
        for left in money.commitments:
            commitment_carry(
                commitment=left.commitment,
                to_project=continuation,
                to_source=source_of_funder[funder_key(left.commitment.source.funder)],
                plan_year=first_year,
                decided_on=start_date,
                reason=carried_reason,
                note=carried_note,
                on=today,
                agreement=agreement,
                deadlines=deadlines,
                by=started_by,
                resolution=resolution,
            )
            carried += left.remaining

    returned = ZERO
    for money in preview.returned([m.project.pk for m in projects]):
        for left in money.commitments:
            returned += commitment_return(
                commitment=left.commitment, reason=reason, on=today, by=started_by, resolution=resolution
            )

    kept = {role.pk for role in kept_roles}
    ended = [alliance_role_end(role=role, by=started_by, on=today) for pk, role in roles.items() if pk not in kept]
    plan_written(plan.pk)  # the services above moved most of both plans' figures; the copies made here, the rest
    plan_written(previous.pk)

    return NextStart(
        plan=plan,
        previous=previous,
        themes=len(theme_map),
        spaces=len(carried_spaces),
        spaces_archived=len(preview.spaces) - len(carried_spaces),
        criteria=criteria,
        targets=targets,
        targets_skipped=tuple(skipped),
        projects=len(projects),
        carried=carried,
        returned=returned,
        roles_ended=len(ended),
    )
