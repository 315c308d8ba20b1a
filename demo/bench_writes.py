"""The writes of `make bench`: what people do while others read (target 6's writers) and the write just before a
page is timed (target 2, « after a write »).

Every write goes through the service a view calls (the same rules, locks, kept totals and cache versions as a form
would move): a comment on a project, a commitment, a payment, a progress report, a meeting's attendance. The rows
written are small (1,00 $ committed, 0,01 $ paid) so a long run never runs out of room in a funding source.
"""

import datetime
import random
import time
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from alliances.models import AllianceRole
from budget.models import Commitment, FundingSource
from budget.services.ledger import commitment_create, disbursement_create
from chantiers.models import Meeting
from chantiers.services import attendance_record
from demo import resolutions as demo_resolutions
from organisations.models import Membership
from plans.models import Plan
from projects.models import FUNDABLE_STATUSES, ActionProject, Resolution
from projects.selectors.reports import REPORTABLE_STATUSES
from projects.services.filing import project_comment_create
from projects.services.reports import report_create

KINDS = ("comment", "commitment", "payment", "report", "attendance")
# Target 2's write before a page is timed: the kinds that change the figures of every plan-wide page (money, reports)
KINDS_THAT_MOVE_FIGURES = ("payment", "commitment", "report")
CENT, DOLLAR = Decimal("0.01"), Decimal("1.00")
POOL = 40  # rows of each kind held per plan: enough variety, a cheap start


class PlanWrites:
    """The rows one plan's writes use, read once: fundable projects and their lead organisations' members, the
    plan's funding sources with room left, commitments with money left to pay, meetings already held."""

    def __init__(self, plan: Plan, rng: random.Random):
        self.plan, self.rng = plan, rng
        projects = ActionProject.objects.filter(theme__plan=plan).order_by("pk")
        self.fundable = list(projects.filter(status__in=FUNDABLE_STATUSES)[:POOL])
        self.reportable = [
            (project, member)
            for project in projects.filter(status__in=REPORTABLE_STATUSES).select_related("theme__plan")[: POOL * 2]
            if (member := self._lead_member(project)) is not None
        ][:POOL]
        self.sources = list(
            FundingSource.objects.filter(plan=plan, committed_total__lte=F("amount") - DOLLAR).order_by("pk")
        )
        self.years = list(plan.years.order_by("start_date"))
        # The board's resolution the bench's commitments name (the service has no default): the alliance's latest,
        # or one recorded for the bench when it has none.
        self.resolution = Resolution.objects.filter(alliance=plan.alliance_id).order_by("-decided_on", "-pk").first()
        self.commitments = list(
            Commitment.objects.filter(source__plan=plan, project__status__in=FUNDABLE_STATUSES)
            .filter(disbursed_total__lte=F("amount") - F("reduced_total") - CENT)
            .order_by("pk")[:POOL]
        )
        self.meetings = list(
            Meeting.objects.filter(space__alliance=plan.alliance_id, date__lt=timezone.localdate())
            .filter(invitations__organisation__isnull=False)
            .distinct()
            .order_by("-date", "pk")[:POOL]
        )
        role = AllianceRole.objects.open().filter(alliance=plan.alliance_id, role=AllianceRole.Role.COORDINATION)
        self.coordinator = role.select_related("user").order_by("pk").first()
        self.coordinator = self.coordinator.user if self.coordinator else None

    @staticmethod
    def _lead_member(project):
        membership = (
            Membership.objects.current()
            .filter(organisation=project.lead_id)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return membership.user if membership else None

    def missing(self) -> list[str]:
        """The kinds of write this plan has no row for (the plan cannot be written to in that way)."""
        needs = {
            "comment": self.reportable,
            "commitment": self.fundable and self.sources and self.years,
            "payment": self.commitments,
            "report": self.reportable,
            "attendance": self.meetings,
        }
        return [kind for kind, rows in needs.items() if not rows]

    def write(self, kind: str, n: int) -> None:
        """One write of `kind` through its service (the n-th of the run: it names the row it writes)."""
        pick = self.rng.choice
        if kind == "comment":
            project, member = pick(self.reportable)
            project_comment_create(project=project, author=member, text=f"Commentaire du banc d'essai n° {n}.")
        elif kind == "commitment":
            commitment_create(
                source=pick(self.sources),
                project=pick(self.fundable),
                plan_year=pick(self.years),
                amount=DOLLAR,
                decided_on=timezone.localdate(),
                reference=f"banc-{n}",
                resolution=self.resolution
                or demo_resolutions.of_number(self.plan.alliance_id, "CA-BANC", timezone.localdate()),
                by=self.coordinator,
            )
        elif kind == "payment":
            self.pay(pick(self.commitments), n)
        elif kind == "report":
            project, member = pick(self.reportable)
            today = timezone.localdate()
            report_create(
                project=project,
                by=member,
                period_start=today - datetime.timedelta(days=30),
                period_end=today,
                percent_done=self.rng.randint(10, 90),
                narrative=f"Rapport d'étape du banc d'essai n° {n}.",
                people_reached=self.rng.randint(1, 40),
                citizens_reached=1,
            )
        elif kind == "attendance":
            meeting = pick(self.meetings)
            invited = list(meeting.invitations.filter(organisation__isnull=False).select_related("organisation"))
            chosen = self.rng.sample(invited, max(1, len(invited) // 2))
            attendance_record(meeting=meeting, organisations=[i.organisation for i in chosen])
        else:
            raise ValueError(kind)

    def pay(self, commitment: Commitment, n: int) -> None:
        disbursement_create(
            commitment=commitment, amount=CENT, paid_on=timezone.localdate(), reference=f"banc-{n}", by=self.coordinator
        )


def writable_plans(main: Plan, *, others: int, seed: int = 2013) -> list[PlanWrites]:
    """The plan whose pages are read (the grown plan) first, then up to `others` other alliances' current plans."""
    rng = random.Random(seed)
    rest = list(Plan.objects.filter(status=Plan.Status.CURRENT).exclude(pk=main.pk).order_by("pk"))
    chosen = [main, *rng.sample(rest, min(others, len(rest)))]
    return [PlanWrites(plan, rng) for plan in chosen]


def run(main: Plan, *, seconds: float, per_second: float = 1.0, others: int = 20, ready=None) -> dict:
    """Writes at `per_second` for `seconds` (from when `ready`, called once the rows to write to are read, returns),
    the kinds in turn, every other one to the grown plan `main` and the
    others to the other alliances' plans in turn; a write that falls behind its time is not made up for later (no
    burst). {"writes", "errors", "per_kind": {kind: {"count", "median_ms", "max_ms"}}, "plans", "first_errors"}."""
    plans = [p for p in writable_plans(main, others=others) if not p.missing()]
    if not plans or plans[0].plan.pk != main.pk:
        raise AssertionError(f"the grown plan cannot be written to: {PlanWrites(main, random.Random()).missing()}")
    if ready is not None:
        ready()
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors, first_errors = 0, []
    started = time.monotonic()
    n = 0
    while (due := started + n / per_second) < started + seconds:
        time.sleep(max(0.0, due - time.monotonic()))
        kind = KINDS[n % len(KINDS)]
        target = plans[0] if n % 2 == 0 or len(plans) == 1 else plans[1 + (n // 2) % (len(plans) - 1)]
        began = time.perf_counter()
        try:
            target.write(kind, n)
            times[kind].append((time.perf_counter() - began) * 1000)
        except Exception as error:  # noqa: BLE001 (counted and shown: a refused write is a failure of the run)
            errors += 1
            if len(first_errors) < 5:
                first_errors.append(f"{kind} on plan {target.plan.pk}: {error!r}"[:300])
        n = max(n + 1, int((time.monotonic() - started) * per_second))  # late: skip, never burst
    per_kind = {
        kind: {
            "count": len(values),
            "median_ms": round(sorted(values)[len(values) // 2], 1) if values else 0.0,
            "max_ms": round(max(values), 1) if values else 0.0,
        }
        for kind, values in times.items()
    }
    return {
        "writes": sum(len(v) for v in times.values()),
        "errors": errors,
        "first_errors": first_errors,
        "per_kind": per_kind,
        "plans": len(plans),
        "seconds": round(time.monotonic() - started, 1),
    }
