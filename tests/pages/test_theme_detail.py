"""A theme's page (/enjeux/<slug>/): its spaces, projects, money, progress and meetings, for each kind of visitor."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budget.models import FundingSource
from budget.services import ledger as ledger_services
from chantiers import services as space_services
from pages import selectors
from plans.models import Plan
from projects.models import ProgressReport, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

SLUG = "logement-et-habitation"


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def housing(asis):
    return asis.themes.get(slug=SLUG)


@pytest.fixture
def world(asis, housing, cast):
    """A space with seats and citizens, projects in several statuses, money, reports and meetings."""
    fqis = FundingSource.objects.get(code="fqis")
    space = space_services.space_create(
        themes=[housing], lead_organisation=cast.org_b, name="Chantier logement", kind="chantier"
    )
    space_services.space_seat_organisation(space=space, organisation=cast.org_a)
    for first_name in ("Ginette", "Réjean"):
        space_services.space_seat_citizen(
            space=space, citizen=f.make_citizen(first_name=first_name, last_name="Tremblay", email="g@example.org")
        )
    archived = f.make_space(themes=[housing], name="Vieux comité du logement")
    space_services.space_archive(space=archived)

    accepted = f.make_project(
        lead=cast.org_b, theme=housing, status=ProjectStatus.IN_PROGRESS, title="Logements pour tous"
    )
    commitment = f.commit(source=fqis, project=accepted, amount="12500.50")
    ledger_services.disbursement_create(
        commitment=commitment, amount=Decimal("2000.25"), paid_on=datetime.date(2014, 7, 1)
    )
    other = f.make_project(lead=cast.org_a, theme=housing, status=ProjectStatus.ACCEPTED, title="Coop d'habitation")
    f.commit(source=fqis, project=other, amount="1000.00", year=f.plan_year(asis, 2))
    f.make_project(lead=cast.org_a, theme=housing, title="Brouillon secret de A")
    f.make_project(lead=cast.org_b, theme=housing, title="Brouillon secret de B")
    f.make_project(
        lead=cast.org_b, theme=asis.themes.get(order=1), status=ProjectStatus.ACCEPTED, title="Projet d'un autre enjeu"
    )
    ProgressReport.objects.create(
        project=accepted,
        period_start=datetime.date(2014, 4, 1),
        period_end=datetime.date(2014, 9, 30),
        percent_done=25,
        people_reached=10,
        highlights="Ancien rapport",
    )
    ProgressReport.objects.create(
        project=accepted,
        period_start=datetime.date(2014, 10, 1),
        period_end=datetime.date(2015, 3, 31),
        percent_done=60,
        people_reached=42,
        highlights="Douze logements rénovés",
    )
    today = timezone.localdate()
    f.make_meeting(space, date=datetime.date(2014, 5, 1), place="Salle du conseil secrète")
    f.make_meeting(space, date=datetime.date(2014, 9, 1), place="Salle du conseil secrète")
    f.make_meeting(space, date=today + datetime.timedelta(days=7), place="Local à venir")
    return space


def test_anonymous_sees_spaces_public_projects_and_money_to_the_cent(client, world, housing):
    response = client.get(f"/enjeux/{SLUG}/")
    assert response.status_code == 200
    page = text(response)
    assert housing.name in page
    assert "Chantier logement" in page and "Organisme B" in page and "Organisme A" in page
    assert "Vieux comité du logement" not in page  # archived
    assert "Logements pour tous" in page and "Coop d'habitation" in page
    assert "Projet d'un autre enjeu" not in page
    assert "13 500,50 $" in page  # committed: 12 500,50 + 1 000
    assert "2 000,25 $" in page  # paid
    assert "Douze logements rénovés" in page and "Ancien rapport" not in page  # the latest report only
    assert 'value="60"' in page


def test_anonymous_sees_no_draft_no_citizen_and_no_meeting_detail(client, world):
    page = text(client.get(f"/enjeux/{SLUG}/"))
    assert "Brouillon secret" not in page
    assert "Ginette" not in page and "Tremblay" not in page and "g@example.org" not in page
    assert "Salle du conseil" not in page and "Local à venir" not in page
    assert "2 rencontres tenues" in page
    assert f'href="/lieux/{world.pk}/"' not in page  # the space's page is for logged-in users


def test_the_citizen_count_is_shown(client, world):
    response = client.get(f"/enjeux/{SLUG}/")
    space = next(s for s in response.context["spaces"] if s.pk == world.pk)
    assert space.citizen_count == 2
    assert space.seated == ["Organisme A", "Organisme B"]  # the organisations seated, by name


@pytest.mark.parametrize(
    "who, sees_a, sees_b",
    [
        ("alice", True, False),
        ("bob", True, False),
        ("charlie", False, True),
        ("coordinator", True, True),
        ("staff", True, True),
    ],
)
def test_drafts_only_for_their_organisation_and_coordination(client, world, cast, who, sees_a, sees_b):
    client.force_login(getattr(cast, who))
    page = text(client.get(f"/enjeux/{SLUG}/"))
    assert ("Brouillon secret de A" in page) is sees_a
    assert ("Brouillon secret de B" in page) is sees_b
    assert f'href="/lieux/{world.pk}/"' in page


@pytest.mark.parametrize("who, sees", [("alice", True), ("coordinator", True), ("staff", True)])
def test_logged_in_members_see_the_meetings_of_their_spaces(client, world, cast, who, sees):
    client.force_login(getattr(cast, who))
    response = client.get(f"/enjeux/{SLUG}/")
    page = text(response)
    assert ("Salle du conseil secrète" in page) is sees
    assert [m.place for m in response.context["upcoming_meetings"]] == ["Local à venir"]
    assert len(response.context["past_meetings"]) == 2


def test_a_partner_sees_no_meeting_of_a_space_they_do_not_sit_in(client, world, cast):
    outsider = f.make_organisation(name="Organisme C")
    client.force_login(f.make_user("dora", organisation=outsider))
    response = client.get(f"/enjeux/{SLUG}/")
    page = text(response)
    assert "Salle du conseil" not in page and "Local à venir" not in page
    assert response.context["upcoming_meetings"] == [] and response.context["past_meetings"] == []
    assert "2 rencontres tenues" in page


def test_money_sums_are_decimals(world, cast, housing):
    context = selectors.theme_detail(cast.anonymous, SLUG, plans=Plan.objects.all(), scope=())
    assert context["committed"] == Decimal("13500.50")
    assert context["disbursed"] == Decimal("2000.25")
    assert [g["status"] for g in context["project_groups"]] == [ProjectStatus.ACCEPTED, ProjectStatus.IN_PROGRESS]


def test_unknown_slug_is_404(client, asis):
    assert client.get("/enjeux/pas-un-enjeu/").status_code == 404


def test_a_theme_without_anything_still_opens(client, asis):
    response = client.get("/enjeux/benevolat-et-entraide/")
    assert response.status_code == 200
    assert "Aucun lieu de concertation actif" in text(response)


def test_post_is_not_allowed(client, asis):
    assert client.post(f"/enjeux/{SLUG}/").status_code == 405


def _grow(plan, theme, cast, count):
    """Spaces with seats and citizens, projects in every status with partners, money, reports and meetings."""
    fqis = FundingSource.objects.get(code="fqis")
    statuses = list(f.PATH_TO)
    for i in range(count):
        org = f.make_organisation()
        space = f.make_space(themes=[theme], lead_organisation=org)
        space_services.space_seat_organisation(space=space, organisation=org)
        space_services.space_seat_organisation(space=space, organisation=[cast.org_a, cast.org_b][i % 2])
        space_services.space_seat_citizen(space=space, citizen=f.make_citizen())
        for month in (5, 11):
            meeting = f.make_meeting(space, date=datetime.date(2014, month, 1 + i % 28))
            space_services.decision_record(
                meeting=meeting, text="Décision", follow_ups=[{"what": "Suivi", "responsible_organisation": org}]
            )
        f.make_meeting(space, date=timezone.localdate() + datetime.timedelta(days=1 + i))
        for j in range(2):
            project = f.make_project(
                lead=[cast.org_a, cast.org_b, org][(i + j) % 3],
                theme=theme,
                space=space,
                status=statuses[(2 * i + j) % len(statuses)],
            )
            project.partnerships.create(organisation=cast.org_a if j else cast.org_b)
            if project.is_fundable:
                commitment = f.commit(source=fqis, project=project, amount="100.00")
                ledger_services.disbursement_create(
                    commitment=commitment, amount=Decimal("40.00"), paid_on=datetime.date(2014, 8, 1)
                )
                for percent in (20, 50):
                    ProgressReport.objects.create(
                        project=project,
                        period_start=datetime.date(2014, 4, 1),
                        period_end=datetime.date(2014, 4 + percent // 10, 1),
                        percent_done=percent,
                        people_reached=percent,
                    )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "who, bound",
    [
        # the versions of the plans (plans.versions), theme (with its counts, money and meetings held, from the kept
        # totals), a page of spaces, their seats, projects counted by status, a page of projects, the latest reports
        # (7), the alliance of the address (alliances.middleware, issue 17: 8)
        ("anonymous", 8),
        # + session, user, groups (role), memberships (visible projects and meetings), upcoming and past meetings (13)
        ("alice", 13),
        # coordination and staff see everything: no memberships query (13)
        ("coordinator", 13),
        ("staff", 13),
    ],
)
def test_theme_page_queries_do_not_grow_with_the_data(
    client, asis, housing, cast, who, bound, django_assert_max_num_queries
):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    url = f"/enjeux/{SLUG}/"
    _grow(asis, housing, cast, 3)  # enough for an accepted project, with money and reports
    small = _count(client, url)
    _grow(asis, housing, cast, 30)  # 33 spaces, 66 projects, their money, reports and meetings
    with django_assert_max_num_queries(bound):
        large = _count(client, url)
    assert large == small


def test_a_large_theme_pages_its_spaces_and_projects_and_sums_all_of_them(client, asis, housing, cast):
    """At province scale a theme holds hundreds of spaces and thousands of projects: the page shows 25 of each
    a page (projects by status along the review path, then by title), counts them all and sums all their money."""
    per_page = selectors.THEME_PER_PAGE
    fqis = FundingSource.objects.get(code="fqis")
    for i in range(per_page + 2):
        f.make_space(themes=[housing], name=f"Lieu {i:02d}")
    for i in range(per_page + 1):
        project = f.make_project(
            lead=cast.org_b, theme=housing, status=ProjectStatus.ACCEPTED, title=f"Accepté {i:02d}"
        )
        f.commit(source=fqis, project=project, amount="10.01")
    for i in range(3):
        f.make_project(lead=cast.org_b, theme=housing, status=ProjectStatus.SUBMITTED, title=f"Déposé {i}")
    url = f"/enjeux/{SLUG}/"
    client.force_login(cast.coordinator)

    first = client.get(url)
    assert [s.name for s in first.context["spaces"]] == [f"Lieu {i:02d}" for i in range(per_page)]
    assert first.context["space_count"] == per_page + 2
    assert first.context["committed"] == (per_page + 1) * Decimal("10.01")  # every project, not only this page
    groups = {g["status"]: g for g in first.context["project_groups"]}
    assert groups[ProjectStatus.SUBMITTED]["count"] == 3 and groups[ProjectStatus.ACCEPTED]["count"] == per_page + 1
    shown = [p.title for p in first.context["projects"]]
    assert shown == [f"Déposé {i}" for i in range(3)] + [f"Accepté {i:02d}" for i in range(per_page - 3)]
    page = text(first)
    assert f"Projets 1 à {per_page} sur {per_page + 4}" in page and f"Lieux 1 à {per_page} sur {per_page + 2}" in page

    second = client.get(url, {"page": 2, "lieux": 2})
    assert [p.title for p in second.context["projects"]] == [
        f"Accepté {i:02d}" for i in range(per_page - 3, per_page + 1)
    ]
    assert [s.name for s in second.context["spaces"]] == [f"Lieu {i:02d}" for i in range(per_page, per_page + 2)]
    assert (
        client.get(url, {"page": "x", "lieux": "999"}).status_code == 200
    )  # a bad page number shows a page, not an error


def test_the_latest_progress_is_each_projects_latest_report_newest_first(client, asis, housing, cast):
    """The PROGRESS_SHOWN most recent of the theme's projects' latest reports (by period, then filing, then report):
    a project's earlier reports are never listed, and a visitor sees the reports of the projects they may see."""
    shown = selectors.PROGRESS_SHOWN
    filed = timezone.now()
    for i in range(shown + 2):  # two projects more than are shown: the two with the oldest reports are left out
        project = f.make_project(
            lead=cast.org_b, theme=housing, status=ProjectStatus.IN_PROGRESS, title=f"En cours {i:02d}"
        )
        # three projects a period end: the first filed later than the two others, which are filed together
        end = datetime.date(2015, 1, 1) + datetime.timedelta(days=i // 3)
        ProgressReport.objects.create(
            project=project,
            period_start=end,
            period_end=end,
            percent_done=90,
            highlights=f"Plus tard {i:02d}",
            submitted_at=filed - datetime.timedelta(days=1, minutes=0 if i % 3 == 0 else 1),
        )
        ProgressReport.objects.create(  # an earlier period filed after: not the project's latest report
            project=project,
            period_start=datetime.date(2014, 4, 1),
            period_end=datetime.date(2014, 6, 30),
            percent_done=10,
            highlights=f"Plus tôt {i:02d}",
            submitted_at=filed,
        )
    draft = f.make_project(lead=cast.org_a, theme=housing, title="Brouillon de A")
    ProgressReport.objects.create(
        project=draft,
        period_start=datetime.date(2016, 1, 1),
        period_end=datetime.date(2016, 1, 31),
        percent_done=5,
        highlights="Rapport du brouillon",
    )
    # newest period first; in a period, the later filing, then the later report
    newest_first = [f"Plus tard {i:02d}" for g in reversed(range(4)) for i in (3 * g, 3 * g + 2, 3 * g + 1)][:shown]

    def progress(who):
        if who is not None:
            client.force_login(getattr(cast, who))
        response = client.get(f"/enjeux/{SLUG}/")
        client.logout()
        return [report.highlights for project, report in response.context["progress"]]

    assert progress(None) == newest_first  # the draft's report is not public
    assert progress("charlie") == newest_first
    assert progress("alice") == ["Rapport du brouillon", *newest_first[: shown - 1]]  # her organisation's draft
    assert progress("coordinator") == ["Rapport du brouillon", *newest_first[: shown - 1]]
