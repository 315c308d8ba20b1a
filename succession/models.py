"""A closed plan's final bilan, frozen as a dated document: its page and its PDF, XLSX and DOCX as they were
built when the plan closed. Later changes to the data move none of them."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Plan


def sha256(data: bytes) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


class FrozenBilan(models.Model):
    """The final bilan of a closed plan (the whole plan period, every theme, every project, as Coordination sees
    it): the page's report body as HTML and the three documents' bytes with their SHA-256, never rebuilt."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="frozen_bilan", verbose_name=_("plan"))
    closed_at = models.DateTimeField(_("figé le"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("figé par")
    )
    note = models.TextField(_("note"), blank=True)
    period_label = models.CharField(_("période"), max_length=60)  # « 2013-2016 »
    file_stem = models.CharField(_("nom des fichiers"), max_length=120)  # « bilan-asis-2013-2016 »
    html = models.TextField(_("bilan (HTML)"))
    pdf = models.BinaryField(_("PDF"))
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64)
    xlsx = models.BinaryField(_("XLSX"))
    xlsx_sha256 = models.CharField(_("empreinte SHA-256 du XLSX"), max_length=64)
    docx = models.BinaryField(_("DOCX"))
    docx_sha256 = models.CharField(_("empreinte SHA-256 du DOCX"), max_length=64)

    class Meta:
        verbose_name = _("bilan figé")
        verbose_name_plural = _("bilans figés")
        ordering = ["-closed_at"]

    def __str__(self):
        return f"{self.plan} — {self.period_label}"

    def document(self, extension: str) -> bytes:
        """The stored bytes of the PDF, XLSX or DOCX (bytes, whatever the database hands back)."""
        return bytes(getattr(self, extension))

    def file_name(self, extension: str) -> str:
        return f"{self.file_stem}.{extension}"
