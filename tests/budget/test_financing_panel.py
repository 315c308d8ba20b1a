"""The « Financement » panel of an accepted project's page (issue 23, item 3): granted, committed, paid, left to
pay, the next payment and what it waits for; the actions for Coordination only; the figures read-only for the
project's organisations; nothing for anyone else; its queries constant."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.services.agreements import agreement_create, planned_payment_add, report_deadline_add
from budget.services.ledger import commitment_reduce, disbursement_create
from projects.models import ProjectPartner, ProjectStatus
from tests import factories as f
from tests.budget.test_money_workspace import grant, page

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def project(plan, cast, theme):
    """Granted 20 000,50 $, 12 000,25 $ committed, 5 000 $ paid; next planned payment 4 000,25 $ on
    2014-12-01 waiting for the report due 2014-11-30. Organisation B is a confirmed partner."""
    return _project(plan, cast, theme, waits_for_a_report=True)


@pytest.fixture
def free_project(plan, cast, theme):
    """The same, its next payment waiting for no report (the ledger is append-only: built so, not changed)."""
    return _project(plan, cast, theme, waits_for_a_report=False)


def _project(plan, cast, theme, *, waits_for_a_report):
    fqis = f.make_source(plan, amount="100000.00", name="FQIS")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisines")
    grant(project, "20000.50")
    commitment = f.commit(source=fqis, project=project, amount="12000.25", by=cast.coordinator)
    disbursement_create(commitment=commitment, amount="5000.00", paid_on=D(2014, 7, 1))
    agreement = agreement_create(project=project, signed_on=D(2014, 6, 15))
    report = report_deadline_add(agreement=agreement, kind="progress", due_on=D(2014, 11, 30))
    planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=D(2014, 12, 1),
        amount="4000.25",
        required_report=report if waits_for_a_report else None,
    )
    return project


def panel(response) -> str:
    text = page(response)
    assert 'data-testid="financing-panel"' in text
    return text.split('data-testid="financing-panel"')[1].split("</section>")[0]


def test_coordination_reads_the_figures_and_gets_the_actions(client, cast, project):
    client.force_login(cast.coordinator)
    text = panel(client.get(project.get_absolute_url()))
    assert "Accordé par le conseil" in text and "20 000,50 $" in text
    assert "12 000,25 $" in text and "5 000 $" in text
    assert "7 000,25 $" in text  # left to pay: 12 000,25 − 5 000,00
    assert "8 000,25 $" in text  # left to commit: 20 000,50 − 12 000,25
    assert "4 000,25 $, prévu le 1er décembre 2014" in text and "Attend le rapport" in text
    assert "dû le 30 novembre 2014" in text
    back = "next=" + project.get_absolute_url()
    assert f"{reverse('budget:commitment-create')}?projet={project.pk}&montant=8000.25&{back}" in text
    assert "Engager le solde" in text
    assert "/verser/" not in text  # the next payment waits for its report
    assert project.agreement.get_absolute_url() in text


def test_a_payment_free_to_pay_is_paid_from_the_panel_and_comes_back(client, cast, free_project):
    project = free_project
    client.force_login(cast.coordinator)
    text = panel(client.get(project.get_absolute_url()))
    planned = project.agreement.planned_payments.get()
    release = reverse("budget:planned-payment-release", args=[project.agreement.pk, planned.pk])
    assert release in text
    response = client.post(release, {"paid_on": "2014-12-02", "next": project.get_absolute_url()})
    assert response["Location"] == project.get_absolute_url()
    planned.refresh_from_db()
    assert planned.disbursement.amount == Decimal("4000.25")
    assert "9 000,25 $" in panel(client.get(project.get_absolute_url()))  # paid now


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "staff"])
def test_others_who_may_read_see_the_figures_without_actions(client, cast, project, who):
    ProjectPartner.objects.create(
        project=project, organisation=cast.org_b, status=ProjectPartner.Status.CONFIRMED, contribution_kind="cash"
    )
    client.force_login(getattr(cast, who))
    text = panel(client.get(project.get_absolute_url()))
    assert "20 000,50 $" in text and "7 000,25 $" in text
    assert 'data-testid="financing-actions"' not in text
    assert "commitment-create" not in text and "/engagements/nouveau/" not in text and "/verser/" not in text


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_the_public_and_other_organisations_get_no_panel(client, login, cast, project, who):
    response = login(getattr(cast, who)).get(project.get_absolute_url())
    assert response.status_code == 200  # an accepted project is public
    assert 'data-testid="financing-panel"' not in page(response)
    assert "Accordé par le conseil" not in page(response)


def test_a_project_not_accepted_has_no_panel(client, cast, theme):
    filed = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Déposé")
    client.force_login(cast.coordinator)
    assert 'data-testid="financing-panel"' not in page(client.get(filed.get_absolute_url()))


def test_a_project_without_commitment_offers_engager_with_what_was_granted(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Jardins")
    grant(project, "8000.00")
    client.force_login(cast.coordinator)
    text = panel(client.get(project.get_absolute_url()))
    assert "la convention n'est pas signée" in text
    assert f"?projet={project.pk}&montant=8000.00" in text and ">Engager</a>" in text


@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_each_amount_shows_the_board_resolution_it_comes_from(client, cast, project, who, django_assert_num_queries):
    """Issue 20: the project page itself says which decision each amount comes from (Coordination, Personnel)."""
    commitment = project.commitments.get()
    second = f.make_resolution(project.theme.plan.alliance, "CA-2014-09-03", decided_on=D(2014, 9, 3))
    commitment_reduce(
        commitment=commitment, amount="1000.00", reduced_on=D(2014, 9, 4), reason="Budget revu", resolution=second
    )
    client.force_login(getattr(cast, who))
    client.get(project.get_absolute_url())  # warm the session
    # 1 the alliance of the address, 2 session, 3 user, 4 roles; 5 the project with its lead, plan, decision,
    # agreement, money, results and next payment, 6 partnerships, 7 indicators, 8 other funding, 9 its plan years
    # with the amounts by year, 10 report deadlines, 11 reports, 12 status history, 13 analyses, 14 comments,
    # 15 its commitments with their resolutions (the panel): as before issue 20
    with django_assert_num_queries(15):
        response = client.get(project.get_absolute_url())
    rows = panel(response).split('data-testid="financing-commitments"')[1].split("</ul>")[0]
    assert "11 000,25 $</span> — résolution CA-TEST-01 du 7 avril 2014" in rows
    assert "(engagé 12 000,25 $, réduit de 1 000 $)" in rows


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_who_may_not_see_the_money_sees_no_resolution(client, login, cast, project, who):
    """The public reads what is committed and paid (issue 23), not the panel nor its resolutions."""
    text = page(login(getattr(cast, who)).get(project.get_absolute_url()))
    assert "CA-TEST-01" not in text and 'data-testid="financing-commitments"' not in text


def test_the_panel_costs_the_same_queries_whatever_the_money(client, cast, plan, theme, project):
    """Intended to prevent an n+1 issue: 20 more commitments, payments and planned payments on the project cost
    the page no query more."""
    client.force_login(cast.coordinator)
    with CaptureQueriesContext(connection) as small:
        client.get(project.get_absolute_url())
    source = f.make_source(plan, amount="100000.00", name="Autre")
    for i in range(20):
        commitment = f.commit(source=source, project=project, amount="100.00")
        disbursement_create(commitment=commitment, amount="10.00", paid_on=D(2014, 8, 1 + i))
        planned_payment_add(agreement=project.agreement, commitment=commitment, due_on=D(2015, 1, 1), amount="1.00")
    with CaptureQueriesContext(connection) as large:
        response = client.get(project.get_absolute_url())
    assert "14 000,25 $" in panel(response)  # committed: 12 000,25 + 20 × 100,00
    assert len(large) == len(small)
