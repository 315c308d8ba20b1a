from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from alliances.models import Alliance
from asis.admin import NoDeleteAdmin


@admin.register(Alliance)
class AllianceAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    list_display = ["name", "acronym", "territory", "region", "coordinating_organisation"]
    list_select_related = ["coordinating_organisation"]
    search_fields = ["name", "acronym", "territory", "region"]
    autocomplete_fields = ["coordinating_organisation", "funders"]
    prepopulated_fields = {"slug": ["name"]}
