"""The attachments folder full (ENOSPC, half-way through a file) or refusing writes (EACCES, EROFS) while a report
is filed with its supporting documents, or documents are added to a filed report: a clear French message on the
form, the answers kept, and nothing half-saved — no report, no deadline marked answered, no attachment row, no
file (not even the half-written one) — then, the folder back, the same form files it.

The faults are the operating system's: `os.open` and the open file's `write` fail for paths under MEDIA_ROOT only,
as they do on a full or read-only disk; everything else (the database, templates) reads and writes as usual."""

import errno
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from asis.storage import FileSystemStorageCleanOnError
from projects.models import ProgressReport, ReportAttachment, ReportDeadline, ReportDraft
from projects.services import reports as report_services
from tests import factories as f
from tests.projects.report_helpers import JPEG, PDF, PNG, file_report, page, report_fields, report_post, upload

pytestmark = pytest.mark.django_db

FULL = "Le dossier des pièces jointes du portail est plein : rien n'a été enregistré."
READ_ONLY = "Le dossier des pièces jointes du portail refuse l'écriture pour le moment : rien n'a été enregistré."


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


class Disk:
    """The attachments folder's disk, failing as asked: `full_after` bytes fit, then writes fail with ENOSPC (the
    file is left half-written, as the system leaves it); or `refuse` (an errno) fails every file opened there."""

    def __init__(self, monkeypatch, root: Path):
        self.root, self.full_after, self.refuse = str(root), None, None
        real_open, real_fdopen = os.open, os.fdopen
        disk = self

        def open_(path, flags, *args, **kwargs):
            if disk.refuse and str(path).startswith(disk.root) and flags & os.O_CREAT:
                raise OSError(disk.refuse, os.strerror(disk.refuse), str(path))
            return real_open(path, flags, *args, **kwargs)

        class Filling:
            def __init__(self, file):
                self.file = file

            def write(self, data):
                room = max(disk.full_after, 0)
                self.file.write(data[:room])
                self.file.flush()
                disk.full_after -= min(len(data), room)
                if len(data) > room:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return len(data)

            def close(self):
                self.file.close()

        def fdopen(fd, *args, **kwargs):
            file = real_fdopen(fd, *args, **kwargs)
            if disk.full_after is not None and os.readlink(f"/proc/self/fd/{fd}").startswith(disk.root):
                return Filling(file)
            return file

        monkeypatch.setattr(os, "open", open_)
        monkeypatch.setattr(os, "fdopen", fdopen)

    def heal(self):
        self.full_after = self.refuse = None


@pytest.fixture
def disk(monkeypatch, private_media):
    private_media.mkdir(parents=True, exist_ok=True)
    return Disk(monkeypatch, private_media)


FAULTS = [
    # the first file fits, the second stops half-way: both must go
    pytest.param({"full_after": len(PDF) + 10}, FULL, id="disk-full-half-way"),
    pytest.param({"refuse": errno.EACCES}, READ_ONLY, id="permission-denied"),
    pytest.param({"refuse": errno.EROFS}, READ_ONLY, id="read-only-disk"),
]


@pytest.mark.parametrize("fault, message", FAULTS)
def test_a_report_filed_while_the_attachments_folder_fails_is_not_half_saved(
    client, cast, reporting, private_media, disk, fault, message
):
    deadline = f.make_deadline(reporting.project)
    client.force_login(cast.alice)
    vars(disk).update(fault)
    narrative = "Quarante familles ont cuisiné ensemble à Évain."
    files = [upload("facture.pdf", PDF), upload("photo.png", PNG)]
    response = file_report(
        client, reporting.project, report_post(narrative=narrative, deadline=str(deadline.pk), attachments=files)
    )

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["attachments"])
    text = page(response)
    assert message in text and "Le rapport n'est pas déposé; vos réponses sont gardées." in text
    assert narrative in text  # the answers are on the page, kept in the draft, ready to file again
    draft = ReportDraft.objects.get(project=reporting.project)
    assert draft.report_id is None and draft.answers["narrative"] == narrative
    # Nothing half-saved: no report, the deadline still awaited, no attachment row, no file (half-written or not)
    assert not ProgressReport.objects.exists() and not ReportAttachment.objects.exists()
    assert list(ReportDeadline.objects.pending()) == [deadline]
    assert stored_files(private_media) == []

    disk.heal()  # the operator frees space: the same page files the report
    response = client.post(
        reverse("projects:report-review", args=[reporting.project.pk]),
        {"attachments": [upload("facture.pdf", PDF), upload("photo.png", PNG)]},
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.narrative == narrative and report.deadline == deadline
    assert not ReportDeadline.objects.pending().exists()
    assert sorted(a.original_name for a in report.attachments.all()) == ["facture.pdf", "photo.png"]
    assert sorted(p.read_bytes() for p in stored_files(private_media)) == sorted([PDF, PNG])


@pytest.mark.parametrize("fault, message", FAULTS)
def test_documents_added_while_the_attachments_folder_fails_are_not_half_saved(
    client, cast, reporting, private_media, disk, fault, message
):
    report = report_services.report_create(
        project=reporting.project, by=cast.alice, attachments=[upload("premier.pdf", PDF)], **report_fields()
    )
    client.force_login(cast.alice)
    vars(disk).update(fault)
    response = client.post(
        reverse("projects:report-attachment-add", args=[report.pk]),
        {"files": [upload("facture.pdf", PDF), upload("photo.jpg", JPEG)]},
    )
    assert response.status_code == 400
    assert message in page(response) and "Réessayez plus tard ou prévenez la coordination." in page(response)
    assert "pas déposé" not in page(response)  # the report itself was filed before
    assert list(report.attachments.values_list("original_name", flat=True)) == ["premier.pdf"]
    assert [p.read_bytes() for p in stored_files(private_media)] == [PDF]


def test_the_storage_removes_the_half_written_file_that_djangos_leaves(tmp_path, monkeypatch):
    """Why the portal's storage: Django's FileSystemStorage leaves the half-written file of a full disk behind."""
    disk = Disk(monkeypatch, tmp_path)
    for storage, left in [
        (FileSystemStorage(location=tmp_path / "django"), 1),
        (FileSystemStorageCleanOnError(location=tmp_path / "asis"), 0),
    ]:
        disk.full_after = 10
        with pytest.raises(OSError, match="No space left"):
            storage.save("rapports/1/facture.pdf", ContentFile(PDF))
        assert len(stored_files(Path(storage.location))) == left
    disk.heal()
    (tmp_path / "asis" / "rapports" / "1" / "deja.pdf").write_bytes(PDF)
    disk.refuse = errno.EACCES  # a file already there (another's) is never removed
    with pytest.raises(PermissionError):
        FileSystemStorageCleanOnError(location=tmp_path / "asis").save("rapports/1/autre.pdf", ContentFile(PDF))
    assert stored_files(tmp_path / "asis") == [tmp_path / "asis" / "rapports" / "1" / "deja.pdf"]
