"""One project's budget: requested vs committed vs paid by plan year and by source, to the cent, with its
other funding and leverage. Coordination, Personnel and the project's own organisations; others 404."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import Commitment, Disbursement
from budget.services.ledger import disbursement_correct, disbursement_create
from projects.models import OtherFunding, ProjectPartner, ProjectYearAmount
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def p1(ledger):  # noqa: F811
    """P1 as in the ledger fixture (A: 3 000 − 500 committed, 1 000 + 250,50 paid, year 1), plus year 2 from B."""
    years = list(ledger.plan.years.order_by("number"))
    ProjectYearAmount.objects.create(project=ledger.p1, plan_year=years[0], amount=Decimal("5000.00"))
    ProjectYearAmount.objects.create(project=ledger.p1, plan_year=years[1], amount=Decimal("2500.25"))
    c3 = f.commit(source=ledger.b, project=ledger.p1, amount="1000.00", year=years[1], decided_on=D(2015, 5, 1))
    d3 = disbursement_create(commitment=c3, amount="333.33", paid_on=D(2015, 6, 1))
    disbursement_correct(disbursement=d3, delta="-0.33", corrected_on=D(2015, 6, 2), reason="Arrondi")
    OtherFunding.objects.create(
        project=ledger.p1, kind=OtherFunding.Kind.OWN, source_name="Mise de fonds", amount=Decimal("3000.00")
    )
    OtherFunding.objects.create(
        project=ledger.p1, kind=OtherFunding.Kind.IN_KIND, source_name="Local prêté", amount=Decimal("1250.50")
    )
    return ledger.p1


def url(project):
    return reverse("budget:project-budget", args=[project.pk])


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 404), ("staff", 200), ("coordinator", 200)],
)
def test_project_budget_access(client, login, cast, p1, who, status):
    response = login(getattr(cast, who)).get(url(p1))
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/connexion/")


def test_a_partner_organisation_sees_it_too(client, cast, p1):
    ProjectPartner.objects.create(project=p1, organisation=cast.org_b)
    client.force_login(cast.charlie)
    assert client.get(url(p1)).status_code == 200


def test_an_unknown_project_is_404(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(reverse("budget:project-budget", args=[999999])).status_code == 404


def test_the_page_is_read_only(client, cast, p1):
    client.force_login(cast.alice)
    assert client.post(url(p1)).status_code == 405


def test_requested_committed_paid_to_the_cent(client, cast, p1):
    client.force_login(cast.alice)
    response = client.get(url(p1))
    ctx = response.context
    assert [(r["year"].number, r["requested"], r["committed"], r["paid"], r["to_pay"]) for r in ctx["by_year"]] == [
        (1, Decimal("5000.00"), Decimal("2500.00"), Decimal("1250.50"), Decimal("1249.50")),
        (2, Decimal("2500.25"), Decimal("1000.00"), Decimal("333.00"), Decimal("667.00")),
        (3, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
    ]
    assert [(r["source"].name, r["committed"], r["paid"]) for r in ctx["by_source"]] == [
        ("Source A", Decimal("2500.00"), Decimal("1250.50")),
        ("Source B", Decimal("1000.00"), Decimal("333.00")),
    ]
    assert ctx["totals"] == {
        "requested": Decimal("7500.25"),
        "committed": Decimal("3500.00"),
        "paid": Decimal("1583.50"),
        "to_pay": Decimal("1916.50"),
    }
    # The same sums straight from the database.
    committed = Commitment.objects.filter(project=p1).aggregate(s=Sum(Commitment.CURRENT))["s"]
    paid = Disbursement.objects.filter(commitment__project=p1).aggregate(s=Sum(Disbursement.CURRENT))["s"]
    assert (ctx["totals"]["committed"], ctx["totals"]["paid"]) == (
        committed.quantize(Decimal("0.01")),
        paid.quantize(Decimal("0.01")),
    )
    assert ctx["other_total"] == Decimal("4250.50")
    assert ctx["leverage"] == Decimal("1.21")  # 4 250,50 / 3 500,00 = 1,2144…
    text = page(response)
    for expected in (
        "7 500,25 $",
        "3 500 $",
        "1 583,50 $",
        "1 916,50 $",
        "4 250,50 $",
        "Local prêté",
        "1,21 $ d'autres sources",
    ):
        assert expected in text


def test_a_project_without_money_yet(client, cast, theme):
    draft = f.make_project(lead=cast.org_a, theme=theme)
    client.force_login(cast.alice)
    response = client.get(url(draft))
    assert response.context["totals"]["committed"] == Decimal("0.00") and response.context["leverage"] is None
    assert "Aucun montant engagé" in page(response)


def test_the_envelope_links_to_the_project_budget(client, cast, p1):
    client.force_login(cast.staff)
    assert url(p1) in page(client.get(reverse("budget:commitments")))


@pytest.mark.parametrize("who", ["coordinator", "alice"])
def test_project_budget_queries_do_not_grow(client, cast, p1, who, django_assert_max_num_queries):
    client.force_login(getattr(cast, who))
    with CaptureQueriesContext(connection) as small:
        client.get(url(p1))
    commitment = Commitment.objects.filter(project=p1).first()
    for i in range(20):
        d = disbursement_create(commitment=commitment, amount="10.00", paid_on=D(2015, 1, 1))
        disbursement_correct(disbursement=d, delta="-0.01", corrected_on=D(2015, 1, 2), reason=f"Frais {i}")
    # 40 more entries. session, user, roles (groups and organisations, one query), project, plan years,
    # sources, requested per year, committed per year and source, paid per year and source, other funding,
    # partners with their organisations; the alliance of the address (alliances.middleware, issue 17); its budget
    # lines with their categories, its latest report's spending by line (issue 20, part 3)
    with django_assert_max_num_queries(14):
        response = client.get(url(p1))
    assert response.context["totals"]["paid"] == Decimal("1583.50") + Decimal("199.80")
    with CaptureQueriesContext(connection) as large:
        client.get(url(p1))
    assert len(large) == len(small)


def test_each_commitment_names_the_board_resolution_it_comes_from(client, login, cast, p1):
    """The decision behind every dollar (issue 20, part 2): each commitment, its amount, date and resolution."""
    text = page(login(cast.alice).get(url(p1)))
    listed = text.split('data-testid="financing-resolutions"')[1].split("</ul>")[0]
    commitments = list(Commitment.objects.filter(project=p1).select_related("resolution"))
    assert len(commitments) >= 2 and listed.count("<li>") == len(commitments)
    for commitment in commitments:
        assert f"résolution {commitment.resolution.number} du" in listed
