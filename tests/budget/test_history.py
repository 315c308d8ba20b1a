"""The envelope's history: every ledger entry in one chronological list, filtered by project or source,
and the balances « as at » a date; Coordination and Personnel only."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import Agreement, BudgetTarget, PlannedPayment, TargetMove
from budget.services.ledger import disbursement_correct, disbursement_create
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("budget:history")


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


def kinds(response) -> list[str]:
    return [entry.kind for entry in response.context["entries"]]


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)]
)
def test_history_access(client, login, cast, ledger, who, status):  # noqa: F811
    response = login(getattr(cast, who)).get(URL)
    assert response.status_code == status
    if who == "anonymous":
        assert "/connexion/" in response["Location"]


def test_every_entry_newest_first_with_who_when_what_and_why(client, cast, ledger):  # noqa: F811
    client.force_login(cast.staff)
    response = client.get(URL)
    assert kinds(response) == [
        "reduction",
        "correction",
        "disbursement",
        "correction",
        "reduction",
        "disbursement",
        "commitment",
        "commitment",
    ]
    entries = response.context["entries"]
    assert [e.amount for e in entries] == [
        Decimal(x) for x in ("-1.00", "-0.99", "1999.99", "250.50", "-500.00", "1000.00", "2000.00", "3000.00")
    ]
    assert entries[0].label == "Annulation d'engagement" and entries[0].note == "Projet terminé"
    assert all(e.by == cast.coordinator for e in entries)
    text = page(response)
    for expected in (
        "Chèque mal saisi",
        "Frais bancaires",
        "Budget revu à la baisse",
        "Chèque 101",
        "-0,99 $",
        "250,50 $",
        "2015-01-10",
    ):
        assert expected in text


def test_filter_by_project_and_by_source(client, cast, ledger):  # noqa: F811
    client.force_login(cast.coordinator)
    p1 = client.get(URL, {"project": ledger.p1.pk})
    assert kinds(p1) == ["correction", "reduction", "disbursement", "commitment"]
    assert {e.project for e in p1.context["entries"]} == {ledger.p1}
    b = client.get(URL, {"source": ledger.b.pk})
    assert kinds(b) == ["reduction", "correction", "disbursement", "commitment"]
    assert {e.source for e in b.context["entries"]} == {ledger.b}
    assert kinds(client.get(URL, {"project": ledger.p1.pk, "source": ledger.b.pk})) == []


def test_agreements_schedules_targets_and_moves_are_in_the_history(client, cast, ledger, theme):  # noqa: F811
    agreement = Agreement.objects.create(
        project=ledger.p1, signed_on=datetime.date(2014, 6, 20), reference="Convention 7", created_by=cast.coordinator
    )
    PlannedPayment.objects.create(
        agreement=agreement,
        commitment=ledger.c1,
        due_on=datetime.date(2015, 3, 1),
        amount=Decimal("1249.50"),
        created_by=cast.coordinator,
    )
    target = BudgetTarget.objects.create(plan=ledger.plan, theme=theme, amount=Decimal("100000.00"))
    other = BudgetTarget.objects.create(
        plan=ledger.plan, theme=f.make_theme(ledger.plan, name="Logement"), amount=Decimal("5000.00")
    )
    TargetMove.objects.create(
        from_target=target,
        to_target=other,
        amount=Decimal("1000.00"),
        moved_on=datetime.date(2015, 2, 1),
        reason="Besoins en logement",
        resolution=f.make_resolution(ledger.plan.alliance),
    )
    client.force_login(cast.coordinator)
    response = client.get(URL)
    assert kinds(response)[:5] == ["target_move", "target", "target", "planned_payment", "agreement"]
    text = page(response)
    assert (
        "Convention 7" in text
        and "1 249,50 $" in text
        and "Besoins en logement" in text
        and "cible de l'enjeu « Logement »" in text
    )
    # Filtering by project keeps its agreement and schedule; targets belong to no project.
    assert kinds(client.get(URL, {"project": ledger.p1.pk}))[:2] == ["planned_payment", "agreement"]
    assert "target" not in kinds(client.get(URL, {"source": ledger.a.pk}))


def test_balances_as_at_a_date_on_the_page(client, cast, ledger):  # noqa: F811
    client.force_login(cast.coordinator)
    response = client.get(URL, {"au": "2014-09-15"})
    balances = response.context["balances"]
    assert (balances["committed"], balances["disbursed"], balances["remaining"]) == (
        Decimal("4500.00"),
        Decimal("1250.50"),
        Decimal("10500.00"),
    )
    text = page(response)
    assert "Soldes au 15 septembre 2014" in text and "1 250,50 $" in text and "10 500 $" in text
    assert client.get(URL).context["balances"] is None
    bad = client.get(URL, {"au": "pas une date"})
    assert bad.status_code == 200 and bad.context["balances"] is None and bad.context["form"].errors["au"]


def test_history_is_paginated_and_its_queries_do_not_grow(client, cast, ledger, django_assert_max_num_queries):  # noqa: F811
    client.force_login(cast.coordinator)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    extra = f.commit(source=ledger.a, project=ledger.p1, amount="3000.00", decided_on=datetime.date(2015, 2, 1))
    for i in range(16):
        d = disbursement_create(commitment=extra, amount="100.00", paid_on=datetime.date(2015, 2, 2))
        disbursement_correct(
            disbursement=d, delta="-0.01", corrected_on=datetime.date(2015, 2, 3), reason=f"Arrondi {i}"
        )
    # 8 + 1 + 32 = 41 entries. session, user, roles, plan, projects and sources of the filters,
    # count, one page of the union, then one query per kind on the page (4: commitments, reductions,
    # disbursements, corrections); the alliance of the address (alliances.middleware, issue 17)
    with django_assert_max_num_queries(13):
        response = client.get(URL)
    assert response.status_code == 200 and len(response.context["entries"]) == 41
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)
    with django_assert_max_num_queries(18):  # + 5 for the balances as at a date
        assert client.get(URL, {"au": "2015-02-03"}).context["balances"]["disbursed"] == Decimal(
            "4849.34"
        )  # 1 250,50 + 16 × 99,99 + 1 999,00
    for _ in range(10):
        disbursement_create(commitment=extra, amount="1.00", paid_on=datetime.date(2015, 2, 4))
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(first.context["entries"]) == 50 and len(second.context["entries"]) == 1
    assert second.context["entries"][0].kind == "commitment" and second.context["entries"][0].amount == Decimal(
        "3000.00"
    )
