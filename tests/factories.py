"""Plain factory functions with sensible defaults (healthchecks style): tests say only what matters."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import Group

from alliances.models import Alliance, AllianceRole
from budget.models import FundingSource
from budget.services import ledger as ledger_services
from chantiers import services as space_services
from chantiers.models import Meeting, Space
from organisations.models import Citizen, Membership, Organisation, User
from organisations.roles import COORDINATION, PERSONNEL
from plans import services as plan_services
from plans.models import Plan, PlanYear, Theme
from projects.models import ActionProject, ProjectStatus
from projects.services import filing as filing_services
from projects.services import status as status_services

_seq = itertools.count(1)
PASSWORD = "mot-de-passe-de-test-2013"

# The shortest allowed path from a new draft to each status.
PATH_TO = {
    ProjectStatus.DRAFT: [],
    ProjectStatus.SUBMITTED: [ProjectStatus.SUBMITTED],
    ProjectStatus.UNDER_ANALYSIS: [ProjectStatus.SUBMITTED, ProjectStatus.UNDER_ANALYSIS],
    ProjectStatus.RECOMMENDED: [ProjectStatus.SUBMITTED, ProjectStatus.UNDER_ANALYSIS, ProjectStatus.RECOMMENDED],
}
PATH_TO[ProjectStatus.ACCEPTED] = PATH_TO[ProjectStatus.RECOMMENDED] + [ProjectStatus.ACCEPTED]
PATH_TO[ProjectStatus.REFUSED] = PATH_TO[ProjectStatus.RECOMMENDED] + [ProjectStatus.REFUSED]
PATH_TO[ProjectStatus.AGREEMENT_SIGNED] = PATH_TO[ProjectStatus.ACCEPTED] + [ProjectStatus.AGREEMENT_SIGNED]
PATH_TO[ProjectStatus.IN_PROGRESS] = PATH_TO[ProjectStatus.AGREEMENT_SIGNED] + [ProjectStatus.IN_PROGRESS]
PATH_TO[ProjectStatus.COMPLETED] = PATH_TO[ProjectStatus.IN_PROGRESS] + [ProjectStatus.COMPLETED]
PATH_TO[ProjectStatus.FINAL_REPORT] = PATH_TO[ProjectStatus.COMPLETED] + [ProjectStatus.FINAL_REPORT]
PATH_TO[ProjectStatus.WITHDRAWN] = [ProjectStatus.WITHDRAWN]


def n() -> int:
    return next(_seq)


def make_organisation(**fields) -> Organisation:
    i = n()
    defaults = {"name": f"Organisme {i}", "kind": Organisation.Kind.COMMUNITY, "status": Organisation.Status.APPROVED}
    return Organisation.objects.create(**{**defaults, **fields})


# The portal-wide group a test user joins and the role it gives in the alliances (issue 17: roles per alliance)
ROLE_OF_GROUP = {COORDINATION: AllianceRole.Role.COORDINATION, PERSONNEL: AllianceRole.Role.PERSONNEL}


def make_user(
    username=None, *, organisation=None, role=Membership.Role.MEMBER, group=None, alliances=None, **fields
) -> User:
    """A user; with `group` Coordination or Personnel, also that role in `alliances` (every alliance that exists
    by default, as the migration gave the groups' members when alliances appeared)."""
    user = User.objects.create_user(username=username or f"personne{n()}", password=PASSWORD, **fields)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if group in ROLE_OF_GROUP:
        for alliance in Alliance.objects.all() if alliances is None else alliances:
            grant_role(user, alliance, ROLE_OF_GROUP[group])
    return user


def grant_role(user, alliance, role) -> AllianceRole:
    """`user` holds `role` (AllianceRole.Role) in `alliance` (their roles are read again)."""
    granted = AllianceRole.objects.create(user=user, alliance=alliance, role=role)
    user.forget_roles()
    return granted


def make_citizen(**fields) -> Citizen:
    i = n()
    return Citizen.objects.create(**{"first_name": "Citoyen", "last_name": f"Numéro {i}", **fields})


def make_alliance(**fields) -> Alliance:
    coordinating = fields.pop("coordinating_organisation", None) or make_organisation(name=f"Coordination {n()}")
    i = n()
    defaults = {"name": "Alliance de test", "acronym": f"T{i}", "slug": f"alliance-de-test-{i}"}
    return Alliance.objects.create(coordinating_organisation=coordinating, **{**defaults, **fields})


def make_plan(**fields) -> Plan:
    """A plan of a new alliance of its own (or of `alliance`), in preparation unless `status` says otherwise."""
    alliance = fields.pop("alliance", None)
    if alliance is None:
        alliance = make_alliance(coordinating_organisation=fields.pop("coordinating_organisation", None))
    defaults = {"title": "Plan de test", "start_date": datetime.date(2013, 4, 1)}
    plan = Plan.objects.create(alliance=alliance, **{**defaults, **fields})
    plan_services.plan_years_ensure(plan=plan)
    return plan


def make_theme(plan=None, **fields) -> Theme:
    plan = plan or make_plan()
    i = n()
    defaults = {"order": i, "name": f"Enjeu {i}", "slug": f"enjeu-{i}"}
    return Theme.objects.create(plan=plan, **{**defaults, **fields})


def make_source(plan, amount="100000.00", **fields) -> FundingSource:
    i = n()
    defaults = {"code": f"source-{i}", "name": f"Source {i}", "funder": "Bailleur"}
    return FundingSource.objects.create(plan=plan, amount=Decimal(amount), **{**defaults, **fields})


def make_space(themes=(), **fields) -> Space:
    """A space of its themes' alliance (of `alliance`, or of the first alliance, made when there is none)."""
    i = n()
    if "alliance" not in fields:
        fields["alliance"] = (
            themes[0].plan.alliance if themes else (Alliance.objects.order_by("pk").first() or make_alliance())
        )
    space = Space.objects.create(**{"name": f"Chantier {i}", **fields})
    if themes:
        space.themes.set(themes)
    return space


def make_meeting(space, **fields) -> Meeting:
    """A meeting written as is (no invitation), counted in its plans' kept totals (figures) as a service would."""
    meeting = Meeting.objects.create(space=space, **{"date": datetime.date(2014, 5, 1), **fields})
    space_services.meeting_days_moved(after=space_services.meeting_days(Meeting.objects.filter(pk=meeting.pk)))
    return meeting


def make_project(*, lead, theme, status=ProjectStatus.DRAFT, by=None, **fields) -> ActionProject:
    """A project brought to `status` through the real review process (so its history is real)."""
    i = n()
    project = filing_services.project_create(
        by=by, lead=lead, theme=theme, **{"title": f"Projet {i}", "amount_requested": Decimal("10000.00"), **fields}
    )
    for step in PATH_TO[status]:
        status_services.project_change_status(project=project, to_status=step, by=by)
    project.refresh_from_db()
    return project


def plan_year(plan, number=1) -> PlanYear:
    return plan.years.get(number=number)


def commit(*, source, project, amount, year=None, by=None, decided_on=datetime.date(2014, 6, 1), resolution=None):
    """A commitment by `resolution`, or by the test resolution of the source's alliance (`board`): the service has
    no default, the factory chooses one so tests about something else need not."""
    return ledger_services.commitment_create(
        source=source,
        project=project,
        plan_year=year or plan_year(source.plan),
        amount=amount,
        decided_on=decided_on,
        by=by,
        resolution=resolution or board(source),
    )


def board(money):
    """The test board resolution (`make_resolution`) of the alliance `money` belongs to: a plan, a funding source, a
    commitment or a budget target; what a test's money write names when the resolution is not its subject."""
    from budget.models import BudgetTarget, Commitment

    if isinstance(money, Commitment):
        alliance_id = money.source.plan.alliance_id
    elif isinstance(money, Plan):
        alliance_id = money.alliance_id
    elif isinstance(money, (FundingSource, BudgetTarget)):
        alliance_id = money.plan.alliance_id
    else:
        raise TypeError(f"no alliance for {money!r}")
    return make_resolution(alliance_id)


def make_resolution(alliance, number="CA-TEST-01", **fields):
    """The alliance's (an alliance or its id) board resolution of this number (made once), with a quorum met."""
    from projects.models import Resolution

    fields = {"decided_on": datetime.date(2014, 4, 7), "quorum": 1, "members_present": "Marie", **fields}
    alliance_id = alliance if isinstance(alliance, int) else alliance.pk
    resolution, _made = Resolution.objects.get_or_create(alliance_id=alliance_id, number=number, defaults=fields)
    return resolution


def make_deadline(project, *, kind="progress", due_on=datetime.date(2014, 9, 30), **fields):
    """A report deadline as the agreement pages create it (ReportDeadline.Kind: progress or final)."""
    from projects.models import ReportDeadline

    return ReportDeadline.objects.create(project=project, kind=kind, due_on=due_on, **fields)


def plan_writes_committed() -> None:
    """As when the writes of a request commit: the plans they wrote move their figures' version (plans.versions). In
    a test everything runs in one transaction that never commits, so until this is called the plans written are
    read uncached (the writer's own transaction)."""
    from plans import versions

    hook = versions._open_writes("default")
    if hook is not None:
        hook()
