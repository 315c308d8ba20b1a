"""The project page's reports section and the coordinators' late reports page: what they show, to whom,
and a number of queries that does not grow with the rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ProjectPartner, ProjectStatus
from projects.selectors import reports as report_selectors
from projects.services import reports as report_services
from tests import factories as f
from tests.projects.report_helpers import page, report_fields

pytestmark = pytest.mark.django_db


def project_url(project):
    return reverse("projects:project-detail", args=[project.pk])


def test_the_section_lists_deadlines_due_filed_and_late_and_the_reports(client, cast, reporting):
    today = timezone.localdate()
    project = reporting.project
    late = f.make_deadline(project, due_on=today - datetime.timedelta(days=10), label="Premier rapport")
    f.make_deadline(project, due_on=today + datetime.timedelta(days=20), label="Deuxième rapport")
    filed = f.make_deadline(project, due_on=today - datetime.timedelta(days=40), label="Rapport de démarrage")
    report_services.report_create(project=project, by=cast.alice, deadline=filed, **report_fields(percent_done=15))
    client.force_login(cast.bob)
    text = page(client.get(project_url(project)))
    for expected in (
        "Rapports d'étape et rapport final",
        "1 en retard",
        "En retard de 10 jours",
        "À venir, dans 20 jours",
        "Déposé le",
        "Premier rapport",
        "Rapport de démarrage",
        "15 %",
        "Déposer un rapport d'étape",
        "Déposer le rapport final",
        late.due_on.isoformat(),
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    "who, sees, files",
    [
        ("anonymous", False, False),
        ("alice", True, True),
        ("bob", True, True),
        ("charlie", False, False),
        ("dave", True, False),
        ("staff", True, False),
        ("coordinator", True, False),
    ],
)
def test_who_sees_the_section_and_who_may_file(login, cast, reporting, who, sees, files):
    user = reporting.dave if who == "dave" else getattr(cast, who)
    text = page(login(user).get(project_url(reporting.project)))
    assert ("Rapports d'étape et rapport final" in text) is sees
    assert ("Déposer un rapport d'étape" in text) is files


def test_no_section_before_the_board_accepts_the_project(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED)
    client.force_login(cast.alice)
    assert "Rapports d'étape et rapport final" not in page(client.get(project_url(project)))


def test_no_final_report_button_once_it_is_filed(client, cast, reporting):
    report_services.report_create(project=reporting.project, by=cast.alice, is_final=True, **report_fields())
    client.force_login(cast.alice)
    text = page(client.get(project_url(reporting.project)))
    assert "Déposer le rapport final" not in text and "Déposer un rapport d'étape" in text


def _busy_project(cast, theme, n):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    for _ in range(n):
        ProjectPartner.objects.create(project=project, organisation=f.make_organisation())
    today = timezone.localdate()
    for i in range(n):
        deadline = f.make_deadline(project, due_on=today + datetime.timedelta(days=i * 30 - 200))
        if i % 2:
            report_services.report_create(
                project=project, by=cast.alice, deadline=deadline, **report_fields(percent_done=i)
            )
    return project


def test_the_section_costs_the_same_queries_whatever_the_number_of_reports(
    client, cast, theme, django_assert_num_queries
):
    small = _busy_project(cast, theme, 1)
    large = _busy_project(cast, theme, 25)
    client.force_login(cast.alice)
    client.get(project_url(small))  # warm the session
    # 1 session, 2 user, 3 groups and organisation ids, 4 project with lead, theme, objective, space, decision,
    # 5 partners with their organisation, 6 indicators, 7 other funding, 8 plan years with the amounts by year
    # (projects.selectors.years), 9 deadlines with their report, 10 reports with who filed them and their
    # deadline, 11 status history with who, 12 analyses (the project went through one), 13 comments
    # with author and organisation, 14 the alliance of the address (AllianceMiddleware, issue 17); the
    # « Financement » panel (issue 23, the lead reads it) reads the agreement and the next payment with the project,
    # 15 its commitments with their resolutions (issue 20)
    with django_assert_num_queries(15):
        client.get(project_url(small))
    with django_assert_num_queries(15):
        response = client.get(project_url(large))
    assert page(response).count('data-testid="deadline"') == 25


@pytest.fixture
def late_dataset(cast, theme):
    """25 projects of 25 organisations, each with a late deadline, one due soon, one filed, one far away."""
    today = timezone.localdate()
    for i in range(25):
        org = f.make_organisation(name=f"Organisme {i:02d}")
        project = f.make_project(lead=org, theme=theme, status=ProjectStatus.IN_PROGRESS, title=f"Projet {i:02d}")
        f.make_deadline(
            project, due_on=today - datetime.timedelta(days=i + 1), reminded_on=today - datetime.timedelta(days=3)
        )
        f.make_deadline(project, due_on=today + datetime.timedelta(days=i + 1))
        f.make_deadline(project, due_on=today + datetime.timedelta(days=90))
        responsable = f.make_user(organisation=org, role="responsable")
        filed = f.make_deadline(project, due_on=today - datetime.timedelta(days=60))
        report_services.report_create(project=project, by=responsable, deadline=filed, **report_fields())
    withdrawn = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.WITHDRAWN, title="Projet retiré")
    f.make_deadline(withdrawn, due_on=today - datetime.timedelta(days=5))
    closed = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.FINAL_REPORT, title="Projet clos")
    f.make_deadline(closed, due_on=today - datetime.timedelta(days=8))  # a progress report the final report made moot
    return today


def test_the_late_page_lists_late_and_upcoming_reports(client, cast, late_dataset):
    client.force_login(cast.staff)
    response = client.get(reverse("projects:report-late"))
    text = page(response)
    assert text.count('data-testid="late"') == 25 and text.count('data-testid="upcoming"') == 25
    assert "Projet retiré" not in text and "Projet clos" not in text
    rows = response.context["late"]
    assert [row.days for row in rows][:3] == [25, 24, 23]  # the most late first
    assert rows[0].deadline.project.lead.name == "Organisme 24"
    assert (late_dataset - datetime.timedelta(days=3)).isoformat() in text
    assert "Organisme 00" in text and "Jours de retard" in text


def test_the_late_page_shows_the_late_reports_a_page_at_a_time(client, cast, late_dataset, monkeypatch):
    monkeypatch.setattr(report_selectors, "LATE_PER_PAGE", 10)
    client.force_login(cast.coordinator)
    first = client.get(reverse("projects:report-late"))
    assert [row.days for row in first.context["late"]] == list(range(25, 15, -1))  # the most late first
    text = page(first)
    assert '<span class="badge text-bg-danger">25</span>' in text  # how many in all, not on the page
    assert "Page 1 sur 3" in text and "?page=2" in text
    second = client.get(reverse("projects:report-late"), {"page": 2})
    assert [row.days for row in second.context["late"]] == list(range(15, 5, -1))
    assert page(second).count('data-testid="upcoming"') == 25  # the reports due soon on every page
    # A page beyond the last, or not a number: the nearest page, not an error.
    assert [row.days for row in client.get(reverse("projects:report-late"), {"page": 9}).context["late"]] == [
        5,
        4,
        3,
        2,
        1,
    ]
    assert client.get(reverse("projects:report-late"), {"page": "x"}).context["late"][0].days == 25


def test_the_late_page_costs_a_fixed_number_of_queries(client, cast, late_dataset, django_assert_max_num_queries):
    client.force_login(cast.coordinator)
    client.get(reverse("projects:report-late"))
    # 1 session, 2 user, 3 groups and organisation ids (the gate), 4 the plan, 5 how many late deadlines, 6 the
    # page of late deadlines with project and lead, 7 upcoming deadlines with project and lead, 8 the alliance of
    # the address (AllianceMiddleware, issue 17)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:report-late"))
    assert len(response.context["late"]) == 25


def test_the_report_page_shows_indicators_against_targets_and_expenses_against_the_budget(client, cast, reporting):
    report = report_services.report_create(
        project=reporting.project,
        by=cast.alice,
        partners_involved=[reporting.org_p],
        indicator_values={reporting.people: Decimal("18")},
        **report_fields(expenses=Decimal("5250.50")),
    )
    client.force_login(cast.coordinator)
    text = page(client.get(reverse("projects:report-detail", args=[report.pk])))
    for expected in (
        "Familles rejointes",
        ">18<",  # counts, not money: no « ,00 » (issue 23)
        ">40<",
        "Repas servis",
        ">1 200<",
        "5 250,50 $",
        "20 000 $",
        "12 500 $",
        "Organisme P",
        "Douze ateliers de cuisine.",
        "Aucune pièce jointe.",
    ):
        assert expected in text, expected


def test_the_report_page_costs_the_same_queries_whatever_the_number_of_rows(
    client, cast, theme, reporting, django_assert_num_queries
):
    from projects.models import Indicator
    from tests.projects.report_helpers import PDF, upload

    small = report_services.report_create(project=reporting.project, by=cast.alice, **report_fields())
    big_project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    partners = [f.make_organisation() for _ in range(12)]
    for org in partners:
        ProjectPartner.objects.create(project=big_project, organisation=org)
    indicators = [
        Indicator.objects.create(project=big_project, name=f"Indicateur {i}", target=Decimal(i), order=i)
        for i in range(12)
    ]
    large = report_services.report_create(
        project=big_project,
        by=cast.alice,
        partners_involved=partners,
        indicator_values={indicator: Decimal("3") for indicator in indicators},
        attachments=[upload(f"piece-{i}.pdf", PDF) for i in range(12)],
        **report_fields(),
    )
    client.force_login(cast.alice)
    client.get(reverse("projects:report-detail", args=[small.pk]))
    # 1 session, 2 user, 3 groups and organisation ids, 4 report with project, lead, theme, who filed it and its deadline,
    # 5 the project's partner organisations (access), 6 indicator values, 7 indicators, 8 partners involved,
    # 9 attachments with who added them, 10 amount committed, 11 the alliance of the address (AllianceMiddleware, issue 17),
    # 12 its spending by line with their categories (issue 20, part 3)
    for report in (small, large):
        with django_assert_num_queries(12):
            response = client.get(reverse("projects:report-detail", args=[report.pk]))
    assert (
        page(response).count('data-testid="attachment"') == 12 and page(response).count('data-testid="indicator"') == 12
    )
