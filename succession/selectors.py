"""Reads of the succession of plans: a plan's frozen bilan, and what a closed plan can hand to the next one."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Prefetch

from alliances.models import Alliance, AllianceRole
from asis.money import ZERO
from budget.models import BudgetTarget, Commitment, FundingSource
from chantiers.models import Space
from plans.models import Plan, PlanYear, Theme
from projects.models import FUNDABLE_STATUSES, ActionProject, ReviewCriterion
from succession.models import FrozenBilan

# Ongoing projects, which may continue in the next plan: accepted, agreement signed or in progress (not completed,
# refused or withdrawn). Money may be committed to them, so the continuation can receive what is left.
ONGOING_STATUSES = FUNDABLE_STATUSES


def funder_key(funder: str) -> str:
    """A funder's name as compared between plans: a carried commitment goes to the new source of the same funder
    (spaces and case aside)."""
    return " ".join((funder or "").split()).casefold()


def frozen_bilan_of(plan: Plan | None) -> FrozenBilan | None:
    """The frozen bilan of a closed plan; None for a plan not closed (no query) or closed without one."""
    if plan is None or not plan.is_archived:
        return None
    return FrozenBilan.objects.select_related("closed_by").filter(plan=plan).first()


def plan_end(plan: Plan) -> datetime.date:
    """The last day of the plan: its last year's end (three fiscal years from its start when it has no year)."""
    end = plan.years.aggregate(end=Max("end_date"))["end"]
    if end is not None:
        return end
    first = Plan.fiscal_year_start(plan.start_date)
    return first.replace(year=first.year + 3) - datetime.timedelta(days=1)


def previous_plan(alliance: Alliance) -> Plan | None:
    """The plan the next one follows: the alliance's latest plan that is not in preparation (current or closed)."""
    return (
        alliance.plans.exclude(status=Plan.Status.PREPARATION)
        .select_related("alliance")
        .order_by("-start_date", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ThemeCarry:
    theme: Theme
    objectives: int
    actions: int


@dataclass(frozen=True)
class SpaceCarry:
    space: Space
    themes: tuple[Theme, ...]  # its themes in the closed plan


@dataclass(frozen=True)
class TargetCarry:
    target: BudgetTarget
    label: str  # the theme's name or the plan year (« 2014-2015 »)
    amount: Decimal  # its current value (as first set, plus moves in, less moves out)


@dataclass(frozen=True)
class CommitmentLeft:
    commitment: Commitment
    remaining: Decimal  # committed − reduced − paid


@dataclass(frozen=True)
class ProjectMoney:
    """A project of the closed plan and its commitments with money left."""

    project: ActionProject
    commitments: tuple[CommitmentLeft, ...]

    @property
    def remaining(self) -> Decimal:
        return sum((c.remaining for c in self.commitments), ZERO)


@dataclass(frozen=True)
class NextPreview:
    """What a plan can hand to the next one (`plan_next_preview`)."""

    plan: Plan
    end: datetime.date
    themes: tuple[ThemeCarry, ...]
    spaces: tuple[SpaceCarry, ...]
    criteria: tuple[ReviewCriterion, ...]
    targets: tuple[TargetCarry, ...]
    projects: tuple[ProjectMoney, ...]  # the ongoing projects, which may continue, each with its money left
    others: tuple[ProjectMoney, ...]  # the other projects with money left: it returns to the source
    roles: tuple[AllianceRole, ...]
    sources: tuple[FundingSource, ...]

    @property
    def remaining(self) -> Decimal:
        return sum((p.remaining for p in self.projects + self.others), ZERO)

    def carried(self, project_ids) -> tuple[ProjectMoney, ...]:
        """The ongoing projects among `project_ids`: they continue with their money."""
        ids = {int(pk) for pk in project_ids}
        return tuple(p for p in self.projects if p.project.pk in ids)

    def returned(self, project_ids) -> tuple[ProjectMoney, ...]:
        """The projects not among `project_ids` with money left: it returns to the source."""
        ids = {int(pk) for pk in project_ids}
        return tuple(p for p in self.projects + self.others if p.project.pk not in ids and p.remaining > 0)


def plan_next_preview(*, plan: Plan) -> NextPreview:
    """What `plan` can hand to the next plan: its themes (with their objectives and actions), the active spaces
    linked to them, its analysis criteria in use, its targets, its ongoing projects with the money left on each
    commitment (committed − reduced − paid), the other projects' money left (it returns to the source), the
    alliance's open roles and the plan's sources (the next plan's, to begin with)."""
    themes = tuple(
        ThemeCarry(theme, theme.objective_count, theme.action_count)
        for theme in plan.themes.annotate(
            objective_count=Count("objectives", distinct=True), action_count=Count("objectives__actions", distinct=True)
        ).order_by("order")
    )
    spaces = tuple(
        SpaceCarry(space, tuple(space.plan_themes))
        for space in Space.objects.active()
        .filter(pk__in=Space.themes.through.objects.filter(theme__plan=plan).values("space"))
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.filter(plan=plan).order_by("order"), to_attr="plan_themes")
        )
        .order_by("name")
    )
    criteria = tuple(plan.review_criteria.filter(is_active=True).order_by("order", "pk"))
    targets = tuple(
        TargetCarry(target, target.label, target.current)
        for target in BudgetTarget.objects.filter(plan=plan)
        .with_current()
        .select_related("theme", "plan_year")
        .order_by("theme__order", "plan_year__number")
    )
    left = defaultdict(list)
    for commitment in (
        Commitment.objects.filter(source__plan=plan)
        .select_related("source", "plan_year")
        .order_by("source__order", "plan_year__number", "decided_on", "pk")
    ):
        remaining = commitment.remaining
        if remaining > 0:
            left[commitment.project_id].append(CommitmentLeft(commitment, remaining))
    ongoing = tuple(
        ProjectMoney(project, tuple(left.get(project.pk, ())))
        for project in ActionProject.objects.filter(theme__plan=plan, status__in=ONGOING_STATUSES)
        .select_related("lead", "theme")
        .order_by("theme__order", "title", "pk")
    )
    ongoing_ids = {p.project.pk for p in ongoing}
    others = tuple(
        ProjectMoney(project, tuple(left[project.pk]))
        for project in ActionProject.objects.filter(pk__in=[pk for pk in left if pk not in ongoing_ids])
        .select_related("lead", "theme")
        .order_by("theme__order", "title", "pk")
    )
    roles = tuple(
        AllianceRole.objects.open().filter(alliance_id=plan.alliance_id).select_related("user").order_by("role", "pk")
    )
    return NextPreview(
        plan=plan,
        end=plan_end(plan),
        themes=themes,
        spaces=spaces,
        criteria=criteria,
        targets=targets,
        projects=ongoing,
        others=others,
        roles=roles,
        sources=tuple(plan.funding_sources.order_by("order")),
    )


@dataclass(frozen=True)
class CommitmentMove:
    left: CommitmentLeft
    to_source: str  # the new plan's source of the same funder ("" when it has none: refused)


@dataclass(frozen=True)
class ProjectMove:
    money: ProjectMoney
    moves: tuple[CommitmentMove, ...]


@dataclass(frozen=True)
class NextSummary:
    """Exactly what `plan_next_start` will do with these choices (the confirmation step shows it)."""

    slug: str
    years: tuple[str, ...]
    sources: tuple[dict, ...]
    envelope: Decimal
    themes: tuple[ThemeCarry, ...]
    themes_left: tuple[ThemeCarry, ...]
    spaces: tuple[SpaceCarry, ...]
    spaces_archived: tuple[SpaceCarry, ...]
    criteria: tuple[ReviewCriterion, ...]
    targets: tuple[TargetCarry, ...]
    targets_skipped: tuple[TargetCarry, ...]  # their theme is not carried
    projects: tuple[ProjectMove, ...]
    returned: tuple[ProjectMoney, ...]
    roles_kept: tuple[AllianceRole, ...]
    roles_ended: tuple[AllianceRole, ...]

    @property
    def carried_total(self) -> Decimal:
        return sum((m.money.remaining for m in self.projects), ZERO)

    @property
    def returned_total(self) -> Decimal:
        return sum((m.remaining for m in self.returned), ZERO)


def plan_next_summary(
    *,
    preview: NextPreview,
    start_date: datetime.date,
    sources: list[dict],
    theme_ids,
    space_ids,
    criteria: bool,
    targets: bool,
    project_ids,
    role_ids,
) -> NextSummary:
    """What starting the next plan with these choices carries, archives, returns and ends (no query)."""
    themes, spaces, projects, roles = ({int(pk) for pk in ids} for ids in (theme_ids, space_ids, project_ids, role_ids))
    first = Plan.fiscal_year_start(start_date)
    years = tuple(
        f"{start.year}-{end.year}" for start, end in (PlanYear.fiscal_bounds(first, offset) for offset in range(3))
    )
    source_of_funder = {}
    for source in sources:
        source_of_funder.setdefault(funder_key(source["funder"]), source["name"])
    theme_targets = tuple(t for t in preview.targets if t.target.theme_id is None or t.target.theme_id in themes)
    return NextSummary(
        slug=Plan.default_slug(start_date),
        years=years,
        sources=tuple(sources),
        envelope=sum((source["amount"] for source in sources), ZERO),
        themes=tuple(c for c in preview.themes if c.theme.pk in themes),
        themes_left=tuple(c for c in preview.themes if c.theme.pk not in themes),
        spaces=tuple(c for c in preview.spaces if c.space.pk in spaces),
        spaces_archived=tuple(c for c in preview.spaces if c.space.pk not in spaces),
        criteria=preview.criteria if criteria else (),
        targets=theme_targets if targets else (),
        targets_skipped=tuple(t for t in preview.targets if t not in theme_targets) if targets else (),
        projects=tuple(
            ProjectMove(
                money,
                tuple(
                    CommitmentMove(left, source_of_funder.get(funder_key(left.commitment.source.funder), ""))
                    for left in money.commitments
                ),
            )
            for money in preview.carried(projects)
        ),
        returned=preview.returned(projects),
        roles_kept=tuple(r for r in preview.roles if r.pk in roles),
        roles_ended=tuple(r for r in preview.roles if r.pk not in roles),
    )
