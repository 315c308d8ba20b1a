"""The succession's cast: the cast's plan made current, its coordinator holding Coordination in its alliance, and a
plan with money in every state (paid, left, planned), so closing and starting the next plan have something to carry.

Plan 2013-2016 (years 2013-2014 to 2015-2016). Sources: FQIS (funder MESS, 100 000 $), Ville (funder Ville,
20 000 $). Themes T1 « Sécurité alimentaire » (an objective and its action) and T2 « Logement ».
  P1  T1  in progress  lead A, partner B   C1 FQIS 10 000,00 (3 333,33 paid; 2 000,00 planned, waiting for a report)
                                           C2 Ville  1 500,50 (0,25 paid)
  P2  T2  accepted     lead B              C3 FQIS  4 000,00
  P3  T1  completed    lead A              C4 FQIS  2 000,00 (1 500,00 paid: 500,00 left)
Spaces S1 (T1) and S2 (T2); one analysis criterion; targets T1 30 000 $ and 2013-2014 40 000 $.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from alliances.models import AllianceRole
from alliances.selectors import role_in
from alliances.services import alliance_role_grant
from budget.services import agreements as agreement_services
from budget.services import ledger as ledger_services
from budget.services.targets import target_set
from plans.models import Objective, Plan, PlanAction
from projects.models import Indicator, ProjectPartner, ProjectStatus
from projects.services.review import criterion_create
from projects.services.status import project_change_status
from tests import factories as f

D = datetime.date
NEXT_START = D(2016, 4, 1)


@pytest.fixture
def current(plan):
    """The cast's plan, current (factories make plans in preparation)."""
    plan.status = Plan.Status.CURRENT
    plan.save(update_fields=["status"])
    return plan


@pytest.fixture
def coordination(cast, current):
    """cast.coordinator holds Coordination in the plan's alliance (the factories give it to Coordination's group)."""
    if role_in(cast.coordinator, current.alliance) != AllianceRole.Role.COORDINATION:
        alliance_role_grant(
            user=cast.coordinator, alliance=current.alliance, role=AllianceRole.Role.COORDINATION, by=None
        )
    return cast.coordinator


@pytest.fixture
def world(cast, current, coordination):
    by = coordination
    plan = current
    t1 = f.make_theme(plan, name="Sécurité alimentaire", slug="securite-alimentaire", order=1)
    t2 = f.make_theme(plan, name="Logement", slug="logement", order=2)
    objective = Objective.objects.create(theme=t1, title="Nourrir les familles")
    action = PlanAction.objects.create(objective=objective, title="Cuisines collectives", lead=cast.org_a)
    action.partners.set([cast.org_b])
    fqis = f.make_source(plan, amount="100000.00", code="fqis", name="FQIS", funder="MESS", order=1)
    ville = f.make_source(plan, amount="20000.00", code="ville", name="Ville", funder="Ville", order=2)
    s1 = f.make_space(themes=[t1], name="Chantier alimentation")
    s2 = f.make_space(themes=[t2], name="Table logement")
    criterion = criterion_create(plan=plan, name="Ancrage dans le milieu", max_score=5)
    target_t1 = target_set(plan=plan, theme=t1, amount="30000.00", by=by)
    target_y1 = target_set(plan=plan, plan_year=f.plan_year(plan, 1), amount="40000.00", by=by)

    p1 = f.make_project(
        lead=cast.org_a, theme=t1, status=ProjectStatus.ACCEPTED, title="Cuisines collectives", objective=objective
    )
    ProjectPartner.objects.create(
        project=p1,
        organisation=cast.org_b,
        status=ProjectPartner.Status.CONFIRMED,
        answered_by=cast.charlie,
        answered_at=datetime.datetime(2014, 5, 1, tzinfo=datetime.UTC),
    )
    Indicator.objects.create(project=p1, name="Repas servis", unit="repas", target=Decimal("500"))
    c1 = f.commit(source=fqis, project=p1, amount="10000.00", by=by)
    c2 = f.commit(source=ville, project=p1, amount="1500.50", by=by)
    agreement = agreement_services.agreement_create(project=p1, signed_on=D(2014, 6, 15), reference="CONV-1", by=by)
    project_change_status(project=p1, to_status=ProjectStatus.IN_PROGRESS, by=by)
    paid = agreement_services.planned_payment_add(
        agreement=agreement, commitment=c1, due_on=D(2014, 7, 1), amount="3333.33", by=by
    )
    agreement_services.planned_payment_release(planned=paid, paid_on=D(2014, 7, 2), by=by)
    report = f.make_deadline(p1, due_on=D(2016, 6, 30), label="Rapport de mi-parcours")
    planned = agreement_services.planned_payment_add(
        agreement=agreement, commitment=c1, due_on=D(2016, 7, 15), amount="2000.00", required_report=report, by=by
    )
    ledger_services.disbursement_create(commitment=c2, amount="0.25", paid_on=D(2014, 8, 1), by=by)

    p2 = f.make_project(lead=cast.org_b, theme=t2, status=ProjectStatus.ACCEPTED, title="Logements de transition")
    c3 = f.commit(source=fqis, project=p2, amount="4000.00", by=by)

    p3 = f.make_project(lead=cast.org_a, theme=t1, status=ProjectStatus.IN_PROGRESS, title="Jardins partagés")
    c4 = f.commit(source=fqis, project=p3, amount="2000.00", by=by)
    ledger_services.disbursement_create(commitment=c4, amount="1500.00", paid_on=D(2014, 9, 1), by=by)
    project_change_status(project=p3, to_status=ProjectStatus.COMPLETED, by=by)

    for row in (c1, c2, c3, c4, fqis, ville):
        row.refresh_from_db()
    return SimpleNamespace(
        plan=plan,
        by=by,
        t1=t1,
        t2=t2,
        objective=objective,
        action=action,
        fqis=fqis,
        ville=ville,
        s1=s1,
        s2=s2,
        criterion=criterion,
        target_t1=target_t1,
        target_y1=target_y1,
        p1=p1,
        p2=p2,
        p3=p3,
        c1=c1,
        c2=c2,
        c3=c3,
        c4=c4,
        agreement=agreement,
        report=report,
        planned=planned,
    )


@pytest.fixture
def closed(world):
    """The world's plan closed (its bilan frozen) by its coordinator."""
    from succession.services import plan_close

    plan_close(plan=world.plan, closed_by=world.by, note="Résolution CA-2016-03")
    world.plan.refresh_from_db()
    return world


NEW_SOURCES = [
    {"code": "fqis", "name": "FQIS 2016-2019", "funder": "MESS", "amount": "200000.00"},
    {"code": "ville", "name": "Ville 2016-2019", "funder": "Ville", "amount": "30000.00"},
]


def carry_resolution(world):
    """The board's resolution that decides the carry and the return (CA-2016-03, of the world's alliance)."""
    return f.make_resolution(world.plan.alliance, "CA-2016-03", decided_on=datetime.date(2016, 3, 15))


def start_arguments(world, **changes) -> dict:
    """Everything ticked, as the form begins: every theme, space and ongoing project, criteria, targets, roles."""
    from succession.selectors import plan_next_preview

    preview = plan_next_preview(plan=world.plan)
    arguments = {
        "alliance": world.plan.alliance,
        "started_by": world.by,
        "title": "Plan d'action 2016-2019",
        "start_date": NEXT_START,
        "sources": NEW_SOURCES,
        "carry_theme_ids": [c.theme.pk for c in preview.themes],
        "carry_space_ids": [c.space.pk for c in preview.spaces],
        "carry_criteria": True,
        "carry_targets": True,
        "carry_project_ids": [m.project.pk for m in preview.projects],
        "keep_role_ids": [role.pk for role in preview.roles],
        "reason": "Fin du plan 2013-2016 : argent non utilisé",
        "resolution": carry_resolution(world),
    }
    arguments.update(changes)
    return arguments
