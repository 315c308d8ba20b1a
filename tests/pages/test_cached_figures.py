"""Every page whose figures are cached (asis.figures_cache) serves them from the cache until a write to its plan, the
same as built (the values go through pickle, as with Redis), and built again after a write to its plan only: a write
in the other alliance leaves them cached, a comment too."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.services import filing as filing_services
from tests import factories as f
from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db

YEAR = "?periode=2014-2015"
PAGES = {
    "overview": lambda side: url(side, "overview"),
    "plan": lambda side: url(side, "plan"),
    "theme": lambda side: url(side, "theme-detail", side.theme.slug),
    "envelope": lambda side: url(side, "budget:envelope"),
    "bilan": lambda side: url(side, "bilan:bilan", query=YEAR),
}


@pytest.fixture
def world(db):
    world = two_alliances()
    f.plan_writes_committed()  # as when the set-up's requests committed
    return world


def read(client, address) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    page = html.unescape(response.content.decode()).replace("\xa0", " ")
    main = page[page.index("<main") : page.index("</main>")]
    return len(queries), re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)  # a new token each time


@pytest.mark.parametrize("name", PAGES)
def test_a_page_is_served_from_the_cache_until_a_write_to_its_plan(client, world, name):
    north, south = world.north, world.south
    client.force_login(north.coordinator)
    address = PAGES[name](north)
    built, page = read(client, address)
    cached, again = read(client, address)
    assert cached < built and again == page  # from the cache, the same page

    filing_services.project_comment_create(project=north.awaiting, author=north.coordinator, text="Bravo")
    f.commit(source=south.source, project=south.awaiting, amount=Decimal("1000.00"), by=south.coordinator)
    f.plan_writes_committed()
    assert read(client, address)[0] == cached  # a comment, another alliance's commitment: still cached

    f.commit(
        source=north.source,
        project=north.awaiting,
        amount=Decimal("1234.56"),
        by=north.coordinator,
        decided_on=datetime.date(2014, 7, 1),
    )
    f.plan_writes_committed()
    rebuilt, after = read(client, address)
    assert rebuilt > cached and after != page  # built again, with the new commitment
