"""The region's view (issue 17, item 5): alliances side by side on their current plan, to the cent, with the totals
of a region; who sees which alliance; the XLSX of the comparison; the open data of every alliance. The comparison
costs the same number of queries for 3 alliances as for 30."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alliances.models import Alliance, AllianceRole
from bilan.selectors.comparison import alliances_compared, comparison_for, comparison_total
from budget.figures_check import figures_rewrite
from budget.models import Commitment, FundingSource
from budget.services.ledger import commitment_reduce, disbursement_create
from organisations.models import Membership, Organisation
from organisations.roles import PARTENAIRE
from plans.models import Plan, PlanYear, Theme
from projects.models import (
    ActionProject,
    OtherFunding,
    ProgressReport,
    ProjectPartner,
    ProjectStatus,
    ReportDeadline,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
REGION = "Abitibi-Témiscamingue"
MAX_QUERIES = 15


def streamed(response) -> bytes:
    assert response.streaming, "the open data streams"
    return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)


def _report(project, *, end, people, citizens, deadline=None):
    return ProgressReport.objects.create(
        project=project,
        deadline=deadline,
        period_start=D(2014, 4, 1),
        period_end=end,
        percent_done=50,
        people_reached=people,
        citizens_reached=citizens,
    )


@pytest.fixture
def region(db):
    """Two alliances of the same region, a third of another region, with figures computed by hand below.

    North (A): sources 100 000,00 + 20 000,50; Logement: projet 1 (in progress) committed 12 345,67, reduced by
    345,67, paid 5 000,25; Alimentation: projet 2 (accepted) committed 7 500,33, paid 2 500,00, and the
    continuation of a closed plan's project carrying 400,00 (the old commitment reduced by as much); a draft.
    South (B): one source 50 000,00; projet 1 (in progress) committed 10 000,00, cancelled down to 7 500,00, paid
    3 000,00; an accepted project without money; a draft. West (C), of another region: 999,00 and nothing else."""
    lead = f.make_organisation(name="Organisme porteur")
    partner = f.make_organisation(name="Organisme partenaire")
    north = f.make_alliance(name="Alliance du Nord", slug="nord", region=REGION)
    south = f.make_alliance(name="Alliance du Sud", slug="sud", region=REGION)
    west = f.make_alliance(name="Alliance de l'Ouest", slug="ouest", region="Outaouais")

    # North's closed plan: 1 000,00 committed, 400,00 of it carried into the current plan
    closed = f.make_plan(alliance=north, title="Plan 2010-2013", status=Plan.Status.CLOSED, start_date=D(2010, 4, 1))
    closed_source = f.make_source(closed, amount="10000.00")
    old = f.make_project(lead=lead, theme=f.make_theme(closed), status=ProjectStatus.IN_PROGRESS, title="Ancien")
    old_commitment = f.commit(source=closed_source, project=old, amount="1000.00", decided_on=D(2011, 6, 1))
    commitment_reduce(
        commitment=old_commitment,
        amount="400.00",
        reduced_on=D(2013, 4, 1),
        reason="Reporté",
        resolution=f.board(old_commitment),
    )

    plan_a = f.make_plan(alliance=north, title="Plan du Nord", status=Plan.Status.CURRENT)
    housing = f.make_theme(plan_a, name="Logement", order=1)
    food = f.make_theme(plan_a, name="Alimentation", order=2)
    s1 = f.make_source(plan_a, amount="100000.00")
    s2 = f.make_source(plan_a, amount="20000.50")
    a1 = f.make_project(lead=lead, theme=housing, status=ProjectStatus.IN_PROGRESS, title="Nord 1")
    a2 = f.make_project(lead=lead, theme=food, status=ProjectStatus.ACCEPTED, title="Nord 2")
    a3 = f.make_project(lead=lead, theme=housing, status=ProjectStatus.DRAFT, title="Nord brouillon")
    a4 = f.make_project(lead=lead, theme=food, status=ProjectStatus.IN_PROGRESS, title="Nord suite")
    c1 = f.commit(source=s1, project=a1, amount="12345.67")
    commitment_reduce(
        commitment=c1, amount="345.67", reduced_on=D(2014, 7, 1), reason="Budget révisé", resolution=f.board(c1)
    )
    disbursement_create(commitment=c1, amount="5000.25", paid_on=D(2014, 8, 1))
    c2 = f.commit(source=s2, project=a2, amount="7500.33")
    disbursement_create(commitment=c2, amount="2500.00", paid_on=D(2014, 8, 1))
    f.commit(source=s1, project=a4, amount="400.00", decided_on=D(2013, 4, 1))  # the carried money
    # people reached: the latest report of each project counts (reports are cumulative)
    _report(a1, end=D(2014, 9, 30), people=30, citizens=4)
    _report(a1, end=D(2015, 3, 31), people=45, citizens=6)
    filed = f.make_deadline(a2, due_on=D(2014, 12, 31))
    _report(a2, end=D(2014, 12, 31), people=10, citizens=2, deadline=filed)
    f.make_deadline(a1, due_on=D(2014, 9, 30))  # late: nothing filed for it
    # leverage: accepted projects' other funding and partners' confirmed contributions; a draft's does not count
    OtherFunding.objects.create(project=a1, kind="funder", source_name="Centraide", amount=Decimal("3000.00"))
    OtherFunding.objects.create(project=a3, kind="own", source_name="Fonds propres", amount=Decimal("999.00"))
    ProjectPartner.objects.create(
        project=a2,
        organisation=partner,
        contribution_value=Decimal("1000.50"),
        status=ProjectPartner.Status.CONFIRMED,
        answered_at=timezone.now(),
    )
    ProjectPartner.objects.create(project=a1, organisation=partner, contribution_value=Decimal("500.00"))

    plan_b = f.make_plan(alliance=south, title="Plan du Sud", status=Plan.Status.CURRENT)
    south_theme = f.make_theme(plan_b, name="Transport", order=1)
    s3 = f.make_source(plan_b, amount="50000.00")
    b1 = f.make_project(lead=lead, theme=south_theme, status=ProjectStatus.IN_PROGRESS, title="Sud 1")
    f.make_project(lead=lead, theme=south_theme, status=ProjectStatus.ACCEPTED, title="Sud accepté")
    f.make_project(lead=lead, theme=south_theme, status=ProjectStatus.DRAFT, title="Sud brouillon")
    c3 = f.commit(source=s3, project=b1, amount="10000.00")
    commitment_reduce(
        commitment=c3, amount="2500.00", reduced_on=D(2014, 9, 1), reason="Annulation partielle", resolution=f.board(c3)
    )
    disbursement_create(commitment=c3, amount="3000.00", paid_on=D(2014, 10, 1))
    _report(b1, end=D(2014, 12, 31), people=20, citizens=5)

    plan_c = f.make_plan(alliance=west, title="Plan de l'Ouest", status=Plan.Status.CURRENT)
    f.make_source(plan_c, amount="999.00")
    figures_rewrite()  # reports, funding and partners written above without the services: the kept totals from them
    return north, south, west


def _rows(*alliances):
    return {
        row.alliance.slug: row for row in alliances_compared(Alliance.objects.filter(pk__in=[a.pk for a in alliances]))
    }


def _counts(row) -> dict:
    return {t.key: t.count for t in row.projects_by_status if t.count}


def test_each_alliance_to_the_cent_on_its_current_plan_only(region):
    north, south, west = region
    rows = _rows(north, south)
    a, b = rows["nord"], rows["sud"]
    assert a.plan.title == "Plan du Nord"
    # the closed plan's 600,00 is not counted; the 400,00 it carried is counted once, in the current plan
    assert (a.envelope, a.committed, a.paid) == (Decimal("120000.50"), Decimal("19900.33"), Decimal("7500.25"))
    assert a.percent_committed == Decimal("16.58")  # 19 900,33 / 120 000,50 = 16,5835 %
    assert [(t.name, t.committed, t.percent) for t in a.themes] == [
        ("Logement", Decimal("12000.00"), Decimal("10.00")),  # 9,99996 %
        ("Alimentation", Decimal("7900.33"), Decimal("6.58")),  # 6,5836 %
    ]
    assert _counts(a) == {"accepted": 1, "in_progress": 2, "draft": 1} and a.project_count == 4
    assert (a.people_reached, a.citizens_reached) == (55, 8)  # 45 + 10, 6 + 2: each project's latest report
    assert a.late_reports == 1
    assert a.other_funding == Decimal("4000.50")  # 3 000,00 + 1 000,50 (not the draft's, not the unconfirmed)
    assert a.leverage == Decimal("0.20")  # 4 000,50 / 19 900,33 = 0,2010

    assert (b.envelope, b.committed, b.paid) == (Decimal("50000.00"), Decimal("7500.00"), Decimal("3000.00"))
    assert b.percent_committed == Decimal("15.00")
    assert [(t.name, t.committed, t.percent) for t in b.themes] == [("Transport", Decimal("7500.00"), Decimal("15.00"))]
    assert _counts(b) == {"accepted": 1, "in_progress": 1, "draft": 1}
    assert (b.people_reached, b.citizens_reached, b.late_reports) == (20, 5, 0)
    assert b.other_funding == Decimal("0.00") and b.leverage == Decimal("0.00")


def test_the_money_equals_the_ledger_of_the_current_plans(region):
    north, south, west = region
    for row in alliances_compared(Alliance.objects.filter(pk__in=(north.pk, south.pk))):
        commitments = Commitment.objects.filter(source__plan=row.plan)
        assert row.committed == sum((c.amount - c.reduced_total for c in commitments), Decimal(0))
        assert row.paid == sum((c.disbursed_total for c in commitments), Decimal(0))
        assert row.envelope == sum((s.amount for s in FundingSource.objects.filter(plan=row.plan)), Decimal(0))


def test_a_total_sums_and_computes_its_percents_again(region):
    north, south, west = region
    rows = list(_rows(north, south).values())
    total = comparison_total(rows, label="Région")
    assert (total.envelope, total.committed, total.paid) == (
        Decimal("170000.50"),
        Decimal("27400.33"),
        Decimal("10500.25"),
    )
    # from the sums (27 400,33 / 170 000,50 = 16,118 %), not the mean of 16,58 % and 15,00 %
    assert total.percent_committed == Decimal("16.12")
    assert (total.people_reached, total.citizens_reached, total.late_reports, total.project_count) == (75, 13, 1, 7)
    assert {t.key: t.count for t in total.projects_by_status} == {"draft": 2, "accepted": 2, "in_progress": 3}
    assert total.other_funding == Decimal("4000.50")
    assert total.leverage == Decimal("0.15")  # 4 000,50 / 27 400,33 = 0,146
    assert total.themes == () and total.alliances == 2


def test_an_alliance_without_a_current_plan_has_a_row_of_zeros(region):
    lone = f.make_alliance(name="Alliance sans plan", slug="sans-plan", region=REGION)
    (row,) = alliances_compared(Alliance.objects.filter(pk=lone.pk))
    assert row.plan is None and row.envelope == row.committed == row.paid == Decimal("0.00")
    assert row.percent_committed is None and row.leverage is None and row.project_count == 0


# ---------------------------------------------------------------- who sees what


def _funder(*alliances):
    user = f.make_user(organisation=f.make_organisation(name="Bailleur régional"))
    for alliance in alliances:
        f.grant_role(user, alliance, AllianceRole.Role.FUNDER)
    return user


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("bilan:comparison"))


def test_the_funder_of_two_alliances_sees_both_side_by_side(client, region):
    north, south, west = region
    response = _page(client, _funder(north, south))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [r.alliance.slug for r in comparison.rows] == ["nord", "sud"]
    (total,) = comparison.totals
    assert (total.committed, total.paid, total.alliances) == (Decimal("27400.33"), Decimal("10500.25"), 2)
    text = response.content.decode()
    assert 'href="/nord/bilan/"' in text and 'href="/sud/bilan/"' in text  # each name leads to its bilan
    assert "19\xa0900,33\xa0$" in text and "27\xa0400,33\xa0$" in text  # money formatted fr-CA
    assert "Alliance de l'Ouest" not in text and "ouest" not in text


def test_the_funder_of_one_alliance_sees_only_that_one(client, region):
    north, south, west = region
    response = _page(client, _funder(north))
    comparison = response.context["comparison"]
    assert [r.alliance.slug for r in comparison.rows] == ["nord"]
    assert [t.committed for t in comparison.totals] == [Decimal("19900.33")]
    assert "Alliance du Sud" not in response.content.decode()


def test_a_coordinator_sees_their_alliance_beside_the_regions_total_never_the_others_row(client, region):
    north, south, west = region
    coordinator = f.make_user("coordo-nord", organisation=north.coordinating_organisation)
    f.grant_role(coordinator, north, AllianceRole.Role.COORDINATION)
    response = _page(client, coordinator)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [r.alliance.slug for r in comparison.rows] == ["nord"]
    (total,) = comparison.totals
    assert total.label == f"Total de la région {REGION}"
    # the region is North and South, not West (another region)
    assert (total.envelope, total.committed, total.paid, total.alliances) == (
        Decimal("170000.50"),
        Decimal("27400.33"),
        Decimal("10500.25"),
        2,
    )
    text = response.content.decode()
    assert "Alliance du Sud" not in text and "/sud/" not in text and "Transport" not in text
    assert "Alliance de l'Ouest" not in text


def test_personnel_of_an_alliance_sees_as_its_coordinator(client, region):
    north, south, west = region
    staff = f.make_user("personnel-sud")
    f.grant_role(staff, south, AllianceRole.Role.PERSONNEL)
    comparison = _page(client, staff).context["comparison"]
    assert [r.alliance.slug for r in comparison.rows] == ["sud"]
    assert [t.alliances for t in comparison.totals] == [2]


def test_a_superuser_sees_every_alliance(client, region):
    root = f.make_user("racine", is_superuser=True, is_staff=True)
    comparison = _page(client, root).context["comparison"]
    assert [r.alliance.slug for r in comparison.rows] == ["ouest", "nord", "sud"]  # by name
    assert comparison.totals[0].envelope == Decimal("170999.50")


def test_partners_are_refused_and_anonymous_visitors_sent_to_sign_in(client, region):
    alice = f.make_user("alice", organisation=f.make_organisation(), role=Membership.Role.RESPONSABLE, group=PARTENAIRE)
    for name in ("bilan:comparison", "bilan:comparison-xlsx"):
        anonymous = client.get(reverse(name))
        assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(alice)
    assert client.get(reverse("bilan:comparison")).status_code == 403
    assert client.get(reverse("bilan:comparison-xlsx")).status_code == 403


def test_an_ended_role_shows_nothing(client, region):
    north, south, west = region
    funder = _funder(north)
    AllianceRole.objects.filter(user=funder).update(ended_on=timezone.localdate())
    funder.forget_roles()
    assert comparison_for(funder) is None
    assert _page(client, funder).status_code == 403


def test_the_comparison_belongs_to_no_alliance(client, region):
    """Asked from an alliance's address, the region's page sends to its own."""
    north, south, west = region
    client.force_login(_funder(north))
    response = client.get("/nord/region/comparaison/")
    assert (response.status_code, response["Location"]) == (302, "/region/comparaison/")
    assert reverse("bilan:comparison") == "/region/comparaison/"


def test_the_page_is_valid_html_for_the_funder_and_the_coordinator(client, region, tmp_path):
    """The whole-demo guard (tests/test_html_valid.py) checks it on the demo too; here, on two alliances."""
    from tests.test_html_valid import _java, vnu_errors

    java = _java()
    north, south, west = region
    coordinator = f.make_user("coordo-nord-html")
    f.grant_role(coordinator, north, AllianceRole.Role.COORDINATION)
    for name, user in (("funder", _funder(north, south)), ("coordinator", coordinator)):
        response = _page(client, user)
        assert response.status_code == 200
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert vnu_errors(tmp_path, java) == {}


# ---------------------------------------------------------------- XLSX


def test_the_xlsx_holds_the_figures_as_numbers(client, region):
    north, south, west = region
    client.force_login(_funder(north, south))
    response = client.get(reverse("bilan:comparison-xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="comparaison-alliances-')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["Comparaison"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:8] == (
        "Alliance",
        "Région",
        "Plan en cours",
        "Enveloppe",
        "Engagé à ce jour",
        "Engagé à ce jour (% de l'enveloppe)",
        "Versé",
        "Versé (% de l'enveloppe)",
    )
    by_name = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(by_name) == {"Alliance du Nord", "Alliance du Sud", "Total des alliances que vous financez"}
    north_row = by_name["Alliance du Nord"]
    assert north_row["Engagé à ce jour"] == pytest.approx(19900.33) and isinstance(north_row["Engagé à ce jour"], float)
    assert north_row["Versé"] == pytest.approx(7500.25)
    assert north_row["Projets"] == 4 and isinstance(north_row["Projets"], int)
    assert north_row["Rapports en retard"] == 1
    assert north_row["Personnes rejointes par les projets"] == 55
    assert by_name["Total des alliances que vous financez"]["Engagé à ce jour"] == pytest.approx(27400.33)
    assert by_name["Total des alliances que vous financez"]["Engagé à ce jour (% de l'enveloppe)"] == pytest.approx(
        16.12
    )
    assert sheet["E2"].number_format == '#,##0.00 "$"'  # money with two decimals
    themes = list(book["Enjeux"].iter_rows(values_only=True))
    assert ("Alliance du Nord", "Alimentation", pytest.approx(7900.33), pytest.approx(6.58)) in [
        tuple(r) for r in themes
    ]


def test_a_coordinators_xlsx_holds_no_other_alliance(client, region):
    north, south, west = region
    coordinator = f.make_user("coordo-sud")
    f.grant_role(coordinator, south, AllianceRole.Role.COORDINATION)
    client.force_login(coordinator)
    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("bilan:comparison-xlsx")).streaming_content)))
    names = [row[0] for row in book["Comparaison"].iter_rows(min_row=2, values_only=True)]
    assert names == ["Alliance du Sud", f"Total de la région {REGION}"]
    assert {row[0] for row in book["Enjeux"].iter_rows(min_row=2, values_only=True)} == {"Alliance du Sud"}


# ---------------------------------------------------------------- the region's open data


def test_the_regions_open_data_holds_every_alliances_public_projects_and_no_unpublished_one(client, region):
    csv_response = client.get(reverse("bilan:region-open-data-csv"))
    assert csv_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(streamed(csv_response).decode("utf-8-sig"))))
    titles = {row["titre"]: row for row in rows}
    assert set(titles) == {"Ancien", "Nord 1", "Nord 2", "Nord suite", "Sud 1", "Sud accepté"}
    assert (titles["Sud 1"]["alliance"], titles["Sud 1"]["alliance_nom"]) == ("sud", "Alliance du Sud")
    assert (titles["Nord 2"]["alliance"], titles["Nord 2"]["engage"]) == ("nord", "7500.33")
    assert list(rows[0])[:4] == ["alliance", "alliance_nom", "id", "titre"]

    data = json.loads(streamed(client.get(reverse("bilan:region-open-data-json"))))
    projects = {p["titre"]: p for p in data["projets"]}
    assert set(projects) == set(titles)
    assert projects["Sud 1"]["alliance"] == "sud" and projects["Sud 1"]["engage"] == "7500.00"
    assert Decimal(data["total_engage"]) == sum(Decimal(p["engage"]) for p in data["projets"])
    unpublished = set(ActionProject.objects.exclude(pk__in=ActionProject.objects.public()).values_list("title", flat=1))
    assert unpublished == {"Nord brouillon", "Sud brouillon"} and not unpublished & set(projects)


def test_the_regions_open_data_holds_no_personal_data(client, region):
    f.make_user("personne-secrete", email="secret@example.org", first_name="Secrète")
    body = streamed(client.get(reverse("bilan:region-open-data-json"))).decode()
    assert "secret@example.org" not in body and "Secrète" not in body
    assert set(json.loads(body)["projets"][0]) == {
        "alliance",
        "alliance_nom",
        "id",
        "titre",
        "organisation_porteuse",
        "enjeu",
        "statut",
        "statut_libelle",
        "debut",
        "fin",
        "engage",
        "verse",
        "resolutions",
    }


# ---------------------------------------------------------------- the query bound


def bulk_alliances(count: int, *, region: str = REGION, start: int = 0, per_theme: int = 1) -> list[Alliance]:
    """`count` alliances, each with a current plan (a year, two themes, a source), `per_theme` funded projects in
    each theme, each with a report, a late deadline, other funding and a confirmed partner: made with bulk_create,
    a few queries in all."""
    today = timezone.localdate()
    lead = Organisation.objects.create(name=f"Porteur {start}", status=Organisation.Status.APPROVED)
    partner = Organisation.objects.create(name=f"Partenaire {start}", status=Organisation.Status.APPROVED)
    coordinating = Organisation.objects.bulk_create(
        Organisation(name=f"Coordination {start + i}", status=Organisation.Status.APPROVED) for i in range(count)
    )
    alliances = Alliance.objects.bulk_create(
        Alliance(
            name=f"Alliance {start + i:04d}", slug=f"alliance-{start + i}", region=region, coordinating_organisation=o
        )
        for i, o in enumerate(coordinating)
    )
    plans = Plan.objects.bulk_create(
        Plan(alliance=a, title=f"Plan {a.name}", slug="2013-2016", status=Plan.Status.CURRENT, start_date=D(2013, 4, 1))
        for a in alliances
    )
    PlanYear.objects.bulk_create(
        PlanYear(plan=p, number=1, start_date=D(2013, 4, 1), end_date=D(2016, 3, 31)) for p in plans
    )
    years = {y.plan_id: y for y in PlanYear.objects.filter(plan__in=plans)}
    themes = Theme.objects.bulk_create(
        Theme(plan=p, order=n, name=f"Enjeu {n}", slug=f"enjeu-{n}") for p in plans for n in (1, 2)
    )
    sources = FundingSource.objects.bulk_create(
        FundingSource(
            plan=p,
            code="fqis",
            name="FQIS",
            funder="FQIS",
            amount=Decimal("100000.00"),
            committed_total=Decimal("3000.00") * per_theme,
            disbursed_total=Decimal("1000.00") * per_theme,
        )
        for p in plans
    )
    projects = ActionProject.objects.bulk_create(
        ActionProject(title=f"Projet {t.pk}-{n}", lead=lead, theme=t, status=ProjectStatus.IN_PROGRESS)
        for t in themes
        for n in range(per_theme)
    )
    source_of = {s.plan_id: s for s in sources}
    plan_of = {t.pk: t.plan_id for t in themes}
    resolution_of = {s.plan_id: f.make_resolution(s.plan.alliance) for s in sources}
    Commitment.objects.bulk_create(
        Commitment(
            resolution=resolution_of[plan_of[p.theme_id]],
            source=source_of[plan_of[p.theme_id]],
            project=p,
            plan_year=years[plan_of[p.theme_id]],
            amount=Decimal("1500.00"),
            disbursed_total=Decimal("500.00"),
            decided_on=D(2014, 6, 1),
        )
        for p in projects
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=p, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), percent_done=50, people_reached=10
        )
        for p in projects
    )
    ReportDeadline.objects.bulk_create(
        ReportDeadline(project=p, due_on=today - datetime.timedelta(days=5)) for p in projects
    )
    OtherFunding.objects.bulk_create(
        OtherFunding(project=p, kind="funder", source_name="Centraide", amount=Decimal("750.00")) for p in projects
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(
            project=p,
            organisation=partner,
            contribution_value=Decimal("250.00"),
            status=ProjectPartner.Status.CONFIRMED,
            answered_at=timezone.now(),
        )
        for p in projects
    )
    figures_rewrite()  # the rows were bulk-created: the kept totals are summed from them once (as demo loads)
    return alliances


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_comparison_costs_the_same_queries_for_3_and_30_alliances(client, django_assert_max_num_queries):
    funder = f.make_user("bailleur")
    client.force_login(funder)
    counts = {}
    for total in (3, 30):
        made = bulk_alliances(total - len(AllianceRole.objects.filter(user=funder)), start=len(counts) * 100)
        AllianceRole.objects.bulk_create(
            AllianceRole(user=funder, alliance=a, role=AllianceRole.Role.FUNDER) for a in made
        )
        funder.forget_roles()
        with django_assert_max_num_queries(MAX_QUERIES):
            comparison = comparison_for(funder)
        assert len(comparison.rows) == total
        assert comparison.totals[0].committed == Decimal("3000.00") * total
        assert comparison.totals[0].people_reached == 20 * total
        assert comparison.totals[0].late_reports == 2 * total
        assert comparison.totals[0].leverage == Decimal("0.67")  # (2 × 750 + 2 × 250) / 3 000 per alliance
        funder.forget_roles()
        counts[total] = (
            _queries(lambda: comparison_for(funder)),
            _queries(lambda: client.get(reverse("bilan:comparison"))),
        )
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(reverse("bilan:comparison")).status_code == 200
    assert counts[3] == counts[30], counts
