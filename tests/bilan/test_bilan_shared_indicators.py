"""The bilan's shared indicators (issue 21, part 1): the projects' latest values summed per shared indicator, a
population indicator's latest measure, progress from baseline to target, grouped by Results-Based Accountability's
questions; in the page, its exports and the progress import; cached with the tallies and built again after a write."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bilan.selectors.build import build_bilan
from plans import services as plan_services
from plans.models import SharedIndicator
from projects.models import Indicator, IndicatorValue, ProgressReport, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def shared(cast, plan, theme):
    """A shared count of people (baseline 0 on 2014-04-01, target 100), a population index measured twice, and two
    projects whose indicators link to the count (20 and 30 people as of their latest reports)."""
    people = plan_services.shared_indicator_create(
        theme=theme,
        name="Personnes rejointes",
        unit="personnes",
        category=SharedIndicator.Category.HOW_MUCH,
        baseline=Decimal("0"),
        baseline_on=D(2014, 4, 1),
        target=Decimal("100"),
        target_on=D(2016, 3, 31),
    )
    index = plan_services.shared_indicator_create(
        theme=theme,
        name="Indice de défavorisation",
        unit="indice",
        kind=SharedIndicator.Kind.POPULATION,
        category=SharedIndicator.Category.BETTER_OFF,
        direction=SharedIndicator.Direction.LOWER,
        baseline=Decimal("30"),
        baseline_on=D(2011, 1, 1),
        target=Decimal("20"),
        source="INSPQ",
    )
    plan_services.shared_indicator_measure_add(
        indicator=index, measured_on=D(2014, 6, 1), value=Decimal("27.5"), source="INSPQ 2014"
    )
    plan_services.shared_indicator_measure_add(
        indicator=index, measured_on=D(2016, 6, 1), value=Decimal("22"), source="INSPQ 2016"
    )
    dates = {"start_date": D(2014, 5, 1), "end_date": D(2015, 3, 31)}
    for lead, value, older in ((cast.org_a, "20", "5"), (cast.org_b, "30", None)):
        project = f.make_project(lead=lead, theme=theme, status=ProjectStatus.IN_PROGRESS, **dates)
        indicator = Indicator.objects.create(project=project, name="Participants", unit="Personnes", shared=people)
        for end, number in ((D(2014, 9, 30), older), (D(2014, 12, 31), value)):
            if number is not None:
                report = ProgressReport.objects.create(
                    project=project,
                    period_start=D(2014, 5, 1),
                    period_end=end,
                    percent_done=50,
                    people_reached=1,
                    citizens_reached=0,
                )
                IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal(number))
    f.plan_writes_committed()
    return {"people": people, "index": index}


def test_the_bilan_sums_the_projects_latest_values_and_reads_the_latest_measure(cast, plan, shared):
    bilan = build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)
    lines = {line.name: line for line in bilan.shared}
    people = lines["Personnes rejointes"]
    assert (people.projects_value, people.linked, people.projects, people.percent) == (Decimal("50.00"), 2, 2, 50)
    assert (people.baseline_on, people.target_on) == (D(2014, 4, 1), D(2016, 3, 31))
    index = lines["Indice de défavorisation"]
    # the latest measure up to the end of the period (not the one of 2016); 30 → 27.5 of the way to 20: 25 %
    assert (index.measured, index.measured_on, index.percent, index.source) == (
        Decimal("27.50"),
        D(2014, 6, 1),
        25,
        "INSPQ",
    )
    assert [(category, len(group)) for category, _label, group in bilan.shared_by_category()] == [
        ("how_much", 1),
        ("better_off", 1),
    ]


def test_a_partner_sees_its_own_projects_part_only(cast, plan, shared):
    bilan = build_bilan(user=cast.alice, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)
    people = next(line for line in bilan.shared if line.name == "Personnes rejointes")
    assert (people.projects_value, people.projects) == (Decimal("20.00"), 1)


def test_the_page_shows_the_questions_and_progress_and_a_write_builds_them_again(client, cast, plan, shared):
    client.force_login(cast.staff)
    page = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"})
    text = page.content.decode()
    assert "Combien avons-nous fait ?" in text and "Quelqu&#x27;un s&#x27;en porte-t-il mieux ?" in text
    assert "Personnes rejointes" in text and "50 %" in text
    # the cached tallies are built again after Coordination changes the target (plans.versions: `projects`)
    plan_services.shared_indicator_update(indicator=shared["people"], target=Decimal("200"))
    f.plan_writes_committed()
    again = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"})
    line = next(line for line in again.context["bilan"].shared if line.name == "Personnes rejointes")
    assert line.target == Decimal("200.00") and line.percent == 25


def test_the_exports_carry_the_shared_indicators_and_the_link(client, cast, plan, shared):
    client.force_login(cast.staff)
    shared_csv = client.get(reverse("bilan:bilan-csv", args=["indicateurs-partages"]), {"periode": "2014-2015"})
    body = b"".join(shared_csv.streaming_content).decode("utf-8-sig")
    assert "Personnes rejointes" in body and "Combien avons-nous fait ?" in body and "50.00" in body
    linked_csv = client.get(reverse("bilan:bilan-csv", args=["indicateurs"]), {"periode": "2014-2015"})
    rows = b"".join(linked_csv.streaming_content).decode("utf-8-sig").splitlines()
    assert "Indicateur partagé" in rows[0]
    assert all("Personnes rejointes" in row for row in rows[1:])


# ---------------------------------------------------------------- the progress import carries the link


@pytest.fixture
def linked(projects, theme):
    """The progress import's projects (tests/bilan/conftest.py), « Participants » linked to a shared indicator."""
    people = plan_services.shared_indicator_create(theme=theme, name="Personnes rejointes", unit="personnes")
    Indicator.objects.filter(pk=projects["participants"].pk).update(shared=people)
    return {**projects, "people": people}


def test_the_import_round_trip_keeps_and_shows_the_link(client, cast, linked):
    from tests.bilan.test_progress_import import PERIOD, edit, exported

    client.force_login(cast.coordinator)
    upload = edit(exported(client), {("Indicateurs", "Valeur", linked["participants"].pk): 35})
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    change = response.context["preview"].changes[0].indicators[0]
    assert (change.name, change.shared, change.after) == ("Participants", "Personnes rejointes", "35.00")
    assert "compte pour « Personnes rejointes »" in response.content.decode()


def test_the_import_refuses_a_line_naming_another_shared_indicator(client, cast, linked):
    from tests.bilan.test_progress_import import PERIOD, edit, exported

    client.force_login(cast.coordinator)
    upload = edit(
        exported(client),
        {
            ("Indicateurs", "Valeur", linked["participants"].pk): 35,
            ("Indicateurs", "Indicateur partagé", linked["participants"].pk): "Autre chose",
        },
    )
    before = IndicatorValue.objects.count()
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert response.context["preview"] is None
    text = response.content.decode().replace("&#x27;", "'")
    assert "compte pour « Personnes rejointes », pas pour « Autre chose »" in text
    assert IndicatorValue.objects.count() == before
