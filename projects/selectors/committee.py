"""Reads of the analysis committee (issue 20, part 1): the table Coordination reads on the analysis page and a
member's list of the analyses they sit on.

The spread of a criterion is max − min (not a standard deviation): a handful of people give small integers, and
« de 2 à 5 » is what a committee discusses. The mean is rounded to a tenth, half up."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import (
    CommitteeMember,
    ConflictDeclaration,
    MemberScore,
    ProjectReview,
    ProjectStatus,
    ReviewCriterion,
)


@dataclass
class CommitteeRow:
    criterion: ReviewCriterion
    cells: list = field(default_factory=list)  # a MemberScore or None per member column

    @property
    def values(self) -> list[int]:
        return [cell.score for cell in self.cells if cell is not None]

    @property
    def mean(self) -> Decimal | None:
        values = self.values
        if not values:
            return None
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def spread(self) -> int | None:
        values = self.values
        return max(values) - min(values) if values else None


@dataclass
class CommitteeTable:
    members: list  # the columns: members not recused (current, or who declared on this analysis)
    rows: list
    recused: list
    not_declared: list
    not_scored: list  # declared no conflict, some criterion in use not scored yet
    declarations: dict  # member pk -> ConflictDeclaration
    withdrawn: list = field(default_factory=list)  # (member, how many withdrawn scores): read, never counted

    @property
    def in_use(self) -> bool:
        return bool(self.declarations)


def committee_table(review: ProjectReview, criteria) -> CommitteeTable:
    """The committee's scores of an analysis, a row per criterion (`criteria`, already read): three queries
    (current members, declarations with their members, scores)."""
    alliance_id = review.project.theme.plan.alliance_id
    members = {
        m.pk: m
        for m in CommitteeMember.objects.filter(alliance_id=alliance_id)
        .current()
        .select_related("user", "organisation")
        .order_by("since", "pk")
    }
    declarations = {}
    for declaration in ConflictDeclaration.objects.filter(review=review).select_related(
        "member__user", "member__organisation", "declared_by"
    ):
        declarations[declaration.member_id] = declaration
        members.setdefault(declaration.member_id, declaration.member)
    scores = {}
    withdrawn: dict = {}  # member pk -> how many of their scores are withdrawn (kept, counted nowhere)
    for score in MemberScore.objects.filter(review=review):
        if score.withdrawn_at is None:
            scores[(score.member_id, score.criterion_id)] = score
        else:
            withdrawn[score.member_id] = withdrawn.get(score.member_id, 0) + 1
    ordered = sorted(members.values(), key=lambda m: (m.since, m.pk))
    recused = [m for m in ordered if m.pk in declarations and declarations[m.pk].in_conflict]
    columns = [m for m in ordered if m not in recused]
    rows = [CommitteeRow(criterion=c, cells=[scores.get((m.pk, c.pk)) for m in columns]) for c in criteria]
    active = [c.pk for c in criteria if c.is_active]
    not_declared = [m for m in columns if m.pk not in declarations]
    not_scored = [m for m in columns if m.pk in declarations and any((m.pk, pk) not in scores for pk in active)]
    return CommitteeTable(
        withdrawn=[(members[pk], count) for pk, count in sorted(withdrawn.items()) if pk in members],
        members=columns,
        rows=rows,
        recused=recused,
        not_declared=not_declared,
        not_scored=not_scored,
        declarations=declarations,
    )


def open_reviews_for_member(alliance, seats):
    """The open analyses of `alliance`'s projects under analysis (each project's latest), with each seat's
    declaration and number of scores: three queries (reviews with their projects, declarations, scores)."""
    latest = ProjectReview.objects.filter(project=OuterRef("project")).order_by("-opened_at", "-pk").values("pk")[:1]
    reviews = list(
        ProjectReview.objects.filter(
            project__theme__plan__alliance=alliance,
            project__status=ProjectStatus.UNDER_ANALYSIS,
            recommendation="",
            pk=Subquery(latest),
        )
        .select_related("project__lead", "project__theme")
        .order_by("opened_at", "pk")
    )
    declarations = {
        (d.review_id, d.member_id): d for d in ConflictDeclaration.objects.filter(review__in=reviews, member__in=seats)
    }
    counts: dict = {}
    for review_id, member_id in (
        MemberScore.objects.counted().filter(review__in=reviews, member__in=seats).values_list("review_id", "member_id")
    ):
        counts[(review_id, member_id)] = counts.get((review_id, member_id), 0) + 1
    return [
        (review, seat, declarations.get((review.pk, seat.pk)), counts.get((review.pk, seat.pk), 0))
        for review in reviews
        for seat in seats
    ]


def analyses_to_do(user, alliance):
    """The open analyses of `alliance` (an Alliance, its pk or an OuterRef to one: « À traiter » counts them with the
    plan it reads) that wait for `user`'s current seat on its committee: not declared yet, or declared without
    conflict and some criterion in use not scored (withdrawn scores do not count). None for a user without a seat.
    A queryset of ProjectReview, for one subquery: the seat, its declaration and its scores are read inside it."""
    if not user.is_authenticated:
        return ProjectReview.objects.none()
    latest = ProjectReview.objects.filter(project=OuterRef("project")).order_by("-opened_at", "-pk").values("pk")[:1]
    seat = (
        CommitteeMember.objects.current(timezone.localdate())
        .filter(user_id=user.pk, alliance_id=OuterRef("project__theme__plan__alliance_id"))
        .values("pk")[:1]
    )
    declared = ConflictDeclaration.objects.filter(review_id=OuterRef("pk"), member_id=OuterRef("seat"))
    in_use = (
        ReviewCriterion.objects.filter(plan_id=OuterRef("project__theme__plan_id"), is_active=True)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    scored = (
        MemberScore.objects.counted()
        .filter(review_id=OuterRef("pk"), member_id=OuterRef("seat"), criterion__is_active=True)
        .order_by()
        .values("review_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    return (
        ProjectReview.objects.filter(
            project__theme__plan__alliance=alliance,
            project__status=ProjectStatus.UNDER_ANALYSIS,
            recommendation="",
            pk=Subquery(latest),
        )
        .annotate(seat=Subquery(seat))
        .filter(seat__isnull=False)
        .annotate(
            declared=Exists(declared),
            recused=Exists(declared.filter(in_conflict=True)),
            in_use=Coalesce(Subquery(in_use), zero),
            scored=Coalesce(Subquery(scored), zero),
        )
        .filter(Q(declared=False) | Q(recused=False, scored__lt=F("in_use")))
    )
