"""Supporting documents: the types allowed (extension AND content), the size limit, nothing saved on error,
and a download only for those who may read the report, always as an attachment."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import validators
from projects.models import ProgressReport, ReportAttachment
from projects.services import reports as report_services
from projects.services import status as status_services
from tests.projects.report_helpers import (
    EXE,
    GIF,
    JPEG,
    PDF,
    PNG,
    WEBP,
    file_report,
    office,
    page,
    report_fields,
    report_post,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("rapport.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("anim.gif", GIF, "image/gif"),
        ("image.webp", WEBP, "image/webp"),
        ("lettre.docx", office("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", office("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("lettre.odt", office("odt"), "application/vnd.oasis.opendocument.text"),
        ("budget.ods", office("ods"), "application/vnd.oasis.opendocument.spreadsheet"),
        ("notes.txt", "Réunion du 3 mai : 12 présences.\n".encode(), "text/plain"),
        ("liste.csv", "nom;montant\nÉpicerie;125,50\n".encode("cp1252"), "text/csv"),
    ],
)
def test_accepted_types(name, content, content_type):
    assert validators.attachment_check(upload(name, content)) == content_type


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("rapport.pdf", PNG, "« rapport.pdf » n'est pas un fichier PDF valide"),  # a PNG dressed as a PDF
        ("photo.png", PDF, "« photo.png » n'est pas un fichier PNG valide"),
        ("programme.exe", EXE, "« programme.exe » : ce type de fichier n'est pas accepté"),
        ("facture.pdf.exe", PDF, "ce type de fichier n'est pas accepté"),
        ("sans-extension", PDF, "ce type de fichier n'est pas accepté"),
        ("page.html", b"<html></html>", "ce type de fichier n'est pas accepté"),
        ("lettre.docx", office("xlsx"), "« lettre.docx » n'est pas un fichier DOCX valide"),
        ("lettre.odt", b"PK\x03\x04 not really a zip", "n'est pas un fichier ODT valide"),
        ("notes.txt", EXE, "« notes.txt » n'est pas un fichier TXT valide"),
        ("vide.pdf", b"", "« vide.pdf » est vide"),
    ],
)
def test_refused_files_are_named_in_french(name, content, message):
    with pytest.raises(ValidationError) as error:
        validators.attachment_check(upload(name, content))
    assert message in error.value.messages[0]


def test_the_size_limit_comes_from_the_settings(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    assert validators.attachment_check(upload("petit.pdf", PDF + b" " * (1024 - len(PDF)))) == "application/pdf"
    with pytest.raises(ValidationError, match="« gros.pdf » dépasse la taille permise"):
        validators.attachment_check(upload("gros.pdf", PDF + b" " * 1024))


@pytest.mark.parametrize(
    "bad",
    [
        upload("photo.pdf", PNG),
        upload("virus.exe", EXE),
        "oversize",
    ],
)
def test_the_form_refuses_a_bad_file_and_saves_nothing(client, cast, reporting, settings, private_media, bad):
    settings.ATTACHMENT_MAX_BYTES = 2048
    if bad == "oversize":
        bad = upload("annexe.pdf", PDF + b"0" * 4096)
    client.force_login(cast.alice)
    response = file_report(client, reporting.project, report_post(attachments=[upload("bon.pdf", PDF), bad]))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["attachments"])
    assert f"« {bad.name} »" in errors and "bon.pdf" not in errors
    assert not ProgressReport.objects.exists() and not ReportAttachment.objects.exists()
    assert stored_files(private_media) == []


def test_the_service_refuses_a_bad_file_and_saves_nothing(cast, reporting, private_media):
    with pytest.raises(ValidationError, match="photo.pdf"):
        report_services.report_create(
            project=reporting.project,
            by=cast.alice,
            attachments=[upload("bon.pdf", PDF), upload("photo.pdf", PNG)],
            **report_fields(),
        )
    assert not ProgressReport.objects.exists() and stored_files(private_media) == []


def test_files_stored_before_a_failure_are_removed(cast, reporting, private_media, monkeypatch):
    """If the database refuses something after the files were written, the files go too."""
    original = status_services.project_change_status

    def boom(**kwargs):
        raise ValidationError("Refus simulé.")

    monkeypatch.setattr(report_services, "project_change_status", boom)
    reporting.project.status = "completed"
    reporting.project.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="Refus simulé"):
        report_services.report_create(
            project=reporting.project,
            by=cast.alice,
            is_final=True,
            attachments=[upload("bon.pdf", PDF)],
            **report_fields(),
        )
    monkeypatch.setattr(report_services, "project_change_status", original)
    assert not ProgressReport.objects.exists() and stored_files(private_media) == []


@pytest.fixture
def report(cast, reporting):
    return report_services.report_create(project=reporting.project, by=cast.alice, **report_fields())


def test_the_lead_adds_attachments_from_the_report_page(client, cast, report, private_media):
    client.force_login(cast.bob)
    url = reverse("projects:report-attachment-add", args=[report.pk])
    response = client.post(url, {"files": [upload("facture.pdf", PDF), upload("photo.jpg", JPEG)]})
    assert response.status_code == 302
    assert sorted(report.attachments.values_list("original_name", flat=True)) == ["facture.pdf", "photo.jpg"]
    response = client.post(url, {"files": [upload("virus.exe", EXE)]})
    assert response.status_code == 400
    assert "« virus.exe » : ce type de fichier n'est pas accepté" in page(response)
    assert report.attachments.count() == 2 and len(stored_files(private_media)) == 2


def test_the_download_is_an_attachment_with_its_name_type_and_nosniff(client, cast, reporting, report):
    attachment = report_services.report_attachments_add(
        report=report, files=[upload("Bilan été 2014.pdf", PDF)], by=cast.alice
    )[0]
    client.force_login(reporting.dave)
    response = client.get(reverse("projects:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Bilan" in response["Content-Disposition"] and "2014.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_text_file_is_downloaded_too_never_shown(client, cast, report):
    attachment = report_services.report_attachments_add(
        report=report, files=[upload("notes.txt", b"<script>alert(1)</script>")], by=cast.alice
    )[0]
    client.force_login(cast.staff)
    response = client.get(reverse("projects:attachment-download", args=[attachment.pk]))
    assert (
        response["Content-Type"] == "text/plain"
        and response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    )


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("alice", 200),
        ("bob", 200),
        ("charlie", 404),
        ("dave", 200),
        ("staff", 200),
        ("coordinator", 200),
    ],
)
def test_who_downloads(login, cast, reporting, report, who, status):
    """The project is public (under way), its attachments are not: charlie gets 404."""
    attachment = report_services.report_attachments_add(report=report, files=[upload("a.pdf", PDF)], by=cast.alice)[0]
    user = reporting.dave if who == "dave" else getattr(cast, who)
    response = login(user).get(reverse("projects:attachment-download", args=[attachment.pk]))
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/connexion/")


def test_a_missing_file_is_a_404(client, cast, report, private_media):
    attachment = report_services.report_attachments_add(report=report, files=[upload("a.pdf", PDF)], by=cast.alice)[0]
    (private_media / attachment.file.name).unlink()
    client.force_login(cast.alice)
    assert client.get(reverse("projects:attachment-download", args=[attachment.pk])).status_code == 404


def test_the_admin_links_to_the_checked_download(client, cast, report):
    from tests import factories as f

    [attachment] = report_services.report_attachments_add(
        report=report, by=cast.alice, files=[upload("bilan.pdf", b"%PDF-1.4\n%%EOF\n")]
    )
    client.force_login(f.make_user(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:projects_reportattachment_change", args=[attachment.pk])).content.decode()
    assert reverse("projects:attachment-download", args=[attachment.pk]) in page
