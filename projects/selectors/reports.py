"""Reads of the reports: which reports a project may receive, the project page's reports section, the late reports."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, F, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

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
    say how many there are in all: one query (each list's rows numbered and counted by a window over the
    deadlines due by `days` days, late or not). These counts stay exact where « À traiter » caps the others
    (asis.counts, issue 18): a deadline says nothing of its report, so finding the first rows already reads every
    deadline past due against the reports, once, and the window counts them in that pass; capped counts were
    separate passes (at scale 100 with a deadline per report, 0.4 s against 0.15 s)."""
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
    is_late = Case(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    order = ("due_on", "project__title", "pk")
    first = (
        pending.filter(due_on__lte=today + datetime.timedelta(days=days))
        .annotate(
            is_late=is_late,
            rank=Window(RowNumber(), partition_by=[is_late], order_by=[F(name).asc() for name in order]),
            total=Window(Count("pk"), partition_by=[is_late]),
        )
        .filter(rank__lte=limit)
        .order_by(*order)
    )
    result = {"late": [], "upcoming": [], "late_total": 0, "upcoming_total": 0}
    for deadline in first:
        name = "late" if deadline.is_late else "upcoming"
        result[name].append(_deadline_row(deadline, today))
        result[f"{name}_total"] = deadline.total
    return result
