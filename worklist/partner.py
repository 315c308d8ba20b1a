"""Reads of « Mon espace » (issue 23, item 2): the home of a partner (a member of an organisation), and the panel
that opens a project's page for its own people and the Coordination.

For each project: its path (intention → … → rapport final) with the step it is at, « À faire maintenant » (what,
who acts, by when, and the button when it is the reader's turn), the next report due (the late ones first) and the
next payment (to the cent, its date, and what it waits for). Everything is derived from the project's status, its
last status change, its report deadlines and its agreement's payment schedule; no figure is kept here.

The partner's home reads its projects (with their money, next payment and last status change), their
partnerships and their awaited report deadlines: three queries whatever the number of projects (the comment beside
each says what it reads). A project's page adds none: the panel reads what the page read (the project with its next
payment, its status history, its reports section).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.templatetags.asis_format import format_money
from organisations.models import MembershipRequest, Organisation
from plans.models import Plan
from projects.models import (
    ActionProject,
    ProjectPartner,
    ProjectStatus,
    ProjectStatusChange,
    ReportDeadline,
)
from projects.selectors.reports import FINAL_REPORTABLE_STATUSES, REPORT_SECTION_STATUSES, REPORTABLE_STATUSES
from worklist.selectors import Action

S = ProjectStatus

# Who acts: the project's lead organisation, the alliance's Coordination, its board of directors.
LEAD, COORDINATION, BOARD = "porteur", "coordination", "conseil"


@dataclass(frozen=True)
class StepDef:
    key: str
    label: str


# The path of a project, as the alliances run it (projects.models.TRANSITIONS), in the partner's words.
STEPS = (
    StepDef("intention", gettext_lazy("Intention")),
    StepDef("redaction", gettext_lazy("Proposition en rédaction")),
    StepDef("depose", gettext_lazy("Déposée")),
    StepDef("analyse", gettext_lazy("En analyse")),
    StepDef("conseil", gettext_lazy("Décision du conseil")),
    StepDef("convention", gettext_lazy("Convention et engagement")),
    StepDef("versements", gettext_lazy("Versements")),
    StepDef("rapports", gettext_lazy("Rapports d'étape")),
    StepDef("rapport-final", gettext_lazy("Rapport final")),
    StepDef("termine", gettext_lazy("Terminé")),
)
STEP_INDEX = {step.key: index for index, step in enumerate(STEPS)}
# The step each status stands at; IN_PROGRESS is refined by the money (nothing paid yet: still « Versements »).
STEP_OF_STATUS = {
    S.INTENTION: "intention",
    S.DRAFT: "redaction",
    S.SUBMITTED: "depose",
    S.UNDER_ANALYSIS: "analyse",
    S.RECOMMENDED: "conseil",
    S.ACCEPTED: "convention",
    S.AGREEMENT_SIGNED: "versements",
    S.IN_PROGRESS: "rapports",
    S.COMPLETED: "rapport-final",
    S.FINAL_REPORT: "termine",
}
CLOSED_STATUSES = (S.FINAL_REPORT, S.REFUSED, S.WITHDRAWN)
# A draft whose last change came from one of these was sent back by the Coordination with changes to make.
SENT_BACK_FROM = (S.SUBMITTED, S.UNDER_ANALYSIS)


@dataclass(frozen=True)
class Step:
    """One step of the path: `state` is « done », « current », « todo » or « stopped » (refused or withdrawn, the
    path's last step then)."""

    key: str
    label: str
    state: str

    @property
    def is_current(self) -> bool:
        return self.state in ("current", "stopped")


@dataclass(frozen=True)
class Todo:
    """« À faire maintenant »: `what`, who acts (`actor`, and `who` as the reader reads it: « Vous », « La
    Coordination »...), by `when`, `overdue` (past its date: the only red), `detail` (the Coordination's request,
    a condition), and the button when it is the reader's turn (`action`)."""

    what: str
    actor: str
    who: str
    yours: bool
    when: datetime.date | None = None
    overdue: bool = False
    detail: str = ""
    action: Action | None = None


@dataclass(frozen=True)
class NextReport:
    """The first report awaited (the most late first): its deadline, how late, how many others are late, and the
    button to produce it when the reader's organisation leads the project."""

    deadline: ReportDeadline
    overdue: bool
    days: int
    late_count: int
    action: Action | None = None

    @property
    def others_late(self) -> int:
        return self.late_count - 1 if self.overdue else self.late_count


@dataclass(frozen=True)
class NextPayment:
    """The first payment of the agreement's schedule not paid nor cancelled (ActionProject.objects
    .with_next_payment()): its amount (to the cent), its date, and what it waits for: `waits_for` (the report
    deadline not yet met) or, without one, the Coordination's payment (`due`: its date has come)."""

    pk: int
    agreement_id: int
    amount: Decimal
    due_on: datetime.date
    waits_for: ReportDeadline | None
    due: bool
    yours: bool  # the report it waits for is the reader's organisation's to produce


@dataclass
class Panel:
    """What a project's people read first: its path, « À faire maintenant », the next report and payment."""

    project: ActionProject
    steps: list[Step]
    todo: Todo | None
    report: NextReport | None = None
    payment: NextPayment | None = None
    closed: str = ""  # why the path ended: finished, refused, withdrawn
    lead_member: bool = False

    @property
    def rank(self) -> tuple:
        """Something for you to do and late first, then yours, then others' turn, then the closed ones."""
        todo = self.todo
        if self.closed or todo is None:
            group = 3
        elif todo.yours:
            group = 0 if todo.overdue else 1
        else:
            group = 2
        when = todo.when if todo is not None and todo.when else datetime.date.max
        return (group, when, self.project.title.casefold(), self.project.pk)


# ---------------------------------------------------------------- the reader


@dataclass(frozen=True)
class Reader:
    """Who reads the panel, as it matters to it: the project's lead (« Vous »), Coordination (its own actions),
    and whether anything may be done (not on a closed plan's project). No query: the roles are cached."""

    lead_member: bool
    coordinator: bool
    answerable_ids: frozenset  # the organisations whose partnership this person answers
    can_act: bool

    @classmethod
    def of(cls, user, project) -> "Reader":
        return cls(
            lead_member=project.lead_id in user.organisation_ids(),
            coordinator=user.is_coordinator,
            answerable_ids=frozenset(user.responsable_ids()),
            can_act=not project.theme.plan.is_archived,
        )

    def who(self, actor: str, project) -> str:
        if actor == LEAD:
            return _("Vous") if self.lead_member else project.lead.name
        if actor == COORDINATION:
            return _("La Coordination")
        return _("Le conseil d'administration")

    def todo(self, actor: str, project, what: str, *, when=None, today=None, detail="", action=None) -> Todo:
        yours = (actor == LEAD and self.lead_member) or (actor == COORDINATION and self.coordinator)
        return Todo(
            what=what,
            actor=actor,
            who=self.who(actor, project),
            yours=yours,
            when=when,
            overdue=when is not None and today is not None and when < today,
            detail=detail,
            action=action if yours and self.can_act else None,
        )


# ---------------------------------------------------------------- the path


def _steps(project, *, last_from: str, paid: Decimal) -> tuple[list[Step], str]:
    """The path and, for a refused or withdrawn project, why it ended there."""
    if project.status == S.REFUSED:
        # the board refused it (its decision is read with the project), else the analysis did
        if hasattr(project, "board_decision"):
            return _stopped(STEP_INDEX["conseil"], "refuse", _("Refusé par le conseil")), _(
                "Projet refusé par le conseil d'administration : son parcours s'arrête ici."
            )
        return _stopped(STEP_INDEX["analyse"], "refuse", _("Refusé à l'analyse")), _(
            "Projet refusé à l'analyse : son parcours s'arrête ici."
        )
    if project.status == S.WITHDRAWN:
        stop = STEP_INDEX.get(STEP_OF_STATUS.get(last_from, "redaction"), STEP_INDEX["redaction"])
        return _stopped(stop, "retire", _("Retiré")), _("Projet retiré : son parcours s'arrête ici.")
    key = STEP_OF_STATUS[project.status]
    if project.status == S.IN_PROGRESS and not paid:
        key = "versements"  # under way, nothing paid yet: the first payment is what comes
    current = STEP_INDEX[key]
    steps = [
        Step(step.key, str(step.label), "done" if index < current else "current" if index == current else "todo")
        for index, step in enumerate(STEPS)
    ]
    finished = project.status == S.FINAL_REPORT  # its last step, « Terminé », is where it stands
    return steps, _("Projet terminé : le rapport final est déposé. Merci!") if finished else ""


def _stopped(stop: int, key: str, label: str) -> list[Step]:
    return [Step(step.key, str(step.label), "done") for step in STEPS[:stop]] + [Step(key, label, "stopped")]


# ---------------------------------------------------------------- the panel


def _report_action(project, deadline: ReportDeadline, reader: Reader) -> Action | None:
    """« Produire le rapport » when the reader's organisation leads the project and the report may be filed now."""
    if not (reader.lead_member and reader.can_act):
        return None
    if deadline.kind == ReportDeadline.Kind.FINAL:
        if project.status not in FINAL_REPORTABLE_STATUSES:
            return None
        return Action(
            _("Produire le rapport final"), reverse("projects:report-create-final", args=[project.pk]), False, ""
        )
    if project.status not in REPORTABLE_STATUSES:
        return None
    return Action(_("Produire le rapport d'étape"), reverse("projects:report-create", args=[project.pk]), False, "")


def _report_what(deadline: ReportDeadline) -> str:
    if deadline.kind == ReportDeadline.Kind.FINAL:
        return _("Produire le rapport final")
    return _("Produire le rapport d'étape")


def _next_payment(project, reader: Reader, deadlines, today) -> NextPayment | None:
    """The project's next payment from its `with_next_payment()` annotations; the report it waits for is among its
    awaited `deadlines` (a report filed no longer holds it)."""
    if getattr(project, "next_payment_id", None) is None:
        return None
    waits_for = None
    if project.next_payment_report_id is not None and not project.next_payment_report_filed:
        waits_for = next((d for d in deadlines if d.pk == project.next_payment_report_id), None)
    return NextPayment(
        pk=project.next_payment_id,
        agreement_id=project.next_payment_agreement_id,
        amount=project.next_payment_amount,
        due_on=project.next_payment_due_on,
        waits_for=waits_for,
        due=project.next_payment_due_on <= today,
        yours=reader.lead_member,
    )


def panel(project, reader: Reader, *, last_from: str, last_comment: str, deadlines, today) -> Panel:
    """The panel of `project` (read with `with_money()` and `with_next_payment()`) for `reader`, from its awaited
    report deadlines (by date)."""
    paid = getattr(project, "paid", None) or Decimal("0")
    steps, closed = _steps(project, last_from=last_from, paid=paid)
    late = [deadline for deadline in deadlines if deadline.due_on < today]
    report = payment = None
    if project.status not in CLOSED_STATUSES:
        if deadlines:
            first = deadlines[0]
            report = NextReport(
                deadline=first,
                overdue=first.due_on < today,
                days=abs((today - first.due_on).days),
                late_count=len(late),
                action=_report_action(project, first, reader),
            )
        payment = _next_payment(project, reader, deadlines, today)
    if not closed and not reader.can_act:  # a closed plan's project is read, nothing is done on it any more
        closed = _("Ce projet appartient à un plan terminé : il se consulte, plus rien ne s'y fait.")
    todo = None if closed else _todo(project, reader, last_from, last_comment, report, payment, deadlines, today)
    return Panel(
        project=project,
        steps=steps,
        todo=todo,
        report=report,
        payment=payment,
        closed=closed,
        lead_member=reader.lead_member,
    )


def _todo(project, reader: Reader, last_from, last_comment, report, payment, deadlines, today) -> Todo | None:
    """What is to be done now, and by whom: the reader's organisation's answer as a partner first, then what the
    project's status asks (a late report before anything else once the board accepted it)."""
    status = project.status
    pk = project.pk
    for partnership in project.partnerships.all():
        if partnership.is_pending and partnership.organisation_id in reader.answerable_ids:
            url = reverse("projects:project-detail", args=[pk]) + "#partenaires"
            return Todo(
                what=_("Confirmer ou décliner la participation de « %(name)s » à ce projet")
                % {"name": partnership.organisation.name},
                actor=LEAD,
                who=_("Vous"),
                yours=True,
                action=Action(_("Répondre"), url, False, project.title) if reader.can_act else None,
            )
    # The application as a task list (issue 23, item 4): partners write their project there, section by section
    update = Action(_("Modifier le projet"), reverse("projects:project-application", args=[pk]), False, project.title)
    if status == S.INTENTION:
        return reader.todo(
            LEAD,
            project,
            _("Rédiger le projet complet à partir de l'intention"),
            detail=_("La Coordination lit les intentions et peut vous proposer d'en parler."),
            action=Action(_("Rédiger le projet"), update.url, False, project.title),
        )
    if status == S.DRAFT:
        if last_from in SENT_BACK_FROM:
            return reader.todo(
                LEAD,
                project,
                _("Répondre aux demandes de changements de la Coordination, puis déposer de nouveau"),
                detail=last_comment,
                action=update,
            )
        detail = ""
        if not project.lead.can_submit:
            detail = _("L'organisation doit être approuvée par la Coordination avant le dépôt.")
        return reader.todo(
            LEAD,
            project,
            _("Compléter le projet et le déposer"),
            detail=detail,
            action=Action(_("Compléter le projet"), update.url, False, project.title),
        )
    if status == S.SUBMITTED:
        return reader.todo(
            COORDINATION,
            project,
            _("Analyser le projet déposé"),
            action=Action(_("Ouvrir l'analyse"), reverse("projects:review-open", args=[pk]), True, project.title),
        )
    if status == S.UNDER_ANALYSIS:
        return reader.todo(
            COORDINATION,
            project,
            _("Analyser le projet et faire une recommandation au conseil"),
            action=Action(
                _("Poursuivre l'analyse"), reverse("projects:review-detail", args=[pk]), False, project.title
            ),
        )
    if status == S.RECOMMENDED:
        todo = reader.todo(BOARD, project, _("Décider du financement du projet"))
        if reader.coordinator and reader.can_act:  # the Coordination records the board's decision
            action = Action(
                _("Saisir la décision"), reverse("projects:board-decision-create", args=[pk]), False, project.title
            )
            todo = replace(todo, action=action)
        return todo
    # Accepted by the board: a late report first, then a payment whose day has come, then what the status asks.
    if report is not None and report.overdue:
        return reader.todo(
            LEAD, project, _report_what(report.deadline), when=report.deadline.due_on, today=today, action=report.action
        )
    if payment is not None and payment.due and payment.waits_for is None:
        return reader.todo(
            COORDINATION,
            project,
            _("Verser %(amount)s") % {"amount": _money(payment.amount)},
            when=payment.due_on,
            today=today,
            action=Action(
                _("Verser"),
                reverse("budget:agreement-detail", args=[payment.agreement_id]) + f"#versement-{payment.pk}",
                False,
                project.title,
            ),
        )
    if status == S.ACCEPTED:
        return reader.todo(
            COORDINATION,
            project,
            _("Préparer et signer la convention, engager les montants"),
            action=Action(
                _("Signer la convention"), f"{reverse('budget:agreement-create')}?projet={pk}", False, project.title
            ),
        )
    if status == S.COMPLETED:
        final = next((d for d in deadlines if d.kind == ReportDeadline.Kind.FINAL), None)
        action = None
        if reader.lead_member:
            action = Action(
                _("Produire le rapport final"),
                reverse("projects:report-create-final", args=[pk]),
                False,
                project.title,
            )
        return reader.todo(
            LEAD,
            project,
            _("Produire le rapport final"),
            when=final.due_on if final else None,
            today=today,
            action=action,
        )
    if report is not None:  # agreement signed, under way: the next report
        return reader.todo(
            LEAD, project, _report_what(report.deadline), when=report.deadline.due_on, today=today, action=report.action
        )
    return None


def _money(amount) -> str:
    return format_money(amount)


# ---------------------------------------------------------------- the reads


def _last_change():
    return ProjectStatusChange.objects.filter(project=OuterRef("pk")).order_by("-changed_at", "-pk")


def _deadlines(project_ids) -> dict[int, list[ReportDeadline]]:
    """The deadlines still awaited of these projects, the earliest first: 1 query."""
    by_project = defaultdict(list)
    for deadline in ReportDeadline.objects.filter(project_id__in=project_ids).awaited().order_by("due_on", "pk"):
        by_project[deadline.project_id].append(deadline)
    return by_project


def _partnerships():
    return Prefetch("partnerships", queryset=ProjectPartner.objects.select_related("organisation"))


def partner_projects(plan: Plan, user):
    """The projects of `plan` that the user's organisations lead or are named partners of (not those it declined):
    never another organisation's, never another plan's or alliance's."""
    org_ids = user.organisation_ids()
    partnered = (
        ProjectPartner.objects.not_declined().filter(organisation_id__in=org_ids).order_by().values("project_id")
    )
    led = ActionProject.objects.filter(lead_id__in=org_ids).order_by().values("pk")
    # A semi-join on the projects they lead and those they are partners of, each read on its index (each project
    # once): « lead OR partner » was tested on every project of the plan.
    return ActionProject.objects.in_plan(plan).filter(pk__in=led.union(partnered))


def has_partner_space(user) -> bool:
    """A partner: signed in, holding no role in any alliance (Coordination, staff, the regional funder: they have
    their own home here, and the public overview in another alliance), with or without an organisation yet (the
    page then says how to join one). templates/base.html names « Mon espace » in the menu on the same condition.
    No query: the roles are cached."""
    return user.is_authenticated and not user.sees_everything and not user.alliance_role_map()


def partner_space(plan: Plan, user, today: datetime.date | None = None) -> dict:
    """« Mon espace »: one panel per project of the user's organisations in `plan`, something for them to do and
    late first; their organisations (one awaiting approval says so) or their request to join one. 3 queries for the
    projects whatever their number (+1 or 2 for the organisations and the requests)."""
    today = today or timezone.localdate()
    last = _last_change()
    projects = list(
        partner_projects(plan, user)
        .with_money()
        .with_next_payment()
        .select_related("lead", "theme__plan", "board_decision")
        .annotate(
            last_from=Subquery(last.values("from_status")[:1]),
            last_comment=Subquery(last.values("comment")[:1]),
        )
        .prefetch_related(_partnerships())
        .order_by("title", "pk")
    )  # 1 the projects, their money, next payment and last change; 2 their partnerships
    deadlines = _deadlines([project.pk for project in projects]) if projects else {}  # 3
    panels = sorted(
        (
            panel(
                project,
                Reader.of(user, project),
                last_from=project.last_from or "",
                last_comment=project.last_comment or "",
                deadlines=deadlines.get(project.pk, []),
                today=today,
            )
            for project in projects
        ),
        key=lambda p: p.rank,
    )
    organisations = list(Organisation.objects.filter(pk__in=user.organisation_ids()).order_by("name"))  # 4
    requests = []
    if not organisations:
        requests = list(
            MembershipRequest.objects.filter(user=user, status=MembershipRequest.Status.PENDING)
            .select_related("organisation")
            .order_by("created_at")
        )  # 5
    active = [org for org in organisations if org.status != Organisation.Status.ARCHIVED]
    yours = [p for p in panels if p.todo is not None and p.todo.yours]
    return {
        "analyses_to_do": getattr(plan, "analyses_to_do", 0),  # read with the plan (selectors.worklist_plans)
        "plan": plan,
        "today": today,
        "panels": panels,
        "organisations": organisations,
        "pending_organisations": [org for org in organisations if org.status == Organisation.Status.PENDING],
        "membership_requests": requests,
        "can_create": bool(active) and not plan.is_archived,
        "yours_count": len(yours),
        "yours_late": sum(p.todo.overdue for p in yours),
    }


def shows_panel(project, user) -> bool:
    """The project's own people (its lead's and its partners' members, not a partner that declined) and the
    alliance's Coordination and staff read the panel. No query: the partnerships are prefetched by the page."""
    if not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    named = {project.lead_id} | {p.organisation_id for p in project.partnerships.all() if not p.is_declined}
    return bool(user.organisation_ids() & named)


def project_panel(project, user, *, history=None, reports_section=None, today: datetime.date | None = None):
    """The panel of the project's page, or None for a reader who is not one of its people. The project as the page
    read it (its lead, plan, decision, money, next payment and partnerships loaded); its status history and its
    reports section as the page read them for its people (a query each when not given): no query of its own."""
    if not shows_panel(project, user):
        return None
    today = today or timezone.localdate()
    if history is None:
        history = list(ProjectStatusChange.objects.filter(project=project).order_by("changed_at", "pk"))
    last = history[-1] if history else None
    if reports_section is not None:
        deadlines = [row.deadline for row in reports_section["deadlines"] if row.state != "filed"]
    elif project.status in REPORT_SECTION_STATUSES:
        deadlines = _deadlines([project.pk]).get(project.pk, [])
    else:
        deadlines = []  # a project the board has not accepted has no report to give
    return panel(
        project,
        Reader.of(user, project),
        last_from=last.from_status if last else "",
        last_comment=last.comment if last else "",
        deadlines=deadlines,
        today=today,
    )
