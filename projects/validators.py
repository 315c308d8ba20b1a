"""Checks of uploaded files, before anything is stored: report attachments and the bilan's XLSX import.

An upload is accepted when its extension AND its content say the same type (Django's FileExtensionValidator
for the name, the `filetype` library for the first bytes). Office documents (DOCX, XLSX, ODT, ODS) are ZIP
archives: they are judged from the archive's central directory (member count, declared sizes, compression
method and ratio) without decompressing more than a few KiB, so that a zip bomb costs nothing to refuse.
How many files and bytes a report and an organisation may hold is checked by `attachments_quota_check`,
which the services call with the stored figures read under a lock.
"""

import struct
import zipfile
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext as _

from asis.templatetags.asis_format import number as format_number

# Extension -> (content type stored with the file, how its content is recognised).
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".gif": ("image/gif", "gif"),
    ".webp": ("image/webp", "webp"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ".odt": ("application/vnd.oasis.opendocument.text", "odt"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ".txt": ("text/plain", "text"),
    ".csv": ("text/csv", "text"),
}
ATTACHMENT_TYPES_LABEL = "PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, ODT, ODS, TXT, CSV"

attachment_extension_validator = FileExtensionValidator(
    allowed_extensions=[ext.lstrip(".") for ext in ATTACHMENT_TYPES]
)

# What `filetype` may answer for each kind recognised by its signature. An animated PNG is a PNG.
_SIGNATURE_MIMES = {
    "pdf": {"application/pdf"},
    "png": {"image/png", "image/apng"},
    "jpeg": {"image/jpeg"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
}
# Office documents: `filetype` names them only when their members come in the order it expects (LibreOffice
# and some generators write them otherwise), so a plain ZIP is enough here; the central directory decides.
_OFFICE_MIMES = {
    kind: {content_type, "application/zip"}
    for content_type, kind in ATTACHMENT_TYPES.values()
    if kind in ("docx", "xlsx", "odt", "ods")
}
_OOXML_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# The ODF `mimetype` member is one short line; never read more of it than this.
_ODF_MIMETYPE_MAX_BYTES = 128
# Real office documents use only these two methods. Python's zipfile bounds a DEFLATE read by the size asked
# and by the member's declared size, so the declared sizes checked below are what a reader can get out; BZIP2
# and LZMA members are decompressed a whole chunk at a time whatever the size asked (the 537-byte bomb).
_DOCUMENT_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# A member smaller than this may have any ratio (a blank sheet compresses very well and is harmless).
_RATIO_FLOOR_BYTES = 1024 * 1024
# Control characters that never appear in a text or CSV file (tab, line feeds, form feed and escape do).
_BINARY_BYTES = bytes(range(9)) + bytes(range(14, 27)) + bytes(range(28, 32))
_HEAD_BYTES = 8192


def megabytes(size: int) -> str:
    """A size in MiB as the page writes it: `10`, `2,5`."""
    value = round(size / (1024 * 1024), 1)
    return format_number(int(value) if value == int(value) else value)


def _head(file, size: int = _HEAD_BYTES) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _declared_member_count(file) -> int | None:
    """The member count written in the archive's end record, read before zipfile builds one object per member
    (a 10 MiB file can declare 200 000 of them). None when there is no end record (not a ZIP)."""
    file.seek(0, 2)
    size = file.tell()
    length = min(size, 22 + 65535)  # the end record (22 bytes) and its comment (at most 64 KiB)
    file.seek(size - length)
    tail = file.read(length)
    file.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 12 > len(tail):
        return None
    return struct.unpack("<H", tail[at + 10 : at + 12])[0]  # 0xFFFF: ZIP64, more than any document has


def office_archive_check(file, *, kind: str, name: str) -> bool:
    """Whether `file` is a DOCX, XLSX, ODT or ODS (`kind`) by its central directory. Raises a ValidationError
    naming the file when the archive is one no real document is (too many members, too big once
    decompressed, an abnormal ratio or compression method); decompresses at most the ODF `mimetype` line."""
    refused = ValidationError(
        _(
            "« %(name)s » est refusé : une fois décompressé, ce document dépasserait ce qu'un vrai document contient "
            "(%(members)s fichiers internes et %(max)s Mo au plus)."
        )
        % {
            "name": name,
            "members": format_number(settings.ATTACHMENT_ZIP_MAX_MEMBERS),
            "max": megabytes(settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES),
        },
        code="archive",
    )
    count = _declared_member_count(file)
    if count is None:
        return False
    if count > settings.ATTACHMENT_ZIP_MAX_MEMBERS:
        raise refused
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > settings.ATTACHMENT_ZIP_MAX_MEMBERS:
                raise refused
            total = 0
            for member in members:
                total += member.file_size
                if (
                    member.compress_type not in _DOCUMENT_COMPRESSIONS
                    or total > settings.ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES
                    or (
                        member.file_size > _RATIO_FLOOR_BYTES
                        and member.file_size > settings.ATTACHMENT_ZIP_MAX_RATIO * max(member.compress_size, 1)
                    )
                ):
                    raise refused
            names = {member.filename: member for member in members}
            if kind in _OOXML_MEMBER:
                return _OOXML_MEMBER[kind] in names
            mimetype = names.get("mimetype")
            if mimetype is None or mimetype.file_size > _ODF_MIMETYPE_MAX_BYTES:
                return False
            with archive.open(mimetype) as member:
                return member.read(_ODF_MIMETYPE_MAX_BYTES).strip() == _ODF_MIMETYPE[kind]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, KeyError, OSError, EOFError):
        return False  # damaged, encrypted or otherwise unreadable: not a document we accept
    finally:
        file.seek(0)


def _looks_like_text(head: bytes) -> bool:
    """Plain text and CSV: no binary control bytes, and readable as UTF-8 or Windows-1252 (Excel's CSV)."""
    if any(byte in _BINARY_BYTES for byte in head):
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start >= len(head) - 3:
                return True  # a multi-byte character cut by the 8 KiB window
            continue
        return True
    return False


def _content_matches(file, kind: str, name: str) -> bool:
    head = _head(file)
    if kind == "text":
        return _looks_like_text(head)
    guessed = filetype.guess_mime(head)
    if kind in _OFFICE_MIMES:
        return guessed in _OFFICE_MIMES[kind] and office_archive_check(file, kind=kind, name=name)
    return guessed in _SIGNATURE_MIMES[kind]


def attachment_check(file) -> str:
    """The content type of an uploaded file we accept, or a ValidationError naming the file.

    Both the extension and the first bytes must say the same type: a `.pdf` that is a PNG is refused."""
    name = PurePath(getattr(file, "name", "") or "").name
    try:
        attachment_extension_validator(file)
    except ValidationError:
        raise ValidationError(
            _("« %(name)s » : ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
            % {"name": name, "types": ATTACHMENT_TYPES_LABEL},
            code="type",
        ) from None
    if not file.size:
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name}, code="empty")
    if file.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("« %(name)s » dépasse la taille permise de %(max)s Mo.")
            % {"name": name, "max": megabytes(settings.ATTACHMENT_MAX_BYTES)},
            code="size",
        )
    extension = PurePath(name).suffix.lower()
    content_type, kind = ATTACHMENT_TYPES[extension]
    if not _content_matches(file, kind, name):
        raise ValidationError(
            _("« %(name)s » n'est pas un fichier %(type)s valide : son contenu ne correspond pas à son extension.")
            % {"name": name, "type": extension.lstrip(".").upper()},
            code="content",
        )
    return content_type


def attachments_check(files) -> list[str]:
    """Check every file before any is stored; all the errors at once (each names its file)."""
    types, errors = [], []
    for file in files:
        try:
            types.append(attachment_check(file))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return types


def attachments_quota_check(
    files, *, report_files: int = 0, report_bytes: int = 0, organisation_bytes: int = 0
) -> None:
    """Refuse `files` when, added to what is already stored (the report's files and bytes, the organisation's
    bytes over all its reports), they would pass a bound of the settings. Checks sizes only: nothing is read."""
    added = sum(file.size or 0 for file in files)
    if report_files + len(files) > settings.ATTACHMENT_MAX_FILES_PER_REPORT:
        raise ValidationError(
            _("Un rapport compte au plus %(max)s pièces jointes : il en a déjà %(stored)s, vous en ajoutez %(added)s.")
            % {"max": settings.ATTACHMENT_MAX_FILES_PER_REPORT, "stored": report_files, "added": len(files)},
            code="quota_files",
        )
    if report_bytes + added > settings.ATTACHMENT_MAX_BYTES_PER_REPORT:
        raise ValidationError(
            _(
                "Les pièces jointes d'un rapport totalisent au plus %(max)s Mo : il en a déjà %(stored)s Mo, "
                "vous en ajoutez %(added)s Mo."
            )
            % {
                "max": megabytes(settings.ATTACHMENT_MAX_BYTES_PER_REPORT),
                "stored": megabytes(report_bytes),
                "added": megabytes(added),
            },
            code="quota_report_bytes",
        )
    if organisation_bytes + added > settings.ATTACHMENT_MAX_BYTES_PER_ORGANISATION:
        raise ValidationError(
            _(
                "Les pièces jointes de votre organisation totalisent au plus %(max)s Mo : elle en a déjà %(stored)s Mo, "
                "vous en ajoutez %(added)s Mo. Écrivez à la coordination si vous avez besoin de plus d'espace."
            )
            % {
                "max": megabytes(settings.ATTACHMENT_MAX_BYTES_PER_ORGANISATION),
                "stored": megabytes(organisation_bytes),
                "added": megabytes(added),
            },
            code="quota_organisation_bytes",
        )
