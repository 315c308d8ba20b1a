"""The lists of « Engagements » and « Versements » read one page at a time (budget.selectors): each page holds the
rows the whole list, sorted, holds at that place; the count is the list's length; a page past the last shows the
last one, as the paginator always did."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Exists, OuterRef

from budget.models import Commitment, PlannedPayment
from budget.selectors import envelope, workspace
from budget.services.agreements import agreement_create, planned_payment_add
from budget.services.ledger import disbursement_create
from projects.models import BoardDecision, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
PER_PAGE = 4


def pages_of(read, count: int) -> list:
    """Every page of a paged read, in order, as lists of pks."""
    return [[row.pk for row in read(n).object_list] for n in range(1, count // PER_PAGE + 2)]


def chunks(pks: list) -> list:
    return [pks[i : i + PER_PAGE] for i in range(0, len(pks), PER_PAGE)]


def test_projects_to_commit_page_by_page_with_their_count(plan, cast, theme):
    source = f.make_source(plan, amount="1000000.00")
    for i in range(11):
        project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title=f"Projet {i % 3}")
        if i % 4:  # some without decision: after the decided ones
            BoardDecision.objects.create(
                project=project,
                outcome=BoardDecision.Outcome.ACCEPTED,
                resolution_number=f"CA-{i}",
                decided_on=D(2014, 5, 1 + i % 2),
                granted_amount=Decimal("1000.00"),
            )
        if i == 5:  # all committed: not listed
            f.commit(source=source, project=project, amount="1000.00")
    expected = [p.pk for p in workspace.to_commit_queryset(plan)]
    assert len(expected) == 10

    def read(number):
        return workspace.projects_to_commit(plan, number, per_page=PER_PAGE)

    assert pages_of(read, 10) == chunks(expected)
    assert read(1).paginator.count == 10 and read(1).paginator.num_pages == 3
    past = read(9)  # an old link past the last page: the last page
    assert past.number == 3 and [p.pk for p in past.object_list] == expected[8:]
    assert [p.pk for p in read("x").object_list] == expected[:PER_PAGE]
    assert read(1).object_list[0].balance == Decimal("1000.00")


def test_projects_to_commit_when_there_is_none(plan):
    page = workspace.projects_to_commit(plan, 3, per_page=PER_PAGE)
    assert page.paginator.count == 0 and page.number == 1 and list(page.object_list) == []


def test_commitments_to_pay_outside_any_schedule_page_by_page(plan, cast, theme):
    source = f.make_source(plan, amount="1000000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    commitments = [
        f.commit(source=source, project=project, amount="100.00", decided_on=D(2014, 6, 1 + i % 5)) for i in range(12)
    ]
    disbursement_create(commitment=commitments[0], amount="100.00", paid_on=D(2014, 7, 1))  # all paid
    disbursement_create(commitment=commitments[1], amount="99.99", paid_on=D(2014, 7, 1))  # a cent left
    agreement = agreement_create(project=project, signed_on=D(2014, 6, 15))
    planned_payment_add(agreement=agreement, commitment=commitments[2], due_on=D(2014, 9, 1), amount="10.00")
    other_plan = f.make_plan(alliance=plan.alliance, slug="autre-plan")  # another plan's commitment: not listed
    pending = PlannedPayment.objects.filter(commitment=OuterRef("pk"), cancelled_on__isnull=True, disbursement=None)
    expected = [
        c.pk
        for c in Commitment.objects.filter(source__plan=plan).exclude(Exists(pending)).order_by("decided_on", "pk")
        if c.amount - c.reduced_total - c.disbursed_total >= Decimal("0.01")
    ]
    assert commitments[0].pk not in expected and commitments[1].pk in expected and commitments[2].pk not in expected
    assert len(expected) == 10 and other_plan.pk

    def read(number):
        return workspace.unscheduled_to_pay(plan, number, per_page=PER_PAGE)

    assert pages_of(read, 10) == chunks(expected)
    assert read(1).paginator.count == 10
    assert read(9).number == 3
    first = read(1).object_list[0]
    assert first.project.lead == cast.org_a and first.source == source  # read with the page, no query each


def test_funded_projects_by_theme_then_title_page_by_page(plan, cast, theme):
    source = f.make_source(plan, amount="1000000.00")
    second = f.make_theme(plan, name="Deuxième", slug="deuxieme", order=theme.order + 1)
    third = f.make_theme(plan, name="Troisième", slug="troisieme", order=theme.order + 2)
    for i, where in enumerate([theme] * 5 + [second] * 3 + [third] * 3):
        project = f.make_project(lead=cast.org_a, theme=where, status=ProjectStatus.ACCEPTED, title=f"P{(7 * i) % 11}")
        f.commit(source=source, project=project, amount="10.00")
    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="P0 sans engagement")
    themes = envelope.envelope_overview(plan)["funded_themes"]
    expected = [p.pk for p in envelope.projects_money_queryset(plan)]
    assert len(expected) == 11

    def read(number):
        return envelope.projects_page(plan, number, themes=themes, per_page=PER_PAGE)

    assert pages_of(read, 11) == chunks(expected)
