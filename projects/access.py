"""Who may do what with the action projects and their reports: one place, used by every view.

An outsider gets 404 (nothing to enumerate), a logged-in user without the right 403,
an anonymous visitor the login page.

Every project, criterion, report and attachment is looked up among the request's alliance's own (issue 17:
another alliance's answer 404, whoever asks), and every change to a closed plan is refused here (`write`,
`file`, `plan_for_change`), so no view forgets either.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from organisations.access import coordination_required, staff_or_coordination_required  # noqa: F401  (the role gates, defined once)
from plans.access import closed_plan_refusal, current_plan_or_404, request_plan
from projects.models import (
    ActionProject,
    CommitteeMember,
    ConflictDeclaration,
    ProgressReport,
    ProjectReview,
    ProjectStatus,
    ReportAttachment,
    ReviewCriterion,
)


def refuse_archived(request, plan=None) -> None:
    """403 with the reason when the change is to a closed plan: `plan` (the object's), or the plan the address
    names (/<alliance>/<plan>/...). Without a plan in the address the request is about the current plan."""
    if plan is not None and plan.is_archived:
        raise closed_plan_refusal()
    # a page of a closed plan changes nothing, whatever it shows (the address's plan, unless it is `plan` itself)
    if (plan is None or plan.slug != getattr(request, "plan_slug", None)) and on_closed_plan(request):
        raise closed_plan_refusal()


def on_closed_plan(request) -> bool:
    """The address names a closed plan (/<alliance>/<plan>/...): the alliance's own lists (its committee, its
    categories of expenses) are read there, never changed. No query for an address that names no plan."""
    if not getattr(request, "plan_slug", None):
        return False
    plan = request_plan(request)
    return plan is not None and plan.is_archived


def plan_for_change(request):
    """The request's plan, for a page that adds to it (404 without one; 403 when it is closed)."""
    plan = current_plan_or_404(request)
    refuse_archived(request, plan)
    return plan


def is_archived(project: ActionProject) -> bool:
    """The project belongs to a closed plan: its pages are read, its buttons that change it hidden (no query
    when its theme's plan is loaded with it)."""
    return project.theme.plan.is_archived


def projects_of(request, queryset=None):
    """The request's alliance's projects (none on a page of no alliance)."""
    return (queryset if queryset is not None else ActionProject.objects.all()).in_alliance(request.alliance)


def get_project_for_user(request, pk, *, write=False, queryset=None) -> ActionProject:
    """A project of the request's alliance the user may see (404 otherwise); with `write`, one they may edit
    (403 with the reason otherwise, a closed plan's included)."""
    base = queryset if queryset is not None else ActionProject.objects.select_related("lead", "theme__plan")
    project = get_object_or_404(projects_of(request, base).visible_to(request.user), pk=pk)
    if write:
        if not project.can_edit(request.user):
            if project.is_lead_member(request.user) and not project.is_editable_by_partner:
                raise PermissionDenied(
                    _(
                        "Ce projet est « %(status)s » : il ne se modifie plus. Écrivez un commentaire à la coordination au besoin."
                    )
                    % {"status": project.get_status_display()}
                )
            raise PermissionDenied(_("Seuls les membres de l'organisation porteuse modifient ce projet."))
        refuse_archived(request, project.theme.plan)
    return project


def get_project_application(request, pk, *, queryset=None) -> ActionProject:
    """A project whose application (its task list, « Vérifier et déposer ») the user may read: a project of the
    request's alliance they see (404 otherwise), of their own organisation or any for Coordination (403 otherwise,
    as the project's form). Its sections are changed through `get_project_for_user(..., write=True)`."""
    project = get_project_for_user(request, pk, queryset=queryset)
    if not (request.user.is_coordinator or (project.is_lead_member(request.user) and not reads_only(request.user))):
        raise PermissionDenied(_("Seuls les membres de l'organisation porteuse modifient ce projet."))
    return project


def get_project_for_change(request, pk, *, queryset=None) -> ActionProject:
    """A project of the request's alliance the user may see (404 otherwise), that belongs to a plan still open
    (403 otherwise): for the changes whose own rule the view checks (filing, answering, commenting, reviewing)."""
    base = queryset if queryset is not None else ActionProject.objects.select_related("lead", "theme__plan")
    project = get_project_for_user(request, pk, queryset=base)
    refuse_archived(request, project.theme.plan)
    return project


def get_criterion(request, pk, *, write=False) -> ReviewCriterion:
    """A criterion of the request's alliance's grids (404 otherwise); with `write`, of a plan still open."""
    criterion = get_object_or_404(ReviewCriterion.objects.in_alliance(request.alliance).select_related("plan"), pk=pk)
    if write:
        refuse_archived(request, criterion.plan)
    return criterion


def is_report_reader(user, project: ActionProject, partner_ids) -> bool:
    """Reports and their attachments are private: coordination, staff and members of the lead or a partner
    organisation (`partner_ids`, the project's partner organisations, avoids a query). Not the regional funder:
    reports name people; it reads their figures in the bilan."""
    if not user.is_authenticated:
        return False
    return user.sees_everything or bool(user.organisation_ids() & ({project.lead_id} | set(partner_ids)))


def reads_only(user) -> bool:
    """Personnel and the regional funder read; they file, submit and answer nothing (a coordinator who is also
    something else writes)."""
    return (user.is_personnel or user.is_funder) and not user.is_coordinator


def report_can_file(project: ActionProject, user) -> bool:
    """Members of the lead organisation file its reports; Personnel only reads; nobody files for a closed plan's
    project. No query (the roles are cached; the project's theme and plan are loaded with it)."""
    return project.is_lead_member(user) and not reads_only(user) and not is_archived(project)


def get_project_for_reports(request, pk, *, file=False, queryset=None) -> ActionProject:
    """A project whose reports the user may read (404 otherwise, even for a public project); with `file`,
    one whose reports they may file (403 otherwise: partners named on it, staff and coordination only read;
    a closed plan's project receives none)."""
    project = get_project_for_user(request, pk, queryset=queryset)
    partner_ids = {p.organisation_id for p in project.partnerships.all() if not p.is_declined}
    if not is_report_reader(request.user, project, partner_ids):
        raise Http404
    if file:
        refuse_archived(request, project.theme.plan)
        if not report_can_file(project, request.user):
            raise PermissionDenied(
                _("Seuls les membres de l'organisation porteuse déposent les rapports de ce projet.")
            )
    return project


def _report_readable(request, project: ActionProject) -> None:
    partner_ids = set(project.partnerships.not_declined().values_list("organisation_id", flat=True))
    if not is_report_reader(request.user, project, partner_ids):
        raise Http404


def get_report_for_user(request, pk, *, file=False) -> ProgressReport:
    """A report of the request's alliance the user may read (404 otherwise); with `file`, one they may add
    documents to (403 otherwise: only the lead organisation's members, while its plan is open)."""
    report = get_object_or_404(
        ProgressReport.objects.in_alliance(request.alliance).select_related(
            "project__lead", "project__theme__plan", "submitted_by", "deadline", "read_by"
        ),
        pk=pk,
    )
    _report_readable(request, report.project)
    if file:
        refuse_archived(request, report.project.theme.plan)
        if not report_can_file(report.project, request.user):
            raise PermissionDenied
    return report


def get_attachment_for_user(request, pk) -> ReportAttachment:
    """An attachment of a report of the request's alliance that the user may read (404 otherwise)."""
    attachment = get_object_or_404(
        ReportAttachment.objects.in_alliance(request.alliance).select_related("report__project"), pk=pk
    )
    _report_readable(request, attachment.report.project)
    return attachment


# ---------------------------------------------------------------- the analysis committee (issue 20, part 1)


def committee_seats(request):
    """The user's current seats on the request's alliance's committee (none on a page of no alliance)."""
    if not request.user.is_authenticated:
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.in_alliance(request.alliance).current().filter(user=request.user)


def get_committee_member(request, pk) -> CommitteeMember:
    """A current member of the request's alliance's committee, for Coordination to change (404 otherwise)."""
    return get_object_or_404(CommitteeMember.objects.in_alliance(request.alliance).current(), pk=pk)


def get_member_review(request, pk, member_pk):
    """(project, review, member, declaration) of a member's page of an analysis.

    The member's access is through their seat only, not through the project (a filed project stays hidden from
    partners): the member themselves or Coordination (entering for them) opens it, for a project of the request's
    alliance under analysis with its analysis open; Personnel gets 403 (it reads the committee's table on the
    analysis page); anyone else 404. Before declaring, the page shows what a declaration needs (title, lead,
    partners, summary) and no score; a recused member gets 403 (they neither see the others' scores nor score);
    Coordination still opens it, to correct a declaration."""
    user = request.user
    member = get_object_or_404(
        CommitteeMember.objects.in_alliance(request.alliance).current().select_related("user", "organisation"),
        pk=member_pk,
    )
    own = member.user_id is not None and member.user_id == user.pk
    if not (own or user.is_coordinator):
        if user.sees_everything:
            raise PermissionDenied(_("Seuls le membre et la coordination ouvrent la grille d'un membre du comité."))
        raise Http404
    project = get_object_or_404(
        projects_of(request, ActionProject.objects.select_related("lead", "theme__plan")),
        pk=pk,
        status=ProjectStatus.UNDER_ANALYSIS,
    )
    review = ProjectReview.objects.filter(project=project).first()
    if review is None or review.is_closed:
        raise Http404
    review.project = project
    refuse_archived(request, project.theme.plan)
    declaration = ConflictDeclaration.objects.filter(review=review, member=member).first()
    if declaration is not None and declaration.in_conflict and not user.is_coordinator:
        raise PermissionDenied(
            _(
                "Vous avez déclaré un conflit d'intérêts pour ce projet : vous êtes récusé·e, vous ne voyez pas les "
                "notes des autres membres et ne notez pas ce projet."
            )
        )
    return project, review, member, declaration
