from django.contrib import admin

from asis.admin import ReadOnlyAdmin
from succession.models import FrozenBilan


@admin.register(FrozenBilan)
class FrozenBilanAdmin(ReadOnlyAdmin):
    """Read only: a frozen bilan is written once, when its plan closes (succession.services.plan_close)."""

    list_display = ["plan", "period_label", "closed_at", "closed_by"]
    list_select_related = ["plan", "closed_by"]
    search_fields = ["plan__title", "note"]
    # Shown, never edited; the documents' bytes are downloaded from the bilan's page, not shown here.
    readonly_fields = [
        "plan",
        "closed_at",
        "closed_by",
        "note",
        "period_label",
        "file_stem",
        "pdf_sha256",
        "xlsx_sha256",
        "docx_sha256",
    ]
    exclude = ["html", "pdf", "xlsx", "docx"]
