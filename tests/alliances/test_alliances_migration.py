"""The data migration: one alliance per (alliance name, coordinating organisation) of the plans, its facts copied
from its latest-starting plan, that plan current and the others closed; and back."""

import datetime

import pytest

pytestmark = pytest.mark.django_db
BEFORE = [("plans", "0002_plan_alliance_and_status")]
AFTER = [("plans", "0004_alliance_facts_off_the_plan")]


@pytest.fixture
def migrate(scratch):
    """Migrations applied on an empty scratch database (tests/alliances/conftest.py), not on the test database."""
    return scratch


@pytest.fixture
def at_0002(migrate):
    """A database as plans' 0002 left it."""
    return migrate(BEFORE)


def test_plans_of_two_alliances_make_two_alliances_with_one_current_plan_each(at_0002, migrate):
    Organisation = at_0002.get_model("organisations", "Organisation")
    Plan = at_0002.get_model("plans", "Plan")
    rnvvs = Organisation.objects.create(name="RNVVS", kind="community", status="approved")
    other = Organisation.objects.create(name="Coordination du Témiscamingue", kind="community", status="approved")
    asis = "Alliance pour la solidarité et l'inclusion sociale de Rouyn-Noranda"

    def plan(title, start, name=asis, coordination=rnvvs, **facts):
        return Plan.objects.create(
            title=title,
            alliance_name=name,
            coordinating_organisation=coordination,
            start_date=start,
            **facts,
        ).pk

    first = plan(
        "2013-2016", datetime.date(2013, 4, 1), alliance_acronym="ASIS", mandated_by="CRÉ", mandate_date="2012"
    )
    second = plan(
        "2016-2019", datetime.date(2016, 4, 1), alliance_acronym="ASIS", mandated_by="CRÉ", mandate_date="2012"
    )
    temis = plan("Témiscamingue", datetime.date(2014, 4, 1), name="Alliance du Témiscamingue", coordination=other)
    # Same name, another coordinating organisation: another alliance (and another slug).
    homonym = plan("Homonyme", datetime.date(2013, 4, 1), coordination=other)

    after = migrate(AFTER)
    Alliance, Plan = after.get_model("alliances", "Alliance"), after.get_model("plans", "Plan")
    assert Alliance.objects.count() == 3
    statuses = dict(Plan.objects.values_list("pk", "status"))
    assert statuses == {first: "closed", second: "current", temis: "current", homonym: "current"}
    plans = {pk: Plan.objects.get(pk=pk) for pk in (first, second, temis, homonym)}
    asis_alliance = plans[second].alliance
    assert plans[first].alliance_id == asis_alliance.pk
    assert (asis_alliance.name, asis_alliance.acronym, asis_alliance.coordinating_organisation_id) == (
        asis,
        "ASIS",
        rnvvs.pk,
    )
    assert (asis_alliance.mandated_by, asis_alliance.mandate_date) == ("CRÉ", "2012")
    assert asis_alliance.slug == "alliance-pour-la-solidarite-et-linclusion-sociale-de-rouyn-noranda"
    assert plans[homonym].alliance.slug == asis_alliance.slug + "-2"
    assert plans[temis].alliance.slug == "alliance-du-temiscamingue"
    assert plans[temis].alliance.coordinating_organisation_id == other.pk
    # The alliance of the plan the portal showed (latest start) is the first one: the instance's default.
    assert Alliance.objects.order_by("pk").first() == asis_alliance

    back = migrate(BEFORE)
    Plan = back.get_model("plans", "Plan")
    assert back.get_model("alliances", "Alliance").objects.count() == 0
    restored = Plan.objects.get(pk=first)
    assert (restored.alliance_name, restored.alliance_acronym, restored.coordinating_organisation_id) == (
        asis,
        "ASIS",
        rnvvs.pk,
    )
    assert Plan.objects.get(pk=temis).coordinating_organisation_id == other.pk
