"""Open data for the public: accepted projects, their lead, theme and money; no personal data;
totals to the cent equal the database."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from asis.templatetags.asis_format import format_money
from budget.models import Commitment, Disbursement
from organisations.models import Citizen, User
from projects.models import PUBLIC_STATUSES, ActionProject
from tests.alliance_money import asis_url

pytestmark = pytest.mark.django_db


def streamed(response) -> bytes:
    assert response.streaming, "the exports stream"
    return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)


@pytest.mark.parametrize("acronym, total", [("ASIS", "228051.25"), (None, "212500.00")])
def test_open_data_is_public_and_totals_equal_the_database(client, demo, acronym, total):
    """Each demo alliance publishes its own public projects (issue 17); every demo commitment is on one of them."""
    alliance = Alliance.objects.get(acronym="ASIS") if acronym else Alliance.objects.exclude(acronym="ASIS").get()
    public = ActionProject.objects.public().filter(theme__plan__alliance=alliance)
    committed = Commitment.objects.filter(project__in=public).aggregate(t=Sum(Commitment.CURRENT))["t"]
    disbursed = Disbursement.objects.filter(commitment__project__in=public).aggregate(t=Sum(Disbursement.CURRENT))["t"]
    assert (
        committed
        == Commitment.objects.filter(source__plan__alliance=alliance).aggregate(t=Sum(Commitment.CURRENT))["t"]
    )

    page = client.get(alliance_reverse(alliance, "bilan:open-data"))
    assert page.status_code == 200
    text = page.content.decode().replace("\xa0", " ")
    assert format_money(committed).replace("\xa0", " ") in text

    data = json.loads(streamed(client.get(alliance_reverse(alliance, "bilan:open-data-json"))))
    assert {p["id"] for p in data["projets"]} == set(public.values_list("pk", flat=True))
    assert Decimal(data["total_engage"]) == sum(Decimal(p["engage"]) for p in data["projets"]) == committed
    assert Decimal(data["total_verse"]) == sum(Decimal(p["verse"]) for p in data["projets"]) == disbursed
    assert all(p["statut"] in PUBLIC_STATUSES for p in data["projets"])

    response = client.get(alliance_reverse(alliance, "bilan:open-data-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert sum(Decimal(r["engage"]) for r in rows) == committed
    assert sum(Decimal(r["verse"]) for r in rows) == disbursed
    assert len(rows) == public.count()
    assert committed == Decimal(total)  # ASIS's demo money as before the second alliance; the second's, both plans


def test_open_data_holds_no_personal_data(client, demo):
    bodies = [
        client.get(asis_url("bilan:open-data")).content.decode(),
        streamed(client.get(asis_url("bilan:open-data-json"))).decode(),
        b"".join(client.get(asis_url("bilan:open-data-csv")).streaming_content).decode(),
    ]
    people = [(u.first_name, u.last_name, u.email, u.phone) for u in User.objects.all()]
    people += [(c.first_name, c.last_name, c.email, c.phone) for c in Citizen.objects.all()]
    for body in bodies:
        for first, last, email, phone in people:
            if first and last:
                assert f"{first} {last}" not in body
            if email:
                assert email not in body
            if phone:
                assert phone not in body
        assert "@" not in body.split("</nav>")[-1] if "</nav>" in body else "@" not in body
    keys = set(json.loads(bodies[1])["projets"][0])
    assert keys == {
        "id",
        "titre",
        "organisation_porteuse",
        "enjeu",
        "statut",
        "statut_libelle",
        "debut",
        "fin",
        "engage",
        "verse",
        "resolutions",
    }


def test_drafts_and_refused_projects_are_not_published(client, cast, theme):
    from projects.models import ProjectStatus
    from tests import factories as f

    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.DRAFT, title="Brouillon secret")
    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Projet accepté")
    data = json.loads(streamed(client.get(reverse("bilan:open-data-json"))))
    assert [p["titre"] for p in data["projets"]] == ["Projet accepté"]
    assert data["total_engage"] == "0.00"


def test_many_public_projects_page_by_page_and_streamed_in_full(client, cast, theme, django_assert_max_num_queries):
    """120 public projects: the page shows 50 with the totals of all 120 in a fixed number of queries;
    the CSV and the JSON (streamed) hold all 120, valid, with the same totals."""
    from budget.models import FundingSource
    from projects.models import ProjectStatus
    from tests import factories as f

    source = f.make_source(theme.plan, amount="1000000.00")
    year = f.plan_year(theme.plan, 1)
    projects = ActionProject.objects.bulk_create(
        ActionProject(title=f"Projet public {i:03d}", lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
        for i in range(120)
    )
    resolution = f.make_resolution(theme.plan.alliance)
    Commitment.objects.bulk_create(
        Commitment(
            source=source,
            project=p,
            plan_year=year,
            amount=Decimal("100.01"),
            decided_on=year.start_date,
            resolution=resolution,
        )
        for p in projects
    )
    FundingSource.objects.filter(pk=source.pk).update(committed_total=Decimal("12001.20"))
    # Rows bulk-created behind the services' back: the kept totals (figures) are rewritten from them, as
    # generate_volume does.
    call_command("check_figures", "--fix", stdout=io.StringIO())

    # kept totals (2: money, count), the themes, the page, the resolutions behind its money; the alliance
    with django_assert_max_num_queries(6):
        first = client.get(reverse("bilan:open-data"))
    text = first.content.decode().replace("\xa0", " ")
    assert first.context["data"].count == 120 and len(first.context["data"].projects) == 50
    assert "12 001,20 $" in text and "Total des 120 projets publics" in text
    last = client.get(reverse("bilan:open-data"), {"page": "abc"})
    assert last.status_code == 200 and [p.title for p in last.context["data"].projects][0] == "Projet public 000"
    third = client.get(reverse("bilan:open-data"), {"page": "3"})
    assert [p.title for p in third.context["data"].projects] == [f"Projet public {i:03d}" for i in range(100, 120)]

    data = json.loads(streamed(client.get(reverse("bilan:open-data-json"))))
    assert len(data["projets"]) == 120 and data["total_engage"] == "12001.20"
    assert sum(Decimal(p["engage"]) for p in data["projets"]) == Decimal("12001.20")
    rows = list(csv.DictReader(io.StringIO(streamed(client.get(reverse("bilan:open-data-csv"))).decode("utf-8")[1:])))
    assert len(rows) == 120 and sum(Decimal(r["engage"]) for r in rows) == Decimal("12001.20")


def test_no_public_project_is_still_valid_json(client, db):
    data = json.loads(streamed(client.get(reverse("bilan:open-data-json"))))
    assert data["projets"] == [] and data["total_engage"] == "0.00"


def test_open_data_totals_come_from_the_kept_rows_and_match_the_streamed_projects(client, cast, theme):
    """The page's totals are read from the kept totals (figures), which the services keep: a commitment, a payment,
    a project accepted then withdrawn move them, and they always equal the sum of the project rows streamed by the
    CSV and the JSON."""
    import datetime

    from budget.services import ledger
    from projects.models import ProjectStatus
    from projects.services.status import project_change_status
    from tests import factories as f

    source = f.make_source(theme.plan, amount="100000.00")
    shown = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    hidden = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.SUBMITTED)
    paid = f.commit(source=source, project=shown, amount="1250.50")
    ledger.disbursement_create(commitment=paid, amount="250.25", paid_on=datetime.date(2014, 9, 1))
    f.commit(source=source, project=hidden, amount="99.99")
    project_change_status(project=hidden, to_status=ProjectStatus.WITHDRAWN)  # its money leaves the public totals

    page = client.get(reverse("bilan:open-data"))
    data = page.context["data"]
    assert (data.count, data.committed, data.disbursed) == (1, Decimal("1250.50"), Decimal("250.25"))
    csv_response = client.get(reverse("bilan:open-data-csv"))
    json_response = client.get(reverse("bilan:open-data-json"))
    assert csv_response.streaming and json_response.streaming
    rows = list(csv.DictReader(io.StringIO(streamed(csv_response).decode("utf-8")[1:])))
    document = json.loads(streamed(json_response))  # streamed a project at a time, and valid JSON
    assert len(rows) == len(document["projets"]) == data.count
    assert sum(Decimal(r["engage"]) for r in rows) == Decimal(document["total_engage"]) == data.committed
    assert sum(Decimal(p["verse"]) for p in document["projets"]) == Decimal(document["total_verse"]) == data.disbursed


def test_every_page_holds_the_projects_a_full_sort_would_put_there(cast, plan):
    """The page's projects are picked among the first of each theme (asis.first_rows): across two themes and every
    page, the same projects in the same order as sorting them all, drafts left out."""
    from bilan.selectors.open_data import OPEN_ORDER, open_data
    from plans.models import Plan
    from projects.models import ProjectStatus
    from tests import factories as f

    first, second = f.make_theme(plan, name="Emploi", order=1), f.make_theme(plan, name="Logement", order=2)
    for i, title in enumerate(["Kilo", "Alpha", "Echo", "Golf", "Bravo", "India", "Delta", "Hotel", "Charlie"]):
        f.make_project(lead=cast.org_a, theme=(first, second)[i % 2], title=title, status=ProjectStatus.ACCEPTED)
    f.make_project(lead=cast.org_a, theme=first, title="Aaa brouillon", status=ProjectStatus.DRAFT)
    everything = list(
        ActionProject.objects.public().filter(theme__plan=plan).order_by(*OPEN_ORDER).values_list("title", flat=True)
    )
    plans = Plan.objects.filter(pk=plan.pk)
    pages = [[p.title for p in open_data(plans=plans, page=n, per_page=2)[0].projects] for n in range(1, 6)]
    assert [title for page in pages for title in page] == everything
    assert pages[0] == ["Bravo", "Charlie"] and pages[2] == ["Kilo", "Alpha"]  # the third page spans both themes
