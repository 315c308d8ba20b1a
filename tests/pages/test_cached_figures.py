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

from asis import figures_cache
from chantiers import services as space_services
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


def test_the_theme_page_builds_its_spaces_and_meetings_again_after_a_write_to_them_only(client, world):
    """A theme's spaces, seats and meetings are cached under the meetings' part of the plan's version: a commitment
    builds the theme's figures, projects and progress again, not them; a seat builds them again."""
    north = world.north
    client.force_login(north.coordinator)
    address = PAGES["theme"](north)
    built, _page = read(client, address)

    f.commit(
        source=north.source,
        project=north.awaiting,
        amount=Decimal("1234.56"),
        by=north.coordinator,
        decided_on=datetime.date(2014, 7, 1),
    )
    f.plan_writes_committed()
    after_money, page = read(client, address)
    # the page of spaces, their seats, the upcoming and the past meetings: from the cache
    assert after_money == built - 4
    figures_cache.clear()
    assert read(client, address) == (built, page)  # the same page as one built whole

    seated = f.make_organisation(name="Organisme nouvellement assis")
    space_services.space_seat_organisation(space=north.space, organisation=seated)
    f.plan_writes_committed()
    after_seat, page = read(client, address)
    assert after_seat == built and "Organisme nouvellement assis" in page
