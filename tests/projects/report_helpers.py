"""What the report tests share: files of each kind and the report form's data. Their fixtures (a project of A
under way with a partner organisation, private media in a temporary folder) live in tests/projects/conftest.py."""

import datetime
import html
import io
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

WHO = ["anonymous", "alice", "bob", "charlie", "dave", "staff", "coordinator"]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office(kind: str) -> bytes:
    """A minimal DOCX, XLSX, ODT or ODS: a ZIP with the member its format requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind in ("odt", "ods"):
            name = "text" if kind == "odt" else "spreadsheet"
            archive.writestr("mimetype", f"application/vnd.oasis.opendocument.{name}")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def page(response) -> str:
    """The page's text as a reader sees it: entities decoded, non-breaking spaces as spaces."""
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def report_fields(**overrides) -> dict:
    """Keyword arguments of services.report_create for a valid progress report."""
    return {
        "period_start": datetime.date(2014, 4, 1),
        "period_end": datetime.date(2014, 9, 30),
        "percent_done": 40,
        "narrative": "Douze ateliers de cuisine.",
        "people_reached": 30,
        "citizens_reached": 12,
        "expenses": Decimal("5250.50"),
        **overrides,
    }


def report_post(**overrides) -> dict:
    """POST data of the report form for a valid progress report."""
    data = {
        "period_start": "2014-04-01",
        "period_end": "2014-09-30",
        "percent_done": "40",
        "narrative": "Douze ateliers de cuisine.",
        "people_reached": "30",
        "citizens_reached": "12",
        "expenses": "5 250,50",
        "gaps": "",
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def file_report(client, project, data: dict, *, final: bool = False):
    """As the lead files a report: the form's « Vérifier avant de déposer » (which keeps the draft), then « Déposer le
    rapport » on the review page with the supporting documents (`data["attachments"]`, chosen there). Returns the
    first answer that does not move on, or the review page's."""
    from django.urls import reverse

    data = dict(data)
    files = data.pop("attachments", None)
    name = "projects:report-create-final" if final else "projects:report-create"
    response = client.post(reverse(name, args=[project.pk]), {**data, "action": "review"})
    if response.status_code != 302:
        return response
    return client.post(response["Location"], {"attachments": files} if files else {})
