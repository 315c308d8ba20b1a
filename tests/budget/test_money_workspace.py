"""The money workspace (issue 23, item 3): the envelope's sub-pages (« Vue d'ensemble », « Engagements »,
« Versements », « Graphiques »), who may read them, what each shows to the cent and what it offers to do, and
their queries, constant with the data."""

import datetime
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from asis import figures_cache
from budget.models import Disbursement
from budget.services.agreements import agreement_create, planned_payment_add, report_deadline_add
from budget.services.ledger import disbursement_create
from organisations.roles import COORDINATION
from projects.models import BoardDecision, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
PAGES = ["budget:envelope", "budget:commitments", "budget:payments", "budget:charts"]
D = datetime.date


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def grant(project, amount, decided_on=datetime.date(2014, 5, 20)):
    return BoardDecision.objects.create(
        project=project,
        outcome=BoardDecision.Outcome.ACCEPTED,
        resolution_number=f"CA-{project.pk}",
        decided_on=decided_on,
        granted_amount=Decimal(amount),
    )


@pytest.fixture
def money(plan, cast, theme):
    """Source FQIS 100 000 $. « Cuisines » granted 20 000,50 $, 12 000,25 $ committed, 5 000 $ paid; its
    agreement plans 3 000 $ for 2014-09-01 (free to pay) and 4 000,25 $ for 2014-12-01 waiting for the report
    due 2014-11-30. « Jardins » granted 8 000 $, nothing committed."""
    fqis = f.make_source(plan, amount="100000.00", name="FQIS")
    cuisines = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisines")
    jardins = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title="Jardins")
    grant(cuisines, "20000.50", D(2014, 5, 1))
    grant(jardins, "8000.00", D(2014, 5, 15))
    commitment = f.commit(source=fqis, project=cuisines, amount="12000.25", by=cast.coordinator)
    disbursement_create(commitment=commitment, amount="5000.00", paid_on=D(2014, 7, 1), by=cast.coordinator)
    agreement = agreement_create(project=cuisines, signed_on=D(2014, 6, 15), by=cast.coordinator)
    report = report_deadline_add(agreement=agreement, kind="progress", due_on=D(2014, 11, 30), label="Bilan d'automne")
    free = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=D(2014, 9, 1), amount="3000.00", by=cast.coordinator
    )
    waiting = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=D(2014, 12, 1),
        amount="4000.25",
        required_report=report,
        by=cast.coordinator,
    )
    cuisines.refresh_from_db()
    return type(
        "Money",
        (),
        {
            "source": fqis,
            "cuisines": cuisines,
            "jardins": jardins,
            "commitment": commitment,
            "agreement": agreement,
            "free": free,
            "waiting": waiting,
        },
    )


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 403), ("bob", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)],
)
def test_who_reads_the_sub_pages(login, cast, money, name, who, status):
    response = login(getattr(cast, who)).get(reverse(name))
    assert response.status_code == status
    if status == 302:
        assert "/connexion/" in response["Location"]


def test_the_other_alliances_coordination_is_refused(client, cast, money):
    other = f.make_plan(alliance=f.make_alliance())
    coordinator = f.make_user(
        "coordo-ailleurs", organisation=other.alliance.coordinating_organisation, group=COORDINATION, alliances=[]
    )
    f.grant_role(coordinator, other.alliance, AllianceRole.Role.COORDINATION)
    client.force_login(coordinator)
    for name in PAGES:
        response = client.get(alliance_reverse(money.source.plan.alliance, name))
        assert response.status_code == 403, name
        assert "Cuisines" not in page(response)


@pytest.mark.parametrize("name", PAGES)
def test_every_sub_page_names_itself_in_the_sub_navigation(client, cast, money, name):
    client.force_login(cast.staff)
    text = page(client.get(reverse(name)))
    assert 'data-testid="workspace-nav"' in text
    nav = text.split('data-testid="workspace-nav"')[1].split("</ul>")[0]
    assert nav.count('aria-current="page"') == 1
    current = nav.split('aria-current="page"')[1].split("</a>")[0]
    assert (
        current.split(">")[-1]
        == {
            "budget:envelope": "Vue d'ensemble",
            "budget:commitments": "Engagements",
            "budget:payments": "Versements",
            "budget:charts": "Graphiques",
        }[name]
    )


def test_staff_read_without_a_button(client, cast, money):
    client.force_login(cast.staff)
    for name in PAGES:
        text = page(client.get(reverse(name)))
        assert "Engager le solde" not in text and "/verser/" not in text and "/corriger/" not in text, name


# ---------------------------------------------------------------- what each page shows


def test_the_overview_reconciles_committed_paid_and_to_pay_to_the_cent(client, cast, money):
    client.force_login(cast.coordinator)
    response = client.get(reverse("budget:envelope"))
    text = page(response)
    assert "Engagé 12 000,25 $ = versé 5 000 $ + à verser 7 000,25 $" in text
    assert "87 999,75 $" in text  # left to commit: 100 000,00 − 12 000,25
    assert "2 projets acceptés ne sont pas entièrement engagés" in text
    assert "2 versements prévus ne sont pas encore faits" in text
    assert reverse("budget:commitments") in text and reverse("budget:payments") in text


def test_commitments_list_the_projects_left_to_commit_first_with_their_balance(client, cast, money):
    client.force_login(cast.coordinator)
    text = page(client.get(reverse("budget:commitments")))
    to_commit = text.split('data-testid="to-commit"')[1].split("</ul>")[0]
    assert to_commit.index("Cuisines") < to_commit.index("Jardins")  # accepted first
    assert "reste 8 000,25 $ à engager sur 20 000,50 $ accordés" in to_commit
    assert "reste 8 000 $ à engager sur 8 000 $ accordés" in to_commit
    back = "next=" + reverse("budget:commitments")
    assert f"?projet={money.cuisines.pk}&montant=8000.25&{back}" in to_commit
    assert "Engager le solde" in to_commit and f"?projet={money.jardins.pk}&montant=8000.00" in to_commit
    assert text.index('data-testid="to-commit"') < text.index('id="engagements"')


def test_payments_say_which_report_a_payment_waits_for_and_offer_verser_otherwise(client, cast, money):
    client.force_login(cast.coordinator)
    text = page(client.get(reverse("budget:payments")))
    free = text.split(f'data-testid="planned-{money.free.pk}"')[1].split("</li>")[0]
    waiting = text.split(f'data-testid="planned-{money.waiting.pk}"')[1].split("</li>")[0]
    assert "3 000 $" in free and "Verser" in free
    assert reverse("budget:planned-payment-release", args=[money.agreement.pk, money.free.pk]) in free
    assert "4 000,25 $" in waiting and "Attend le rapport" in waiting
    assert "« Rapport d'étape (Bilan d'automne) », dû le 30 novembre 2014 (en retard)" in waiting
    assert "/verser/" not in waiting
    assert text.index(f"planned-{money.free.pk}") < text.index(f"planned-{money.waiting.pk}")  # soonest first
    assert reverse("budget:disbursement-correct", args=[Disbursement.objects.get().pk]) in text
    assert text.index('id="a-verser"') < text.index(f"planned-{money.free.pk}") < text.index('id="en-attente"')
    assert text.index('id="en-attente"') < text.index(f"planned-{money.waiting.pk}")


def test_a_commitment_outside_any_schedule_is_paid_from_versements(client, cast, money):
    outside = f.commit(source=money.source, project=money.jardins, amount="2500.50")
    client.force_login(cast.coordinator)
    text = page(client.get(reverse("budget:payments")))
    row = text.split(f'data-testid="unscheduled-{outside.pk}"')[1].split("</li>")[0]
    assert "2 500,50 $" in row and "hors calendrier" in row
    assert f"{reverse('budget:disbursement-create', args=[outside.pk])}?next={reverse('budget:payments')}" in row
    assert f'data-testid="unscheduled-{money.commitment.pk}"' not in text  # its schedule still waits to be paid


def test_verser_on_the_payments_page_pays_and_comes_back_to_it(client, cast, money):
    client.force_login(cast.coordinator)
    back = reverse("budget:payments")
    response = client.post(
        reverse("budget:planned-payment-release", args=[money.agreement.pk, money.free.pk]),
        {"paid_on": "2014-09-02", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    money.free.refresh_from_db()
    assert money.free.disbursement.amount == Decimal("3000.00")
    refused = client.post(
        reverse("budget:planned-payment-release", args=[money.agreement.pk, money.waiting.pk]),
        {"paid_on": "2014-12-02", "next": "https://ailleurs.example/"},
    )
    assert refused["Location"] == money.agreement.get_absolute_url()  # not another site: the agreement
    money.waiting.refresh_from_db()
    assert money.waiting.disbursement is None  # it waits for its report: nothing paid


def test_charts_keep_their_tables(client, cast, money):
    client.force_login(cast.staff)
    text = page(client.get(reverse("budget:charts")))
    assert 'data-testid="chart-sources"' in text and "Données du graphique" in text
    assert 'id="par-enjeu"' in text and 'id="prevision"' in text


# ---------------------------------------------------------------- queries


def _grow(plan, cast, theme, source, n):
    for i in range(n):
        project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title=f"Projet {i}")
        grant(project, "1000.00")
        commitment = f.commit(source=source, project=project, amount="500.00")
        disbursement_create(commitment=commitment, amount="100.00", paid_on=D(2014, 8, 1))
        agreement = agreement_create(project=project, signed_on=D(2014, 6, 1))
        deadline = report_deadline_add(agreement=agreement, kind="progress", due_on=D(2014, 11, 30))
        planned_payment_add(agreement=agreement, commitment=commitment, due_on=D(2014, 9, 1 + i % 20), amount="100.00")
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=D(2014, 12, 1),
            amount="100.00",
            required_report=deadline,
        )


@pytest.mark.parametrize("name", PAGES)
def test_sub_page_queries_do_not_grow_with_the_data(client, cast, plan, theme, money, name):
    """Intended to prevent an n+1 issue: 30 more projects, each granted, committed, paid, with its agreement, a
    report and two planned payments, cost the page no query more (measured cold: the cached figures cleared)."""
    client.force_login(cast.coordinator)
    figures_cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name)).status_code == 200
    _grow(plan, cast, theme, money.source, 30)
    figures_cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    # session, user, roles, the alliance, the plan, the cached figures (9, cold) and the page's own queries
    assert len(large) <= {"budget:envelope": 16, "budget:commitments": 17, "budget:payments": 21}.get(name, 14)
