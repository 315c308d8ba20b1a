"""The bilan page is cached in parts (bilan.selectors.build.bilan_page), each under the versions of the parts of its
plan's figures that it reads (plans.versions.PARTS): after each kind of write through the services, the bilan a
reader gets is the one built afresh (never stale), and only the parts the write changed are built again."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from asis import figures_cache
from bilan.selectors import build
from budget.services import ledger as ledger_services
from chantiers import services as space_services
from organisations.models import Membership
from plans import versions
from projects.models import ProjectStatus
from projects.services import filing as filing_services
from projects.services import reports as report_services
from projects.services import status as status_services
from tests import factories as f
from tests.alliance_money import two_alliances, url
from tests.projects.report_helpers import report_fields

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = "?periode=2014-2015"
PARTS = ("_tallies", "_money", "_meetings", "_lines")


@pytest.fixture
def world(db):
    world = two_alliances()
    north = world.north
    # the funded project runs through the plan year: a payment in it cannot change which projects the bilan counts
    filing_services.project_save_draft(
        by=None, project=north.funded, status=north.funded.status, start_date=D(2014, 4, 1), end_date=D(2015, 3, 31)
    )
    status_services.project_change_status(project=north.funded, to_status=ProjectStatus.IN_PROGRESS)  # it reports
    north.funded.refresh_from_db()
    north.member = f.make_user(organisation=north.org, role=Membership.Role.RESPONSABLE)
    f.plan_writes_committed()  # as when the set-up's requests committed
    return world


@pytest.fixture
def builds(monkeypatch):
    """The parts of the bilan built (their function's names), in order."""
    ran = []
    for name in PARTS:
        real = getattr(build, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            ran.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(build, name, spy)
    return ran


def shown(client, side):
    response = client.get(url(side, "bilan:bilan", query=YEAR))
    assert response.status_code == 200
    return response.context["bilan"]


def afresh(client, side):
    """The bilan the page shows when nothing is cached (asis.figures_cache emptied): every part built now."""
    figures_cache.clear()
    return shown(client, side)


def same(a, b) -> bool:
    return dataclasses.replace(a, generated_at=None, lines_of=None) == dataclasses.replace(
        b, generated_at=None, lines_of=None
    )


WRITES = {
    "payment": lambda s: ledger_services.disbursement_create(
        commitment=s.commitment, amount=Decimal("250.00"), paid_on=D(2014, 9, 1)
    ),
    "payment after the project's end": lambda s: ledger_services.disbursement_create(
        commitment=s.commitment, amount=Decimal("250.00"), paid_on=D(2015, 3, 31) + datetime.timedelta(days=1)
    ),
    "payment after the plan": lambda s: ledger_services.disbursement_create(
        commitment=s.commitment, amount=Decimal("250.00"), paid_on=D(2026, 12, 1)
    ),
    "commitment": lambda s: f.commit(
        source=s.source, project=s.awaiting, amount=Decimal("1234.56"), decided_on=D(2014, 7, 1)
    ),
    "reduction": lambda s: ledger_services.commitment_reduce(
        commitment=s.commitment,
        amount=Decimal("100.00"),
        reduced_on=D(2014, 8, 1),
        reason="Moins",
        resolution=f.board(s.commitment),
    ),
    "report": lambda s: report_services.report_create(project=s.funded, by=s.member, **report_fields()),
    "status": lambda s: status_services.project_change_status(project=s.awaiting, to_status=ProjectStatus.WITHDRAWN),
    "project renamed": lambda s: filing_services.project_save_draft(
        by=None, project=s.funded, status=s.funded.status, title="Projet renommé"
    ),
    "space renamed": lambda s: space_services.space_update(space=s.space, name="Chantier renommé"),
    "meeting": lambda s: space_services.meeting_schedule(space=s.space, date=D(2014, 10, 1)),
    "no part named": lambda s: versions.plan_written(s.plan.pk),
}
REBUILT = {  # the parts each write builds again (the page's lines: after every write)
    "payment": {"_money", "_lines"},
    "payment after the project's end": {"_money", "_tallies", "_lines"},
    "payment after the plan": {"_money", "_lines"},  # a bilan within the plan's years cannot count it
    "commitment": {"_money", "_tallies", "_lines"},  # the project has no dates
    "reduction": {"_money", "_lines"},
    "report": {"_tallies", "_lines"},
    "status": {"_money", "_tallies", "_lines"},
    "project renamed": {"_money", "_tallies", "_lines"},
    "space renamed": {"_money", "_tallies", "_meetings", "_lines"},
    "meeting": {"_meetings", "_lines"},
    "no part named": set(PARTS),
}


@pytest.mark.parametrize("kind", WRITES)
def test_after_each_kind_of_write_the_bilan_is_current_and_only_its_parts_are_built_again(client, world, builds, kind):
    north = world.north
    client.force_login(north.coordinator)
    before = shown(client, north)
    assert set(builds) == set(PARTS)
    builds.clear()
    assert same(shown(client, north), before) and builds == []  # from the cache, built by no one

    WRITES[kind](north)
    f.plan_writes_committed()
    after = shown(client, north)
    assert set(builds) == REBUILT[kind]
    assert same(after, afresh(client, north))  # current: never a part of before the write


def test_a_payment_shows_at_once_and_the_tallies_stay_cached(client, world, builds):
    north = world.north
    client.force_login(north.coordinator)
    before = shown(client, north)
    builds.clear()
    WRITES["payment"](north)
    f.plan_writes_committed()
    after = shown(client, north)
    assert after.disbursed == before.disbursed + Decimal("250.00")
    assert after.project_count == before.project_count and "_tallies" not in builds


def test_a_write_in_another_alliance_builds_nothing_again(client, world, builds):
    north, south = world.north, world.south
    client.force_login(north.coordinator)
    shown(client, north)
    builds.clear()
    WRITES["payment"](south)
    f.plan_writes_committed()
    shown(client, north)
    assert builds == []


def test_a_bilan_beyond_the_plans_years_reads_the_activity_beyond_them(world):
    north = world.north
    versions_now = {"activity": 3, "activity_beyond": 8}

    def activity(start, end):
        scope = build._scope(
            user=north.coordinator,
            period_start=start,
            period_end=end,
            theme=None,
            space=None,
            organisation=None,
            status=None,
            plan=north.plan,
            period=None,
            years=list(north.plan.years.order_by("number")),
            themes=None,
        )
        return build._activity(scope, versions_now)

    assert activity(D(2014, 4, 1), D(2015, 3, 31)) == (3,)  # a plan year
    assert activity(D(2013, 4, 1), D(2016, 3, 31)) == (3,)  # the whole plan
    assert activity(D(2016, 1, 1), D(2026, 12, 31)) == (3, 8)  # beyond its last year
