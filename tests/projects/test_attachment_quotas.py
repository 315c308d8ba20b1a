"""Attachment quotas (issue 15, break 2): files and bytes per report, bytes per organisation over all its
reports; shown on the forms, refused in French before anything is written, counted under a lock."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from projects import validators
from projects.models import ProgressReport, ReportAttachment
from projects.services import reports as report_services
from tests.projects.report_helpers import PDF, file_report, page, report_fields, report_post, upload

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def pdf(name: str, size: int = 1024):
    return upload(name, PDF + b" " * (size - len(PDF)))


@pytest.fixture
def report(cast, reporting):
    return report_services.report_create(project=reporting.project, by=cast.alice, **report_fields())


def add(client, report, files):
    return client.post(reverse("projects:report-attachment-add", args=[report.pk]), {"files": files})


def test_files_per_report(client, cast, report, settings, private_media):
    settings.ATTACHMENT_MAX_FILES_PER_REPORT = 3
    client.force_login(cast.alice)
    assert add(client, report, [pdf("a.pdf"), pdf("b.pdf")]).status_code == 302
    before = stored_files(private_media)
    response = add(client, report, [pdf("c.pdf"), pdf("d.pdf")])
    assert response.status_code == 400
    assert "Un rapport compte au plus 3 pièces jointes : il en a déjà 2, vous en ajoutez 2." in page(response)
    assert report.attachments.count() == 2 and stored_files(private_media) == before
    assert add(client, report, [pdf("c.pdf")]).status_code == 302  # exactly the bound is fine


def test_bytes_per_report(client, cast, report, settings, private_media):
    settings.ATTACHMENT_MAX_BYTES_PER_REPORT = 5 * MIB
    client.force_login(cast.alice)
    assert add(client, report, [pdf("a.pdf", 3 * MIB)]).status_code == 302
    before = stored_files(private_media)
    response = add(client, report, [pdf("b.pdf", 2 * MIB + MIB // 2)])
    assert response.status_code == 400
    assert (
        "Les pièces jointes d'un rapport totalisent au plus 5 Mo : il en a déjà 3 Mo, vous en ajoutez 2,5 Mo."
        in page(response)
    )
    assert report.attachments.count() == 1 and stored_files(private_media) == before
    assert add(client, report, [pdf("b.pdf", 2 * MIB)]).status_code == 302  # exactly the bound is fine


def test_bytes_per_organisation_over_all_its_reports(client, cast, reporting, report, settings, private_media):
    """Organisation A's other report counts too; organisation B's attachments do not."""
    settings.ATTACHMENT_MAX_BYTES_PER_ORGANISATION = 10 * 1024 * 1024
    big = 4 * 1024 * 1024
    report_services.report_attachments_add(report=report, files=[pdf("a.pdf", big)], by=cast.alice)
    other = report_services.report_create(
        project=reporting.project, by=cast.alice, attachments=[pdf("b.pdf", big)], **report_fields()
    )
    client.force_login(cast.alice)
    before = stored_files(private_media)
    response = add(client, report, [pdf("c.pdf", big)])
    assert response.status_code == 400
    assert (
        "Les pièces jointes de votre organisation totalisent au plus 10 Mo : elle en a déjà 8 Mo, vous en ajoutez 4 Mo."
    ) in page(response)
    assert ReportAttachment.objects.count() == 2 and stored_files(private_media) == before
    # A new report is refused the same way, and the report itself is not filed either
    response = file_report(client, reporting.project, report_post(attachments=[pdf("d.pdf", big)]))
    assert response.status_code == 400
    assert "Les pièces jointes de votre organisation totalisent au plus 10 Mo" in page(response)
    assert ProgressReport.objects.count() == 2 and stored_files(private_media) == before
    assert other.attachments.count() == 1


def test_the_report_form_refuses_more_files_than_a_report_holds(client, cast, reporting, settings, private_media):
    settings.ATTACHMENT_MAX_FILES_PER_REPORT = 2
    client.force_login(cast.alice)
    response = file_report(
        client, reporting.project, report_post(attachments=[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")])
    )
    assert response.status_code == 400
    assert "Un rapport compte au plus 2 pièces jointes" in " ".join(response.context["form"].errors["attachments"])
    assert not ProgressReport.objects.exists() and stored_files(private_media) == []


def test_the_service_applies_the_quota_to_every_caller(cast, reporting, settings, private_media):
    settings.ATTACHMENT_MAX_FILES_PER_REPORT = 1
    with pytest.raises(ValidationError) as error:
        report_services.report_create(
            project=reporting.project, by=cast.alice, attachments=[pdf("a.pdf"), pdf("b.pdf")], **report_fields()
        )
    assert "Un rapport compte au plus 1 pièces jointes" in error.value.message_dict["attachments"][0]
    assert not ProgressReport.objects.exists() and stored_files(private_media) == []


def test_the_bounds_are_shown_on_both_forms(client, cast, reporting, report, settings):
    settings.ATTACHMENT_MAX_FILES_PER_REPORT = 20
    settings.ATTACHMENT_MAX_BYTES_PER_REPORT = 50 * 1024 * 1024
    settings.ATTACHMENT_MAX_BYTES_PER_ORGANISATION = 500 * 1024 * 1024
    client.force_login(cast.alice)
    expected = (
        "Un rapport compte au plus 20 pièces jointes et 50 Mo; celles de votre organisation totalisent au plus 500 Mo."
    )
    # the files of a new report are chosen on its review page
    review = client.post(reverse("projects:report-create", args=[reporting.project.pk]), report_post())["Location"]
    assert expected in page(client.get(review))
    assert expected in page(client.get(reverse("projects:report-detail", args=[report.pk])))


def test_a_flood_of_files_gets_a_400_not_a_500(client, cast, report, settings, private_media):
    """More files than Django lets one request carry (twice the report's bound): Django refuses the request."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 4
    client.force_login(cast.alice)
    response = add(client, report, [pdf(f"{i}.pdf") for i in range(5)])
    assert response.status_code == 400
    assert "Si vous déposiez des pièces jointes, vous en avez choisi trop à la fois" in page(response)
    assert report.attachments.count() == 0 and stored_files(private_media) == []


def test_the_default_request_bound_leaves_room_for_the_french_message(settings):
    from asis import settings as project_settings

    assert project_settings.DATA_UPLOAD_MAX_NUMBER_FILES > project_settings.ATTACHMENT_MAX_FILES_PER_REPORT


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_cannot_both_pass_the_organisation_quota(
    cast, reporting, settings, private_media, monkeypatch
):
    """The organisation's row is locked while its stored bytes are counted: of two uploads that each fit
    alone but not together, exactly one is stored (PostgreSQL, real concurrent connections)."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    check = validators.attachments_quota_check

    def slow_check(*args, **kwargs):
        check(*args, **kwargs)
        time.sleep(0.5)  # a slow disk between the count and the write: without the lock, both would pass

    monkeypatch.setattr(validators, "attachments_quota_check", slow_check)
    reports = [
        report_services.report_create(project=reporting.project, by=cast.alice, **report_fields()) for _ in range(2)
    ]
    settings.ATTACHMENT_MAX_BYTES_PER_ORGANISATION = 3 * 1024 * 1024
    barrier = threading.Barrier(2)

    def attempt(report):
        try:
            barrier.wait(timeout=30)
            report_services.report_attachments_add(report=report, files=[pdf("a.pdf", 2 * 1024 * 1024)], by=cast.alice)
            return "stored"
        except ValidationError as error:
            assert "votre organisation totalisent au plus 3 Mo" in str(error)
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(attempt, reports))
    assert outcomes == ["refused", "stored"]
    assert ReportAttachment.objects.count() == 1 and len(stored_files(private_media)) == 1
