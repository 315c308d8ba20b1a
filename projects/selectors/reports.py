"""Reads of the reports: which reports a project may receive, the project page's reports section, the late reports."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Subquery, Value
from django.utils import timezone

from asis.first_rows import FirstOfEach
from projects.access import is_report_reader, report_can_file
from projects.models import (
    ActionProject,
    ProgressReport,
    ProjectStatus,
    ReportDeadline,
)

# A progress report is filed once the board accepted the project; the final report once the work is under way.
REPORTABLE_STATUSES = (
    ProjectStatus.ACCEPTED,
    ProjectStatus.AGREEMENT_SIGNED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
)
FINAL_REPORTABLE_STATUSES = (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)


def report_period_suggested(project: ActionProject, deadline: ReportDeadline | None) -> dict:
    """The period a new report covers, as its form proposes it: from the day after the last report's period (or the
    project's start) to the date of the deadline it answers. Either end is left out when it is not known."""
    last_end = project.reports.order_by("-period_end").values_list("period_end", flat=True).first()
    if last_end is None:
        start = project.start_date
    else:  # the day after; a period that ends on the last day a date can hold proposes no start
        start = last_end + datetime.timedelta(days=1) if last_end < datetime.date.max else None
    end = deadline.due_on if deadline is not None else None
    if start and end and end < start:
        end = None
    return {name: day for name, day in (("period_start", start), ("period_end", end)) if day}


def report_kinds_open(project: ActionProject, *, has_final: bool) -> dict[str, bool]:
    """Which reports the project may receive now: {"progress": bool, "final": bool}."""
    return {
        ReportDeadline.Kind.PROGRESS: project.status in REPORTABLE_STATUSES,
        ReportDeadline.Kind.FINAL: project.status in FINAL_REPORTABLE_STATUSES and not has_final,
    }


# Projects that may have deadlines or reports (the board accepted them); before that the section is not shown.
REPORT_SECTION_STATUSES = (
    ProjectStatus.ACCEPTED,
    ProjectStatus.AGREEMENT_SIGNED,
    ProjectStatus.IN_PROGRESS,
    ProjectStatus.COMPLETED,
    ProjectStatus.FINAL_REPORT,
    ProjectStatus.WITHDRAWN,
)


UPCOMING_DAYS = 30
LATE_PER_PAGE = 50  # late deadlines a page of the coordinators' list (a plan's thousands past due at scale)


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline and where it stands: `filed` (with its report), `late` or `due`; `days` late or left."""

    deadline: ReportDeadline
    state: str
    days: int
    report: ProgressReport | None = None

    @property
    def is_late(self) -> bool:
        return self.state == "late"


def _deadline_row(deadline: ReportDeadline, today: datetime.date, report: ProgressReport | None = None) -> DeadlineRow:
    if report is not None:
        return DeadlineRow(deadline, "filed", 0, report)
    if deadline.due_on < today:
        return DeadlineRow(deadline, "late", (today - deadline.due_on).days)
    return DeadlineRow(deadline, "due", (deadline.due_on - today).days)


def _filed_report(deadline: ReportDeadline) -> ProgressReport | None:
    try:
        return deadline.report
    except ObjectDoesNotExist:
        return None


def project_reports_section(project: ActionProject, user, today: datetime.date | None = None) -> dict | None:
    """The project page's reports section: deadlines (due, filed, late), reports, and what the user may file.
    None when the user may not read the reports or the project cannot have any. Two queries
    (the partnerships are prefetched by the project page)."""
    if project.status not in REPORT_SECTION_STATUSES:
        return None
    partner_ids = {p.organisation_id for p in project.partnerships.all() if not p.is_declined}
    if not is_report_reader(user, project, partner_ids):
        return None
    today = today or timezone.localdate()
    deadlines = list(project.report_deadlines.select_related("report").order_by("due_on", "pk"))
    reports = list(project.reports.select_related("submitted_by", "deadline").order_by("-period_end", "-pk"))
    can_file = report_can_file(project, user)
    kinds = report_kinds_open(project, has_final=any(report.is_final for report in reports))
    rows = [_deadline_row(deadline, today, _filed_report(deadline)) for deadline in deadlines]
    return {
        "deadlines": rows,
        "late_count": sum(row.is_late for row in rows),
        "reports": reports,
        "can_file_progress": can_file and kinds[ReportDeadline.Kind.PROGRESS],
        "can_file_final": can_file and kinds[ReportDeadline.Kind.FINAL],
        # after the final report, the lead publishes its practice in the public register (sustainability)
        "can_publish_practice": can_file and any(report.is_final for report in reports),
    }


def late_reports(
    plans,
    today: datetime.date | None = None,
    days: int = UPCOMING_DAYS,
    *,
    limit: int | None = None,
    page: str | int | None = None,
) -> dict:
    """The coordinators' list for the projects of `plans` (a queryset of plans, read as a subquery): every pending
    deadline past due (most late first) and those due within `days` days. Two queries whatever the number of
    projects (each deadline with its project and lead organisation).

    With `page` (the page's number, as the address gives it), the late deadlines are those of that page
    (LATE_PER_PAGE each, `late_page` the page, `late_total` how many in all): one query more, their count.

    With `limit` (« À traiter »), each list holds its first `limit` deadlines, and `late_total`, `upcoming_total`
    say how many there are in all: one query (`_first_late_and_upcoming`). These counts stay exact where « À traiter »
    caps the others (asis.counts, issue 18): a plan's pending deadlines are one index (ReportDeadline.plan, `filed`),
    counted without reading the reports."""
    today = today or timezone.localdate()
    pending = ReportDeadline.objects.in_plans(plans).awaited().select_related("project__lead")
    result = {"today": today, "days": days}
    if limit is not None:
        return {**result, **_first_late_and_upcoming(pending, today, days, limit)}
    late = pending.filter(due_on__lt=today).order_by("due_on", "project__title", "pk")
    if page is not None:
        result["late_page"] = late = Paginator(late, LATE_PER_PAGE).get_page(page)
        result["late_total"] = late.paginator.count
    upcoming = pending.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)).order_by(
        "due_on", "project__title", "pk"
    )
    result["late"] = [_deadline_row(deadline, today) for deadline in late]
    result["upcoming"] = [_deadline_row(deadline, today) for deadline in upcoming]
    return result


def _first_late_and_upcoming(pending, today: datetime.date, days: int, limit: int) -> dict:
    """The first `limit` late deadlines and the first `limit` due within `days` days, with how many there are of
    each, in one query: the first of each list read on the plan's index of pending deadlines in due order and left
    after `limit` (asis.first_rows), each count a subquery computed once. (A window numbering and counting every
    pending deadline of the plan sorted them all: 0,2 s at scale 100, thousands past due in the grown plan.)"""
    order = ("due_on", "project__title", "pk")
    late = pending.filter(due_on__lt=today)
    upcoming = pending.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))

    def count(deadlines):
        rows = deadlines.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
        return Subquery(rows, output_field=IntegerField())

    first = (
        pending.filter(
            pk__in=FirstOfEach(
                [late.order_by(*order).values("pk")[:limit], upcoming.order_by(*order).values("pk")[:limit]]
            )
        )
        .annotate(late_total=count(late), upcoming_total=count(upcoming))
        .order_by(*order)
    )
    result = {"late": [], "upcoming": [], "late_total": 0, "upcoming_total": 0}
    for deadline in first:
        result["late" if deadline.due_on < today else "upcoming"].append(_deadline_row(deadline, today))
        result["late_total"], result["upcoming_total"] = deadline.late_total, deadline.upcoming_total
    return result
