"""A closed plan's bilan page and its PDF, XLSX and DOCX serve the frozen bilan (bilan.views._frozen_or_none), for
those who read the alliance's figures; a partner keeps the live bilan of their own organisations' projects."""

import datetime
import html

import pytest

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from bilan import views as bilan_views
from budget.services import ledger as ledger_services
from succession.models import FrozenBilan
from tests import factories as f

pytestmark = pytest.mark.django_db


def address(plan, name="bilan:bilan"):
    """The page of the closed plan, at its own address (/<alliance>/2013-2016/bilan/)."""
    return alliance_reverse(plan.alliance, name, plan=plan)


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_the_bilan_page_of_a_closed_plan_is_the_frozen_one(client, closed):
    # Closed on 27 November 2026 at 23:30 in Rouyn-Noranda (the next day in UTC): the banner says the local day.
    FrozenBilan.objects.filter(plan=closed.plan).update(
        closed_at=datetime.datetime(2026, 11, 28, 4, 30, tzinfo=datetime.UTC)
    )
    frozen = FrozenBilan.objects.get(plan=closed.plan)
    ledger_services.disbursement_create(commitment=closed.c3, amount="1234.56", paid_on=datetime.date(2015, 1, 5))
    client.force_login(closed.by)

    for url in (address(closed.plan), alliance_reverse(closed.plan.alliance, "bilan:bilan")):
        response = client.get(url)  # at the plan's address, and at the alliance's while it has no current plan
        assert response.status_code == 200
        page = text(response)
        assert "Bilan figé le 27 novembre 2026" in page
        assert closed.by.username in page and "Résolution CA-2016-03" in page
        assert frozen.html in response.content.decode()
        assert "1 234,56" not in page  # the payment made after closing is not in it


@pytest.mark.parametrize(
    "name, extension", [("bilan:bilan-pdf", "pdf"), ("bilan:bilan-xlsx", "xlsx"), ("bilan:bilan-docx", "docx")]
)
def test_the_documents_of_a_closed_plan_are_the_stored_bytes(client, closed, name, extension):
    frozen = FrozenBilan.objects.get(plan=closed.plan)
    ledger_services.disbursement_create(commitment=closed.c3, amount="1234.56", paid_on=datetime.date(2015, 1, 5))
    client.force_login(closed.by)

    response = client.get(address(closed.plan, name), {"periode": "2014-2015"})  # (the period asked is no matter)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == frozen.document(extension)
    assert f'filename="{frozen.file_name(extension)}"' in response["Content-Disposition"]


def test_who_reads_the_frozen_bilan(client, closed, cast):
    """Those who read the alliance's figures (Coordination, Personnel, the regional funder); a partner is not shown
    the frozen bilan, which holds every project of the plan: theirs is the live bilan of their own projects."""
    funder = f.make_user()
    f.grant_role(funder, closed.plan.alliance, AllianceRole.Role.FUNDER)
    for reader, frozen in ((closed.by, True), (cast.staff, True), (funder, True), (cast.alice, False)):
        client.force_login(reader)
        response = client.get(address(closed.plan))
        assert response.status_code == 200
        assert ("Bilan figé le" in text(response)) is frozen, reader


def test_a_plan_not_closed_reads_nothing_more(rf, world, django_assert_num_queries):
    assert world.by.reads_figures  # (the user's roles: read once per request, by every page)
    request = rf.get("/bilan/")
    request.user = world.by
    with django_assert_num_queries(0):
        assert bilan_views._frozen_or_none(world.plan) is None
        assert bilan_views._frozen_or_none(None) is None
        assert bilan_views._frozen_for(request, world.plan) is None


def test_a_closed_plan_without_a_frozen_bilan_shows_the_live_one(client, world):
    """A plan closed before the succession existed (or by a script): its bilan is built from the data."""
    world.plan.status = world.plan.Status.CLOSED
    world.plan.save(update_fields=["status"])
    client.force_login(world.by)
    response = client.get(address(world.plan), {"periode": "plan"})
    assert response.status_code == 200 and "Bilan figé" not in text(response)
    assert "Cuisines collectives" in text(response)
