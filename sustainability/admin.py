from django.contrib import admin

from asis.admin import NoDeleteAdmin
from sustainability.models import Practice, SustainabilityCheck


@admin.register(SustainabilityCheck)
class SustainabilityCheckAdmin(NoDeleteAdmin):
    list_display = ["project", "months", "due_on", "sent_at", "answered_at", "continues"]
    list_filter = ["months", "continues"]
    search_fields = ["project__title", "project__lead__name"]
    list_select_related = ["project"]
    autocomplete_fields = ["project", "answered_by"]
    raw_id_fields = ["final_report"]


@admin.register(Practice)
class PracticeAdmin(NoDeleteAdmin):
    list_display = ["title", "organisation", "project", "published", "published_at"]
    list_filter = ["published"]
    search_fields = ["title", "organisation__name", "project__title"]
    list_select_related = ["organisation", "project"]
    autocomplete_fields = ["organisation", "project", "created_by"]
