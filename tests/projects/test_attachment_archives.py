"""Office documents are ZIP archives: judged from their central directory, never decompressed (issue 15, break 1).

The attacker's 537-byte `.odt` (a BZIP2 member `mimetype` declaring 512 MiB) grew the server from 90 MiB to
1 GiB and held a worker 3.5 s; it must now be refused at once, in a few KiB of memory."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError

from projects import validators
from projects.models import ProgressReport, ReportAttachment
from tests.projects.report_helpers import file_report, office, page, report_post, upload

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def odt_bomb() -> bytes:
    """The issue's bomb, built as the attacker did: a ZIP whose only member, `mimetype`, is 512 MiB of zero
    bytes compressed with BZIP2 (streamed in 1 MiB chunks, never held whole). About 540 bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_BZIP2) as archive:
        with archive.open("mimetype", "w") as member:
            chunk = b"\0" * MIB
            for _ in range(512):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 1024
    return data


def archive(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        validators.attachment_check(upload(name, content))
    return " ".join(error.value.messages).replace("\xa0", " ")


def test_the_bzip2_bomb_is_refused_at_once_in_little_memory(odt_bomb):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refused("rapport.odt", odt_bomb)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "« rapport.odt » est refusé : une fois décompressé, ce document dépasserait" in message
    assert elapsed < 0.5  # it took 3.5 s when the member was decompressed
    assert peak < 2 * MIB  # 512 MiB (and a 1 GiB process) when it was


@pytest.mark.parametrize("name", ["lettre.docx", "budget.xlsx", "budget.ods"])
def test_the_same_bomb_under_another_office_extension_is_refused(odt_bomb, name):
    assert "est refusé : une fois décompressé" in refused(name, odt_bomb)


def test_a_deflate_bomb_is_refused_by_its_ratio():
    """2 MiB of zeros deflate to 2 KiB (1 000:1): no real document member compresses like that."""
    content = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (2 * MIB)})
    assert len(content) < 10_000
    assert "« lettre.docx » est refusé" in refused("lettre.docx", content)


def test_a_member_stored_with_bzip2_is_refused_even_small():
    """Python decompresses a BZIP2 or LZMA member a whole chunk at a time, whatever size is asked: no real
    office document uses them, so the method alone refuses the file."""
    content = archive({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}, compression=zipfile.ZIP_BZIP2)
    assert "« budget.xlsx » est refusé" in refused("budget.xlsx", content)


def test_the_total_and_the_member_count_are_bounded(settings):
    settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES = 100_000
    settings.ATTACHMENT_ZIP_MAX_MEMBERS = 10
    text = bytes(range(256)) * 200  # 51 200 bytes that hardly compress: an honest ratio
    within = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": text}
    assert validators.attachment_check(upload("budget.xlsx", archive(within))).endswith("spreadsheetml.sheet")
    too_big = {**within, "xl/worksheets/sheet1.xml": text}  # 102 408 bytes once decompressed
    assert "« budget.xlsx » est refusé : une fois décompressé" in refused("budget.xlsx", archive(too_big))
    many = {**within, **{f"xl/media/image{i}.png": b"x" for i in range(9)}}  # 11 members
    assert "10 fichiers internes" in refused("budget.xlsx", archive(many))


@pytest.mark.parametrize(
    "kind, make",
    [
        ("docx", lambda: _python_docx()),
        ("xlsx", lambda: _openpyxl_xlsx()),
        ("odt", lambda: office("odt")),
        ("ods", lambda: office("ods")),
    ],
)
def test_real_documents_still_pass(kind, make):
    """Files as Word/LibreOffice and the Python libraries write them: their members in their own order."""
    assert validators.attachment_check(upload(f"document.{kind}", make()))


def _python_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Rapport d'étape : douze ateliers.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _openpyxl_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Dépense", 125.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_odf_mimetype_that_lies_is_refused():
    content = archive(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
        compression=zipfile.ZIP_STORED,
    )
    assert "n'est pas un fichier ODT valide" in refused("lettre.odt", content)


@pytest.mark.django_db
def test_the_bomb_posted_with_a_report_is_refused_and_nothing_is_saved(
    client, cast, reporting, private_media, odt_bomb
):
    client.force_login(cast.alice)
    response = file_report(client, reporting.project, report_post(attachments=[upload("rapport.odt", odt_bomb)]))
    assert response.status_code == 400
    assert "« rapport.odt » est refusé : une fois décompressé" in page(response)
    assert not ProgressReport.objects.exists() and not ReportAttachment.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))
