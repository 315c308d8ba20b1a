"""What the public reads of a project's money counts each payment as corrected (issue 23, item 6): a payment recorded
as 1 000 $ then corrected to 900 $ shows 900 $ on the theme page and on the project page."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.services.ledger import disbursement_correct, disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def corrected(cast, plan, theme):
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisine collective")
    commitment = f.commit(source=source, project=project, amount="5000.00", by=cast.coordinator)
    paid = disbursement_create(
        commitment=commitment, amount="1000.00", paid_on=datetime.date(2014, 7, 1), by=cast.coordinator
    )
    disbursement_correct(
        disbursement=paid,
        new_amount=Decimal("900.00"),
        corrected_on=datetime.date(2014, 7, 2),
        reason="Erreur",
        by=cast.coordinator,
    )
    return project


def test_the_theme_page_shows_the_payment_as_corrected(client, corrected, theme):
    page = text(client.get(reverse("theme-detail", args=[theme.slug])))
    assert '<dd class="col-sm-6 col-lg-3 money" data-testid="theme-disbursed">900 $</dd>' in page
    assert 'Versé : <span class="money">900 $</span>' in page  # the project's line
    assert "1 000 $" not in page


def test_the_project_page_shows_committed_paid_and_results_to_the_public(client, corrected):
    page = text(client.get(corrected.get_absolute_url()))
    assert 'data-testid="project-committed">5 000 $</dd>' in page
    assert 'data-testid="project-paid">900 $</dd>' in page  # as corrected
    assert "1 000 $" not in page
    assert "Avancement (dernier rapport)" not in page  # no report yet


def test_the_project_page_shows_its_last_reports_results(client, corrected, cast):
    from projects.models import ProgressReport

    ProgressReport.objects.create(
        project=corrected,
        period_start=datetime.date(2014, 7, 1),
        period_end=datetime.date(2014, 12, 31),
        percent_done=40,
        people_reached=25,
        citizens_reached=9,
    )
    page = text(client.get(corrected.get_absolute_url()))
    assert "40 % réalisé" in page
    assert "25 personnes, dont 9 citoyens et citoyennes" in page
