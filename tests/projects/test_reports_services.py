"""report_services.report_create and report_attachments_add: who files what, when, and what is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.models import IndicatorValue, ProgressReport, ProjectStatus, ReportAttachment
from projects.services import reports as report_services
from tests import factories as f
from tests.projects.report_helpers import PDF, PNG, report_fields, upload

pytestmark = pytest.mark.django_db


def test_the_lead_files_a_progress_report_with_its_indicators_partners_and_attachments(cast, reporting, private_media):
    deadline = f.make_deadline(reporting.project)
    report = report_services.report_create(
        project=reporting.project,
        by=cast.bob,
        deadline=deadline,
        partners_involved=[reporting.org_p],
        indicator_values={reporting.people: Decimal("18"), reporting.meals: None},
        attachments=[upload("bilan.pdf", PDF), upload("photo.png", PNG)],
        **report_fields(),
    )
    report.refresh_from_db()
    assert (report.submitted_by, report.deadline, report.is_final, report.expenses) == (
        cast.bob,
        deadline,
        False,
        Decimal("5250.50"),
    )
    assert list(report.partners_involved.all()) == [reporting.org_p]
    assert [(v.indicator, v.value) for v in IndicatorValue.objects.filter(report=report)] == [
        (reporting.people, Decimal("18"))
    ]
    names = sorted((a.original_name, a.content_type, a.size) for a in report.attachments.all())
    assert names == [("bilan.pdf", "application/pdf", len(PDF)), ("photo.png", "image/png", len(PNG))]
    stored = report.attachments.get(original_name="bilan.pdf").file
    assert stored.name.startswith(f"rapports/{reporting.project.pk}/") and "bilan" not in stored.name
    assert (private_media / stored.name).read_bytes() == PDF
    deadline.refresh_from_db()
    assert deadline.report == report
    assert reporting.project.report_deadlines.pending().count() == 0


@pytest.mark.parametrize(
    "status",
    [ProjectStatus.ACCEPTED, ProjectStatus.AGREEMENT_SIGNED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED],
)
def test_progress_reports_are_filed_once_the_project_is_accepted(cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    assert report_services.report_create(project=project, by=cast.alice, **report_fields()).pk


@pytest.mark.parametrize(
    "status",
    [
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
        ProjectStatus.RECOMMENDED,
        ProjectStatus.REFUSED,
        ProjectStatus.WITHDRAWN,
        ProjectStatus.FINAL_REPORT,
    ],
)
def test_no_progress_report_before_acceptance_or_after_the_end(cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    with pytest.raises(ValidationError, match="ne reçoit pas de rapport"):
        report_services.report_create(project=project, by=cast.alice, **report_fields())
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("who", ["charlie", "staff", "coordinator"])
def test_only_the_lead_files(cast, reporting, who):
    with pytest.raises(ValidationError, match="organisation porteuse"):
        report_services.report_create(project=reporting.project, by=getattr(cast, who), **report_fields())


def test_a_partner_named_on_the_project_does_not_file(reporting):
    with pytest.raises(ValidationError, match="organisation porteuse"):
        report_services.report_create(project=reporting.project, by=reporting.dave, **report_fields())


def test_the_final_report_of_a_completed_project_closes_it(cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.COMPLETED)
    report = report_services.report_create(
        project=project,
        by=cast.alice,
        is_final=True,
        effects="Plus d'entraide.",
        sustainability="La cuisine continue.",
        reusable="Le guide.",
        **report_fields(percent_done=100),
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.FINAL_REPORT and report.is_final and report.effects == "Plus d'entraide."
    assert project.status_changes.last().changed_by == cast.alice


def test_the_final_report_of_a_project_under_way_leaves_its_status(cast, reporting):
    report_services.report_create(
        project=reporting.project, by=cast.alice, is_final=True, effects="Des effets.", **report_fields()
    )
    reporting.project.refresh_from_db()
    assert reporting.project.status == ProjectStatus.IN_PROGRESS


def test_at_most_one_final_report(cast, reporting):
    report_services.report_create(project=reporting.project, by=cast.alice, is_final=True, **report_fields())
    with pytest.raises(ValidationError, match="déjà déposé"):
        report_services.report_create(project=reporting.project, by=cast.alice, is_final=True, **report_fields())
    assert ProgressReport.objects.filter(is_final=True).count() == 1


def test_no_final_report_before_the_work_starts(cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.AGREEMENT_SIGNED)
    with pytest.raises(ValidationError, match="en cours ou terminé"):
        report_services.report_create(project=project, by=cast.alice, is_final=True, **report_fields())


def test_a_progress_report_keeps_no_final_fields(cast, reporting):
    report = report_services.report_create(
        project=reporting.project, by=cast.alice, effects="Ignoré", **report_fields()
    )
    assert report.effects == ""


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"percent_done": 101}, "percent_done"),
        ({"people_reached": 5, "citizens_reached": 6}, None),
        ({"period_start": datetime.date(2014, 10, 1)}, None),
        ({"expenses": Decimal("-1")}, None),
    ],
)
def test_invalid_reports_are_refused_and_nothing_is_saved(cast, reporting, private_media, fields, field):
    with pytest.raises(ValidationError) as error:
        report_services.report_create(
            project=reporting.project, by=cast.alice, attachments=[upload("a.pdf", PDF)], **report_fields(**fields)
        )
    if field:
        assert field in error.value.message_dict
    assert not ProgressReport.objects.exists() and not ReportAttachment.objects.exists()
    assert not any(p.is_file() for p in private_media.rglob("*")) if private_media.exists() else True


def test_a_deadline_of_another_project_or_kind_or_already_answered_is_refused(cast, theme, reporting):
    other = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    with pytest.raises(ValidationError, match="autre projet"):
        report_services.report_create(
            project=reporting.project, by=cast.alice, deadline=f.make_deadline(other), **report_fields()
        )
    final = f.make_deadline(reporting.project, kind="final")
    with pytest.raises(ValidationError, match="autre type"):
        report_services.report_create(project=reporting.project, by=cast.alice, deadline=final, **report_fields())
    progress = f.make_deadline(reporting.project)
    report_services.report_create(project=reporting.project, by=cast.alice, deadline=progress, **report_fields())
    with pytest.raises(ValidationError, match="répond déjà"):
        report_services.report_create(project=reporting.project, by=cast.alice, deadline=progress, **report_fields())


def test_partners_and_indicators_come_from_the_project(cast, theme, reporting):
    with pytest.raises(ValidationError, match="partenaires du projet"):
        report_services.report_create(
            project=reporting.project, by=cast.alice, partners_involved=[cast.org_b], **report_fields()
        )
    other = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    foreign = other.indicators.create(name="Autre", order=1)
    with pytest.raises(ValidationError, match="autre projet"):
        report_services.report_create(
            project=reporting.project, by=cast.alice, indicator_values={foreign: Decimal("1")}, **report_fields()
        )
    assert not ProgressReport.objects.exists()


def test_the_lead_adds_attachments_to_a_filed_report(cast, reporting):
    report = report_services.report_create(project=reporting.project, by=cast.alice, **report_fields())
    added = report_services.report_attachments_add(report=report, files=[upload("facture.pdf", PDF)], by=cast.bob)
    assert [a.original_name for a in added] == ["facture.pdf"] and added[0].uploaded_by == cast.bob
    for who in (reporting.dave, cast.staff, cast.coordinator, cast.charlie):
        with pytest.raises(ValidationError):
            report_services.report_attachments_add(report=report, files=[upload("x.pdf", PDF)], by=who)
    assert report.attachments.count() == 1
