from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from alliances.models import Alliance, AllianceRole
from asis.admin import NoDeleteAdmin, TabularInline

# Who holds a role and since when stays as granted; a role ends with its end date, never deleted.
GRANT_FIELDS = ["user", "alliance", "role"]


class AllianceRoleInline(TabularInline):
    model = AllianceRole
    fields = ["user", "role", "granted_at", "granted_by", "ended_on"]
    readonly_fields = ["granted_at", "granted_by"]
    autocomplete_fields = ["user"]
    extra = 0
    can_delete = False


@admin.register(Alliance)
class AllianceAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    list_display = ["name", "acronym", "territory", "region", "coordinating_organisation"]
    list_select_related = ["coordinating_organisation"]
    search_fields = ["name", "acronym", "territory", "region"]
    autocomplete_fields = ["coordinating_organisation", "funders"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AllianceRoleInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is AllianceRole:
            for role in formset.save(commit=False):
                if role.pk is None:
                    role.granted_by = request.user
                role.save()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)


@admin.register(AllianceRole)
class AllianceRoleAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    list_display = ["user", "alliance", "role", "granted_at", "granted_by", "ended_on"]
    list_select_related = ["user", "alliance", "granted_by"]
    list_filter = ["role", "alliance", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "alliance__name", "alliance__acronym"]
    autocomplete_fields = ["user", "alliance"]
    date_hierarchy = "granted_at"

    def get_readonly_fields(self, request, obj=None):
        granted = ["granted_at", "granted_by"]
        return granted if obj is None else [*GRANT_FIELDS, *granted]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
