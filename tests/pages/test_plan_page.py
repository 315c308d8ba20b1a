"""The plan's timeline (/plan/): each theme's spaces and projects on the plan years they run, meetings and money per year."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budget.models import FundingSource
from chantiers import services as space_services
from chantiers.models import SpaceMembership
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

YEARS = ["2013-2014", "2014-2015", "2015-2016"]


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


def row_of(page: str, name: str) -> str:
    """The <tr> of the timeline whose header holds `name`."""
    match = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?" + re.escape(name) + r".*?</tr>", page, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


def filled_years(row: str) -> list[str]:
    return re.findall(r'<td class="text-center timeline-on" data-year="([^"]+)"', row)


def placement(response, title: str) -> list[str]:
    for row in response.context["rows"]:
        for item in row["projects"]:
            if item["project"].title == title:
                return [year.label for year, on in item["cells"] if on]
        for item in row["spaces"]:
            if item["space"].name == title:
                return [year.label for year, on in item["cells"] if on]
    raise AssertionError(f"{title} is not on the timeline")


@pytest.fixture
def themes(asis):
    return {theme.slug: theme for theme in asis.themes.all()}


@pytest.fixture
def world(asis, themes, cast):
    housing, poverty = themes["logement-et-habitation"], themes["pauvrete-et-defavorisation"]
    fqis = FundingSource.objects.get(code="fqis")
    years = {year.label: year for year in asis.years.all()}

    f.make_project(
        lead=cast.org_b,
        theme=housing,
        status=ProjectStatus.ACCEPTED,
        title="Lié à 2014-2015",
        plan_years=[years["2014-2015"]],
    )
    dated = f.make_project(
        lead=cast.org_b,
        theme=housing,
        status=ProjectStatus.IN_PROGRESS,
        title="Daté de juin 2013 à mai 2014",
        start_date=datetime.date(2013, 6, 1),
        end_date=datetime.date(2014, 5, 1),
    )
    f.make_project(lead=cast.org_b, theme=housing, status=ProjectStatus.ACCEPTED, title="Sans date ni année")
    f.make_project(lead=cast.org_a, theme=housing, title="Brouillon secret de A", plan_years=[years["2013-2014"]])
    f.make_project(lead=cast.org_b, theme=housing, title="Brouillon secret de B", plan_years=[years["2013-2014"]])
    f.make_project(lead=cast.org_b, theme=housing, status=ProjectStatus.REFUSED, title="Projet refusé")

    f.commit(source=fqis, project=dated, amount="12500.50", year=years["2013-2014"])
    f.commit(source=fqis, project=dated, amount="1000.00", year=years["2014-2015"])

    table = f.make_space(themes=[housing, poverty], name="Table logement et pauvreté", kind="table")
    SpaceMembership.objects.create(space=table, organisation=cast.org_a, joined_on=datetime.date(2013, 9, 1))
    short = f.make_space(themes=[housing], name="Chantier d'une saison")
    SpaceMembership.objects.create(space=short, organisation=cast.org_b, joined_on=datetime.date(2014, 6, 1))
    space_services.space_archive(space=short, on=datetime.date(2015, 1, 15))

    for day in (datetime.date(2013, 10, 1), datetime.date(2014, 2, 1), datetime.date(2014, 4, 1)):
        f.make_meeting(table, date=day)
    f.make_meeting(short, date=datetime.date(2014, 9, 1))
    f.make_meeting(short, date=datetime.date(2012, 1, 1))  # before the plan
    return years


def test_the_three_years_are_the_columns(client, asis):
    response = client.get("/plan/")
    assert response.status_code == 200
    page = text(response)
    for label in YEARS:
        assert f'<th scope="col" class="text-center timeline-year">{label}</th>' in page
    for theme in asis.themes.all():
        assert f'href="/enjeux/{theme.slug}/"' in page


def test_a_project_linked_to_2014_2015_only_runs_in_2014_2015(client, world):
    response = client.get("/plan/")
    assert placement(response, "Lié à 2014-2015") == ["2014-2015"]
    row = row_of(text(response), "Lié à 2014-2015")
    assert filled_years(row) == ["2014-2015"]
    assert "●" in row and "en cours en 2014-2015" in row
    assert "en cours en 2013-2014" not in row.replace("pas en cours en 2013-2014", "")


def test_a_project_runs_in_the_years_its_dates_overlap(client, world):
    response = client.get("/plan/")
    assert placement(response, "Daté de juin 2013 à mai 2014") == ["2013-2014", "2014-2015"]
    assert placement(response, "Sans date ni année") == []


def test_a_space_runs_from_its_first_seat_until_archived(client, world):
    response = client.get("/plan/")
    assert placement(response, "Table logement et pauvreté") == YEARS
    assert placement(response, "Chantier d'une saison") == ["2014-2015"]
    assert "actif en 2014-2015" in row_of(text(response), "Chantier d'une saison")


def test_refused_projects_are_not_on_the_timeline(client, world, cast):
    client.force_login(cast.coordinator)
    assert "Projet refusé" not in text(client.get("/plan/"))


def test_meetings_held_per_year_for_the_theme_and_in_total(client, world, themes):
    response = client.get("/plan/")
    rows = {row["theme"].slug: row for row in response.context["rows"]}
    assert rows["logement-et-habitation"]["meetings"] == [2, 2, 0]
    assert rows["pauvrete-et-defavorisation"]["meetings"] == [2, 1, 0]
    # The table serves two themes: its meetings count once in the total.
    assert response.context["meetings_per_year"] == [2, 2, 0]
    assert response.context["meetings_total"] == 4


def test_upcoming_meetings_are_not_counted_as_held(client, asis, themes, cast):
    space = f.make_space(themes=[themes["logement-et-habitation"]])
    f.make_meeting(space, date=timezone.localdate() + datetime.timedelta(days=3))
    assert client.get("/plan/").context["meetings_total"] == 0


def test_money_committed_per_year_to_the_cent(client, world):
    response = client.get("/plan/")
    page = text(response)
    housing = next(row for row in response.context["rows"] if row["theme"].slug == "logement-et-habitation")
    assert housing["committed"] == [Decimal("12500.50"), Decimal("1000.00"), Decimal("0.00")]
    assert response.context["committed_per_year"] == [Decimal("12500.50"), Decimal("1000.00"), Decimal("0.00")]
    assert response.context["committed_total"] == Decimal("13500.50")
    assert "12 500,50 $" in row_of(page, "Total engagé")
    assert "13 500,50 $" in page


def test_anonymous_never_sees_drafts(client, world):
    page = text(client.get("/plan/"))
    assert "Brouillon secret" not in page
    assert "Lié à 2014-2015" in page


@pytest.mark.parametrize(
    "who, sees_a, sees_b",
    [("alice", True, False), ("charlie", False, True), ("coordinator", True, True), ("staff", True, True)],
)
def test_drafts_only_for_their_organisation_and_coordination(client, world, cast, who, sees_a, sees_b):
    client.force_login(getattr(cast, who))
    page = text(client.get("/plan/"))
    assert ("Brouillon secret de A" in page) is sees_a
    assert ("Brouillon secret de B" in page) is sees_b


def test_the_plan_page_is_in_the_navigation(client, asis):
    page = text(client.get("/plan/"))
    assert 'href="/plan/">Plan triennal</a>' in page
    assert 'aria-current="page" href="/plan/"' in page


def test_without_a_plan_the_page_says_so(client, db):
    response = client.get("/plan/")
    assert response.status_code == 200
    assert "Le plan n'est pas encore chargé" in text(response)


def test_post_is_not_allowed(client, asis):
    assert client.post("/plan/").status_code == 405


def _grow(plan, cast, count):
    """Spaces with seats and meetings, projects in every status with years, partners and money, in every theme."""
    themes = list(plan.themes.all())
    years = list(plan.years.all())
    fqis = FundingSource.objects.get(code="fqis")
    statuses = list(f.PATH_TO)
    for i in range(count):
        theme = themes[i % len(themes)]
        org = f.make_organisation()
        space = f.make_space(themes=[theme, themes[(i + 1) % len(themes)]], lead_organisation=org)
        SpaceMembership.objects.create(space=space, organisation=org, joined_on=datetime.date(2013, 5 + i % 6, 1))
        for year in years:
            f.make_meeting(space, date=year.start_date + datetime.timedelta(days=30 + i))
        for j in range(2):
            project = f.make_project(
                lead=[cast.org_a, cast.org_b, org][(i + j) % 3],
                theme=theme,
                space=space,
                status=statuses[(2 * i + j) % len(statuses)],
                plan_years=years[j : j + 2],
                start_date=datetime.date(2014, 1, 1),
                end_date=datetime.date(2014, 12, 31),
            )
            project.partnerships.create(organisation=cast.org_a if j else cast.org_b)
            if project.is_fundable:
                f.commit(source=fqis, project=project, amount="100.00", year=years[j])


def _count(client, url="/plan/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "who, bound",
    [
        # plan, its years, themes, their spaces, projects, their plan years, meetings per theme and year,
        # meetings per year, money per theme and year (9), the alliance of the address (alliances.middleware,
        # issue 17: 10)
        ("anonymous", 10),
        # + session, user, groups (role), memberships (visible projects) (13)
        ("alice", 13),
        # coordination and staff see everything: no memberships query (13)
        ("coordinator", 13),
        ("staff", 13),
    ],
)
def test_plan_page_queries_do_not_grow_with_the_data(client, asis, cast, who, bound, django_assert_max_num_queries):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    _grow(asis, cast, 3)
    small = _count(client)
    _grow(asis, cast, 30)  # 33 spaces, 66 projects, 99 meetings, their money
    with django_assert_max_num_queries(bound):
        large = _count(client)
    assert large == small


def test_each_theme_shows_its_first_spaces_and_projects_and_links_to_the_rest(client, asis, cast):
    """At province scale a theme holds hundreds of spaces and thousands of projects: the timeline places the
    first ones of each theme on the years and says how many more its page lists."""
    from pages.selectors import TIMELINE_SHOWN

    theme = asis.themes.get(order=1)
    for i in range(TIMELINE_SHOWN + 2):
        f.make_space(themes=[theme], name=f"Lieu {i:02d}")
    for i in range(TIMELINE_SHOWN + 3):
        f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title=f"Projet {i:02d}")
    f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.REFUSED, title="Projet refusé")
    response = client.get("/plan/")
    row = next(r for r in response.context["rows"] if r["theme"].pk == theme.pk)
    assert [item["project"].title for item in row["projects"]] == [f"Projet {i:02d}" for i in range(TIMELINE_SHOWN)]
    assert [item["space"].name for item in row["spaces"]] == [f"Lieu {i:02d}" for i in range(TIMELINE_SHOWN)]
    assert (row["more_spaces"], row["more_projects"]) == (2, 3)
    assert "et 2 autres lieux de concertation, 3 autres projets" in text(response)
