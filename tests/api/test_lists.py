"""The API's lists (issue 22, part 3): filters that say what is wrong, pages, CSV with stable columns and every row,
money to the cent against the envelope's own totals, a bounded number of queries, a rate per token."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from api import serializers
from api.throttling import TokenRateThrottle
from budget.models import Commitment, Disbursement, FundingSource
from budget.services.ledger import disbursement_create
from projects.models import ActionProject
from tests.api.conftest import ASIS, bearer
from tests.factories import commit, make_project

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/v1/projets/": serializers.ProjectSerializer,
    "/api/v1/engagements/": serializers.CommitmentSerializer,
    "/api/v1/versements/": serializers.PaymentSerializer,
    "/api/v1/indicateurs/": serializers.IndicatorSerializer,
    "/api/v1/bilan/": serializers.BilanThemeSerializer,
}


def _csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("path", list(LISTS))
def test_csv_has_the_stable_columns_and_every_row(client, issue, path):
    secret = issue(ASIS, "coordination")
    page = client.get(path + "?taille=2", **bearer(secret)).json()
    rows = _csv(client.get(path + "?format=csv", **bearer(secret)))
    assert list(rows[0]) == list(LISTS[path]().fields)  # the serializer's fields, in order: documented, stable
    assert len(rows) == page["count"]  # every row, not one page
    assert len(page["results"]) == min(2, page["count"])


def test_money_to_the_cent_against_the_envelope(client, issue):
    secret = issue(ASIS, "funder")
    totals = FundingSource.objects.filter(plan__alliance__slug=ASIS).totals()
    commitments = client.get("/api/v1/engagements/?taille=1000", **bearer(secret)).json()["results"]
    assert sum(Decimal(row["engage"]) for row in commitments) == totals["committed"]
    payments = _csv(client.get("/api/v1/versements/?format=csv", **bearer(secret)))
    assert sum(Decimal(row["verse"]) for row in payments) == totals["disbursed"]
    themes = client.get("/api/v1/bilan/", **bearer(secret)).json()["results"]
    assert sum(Decimal(row["engage"]) for row in themes) == totals["committed"]
    assert sum(Decimal(row["verse"]) for row in themes) == totals["disbursed"]
    for row in commitments:
        assert Decimal(row["engage"]) == Decimal(row["montant"]) - Decimal(row["reduit"])
        assert row["engage"].count(".") == 1 and len(row["engage"].split(".")[1]) == 2


def test_the_funders_projects_are_the_accepted_ones_with_their_money(client, issue):
    secret = issue(ASIS, "funder")
    rows = client.get("/api/v1/projets/?taille=1000", **bearer(secret)).json()["results"]
    public = ActionProject.objects.filter(theme__plan__alliance__slug=ASIS).public()
    assert {row["id"] for row in rows} == set(public.values_list("pk", flat=True))
    for row in rows:
        committed = sum(
            (c.amount - c.reduced_total for c in Commitment.objects.filter(project_id=row["id"])), Decimal("0.00")
        )
        assert Decimal(row["engage"]) == committed


def test_filters_keep_what_they_say(client, issue):
    secret = issue(ASIS, "coordination")
    get = lambda query: client.get("/api/v1/projets/?taille=1000&" + query, **bearer(secret)).json()  # noqa: E731
    everything = get("")["results"]
    theme = everything[0]["enjeu"]
    assert {row["enjeu"] for row in get(f"enjeu={theme}")["results"]} == {theme}
    assert {row["statut"] for row in get("statut=in_progress")["results"]} == {"in_progress"}
    lead = everything[0]["organisation_porteuse_id"]
    assert {row["organisation_porteuse_id"] for row in get(f"organisation={lead}")["results"]} == {lead}
    assert get("plan=1999-2002")["results"] == []
    assert get("enjeu=")["count"] == len(everything)  # empty: no filter
    commitments = client.get("/api/v1/engagements/?du=2014-01-01&au=2014-12-31&taille=1000", **bearer(secret))
    dates = {row["decide_le"] for row in commitments.json()["results"]}
    assert dates and all("2014-01-01" <= day <= "2014-12-31" for day in dates)
    payments = client.get("/api/v1/versements/?du=2014-01-01&taille=1000", **bearer(secret)).json()["results"]
    assert all(row["verse_le"] >= "2014-01-01" for row in payments)
    indicators = client.get("/api/v1/indicateurs/?en_usage=non&taille=1000", **bearer(secret)).json()["results"]
    assert all(row["en_usage"] is False for row in indicators)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("statut=fini", "Valeur invalide « fini » : l'une des valeurs intention, draft"),
        ("organisation=abc", "Valeur invalide « abc » : un nombre entier attendu."),
        ("modifie_depuis=2014-13-01", "Valeur invalide « 2014-13-01 » : une date AAAA-MM-JJ attendu."),
        ("enjeu=<script>", "Valeur invalide « <script> » : un identifiant"),
        ("page=999", "Page non valide."),
    ],
)
def test_a_bad_filter_says_what_is_wrong_in_french(client, issue, query, message):
    secret = issue(ASIS, "coordination")
    response = client.get("/api/v1/projets/?" + query, **bearer(secret))
    assert response.status_code in (400, 404)
    assert message in str(response.json())


@pytest.mark.parametrize("path", list(LISTS))
def test_queries_do_not_grow_with_rows(client, issue, path, django_assert_max_num_queries):
    """A page and a CSV read in a bounded number of queries (the token, the count, the page), with twice the money."""
    secret = issue(ASIS, "coordination")
    with django_assert_max_num_queries(4):
        client.get(path + "?taille=1000", **bearer(secret))
    with django_assert_max_num_queries(3):
        b"".join(client.get(path + "?format=csv", **bearer(secret)).streaming_content)
    _more_money()
    with django_assert_max_num_queries(4):
        client.get(path + "?taille=1000", **bearer(secret))
    with django_assert_max_num_queries(3):
        b"".join(client.get(path + "?format=csv", **bearer(secret)).streaming_content)


def _more_money():
    """Five commitments more, each with a payment, and a project more: the lists read as many queries."""
    project = ActionProject.objects.filter(theme__plan__alliance__slug=ASIS).fundable().first()
    source = FundingSource.objects.filter(plan=project.theme.plan).order_by("pk").first()
    for _ in range(5):
        commitment = commit(source=source, project=project, amount=Decimal("10.00"))
        disbursement_create(commitment=commitment, amount=Decimal("5.00"), paid_on=datetime.date(2014, 7, 1))
    make_project(lead=project.lead, theme=project.theme, title="Un projet de plus")


def test_each_token_has_its_rate(client, issue, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute", "anon": "100/minute"})
    one, two = issue(ASIS, "coordination"), issue(ASIS, "funder")
    for _ in range(3):
        assert client.get("/api/v1/bilan/", **bearer(one)).status_code == 200
    refused = client.get("/api/v1/bilan/", **bearer(one))
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert client.get("/api/v1/bilan/", **bearer(two)).status_code == 200  # another token: its own count


def test_writes_are_refused(client, issue):
    secret = issue(ASIS, "coordination")
    count = Commitment.objects.count()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            "/api/v1/engagements/", {}, content_type="application/json", **bearer(secret)
        )
        assert response.status_code == 405
    assert Commitment.objects.count() == count
    assert Disbursement.objects.count()
