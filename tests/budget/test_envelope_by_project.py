"""The envelope's « Par projet » table: requested, committed now, paid and left, to the cent, in bounded queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import FundingSource
from budget.services.ledger import commitment_reduce, disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def rows(response) -> dict[str, list[str]]:
    table = response.content.decode().replace("\xa0", " ").split('data-testid="by-project"')[1].split("</table>")[0]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        title = re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1)
        found[title] = [cell.strip() for cell in re.findall(r'class="text-end money">([^<]+)<', row)]
    return found


def test_each_project_sums_its_commitments_reductions_and_payments(asis, client, cast):
    fqis, ville = FundingSource.objects.get(code="fqis"), FundingSource.objects.get(code="ville-rn")
    project = f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=2), status=ProjectStatus.IN_PROGRESS, title="Cuisine"
    )
    project.amount_requested = Decimal("20000.00")
    project.save()
    first = f.commit(source=fqis, project=project, amount="12500.50", year=asis.years.get(number=1))
    second = f.commit(source=ville, project=project, amount="3000.25", year=asis.years.get(number=2))
    disbursement_create(commitment=first, amount="4000.10", paid_on=datetime.date(2014, 9, 1))
    commitment_reduce(
        commitment=second,
        amount="1000.00",
        reduced_on=datetime.date(2014, 10, 1),
        reason="Moins de repas",
        resolution=f.board(second),
    )
    f.make_project(
        lead=cast.org_b, theme=asis.themes.get(order=2), status=ProjectStatus.ACCEPTED, title="Sans engagement"
    )
    client.force_login(cast.staff)
    found = rows(client.get(reverse("budget:commitments")))
    # requested, committed (12 500,50 + 3 000,25 − 1 000,00), paid, left
    assert found == {"Cuisine": ["20 000 $", "14 500,75 $", "4 000,10 $", "10 500,65 $"]}


def test_the_table_costs_the_same_queries_with_many_projects(asis, client, cast):
    fqis = FundingSource.objects.get(code="fqis")

    def grow(count):
        for _ in range(count):
            project = f.make_project(lead=cast.org_a, theme=asis.themes.get(order=1), status=ProjectStatus.IN_PROGRESS)
            for year in (1, 2):
                f.commit(source=fqis, project=project, amount="100.00", year=asis.years.get(number=year))

    client.force_login(cast.coordinator)
    grow(2)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("budget:commitments"))
    grow(40)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("budget:commitments"))
    assert len(large) == len(small)
    assert len(rows(response)) == 25  # a page
    assert "?projets=2#par-projet" in response.content.decode()
