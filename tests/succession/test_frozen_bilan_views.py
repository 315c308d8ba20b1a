"""A closed plan's bilan page and its PDF, XLSX and DOCX serve the frozen bilan (bilan.views._frozen_or_none), for
those who read every project. The views find the plan in `request.plan` (the lead's alliance and plan middleware):
until it lands, the tests set it on the request themselves."""

import datetime
import html

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage

from alliances.models import AllianceRole
from bilan import views as bilan_views
from budget.services import ledger as ledger_services
from succession.models import FrozenBilan
from tests import factories as f

pytestmark = pytest.mark.django_db


def request_for(rf, user, plan, path="/bilan/"):
    request = rf.get(path)
    request.user = user
    request.plan = plan
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_the_bilan_page_of_a_closed_plan_is_the_frozen_one(rf, closed):
    # Closed on 27 November 2026 at 23:30 in Rouyn-Noranda (the next day in UTC): the banner says the local day.
    FrozenBilan.objects.filter(plan=closed.plan).update(
        closed_at=datetime.datetime(2026, 11, 28, 4, 30, tzinfo=datetime.UTC)
    )
    frozen = FrozenBilan.objects.get(plan=closed.plan)
    ledger_services.disbursement_create(commitment=closed.c3, amount="1234.56", paid_on=datetime.date(2015, 1, 5))

    response = bilan_views.bilan(request_for(rf, closed.by, closed.plan))

    assert response.status_code == 200
    page = html.unescape(response.content.decode()).replace("\xa0", " ")
    assert "Bilan figé le 27 novembre 2026" in page
    assert closed.by.username in page and "Résolution CA-2016-03" in page
    assert frozen.html in response.content.decode()
    assert "1 234,56" not in page  # the payment made after closing is not in it


@pytest.mark.parametrize("view, extension", [("bilan_pdf", "pdf"), ("bilan_xlsx", "xlsx"), ("bilan_docx", "docx")])
def test_the_documents_of_a_closed_plan_are_the_stored_bytes(rf, closed, view, extension):
    frozen = FrozenBilan.objects.get(plan=closed.plan)
    ledger_services.disbursement_create(commitment=closed.c3, amount="1234.56", paid_on=datetime.date(2015, 1, 5))

    response = getattr(bilan_views, view)(request_for(rf, closed.by, closed.plan, f"/bilan/{extension}/"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == frozen.document(extension)
    assert f'filename="{frozen.file_name(extension)}"' in response["Content-Disposition"]


def test_a_partner_keeps_the_live_bilan_of_their_own_projects(rf, closed, cast):
    # The frozen bilan holds every project of the plan: a partner is not shown it; those who read the figures are.
    funder = f.make_user()
    f.grant_role(funder, closed.plan.alliance, AllianceRole.Role.FUNDER)
    frozen = FrozenBilan.objects.get()
    assert bilan_views._frozen_for(request_for(rf, cast.alice, closed.plan)) is None
    for reader in (cast.staff, funder, closed.by):
        reader.bind_alliance(closed.plan.alliance)
        assert bilan_views._frozen_for(request_for(rf, reader, closed.plan)) == frozen


def test_a_plan_not_closed_reads_nothing_more(rf, world, django_assert_num_queries):
    assert world.by.sees_everything  # (the user's roles: read once per request, by every page)
    with django_assert_num_queries(0):
        assert bilan_views._frozen_or_none(world.plan) is None
        assert bilan_views._frozen_or_none(None) is None
        assert bilan_views._frozen_for(request_for(rf, world.by, world.plan)) is None


def test_without_the_middleware_the_bilan_stays_live(client, closed):
    """No request.plan yet: the bilan views read their plan as before (the lead plugs the frozen one in)."""
    client.force_login(closed.by)
    response = client.get("/bilan/?periode=plan")
    assert response.status_code == 200
    assert "Bilan figé" not in response.content.decode()
