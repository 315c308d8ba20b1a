"""Reads of « À traiter » (issue 23): the work queues of an alliance's Coordination, and the short list of its staff,
for one of its plans.

Each queue says what waits (its rows: what, when, who, and the one action that moves it on), how many wait in all,
and where the full list is when the portal has one. A queue shows its first ROWS_SHOWN rows, overdue first; its
count is read with them and stops at COUNT_CAP (« 100 et plus »: asis.counts), so the page costs the same queries,
and about the same time, whatever the data (the comment beside each query says what it reads). The actions are the pages and forms that already do the work (the commitment
form, the agreement's schedule, the follow-up's « Fait »...); on a closed plan no queue offers one.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.counts import COUNT_CAP, CappedCount, capped_count
from asis.money import CENT
from asis.templatetags.asis_format import day_date, format_money, number
from budget.models import ChangeRequest, PlannedPayment
from chantiers.models import FollowUp, Meeting
from organisations.models import MembershipRequest, Organisation
from outbox.selectors import failed_email_annotations, failed_email_count
from plans.models import Plan
from projects.models import (
    FUNDABLE_STATUSES,
    ActionProject,
    ProgressReport,
    ProjectStatus,
    ReportDeadline,
)
from projects.selectors.committee import analyses_to_do
from projects.selectors.reports import DeadlineRow, late_reports

ROWS_SHOWN = 10  # rows of each queue on the page; the count says how many wait in all
SOON_DAYS = 30  # reports and payments due within this many days are « bientôt »
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)

# The review's stages that wait for Coordination, each a queue
INTENTIONS, FILED, BOARD = "intentions", "deposes", "conseil"
STAGE_STATUSES = {
    INTENTIONS: (ProjectStatus.INTENTION,),
    FILED: (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_ANALYSIS),
    BOARD: (ProjectStatus.RECOMMENDED,),
}


@dataclass(frozen=True)
class Action:
    """What a row's button does: a link (`post` False) or a form posted with the CSRF token and `next`, back to
    « À traiter ». `context` names the row for a screen reader (« Fait — Réserver la salle »)."""

    label: str
    url: str
    post: bool = False
    context: str = ""


@dataclass(frozen=True)
class Row:
    """One thing to do: `what` (linked to `url`), `when` (its date), `who` (the organisation or person),
    `detail` (how late, how much), `overdue` (past its date: the only red of the page) and its action."""

    what: str
    url: str = ""
    when: datetime.date | None = None
    who: str = ""
    detail: str = ""
    overdue: bool = False
    action: Action | None = None


@dataclass(frozen=True)
class Queue:
    """A queue: `key` (its anchor), its label, how many wait (`count`, at most `cap` + 1: more than `cap` is shown
    « 100 et plus »), the first rows, the full list's page (which says the exact figure)."""

    key: str
    label: str
    count: int
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    empty: str = ""
    cap: int | None = COUNT_CAP
    link: str = ""  # a queue counted with the plan, without rows: its count and this link to the page that lists them  # None: the count is exact (the reports late and due soon: see _deadline_queues)

    @property
    def capped(self) -> bool:
        """More than `cap` wait: the count stopped there."""
        return self.cap is not None and self.count > self.cap

    @property
    def more(self) -> int:
        """How many wait beyond the rows shown (capped: at least this many, « plus de »)."""
        return max((self.cap if self.capped else self.count) - len(self.rows), 0)

    @property
    def overdue(self) -> int:
        """How many of the rows shown are overdue (they come first)."""
        return sum(row.overdue for row in self.rows)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    queues: list[Queue]


def _first(queryset, limit: int = ROWS_SHOWN, *, ordered_count: bool = False) -> tuple[list, int]:
    """The first `limit` rows of `queryset` (in its order) and how many it holds, up to COUNT_CAP + 1: one query (the
    capped count, a subquery read with the first rows; a window count over every row kept grew with the data).
    `ordered_count`: counted in the rows' order (asis.counts.CappedCount)."""
    first = queryset.values("pk")[:limit]  # narrow: the wide rows (select_related) are read for these only
    rows = list(queryset.filter(pk__in=first).annotate(total=CappedCount(queryset, ordered=ordered_count)))
    return rows, (rows[0].total if rows else 0)


def _overdue_first(rows: list[Row]) -> list[Row]:
    """Overdue rows first, each group in its own order (sorted() keeps it)."""
    return sorted(rows, key=lambda row: not row.overdue)


def _days_late(days: int) -> str:
    return ngettext("en retard de %(days)s jour", "en retard de %(days)s jours", days) % {"days": number(days)}


def _days_left(days: int) -> str:
    if days == 0:
        return _("aujourd'hui")
    return ngettext("dans %(days)s jour", "dans %(days)s jours", days) % {"days": number(days)}


def _deadline_what(deadline: ReportDeadline) -> str:
    """« Projet — Rapport d'étape de mi-parcours »: the deadline's name (its kind, its label when it says more)."""
    return f"{deadline.project.title} — {deadline.name}"


def _money(amount) -> str:
    return format_money(amount)


def _remind(deadline_pk: int, title: str) -> Action:
    return Action(_("Envoyer un rappel"), reverse("projects:deadline-remind", args=[deadline_pk]), True, title)


# ---------------------------------------------------------------- reports


def _deadline_rows(rows: list[DeadlineRow], *, can_remind: bool) -> list[Row]:
    return [
        Row(
            what=_deadline_what(row.deadline),
            url=reverse("projects:project-detail", args=[row.deadline.project_id]) + "#rapports",
            when=row.deadline.due_on,
            who=row.deadline.project.lead.name,
            detail=_days_late(row.days) if row.is_late else _days_left(row.days),
            overdue=row.is_late,
            action=_remind(row.deadline.pk, row.deadline.project.title) if can_remind else None,
        )
        for row in rows
    ]


def _deadline_queues(plan, today, *, can_remind: bool, limit: int = ROWS_SHOWN) -> tuple[Queue, Queue]:
    """The reports late (most late first) and those due within SOON_DAYS: 1 query (projects.selectors.reports),
    their counts exact (read in the pass that finds the rows: see late_reports)."""
    deadlines = late_reports(Plan.objects.filter(pk=plan.pk), today, SOON_DAYS, limit=limit)
    late = Queue(
        "rapports-en-retard",
        _("Rapports en retard"),
        deadlines["late_total"],
        _deadline_rows(deadlines["late"], can_remind=can_remind),
        reverse("projects:report-late"),
        _("Aucun rapport en retard."),
        cap=None,
    )
    soon = Queue(
        "rapports-bientot",
        ngettext("Rapports à remettre d'ici %(days)s jour", "Rapports à remettre d'ici %(days)s jours", SOON_DAYS)
        % {"days": SOON_DAYS},
        deadlines["upcoming_total"],
        _deadline_rows(deadlines["upcoming"], can_remind=can_remind),
        reverse("projects:report-late"),
        _("Aucun rapport attendu bientôt."),
        cap=None,
    )
    return late, soon


def _reports_to_read(plan, *, can_mark: bool) -> Queue:
    """The reports filed and not read yet, oldest first: 1 query (on the index of the plan's unread reports, its
    first rows and its capped count, whatever the reports waiting)."""
    reports, total = _first(
        ProgressReport.objects.filter(plan=plan, read_at__isnull=True)
        .select_related("project__lead")
        .order_by("submitted_at", "pk"),
        ordered_count=True,  # the count too walks that index and stops at COUNT_CAP + 1
    )
    rows = []
    for report in reports:
        kind = _("Rapport final") if report.is_final else _("Rapport d'étape")
        rows.append(
            Row(
                what=f"{report.project.title} — {kind}",
                url=reverse("projects:report-detail", args=[report.pk]),
                when=timezone.localdate(report.submitted_at),
                who=report.project.lead.name,
                detail=_("reçu"),
                action=Action(
                    _("Marquer comme lu"),
                    reverse("projects:report-mark-read", args=[report.pk]),
                    True,
                    report.project.title,
                )
                if can_mark
                else None,
            )
        )
    return Queue("rapports-a-lire", _("Rapports reçus à lire"), total, rows, "", _("Aucun rapport à lire."))


# ---------------------------------------------------------------- projects


def _project_queues(plan, *, can_act: bool, limit: int = ROWS_SHOWN) -> list[Queue]:
    """Intentions, projects filed (to analyse), projects recommended (waiting for the board), oldest first: 1 query
    for the three (each stage's first rows by a row number over the plan's projects waiting, with each stage's
    capped count).
    Their order reads when each project waiting reached its stage (the project's kept `status_since`: no lookup in
    each one's history, 31 ms for the 3 500 waiting in the grown plan at scale 100): a cost that grows with the
    projects waiting, never with those that moved on."""
    stage = Case(
        *[When(status__in=statuses, then=Value(key)) for key, statuses in STAGE_STATUSES.items()],
        default=Value(""),
    )
    order = [F("since").asc(nulls_first=True), F("pk").asc()]
    in_plan = ActionProject.objects.in_plan(plan)
    at = {key: in_plan.filter(status__in=statuses) for key, statuses in STAGE_STATUSES.items()}
    # Ranked narrow (the project, its status and when it reached it), then the wide rows (the lead's name) read
    # for the first `limit` of each stage only: reading them for every project waiting cost a join each.
    first = (
        in_plan.filter(status__in=[status for statuses in STAGE_STATUSES.values() for status in statuses])
        .annotate(since=F("status_since"), rank=Window(RowNumber(), partition_by=[stage], order_by=order))
        .filter(rank__lte=limit)
        .values("pk")
    )
    waiting = (
        ActionProject.objects.filter(pk__in=first)
        .select_related("lead")
        .annotate(
            since=F("status_since"),
            stage=stage,
            **{f"total_{key}": CappedCount(projects) for key, projects in at.items()},
        )
        .order_by(*order)
    )
    by_stage: dict[str, list] = {key: [] for key in STAGE_STATUSES}
    for project in waiting:
        by_stage[project.stage].append(project)

    def total(key):
        return getattr(by_stage[key][0], f"total_{key}") if by_stage[key] else 0

    def row(project, action):
        return Row(
            what=project.title,
            url=project.get_absolute_url(),
            when=timezone.localdate(project.since) if project.since else None,
            who=project.lead.name,
            detail=project.get_status_display(),
            action=action if can_act else None,
        )

    def filed_action(project):
        if project.status == ProjectStatus.SUBMITTED:
            return Action(
                _("Ouvrir l'analyse"), reverse("projects:review-open", args=[project.pk]), True, project.title
            )
        return Action(
            _("Poursuivre l'analyse"), reverse("projects:review-detail", args=[project.pk]), False, project.title
        )

    project_list = reverse("projects:project-list")
    return [
        Queue(
            INTENTIONS,
            _("Intentions à examiner"),
            total(INTENTIONS),
            [row(p, Action(_("Examiner"), p.get_absolute_url(), False, p.title)) for p in by_stage[INTENTIONS]],
            reverse("projects:intention-list"),
            _("Aucune intention en attente."),
        ),
        Queue(
            FILED,
            _("Projets déposés à analyser"),
            total(FILED),
            [row(p, filed_action(p)) for p in by_stage[FILED]],
            f"{project_list}?statut={ProjectStatus.SUBMITTED}",
            _("Aucun projet déposé en attente."),
        ),
        Queue(
            BOARD,
            _("Recommandés, en attente du conseil"),
            total(BOARD),
            [
                row(
                    p,
                    Action(
                        _("Saisir la décision"), reverse("projects:board-decision-create", args=[p.pk]), False, p.title
                    ),
                )
                for p in by_stage[BOARD]
            ],
            f"{project_list}?statut={ProjectStatus.RECOMMENDED}",
            _("Aucun projet en attente du conseil."),
        ),
    ]


# ---------------------------------------------------------------- money


def _to_commit(plan, *, can_act: bool) -> Queue:
    """Projects accepted whose amount granted by the board (else the amount asked) is not all committed, the
    longest accepted first: 1 query (what is committed is the project's kept total, budget.services.ledger)."""
    projects, total = _first(
        ActionProject.objects.in_plan(plan)
        .filter(status__in=FUNDABLE_STATUSES)
        .select_related("lead")
        .annotate(
            granted=Coalesce("board_decision__granted_amount", "amount_requested", output_field=MONEY_FIELD),
            balance=F("granted") - F("committed_total"),
            decided_on=F("board_decision__decided_on"),
        )
        .filter(balance__gte=CENT)  # a cent at least: SQLite subtracts in binary floating point
        .order_by(F("decided_on").asc(nulls_last=True), "title", "pk")
    )
    commit = reverse("budget:commitment-create")
    back = quote(reverse("home"))  # the form comes back to « À traiter »
    rows = [
        Row(
            what=project.title,
            url=project.get_absolute_url(),
            when=project.decided_on,
            who=project.lead.name,
            detail=_("reste %(balance)s à engager sur %(granted)s")
            % {"balance": _money(project.balance), "granted": _money(project.granted)},
            action=Action(
                _("Engager le solde"),
                f"{commit}?projet={project.pk}&montant={project.balance:.2f}&next={back}",
                False,
                project.title,
            )
            if can_act
            else None,
        )
        for project in projects
    ]
    return Queue(
        "a-engager",
        _("Accordé, pas encore engagé"),
        total,
        rows,
        reverse("budget:commitments"),
        _("Tout ce qui est accordé est engagé."),
    )


def _agreements_to_sign(plan, *, can_act: bool) -> Queue:
    """Projects accepted without their agreement, the longest accepted first: 1 query."""
    projects, total = _first(
        ActionProject.objects.in_plan(plan)
        .filter(status=ProjectStatus.ACCEPTED, agreement__isnull=True)
        .select_related("lead")
        .annotate(decided_on=F("board_decision__decided_on"))
        .order_by(F("decided_on").asc(nulls_last=True), "title", "pk")
    )
    create = reverse("budget:agreement-create")
    rows = [
        Row(
            what=project.title,
            url=project.get_absolute_url(),
            when=project.decided_on,
            who=project.lead.name,
            detail=_("accepté, sans convention"),
            action=Action(_("Préparer la convention"), f"{create}?projet={project.pk}", False, project.title)
            if can_act
            else None,
        )
        for project in projects
    ]
    return Queue(
        "conventions",
        _("Conventions à signer"),
        total,
        rows,
        reverse("budget:agreement-list"),
        _("Aucune convention à signer."),
    )


def _payments(plan, today, *, can_act: bool) -> Queue:
    """The planned payments not paid nor cancelled, due by SOON_DAYS from today (the overdue first, by date),
    and whether each waits for its report: 1 query. The plan's, through the plan each keeps (its envelope's): a range
    of the index of the plan's open payments in due order, not every open payment of the instance joined to its
    project and theme (scale 100, 5 500 open in the grown plan)."""
    report_filed = ProgressReport.objects.filter(deadline_id=OuterRef("required_report_id"))
    payments, total = _first(
        PlannedPayment.objects.filter(
            plan=plan,
            cancelled_on__isnull=True,
            disbursement__isnull=True,
            due_on__lte=today + datetime.timedelta(days=SOON_DAYS),
        )
        .select_related("agreement__project__lead", "required_report")
        .annotate(report_filed=Exists(report_filed))
        .order_by("due_on", "pk")
    )
    rows = []
    for payment in payments:
        project = payment.agreement.project
        overdue = payment.due_on < today
        days = (today - payment.due_on).days
        detail = _days_late(days) if overdue else _days_left(-days)
        if payment.required_report_id is not None and not payment.report_filed:  # it waits for its report
            deadline = payment.required_report
            detail += " · " + _("attend le rapport dû le %(date)s") % {"date": day_date(deadline.due_on)}
            action = _remind(deadline.pk, project.title)
        else:
            action = Action(
                _("Verser"),
                reverse("budget:payments") + f"#versement-{payment.pk}",  # the same order: on its first page
                False,
                f"{project.title}, {_money(payment.amount)}",
            )
        rows.append(
            Row(
                what=f"{project.title} — {_money(payment.amount)}",
                url=reverse("budget:agreement-detail", args=[payment.agreement_id]) + "#calendrier",
                when=payment.due_on,
                who=project.lead.name,
                detail=detail,
                overdue=overdue,
                action=action if can_act else None,
            )
        )
    return Queue(
        "versements",
        ngettext("Versements dus ou d'ici %(days)s jour", "Versements dus ou d'ici %(days)s jours", SOON_DAYS)
        % {"days": SOON_DAYS},
        total,
        _overdue_first(rows),
        reverse("budget:payments"),
        _("Aucun versement à faire."),
    )


# ---------------------------------------------------------------- concertation


def _follow_ups(plan, today, *, can_act: bool) -> Queue:
    """The open follow-ups of the alliance's meetings, soonest due first (the overdue first, the undated last):
    1 query."""
    follow_ups, total = _first(
        FollowUp.objects.open()
        .in_alliance(plan.alliance_id)
        .select_related("decision__meeting__space", "responsible_organisation", "responsible_user")
        .order_by(F("due_on").asc(nulls_last=True), "pk"),
        ordered_count=True,  # on the index of open follow-ups by due date, as the rows: the alliance's come soon
    )
    rows = []
    for follow_up in follow_ups:
        meeting = follow_up.decision.meeting
        who = " · ".join(
            str(name)
            for name in (
                follow_up.responsible_organisation.short_name if follow_up.responsible_organisation else "",
                follow_up.responsible_user or "",
            )
            if name
        )
        overdue = follow_up.due_on is not None and follow_up.due_on < today
        rows.append(
            Row(
                what=follow_up.what,
                url=reverse("chantiers:meeting-detail", args=[meeting.pk]),
                when=follow_up.due_on,
                who=who,
                detail=_days_late((today - follow_up.due_on).days)
                if overdue
                else _("%(space)s, rencontre du %(date)s")
                % {"space": meeting.space.name, "date": day_date(meeting.date)},
                overdue=overdue,
                action=Action(_("Fait"), reverse("chantiers:follow-up-done", args=[follow_up.pk]), True, follow_up.what)
                if can_act
                else None,
            )
        )
    return Queue("suivis", _("Suivis des décisions"), total, rows, "", _("Aucun suivi ouvert."))


def week_of(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the week of `today`."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def _meetings(plan, today, *, can_act: bool) -> Queue:
    """The alliance's meetings this week (Monday to Sunday), by date and time: 1 query. A meeting held asks for its
    attendance; one to come links to its page."""
    monday, sunday = week_of(today)
    meetings, total = _first(
        Meeting.objects.in_alliance(plan.alliance_id)
        .filter(date__range=(monday, sunday))
        .select_related("space")
        .order_by("date", F("start_time").asc(nulls_last=True), "pk")
    )
    rows = []
    for meeting in meetings:
        action = None
        if can_act and meeting.date <= today:
            action = Action(
                _("Consigner les présences"),
                reverse("chantiers:meeting-attendance", args=[meeting.pk]),
                False,
                meeting.space.name,
            )
        time = meeting.start_time.strftime("%H:%M") if meeting.start_time else ""
        rows.append(
            Row(
                what=meeting.space.name,
                url=reverse("chantiers:meeting-detail", args=[meeting.pk]),
                when=meeting.date,
                who=meeting.place,
                detail=time,
                action=action,
            )
        )
    return Queue(
        "rencontres",
        _("Rencontres de la semaine"),
        total,
        rows,
        reverse("chantiers:meeting-list"),
        _("Aucune rencontre cette semaine."),
    )


# ---------------------------------------------------------------- sign-ups (the portal's operators)


def _sign_ups() -> Queue:
    """Organisations and people waiting for approval, the oldest first: 2 queries. They belong to no alliance:
    the portal's operators (`runs_portal`) approve them on one page."""
    organisations, organisation_total = _first(Organisation.objects.pending().order_by("created_at", "pk"))
    requests, request_total = _first(
        MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING)
        .select_related("user", "organisation")
        .order_by("created_at", "pk")
    )
    review = reverse("organisations:request-list")
    rows = [
        (
            organisation.created_at,
            Row(
                what=organisation.name,
                url=review,
                when=timezone.localdate(organisation.created_at),
                who=organisation.get_kind_display(),
                detail=_("nouvelle organisation"),
                action=Action(_("Examiner"), review, False, organisation.name),
            ),
        )
        for organisation in organisations
    ] + [
        (
            request.created_at,
            Row(
                what=str(request.user),
                url=review,
                when=timezone.localdate(request.created_at),
                who=request.organisation.name,
                detail=_("demande à joindre l'organisation"),
                action=Action(_("Examiner"), review, False, str(request.user)),
            ),
        )
        for request in requests
    ]
    rows.sort(key=lambda pair: pair[0])
    return Queue(
        "inscriptions",
        _("Inscriptions à approuver"),
        organisation_total + request_total,
        [row for _created, row in rows[:ROWS_SHOWN]],
        review,
        _("Aucune inscription en attente."),
    )


# ---------------------------------------------------------------- counted with the plan (worklist_plans)


def _change_requests(plan) -> Queue:
    """The alliance's change requests waiting for Coordination's decision (issue 20, part 4): counted with the plan
    (no query of its own); the list (budget:change-request-list) shows them, oldest first."""
    return Queue(
        "modifications",
        _("Demandes de modification à traiter"),
        plan.pending_change_requests,
        [],
        reverse("budget:change-request-list"),
        _("Aucune demande de modification en attente."),
        link=_("Voir les demandes de modification"),
    )


def committee_section(plan) -> Section | None:
    """« Analyses à faire »: the open analyses waiting for the reader's seat on the committee (issue 20, part 1),
    counted with the plan (no query of its own), linked to « Mes analyses »; None when nothing waits (no seat)."""
    count = getattr(plan, "analyses_to_do", 0)
    if not count:
        return None
    queue = Queue(
        "analyses-a-faire",
        _("Analyses à faire"),
        count,
        [],
        reverse("projects:committee-my-reviews"),
        "",
        link=_("Ouvrir mes analyses"),
    )
    return Section("comite", _("Comité d'analyse"), [queue])


# ---------------------------------------------------------------- the pages


def worklist_plans(user):
    """The plans as « À traiter » reads its plan (the view picks the request's one, plans.access): its alliance,
    the outbox's failed e-mails, the analyses waiting for `user`'s seat on the committee and, for Coordination, the
    change requests to decide, all with it: 1 query."""
    counts = {}
    if user.is_authenticated:
        counts["analyses_to_do"] = CappedCount(analyses_to_do(user, OuterRef("alliance_id")))
    if user.is_coordinator:
        counts["pending_change_requests"] = CappedCount(
            ChangeRequest.objects.pending().filter(project__theme__plan__alliance_id=OuterRef("alliance_id"))
        )
    return Plan.objects.select_related("alliance").annotate(**failed_email_annotations(), **counts)


def coordination_worklist(plan: Plan, user, today: datetime.date | None = None) -> dict:
    """« À traiter » for the Coordination of `plan`'s alliance: its sections (reports, projects, money,
    concertation, sign-ups), each of queues, in 9 queries (11 for the portal's operators, who also approve
    the sign-ups) whatever the data, and a link to the outbox's failed e-mails (read with the plan). No action on a closed plan, whose pages are read only."""
    today = today or timezone.localdate()
    can_act = user.is_coordinator and not plan.is_archived
    late, soon = _deadline_queues(plan, today, can_remind=can_act)  # 1
    sections = [
        Section("rapports", _("Rapports"), [late, _reports_to_read(plan, can_mark=can_act), soon]),  # 1
        Section("projets", _("Projets"), _project_queues(plan, can_act=can_act)),  # 1
        Section(
            "argent",
            _("Argent"),
            [
                _payments(plan, today, can_act=can_act),  # 1
                _to_commit(plan, can_act=can_act),  # 1
                _agreements_to_sign(plan, can_act=can_act),  # 1
                _change_requests(plan),  # read with the plan (worklist_plans)
            ],
        ),
        Section(
            "concertation",
            _("Concertation"),
            [_follow_ups(plan, today, can_act=can_act), _meetings(plan, today, can_act=can_act)],  # 2
        ),
    ]
    if user.runs_portal:
        sections.append(Section("inscriptions", _("Inscriptions"), [_sign_ups()]))  # 2
    committee = committee_section(plan)  # read with the plan (worklist_plans)
    if committee is not None:
        sections.append(committee)
    page = _page(plan, today, sections, can_act=can_act)
    page["failed_emails"] = failed_email_count(user, plan)  # read with the plan (worklist_plans)
    return page


def staff_worklist(plan: Plan, user, today: datetime.date | None = None) -> dict:
    """« À traiter » for the staff of `plan`'s alliance: the reports received to read, the reports late, and the
    bilan to produce (the last plan year ended, with the reports it still waits for), in 4 queries whatever the
    data. Staff mark a report read; they remind no one (Coordination's job). Nothing on a closed plan."""
    today = today or timezone.localdate()
    can_act = user.sees_everything and not plan.is_archived
    late, _soon = _deadline_queues(plan, today, can_remind=False)  # 1
    bilan = _bilan_to_produce(plan, today)  # 2
    sections = [
        Section("rapports", _("Rapports"), [late, _reports_to_read(plan, can_mark=can_act)]),  # 1
        Section("bilan", _("Bilan"), [bilan]),
    ]
    committee = committee_section(plan)  # read with the plan (worklist_plans)
    if committee is not None:
        sections.append(committee)
    # the bilan of the last year ended is also a shortcut at the top: the staff's yearly task, one click away
    return _page(plan, today, sections, can_act=can_act) | {"produce": bilan.rows[0] if bilan.rows else None}


def _bilan_to_produce(plan, today) -> Queue:
    """The bilan of the last plan year ended (the funder's yearly report) and the reports due that year that are
    still awaited: 2 queries (the plan's years, the count)."""
    ended = [year for year in plan.years.order_by("number") if year.end_date < today]
    if not ended:
        return Queue(
            "bilan", _("Bilan à produire"), 0, [], reverse("bilan:bilan"), _("Aucune année du plan n'est terminée.")
        )
    year = ended[-1]
    missing = capped_count(  # at most COUNT_CAP + 1: past it, the bilan's page says which
        ReportDeadline.objects.filter(plan=plan, due_on__range=(year.start_date, year.end_date)).awaited()
    )
    bilan = f"{reverse('bilan:produce')}?annee={year.label}"  # « Produire le bilan » (bilan app) of that year
    row = Row(
        what=_("Bilan de l'année %(label)s") % {"label": year.label},
        url=bilan,
        when=year.end_date,
        who=plan.alliance.name,
        detail=_("plus de %(count)s rapports de l'année encore attendus") % {"count": number(COUNT_CAP)}
        if missing > COUNT_CAP
        else ngettext(
            "%(count)s rapport de l'année encore attendu",
            "%(count)s rapports de l'année encore attendus",
            missing,
        )
        % {"count": missing}
        if missing
        else _("tous les rapports de l'année sont reçus"),
        action=Action(_("Préparer le bilan"), bilan, False, year.label),
    )
    return Queue("bilan", _("Bilan à produire"), 1, [row], reverse("bilan:bilan"), "")


def _page(plan, today, sections: list[Section], *, can_act: bool) -> dict:
    queues = [queue for section in sections for queue in section.queues]
    return {
        "plan": plan,
        "today": today,
        "sections": sections,
        "can_act": can_act,
        # the summary at the top: the queues that hold overdue rows first, then the others that hold any
        "summary": sorted((q for q in queues if q.count), key=lambda q: not q.overdue),
    }
