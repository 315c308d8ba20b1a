"""What the tests of « À traiter » share: a plan with something in every queue, built through the services."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from budget.services.agreements import agreement_create, planned_payment_add, report_deadline_add
from chantiers import services as space_services
from organisations.models import MembershipRequest, Organisation
from organisations.services import membership_request_create
from plans.models import Plan
from projects.models import BoardDecision, ProjectStatus
from projects.services import reports as report_services
from projects.services.filing import project_create
from projects.services.review import board_decision_record, review_open
from tests import factories as f
from tests.projects.report_helpers import report_fields

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def current(plan):
    """The cast's plan, current (its alliance's home shows it)."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CURRENT)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def work(cast, current, theme, today):
    """Something in every queue of the cast's plan, and things that must stay out of them."""
    by = cast.coordinator
    source = f.make_source(current, amount="200000.00")
    w = SimpleNamespace(plan=current, theme=theme, source=source)
    # Reports: two late (B's the later), one due soon, one far away, one filed and not read, one read
    w.running_a = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Cuisine A")
    w.running_b = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Jardin B")
    w.late_a = f.make_deadline(w.running_a, due_on=today - 5 * DAY, label="Mi-parcours")
    w.late_b = f.make_deadline(w.running_b, due_on=today - 20 * DAY)
    w.soon = f.make_deadline(w.running_a, due_on=today + 10 * DAY)
    f.make_deadline(w.running_a, due_on=today + 90 * DAY)
    filed = f.make_deadline(w.running_a, due_on=today - 60 * DAY)
    w.unread = report_services.report_create(project=w.running_a, by=cast.alice, deadline=filed, **report_fields())
    w.read = report_services.report_create(project=w.running_a, by=cast.alice, **report_fields())
    report_services.report_mark_read(report=w.read, by=cast.staff)
    # Projects at each stage that waits for Coordination, and others that do not
    w.intention = project_create(lead=cast.org_a, theme=theme, status=ProjectStatus.INTENTION, title="Idée A")
    w.submitted = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.SUBMITTED, title="Dépôt B")
    w.analysed = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Analyse A")
    review_open(project=w.analysed, by=by)
    w.recommended = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.RECOMMENDED, title="Conseil B")
    f.make_project(lead=cast.org_a, theme=theme, title="Brouillon A")
    # Money: accepted by the board for 30 000 $, 12 000 $ committed, no agreement yet
    w.accepted = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.RECOMMENDED, title="Accepté B")
    board_decision_record(
        project=w.accepted,
        outcome=BoardDecision.Outcome.ACCEPTED,
        resolution_number="CA-2026-1",
        decided_on=today - 40 * DAY,
        granted_amount=Decimal("30000.00"),
        by=by,
    )
    f.commit(source=source, project=w.accepted, amount="12000.00", by=by)
    # An agreement with a payment overdue, one waiting for its report, one far away
    w.signed = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Convention A")
    commitment = f.commit(source=source, project=w.signed, amount="10000.00", by=by)
    w.agreement = agreement_create(project=w.signed, signed_on=today - 30 * DAY, by=by)
    w.required = report_deadline_add(agreement=w.agreement, kind="progress", due_on=today - 2 * DAY, by=by)
    w.overdue_payment = planned_payment_add(
        agreement=w.agreement, commitment=commitment, due_on=today - 3 * DAY, amount="2000.00", by=by
    )
    w.blocked_payment = planned_payment_add(
        agreement=w.agreement,
        commitment=commitment,
        due_on=today + 5 * DAY,
        amount="3000.00",
        required_report=w.required,
        by=by,
    )
    planned_payment_add(agreement=w.agreement, commitment=commitment, due_on=today + 60 * DAY, amount="1000.00", by=by)
    # Concertation: a follow-up late, one later, one done; a meeting today, one next month
    space = f.make_space(themes=[theme], name="Chantier des suivis")
    held = f.make_meeting(space, date=today)
    f.make_meeting(space, date=today + 40 * DAY)
    decision = space_services.decision_record(
        meeting=held,
        text="On agit",
        follow_ups=[
            {"what": "Réserver la salle", "responsible_organisation": cast.org_a, "due_on": today - 3 * DAY},
            {"what": "Écrire au ministère", "responsible_user": cast.alice, "due_on": today + 10 * DAY},
            {"what": "Déjà fait", "due_on": today - 30 * DAY},
        ],
    )
    space_services.follow_up_set_done(follow_up=decision.follow_ups.get(what="Déjà fait"))
    w.late_follow_up = decision.follow_ups.get(what="Réserver la salle")
    w.meeting = held
    # Sign-ups: an organisation and a person waiting
    f.make_organisation(name="Nouvel organisme", status=Organisation.Status.PENDING)
    membership_request_create(user=f.make_user("demandeuse"), organisation=cast.org_a)
    assert MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).count() == 1
    return w
