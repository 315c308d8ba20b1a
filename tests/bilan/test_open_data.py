"""Open data for the public: accepted projects, their lead, theme and money; no personal data;
totals to the cent equal the database."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from budget.models import Commitment, Disbursement
from chantiers.models import PUBLIC_STATUSES, ActionProject
from organisations.models import Citizen, User

pytestmark = pytest.mark.django_db


def test_open_data_is_public_and_totals_equal_the_database(client, demo):
    public = ActionProject.objects.public()
    committed = Commitment.objects.filter(project__in=public).aggregate(t=Sum(Commitment.CURRENT))["t"]
    disbursed = Disbursement.objects.filter(commitment__project__in=public).aggregate(t=Sum(Disbursement.CURRENT))["t"]
    assert committed == Decimal("228051.25")  # every demo commitment is on an accepted project

    page = client.get(reverse("bilan:open-data"))
    assert page.status_code == 200
    text = page.content.decode().replace("\xa0", " ")
    assert "228 051,25 $" in text

    data = json.loads(client.get(reverse("bilan:open-data-json")).content)
    assert {p["id"] for p in data["projets"]} == set(public.values_list("pk", flat=True))
    assert Decimal(data["total_engage"]) == sum(Decimal(p["engage"]) for p in data["projets"]) == committed
    assert Decimal(data["total_verse"]) == sum(Decimal(p["verse"]) for p in data["projets"]) == disbursed
    assert all(p["statut"] in PUBLIC_STATUSES for p in data["projets"])

    response = client.get(reverse("bilan:open-data-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert sum(Decimal(r["engage"]) for r in rows) == committed
    assert sum(Decimal(r["verse"]) for r in rows) == disbursed
    assert len(rows) == public.count()


def test_open_data_holds_no_personal_data(client, demo):
    bodies = [
        client.get(reverse("bilan:open-data")).content.decode(),
        client.get(reverse("bilan:open-data-json")).content.decode(),
        b"".join(client.get(reverse("bilan:open-data-csv")).streaming_content).decode(),
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
    assert keys == {"id", "titre", "organisation_porteuse", "enjeu", "statut", "statut_libelle", "debut", "fin", "engage", "verse"}


def test_drafts_and_refused_projects_are_not_published(client, cast, theme):
    from tests import factories as f
    from chantiers.models import ProjectStatus

    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.DRAFT, title="Brouillon secret")
    f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Projet accepté")
    data = json.loads(client.get(reverse("bilan:open-data-json")).content)
    assert [p["titre"] for p in data["projets"]] == ["Projet accepté"]
    assert data["total_engage"] == "0.00"
