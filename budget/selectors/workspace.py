"""Reads of the money workspace's sub-pages (issue 23, item 3): what is left to commit to the accepted projects
(« Engagements »), the payments planned and whether each can be paid (« Versements »), and the figures the
commitment form shows beside its fields. Each read costs a fixed number of queries whatever the data."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from asis.counts import COUNT_CAP, capped_count
from budget.models import LEFT_TO_PAY, MONEY, Agreement, Commitment, PlannedPayment
from budget.selectors._common import CENT, ZERO, source_ids
from budget.selectors.envelope import counted_page, envelope_figures, in_date_order
from projects.models import FUNDABLE_STATUSES, ActionProject, ProgressReport, ReportDeadline

MONEY_FIELD = DecimalField(**MONEY)
PER_PAGE = 25
UNSCHEDULED_ORDER = ("decided_on", "pk")


def granted_amount(project) -> object:
    """What the board granted the project (its decision's `granted_amount`), else what the project asked: the
    amount « Engager le solde » completes. The decision is read from the project (select_related, no query)."""
    try:
        decision = project.board_decision
    except ObjectDoesNotExist:  # a reverse one-to-one raises when there is none
        decision = None
    if decision is not None and decision.granted_amount is not None:
        return decision.granted_amount
    return project.amount_requested


def with_balance(queryset):
    """Projects with `committed` (their commitments as reduced: the project's `committed_total`, kept by the ledger
    in the same transaction and checked by check_figures, so no sum of commitments per project), `granted` (the
    board's amount, else the amount asked) and `balance` (granted − committed), in the projects' own query."""
    return queryset.annotate(
        committed=F("committed_total"),
        granted=Coalesce("board_decision__granted_amount", "amount_requested", output_field=MONEY_FIELD),
        balance=F("granted") - F("committed_total"),
        decided_on=F("board_decision__decided_on"),
    )


def to_commit_queryset(plan):
    """The plan's projects accepted or under way whose amount granted is not all committed (a cent at least: SQLite
    subtracts in binary floating point), the longest accepted first."""
    return (
        with_balance(ActionProject.objects.in_plan(plan).filter(status__in=FUNDABLE_STATUSES))
        .filter(balance__gte=CENT)
        .select_related("lead")
        .order_by(F("decided_on").asc(nulls_last=True), "title", "pk")
    )


def _page_number(number) -> int:
    """The page asked for in the address, as the paginator reads it (anything but a positive number: the first)."""
    try:
        return max(int(number), 1)
    except (TypeError, ValueError):
        return 1


def projects_to_commit(plan, number, *, per_page: int = PER_PAGE):
    """A page of `to_commit_queryset`, counted in the page's own query (COUNT(*) OVER (): the projects are read and
    sorted once, not once for the count and once for the page); a page past the last (an old link) costs the count
    and that last page again. The page is read whether the count is 0 or not, so the page costs the same with or
    without projects to commit."""
    projects = to_commit_queryset(plan)
    first = (_page_number(number) - 1) * per_page
    rows = list(projects.annotate(listed=Window(Count("pk")))[first : first + per_page])
    count = rows[0].listed if rows else (projects.count() if first else 0)
    page = counted_page(projects, number, count=count, per_page=per_page)
    start = (page.number - 1) * per_page
    if start != first:  # past the last page: the paginator shows the last one
        rows = list(projects[start : start + per_page])
    page.object_list = rows
    return page


def payments_queryset(plan):
    """The plan's planned payments neither paid nor cancelled, the soonest due first (« À traiter » shows the
    first of them in the same order), with `report_filed` (the report it waits for, if any, is filed).

    The plan's: those its envelope pays, through the plan each keeps (PlannedPayment.plan), a range of the index of
    the plan's open payments in due order (budget_planned_plan_open_idx). Through the project and its theme, PostgreSQL
    joined every open payment of the instance to them, the other plans' too (scale 100: 11 000, 5 500 of the grown
    plan): the payments page's SQL 60 → 21 ms."""
    report_filed = ProgressReport.objects.filter(deadline_id=OuterRef("required_report_id"))
    return (
        PlannedPayment.objects.filter(plan=plan, cancelled_on__isnull=True, disbursement__isnull=True)
        .select_related("agreement__project__lead", "required_report")
        .annotate(report_filed=Exists(report_filed))
        .order_by("due_on", "pk")
    )


def payments_to_make(
    plan,
    number,
    *,
    waiting: bool,
    today: datetime.date | None = None,
    per_page: int = PER_PAGE,
):
    """A page of `payments_queryset`: those that can be paid now (`waiting` False: no report asked, or the report
    filed) or those that wait for their report (`waiting` True, the report named by `required_report`); each with
    `overdue` (its date is past), `is_waiting` and `report_late`. Two queries (the count and the page)."""
    today = today or timezone.localdate()
    payments = payments_queryset(plan)
    # blocked: the deadline's kept `filed` flag (set with the report that answers it, checked by check_figures), not
    # a lookup in the reports: PostgreSQL estimated that anti-join at a few rows and sorted every open payment.
    if waiting:
        payments = payments.filter(required_report__isnull=False, required_report__filed=False)
    else:
        # free to pay: no pending deadline answers to its report (an anti-join, NOT EXISTS). Through the joined
        # deadline's flag, PostgreSQL took most of them to be filed (most deadlines are) and, the plan's open
        # payments all waiting, hashed every deadline of the instance to count none (scale 100: count 19 → 4 ms)
        pending = ReportDeadline.objects.pending().filter(pk=OuterRef("required_report_id"))
        payments = payments.exclude(Exists(pending))
    page = Paginator(payments, per_page).get_page(number)
    for payment in page.object_list:
        _payment_state(payment, today)
    return page


def unscheduled_to_pay(plan, number, *, sources=None, per_page: int = PER_PAGE):
    """A page of the plan's commitments with money left to pay and no planned payment waiting in a schedule (a
    project without agreement, or whose schedule is all paid): « Verser » records a payment on the commitment
    itself. The oldest decision first; two queries (the count and the page), both served by the partial index of the
    commitments with money left to pay (budget_commitment_to_pay_idx, by decision date, holding each one's source):
    the page's ids are read from it in order (about half of them are the plan's: a page reads about twice its
    length, not the 30 000 commitments of a large plan) then joined to their project, lead, source and year; the
    count reads the index alone on PostgreSQL."""
    pending = PlannedPayment.objects.filter(
        commitment=OuterRef("pk"), cancelled_on__isnull=True, disbursement__isnull=True
    )

    def to_pay(commitments):
        return commitments.filter(LEFT_TO_PAY).exclude(Exists(pending))

    plan_sources = source_ids(plan, sources)
    count = to_pay(Commitment.objects.filter(source_id__in=plan_sources)).count()
    ids = (
        to_pay(Commitment.objects.alias(by_date=in_date_order("source_id")).filter(by_date__in=plan_sources))
        .order_by(*UNSCHEDULED_ORDER)
        .values("pk")
    )
    page = counted_page(ids, number, count=count, per_page=per_page)
    page.object_list = list(
        Commitment.objects.filter(pk__in=page.object_list)
        .select_related("project__lead", "source", "plan_year")
        .order_by(*UNSCHEDULED_ORDER)
    )
    return page


def waiting_counts(plan) -> dict:
    """How many projects wait for a commitment and how many planned payments wait to be made: the overview's
    links to the sub-pages. Two queries, each stopping at COUNT_CAP + 1 rows (asis.counts, as « À traiter »): past
    the cap the overview says « 100 et plus » (`*_capped`), and the sub-page's list, paginated, says how many."""
    to_commit = capped_count(to_commit_queryset(plan))
    payments = capped_count(payments_queryset(plan))
    return {
        "to_commit": min(to_commit, COUNT_CAP),
        "to_commit_capped": to_commit > COUNT_CAP,
        "payments": min(payments, COUNT_CAP),
        "payments_capped": payments > COUNT_CAP,
    }


def _payment_state(payment, today) -> None:
    payment.overdue = payment.due_on < today
    payment.is_waiting = payment.required_report_id is not None and not payment.report_filed
    payment.report_late = payment.is_waiting and payment.required_report.due_on < today


def _annotated_next_payment(project, deadlines) -> PlannedPayment | None:
    """The next planned payment as `with_next_payment()` annotated it on the project, the report it waits for
    taken from `deadlines` (the page's own list of the project's deadlines): no query."""
    if project.next_payment_id is None:
        return None
    payment = PlannedPayment(
        pk=project.next_payment_id,
        agreement_id=project.next_payment_agreement_id,
        amount=project.next_payment_amount,
        due_on=project.next_payment_due_on,
        required_report_id=project.next_payment_report_id,
    )
    payment.report_filed = bool(project.next_payment_report_filed)
    if payment.required_report_id is not None:
        report = next((d for d in deadlines or () if d.pk == payment.required_report_id), None)
        if report is None:  # a page that did not list its deadlines: the one query it costs
            report = ReportDeadline.objects.get(pk=payment.required_report_id)
        payment.required_report = report
    return payment


def project_financing(project, *, deadlines=None, today: datetime.date | None = None) -> dict:
    """One project's « Financement » panel: granted, committed, paid, left to pay and to commit, its commitments
    each with the board's resolution it comes from (issue 20), its agreement, the next planned payment and what it
    waits for, the commitment a payment outside the schedule would be recorded on.

    Three queries: its commitments with their resolutions (committed, paid and the open commitment are read from
    them unless the project's query brought them: its `with_money()` and `with_next_payment()` annotations), its
    agreement and its next payment (none on the project page, which reads both with the project): one there."""
    today = today or timezone.localdate()
    commitments = list(  # 1 its commitments, each with its resolution
        Commitment.objects.filter(project=project).select_related("resolution").order_by("decided_on", "pk")
    )
    if hasattr(project, "committed") and hasattr(project, "paid"):
        committed, paid = project.committed, project.paid
    else:
        committed = sum((c.current_amount for c in commitments), ZERO)
        paid = sum((c.disbursed_total for c in commitments), ZERO)
    committed, paid = committed.quantize(CENT), paid.quantize(CENT)
    granted = granted_amount(project)
    if ActionProject.agreement.is_cached(project):  # the project page reads it with the project
        agreement = getattr(project, "agreement", None)
    else:
        agreement = Agreement.objects.filter(project=project).first()  # 1 its agreement
    if hasattr(project, "next_payment_id"):  # with_next_payment(): the project page read it with the project
        next_payment = _annotated_next_payment(project, deadlines)
    elif agreement is None:
        next_payment = None
    else:
        report_filed = ProgressReport.objects.filter(deadline_id=OuterRef("required_report_id"))
        next_payment = (  # 1 the next planned payment, with the report it waits for
            PlannedPayment.objects.filter(agreement=agreement, cancelled_on__isnull=True, disbursement__isnull=True)
            .select_related("required_report")
            .annotate(report_filed=Exists(report_filed))
            .order_by("due_on", "pk")
            .first()
        )
    if next_payment is not None:
        _payment_state(next_payment, today)
    open_commitment = None
    if committed - paid >= CENT and next_payment is None:  # a commitment with money left to pay
        if hasattr(project, "open_commitment_id"):  # with_next_payment() read it with the project
            if project.open_commitment_id is not None:
                open_commitment = Commitment(pk=project.open_commitment_id, project=project)
        else:  # the first, in the order read, with money left to pay
            open_commitment = next((c for c in commitments if c.remaining > 0), None)
    balance = granted - committed
    return {
        "project": project,
        "granted": granted,
        "committed": committed,
        "paid": paid,
        "to_pay": committed - paid,
        "balance": balance if balance >= CENT else ZERO,
        "fundable": project.status in FUNDABLE_STATUSES,
        "commitments": commitments,
        "agreement": agreement,
        "next_payment": next_payment,
        "open_commitment": open_commitment,
    }


def commitment_form_figures(plan, project=None) -> dict:
    """What the commitment form shows beside its fields: what is left to commit in each source and against each
    target (the envelope's kept figures: no query once built), and, for `project`, what the board granted, what
    is already committed and the balance (one query)."""
    figures = envelope_figures(plan)
    context = {
        "sources": figures["sources"],
        "envelope": figures["envelope"],
        "committed": figures["committed"],
        "remaining": figures["remaining"],
        "has_targets": figures["has_targets"],
        "target_themes": [row for row in figures["targets"]["themes"] if row["current"] is not None],
        "target_years": [row for row in figures["targets"]["years"] if row["current"] is not None],
    }
    if project is not None:
        committed = (
            Commitment.objects.filter(project=project)
            .aggregate(total=Sum(Commitment.CURRENT, default=ZERO))["total"]
            .quantize(CENT)
        )
        granted = granted_amount(project)
        context["granted"] = {
            "project": project,
            "granted": granted,
            "committed": committed,
            "balance": max(granted - committed, ZERO),
        }
    return context
