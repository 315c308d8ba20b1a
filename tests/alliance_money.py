"""Two alliances with their plans, money, agreements, spaces and people: what the isolation tests of the budget,
the bilan and the pages share (issue 17, item 2). Not a test module: they import `two_alliances` from here.

Each alliance (« Nord », « Sud ») has a current plan 2013-2016 whose theme has the SAME slug (« emploi »), a source,
a project funded (committed, paid in part, its agreement with a report deadline and a planned payment), a project
accepted and waiting for its agreement, targets, a space with a meeting and an open follow-up, a coordinator (a role
in that alliance only, no portal-wide group) and a partner. Nord also has a closed plan 2010-2013 with the same
kinds of money, and a regional funder (a role in Nord only). Nord's partner organisation also leads a project in Sud.
"""

import datetime
from types import SimpleNamespace

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from budget.services.agreements import agreement_create, planned_payment_add, report_deadline_add
from budget.services.ledger import disbursement_create
from budget.services.targets import target_set
from chantiers.models import Decision, FollowUp
from organisations.models import Membership
from organisations.roles import PARTENAIRE
from plans.models import Plan
from projects.models import ProjectStatus
from tests import factories as f

D = datetime.date


def _coordinator(username, alliance):
    """A coordinator of `alliance` only: the role, no portal-wide group (not one of the portal's operators)."""
    user = f.make_user(username, organisation=alliance.coordinating_organisation, alliances=[])
    f.grant_role(user, alliance, AllianceRole.Role.COORDINATION)
    return user


def _money(side, *, plan, theme, source, by, day: datetime.date, tag: str):
    """A funded project of `theme` (committed, paid in part, its agreement, a report deadline, a planned payment)."""
    funded = f.make_project(
        lead=side.org, theme=theme, status=ProjectStatus.ACCEPTED, title=f"Projet financé {tag}", by=by
    )
    commitment = f.commit(source=source, project=funded, amount="20000.00", decided_on=day, by=by)
    agreement = agreement_create(project=funded, signed_on=day + datetime.timedelta(days=14), reference=tag, by=by)
    deadline = report_deadline_add(
        agreement=agreement, kind="progress", due_on=day + datetime.timedelta(days=200), label="Mi-parcours", by=by
    )
    planned = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=day + datetime.timedelta(days=240),
        amount="5000.00",
        by=by,
    )
    disbursement = disbursement_create(
        commitment=commitment, amount="1000.00", paid_on=day + datetime.timedelta(days=30), by=by
    )
    return SimpleNamespace(
        funded=funded,
        commitment=commitment,
        agreement=agreement,
        deadline=deadline,
        planned=planned,
        disbursement=disbursement,
    )


def _side(name: str, slug: str):
    alliance = f.make_alliance(name=f"Alliance {name}", slug=slug, territory=name)
    plan = f.make_plan(alliance=alliance, title=f"Plan {name}", status=Plan.Status.CURRENT)
    theme = f.make_theme(plan, name=f"Enjeu {name}", slug="emploi")
    source = f.make_source(plan, amount="100000.00", name=f"FQIS {name}", code="fqis")
    org = f.make_organisation(name=f"Organisme {name}")
    side = SimpleNamespace(name=name, alliance=alliance, plan=plan, theme=theme, source=source, org=org)
    side.coordinator = _coordinator(f"coordo-{slug}", alliance)
    side.partner = f.make_user(
        f"partenaire-{slug}", organisation=org, role=Membership.Role.RESPONSABLE, group=PARTENAIRE
    )
    money = _money(side, plan=plan, theme=theme, source=source, by=side.coordinator, day=D(2014, 6, 1), tag=name)
    side.__dict__.update(money.__dict__)
    side.awaiting = f.make_project(lead=org, theme=theme, status=ProjectStatus.ACCEPTED, title=f"Projet accepté {name}")
    side.theme_target = target_set(plan=plan, theme=theme, amount="50000.00", by=side.coordinator)
    side.year_targets = [
        target_set(plan=plan, plan_year=f.plan_year(plan, number), amount="30000.00", by=side.coordinator)
        for number in (1, 2)
    ]
    side.space = f.make_space(themes=[theme], name=f"Chantier {name}")
    meeting = f.make_meeting(side.space, date=D(2014, 5, 1))
    side.follow_up = FollowUp.objects.create(
        decision=Decision.objects.create(meeting=meeting, text=f"Décision {name}"), what=f"Suivi {name}"
    )
    return side


def two_alliances():
    north, south = _side("Nord", "nord"), _side("Sud", "sud")
    # Nord's closed plan: its money made while it ran (in preparation here), then the plan closed
    past = f.make_plan(alliance=north.alliance, title="Plan Nord 2010-2013", start_date=D(2010, 4, 1))
    past_theme = f.make_theme(past, name="Enjeu Nord 2010", slug="emploi-2010")
    past_source = f.make_source(past, amount="50000.00", name="FQIS Nord 2010", code="fqis-2010")
    north.past = SimpleNamespace(
        plan=past,
        theme=past_theme,
        source=past_source,
        **_money(
            north, plan=past, theme=past_theme, source=past_source, by=north.coordinator, day=D(2011, 6, 1), tag="2010"
        ).__dict__,
    )
    north.past.awaiting = f.make_project(
        lead=north.org, theme=past_theme, status=ProjectStatus.ACCEPTED, title="Projet accepté Nord 2010"
    )
    Plan.objects.filter(pk=past.pk).update(status=Plan.Status.CLOSED)
    past.refresh_from_db()
    # Nord's partner organisation works in Sud too
    north.in_south = f.make_project(
        lead=north.org, theme=south.theme, status=ProjectStatus.ACCEPTED, title="Projet Nord au Sud"
    )
    f.commit(source=south.source, project=north.in_south, amount="3000.00", by=south.coordinator)
    funder = f.make_user("region", alliances=[])
    f.grant_role(funder, north.alliance, AllianceRole.Role.FUNDER)
    return SimpleNamespace(north=north, south=south, funder=funder)


def url(side, name, *args, plan=None, query: str = "") -> str:
    """The address of page `name` of `side`'s alliance (of its `plan` when given)."""
    return alliance_reverse(side.alliance, name, plan=plan, args=args) + query


def asis_url(name, *args) -> str:
    """The address of ASIS's page `name`: the demo runs two alliances (issue 17), where today's addresses redirect."""
    from alliances.models import Alliance

    return alliance_reverse(Alliance.objects.get(acronym="ASIS"), name, args=args)
