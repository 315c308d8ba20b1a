from django.contrib import admin

from asis.admin import NoDeleteAdmin, ReadOnlyAdmin
from privacy import services
from privacy.models import ConfidentialityIncident, Consent, PrivacyAction, PrivacyRequest


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "purpose", "text_version", "given_at", "source", "withdrawn_at"]
    list_filter = ["purpose", "source"]
    list_select_related = ["user", "citizen"]
    search_fields = ["user__username", "user__last_name", "citizen__last_name"]
    autocomplete_fields = ["user", "citizen", "recorded_by", "withdrawn_by"]


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdmin):
    list_display = ["kind", "user", "citizen", "received_on", "due_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["user", "citizen"]
    search_fields = ["user__username", "user__last_name", "citizen__last_name"]


@admin.register(PrivacyAction)
class PrivacyActionAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "user", "citizen", "by", "summary"]
    list_filter = ["action"]
    list_select_related = ["user", "citizen", "by"]
    search_fields = ["summary", "user__username", "citizen__last_name"]


@admin.register(ConfidentialityIncident)
class ConfidentialityIncidentAdmin(NoDeleteAdmin):
    list_display = [
        "discovered_on",
        "people_affected",
        "serious_risk",
        "cai_notified_on",
        "people_notified_on",
        "kept_until",
    ]
    list_filter = ["serious_risk"]
    list_select_related = ["recorded_by"]
    search_fields = ["information_involved", "circumstances"]
    readonly_fields = ["kept_until", "recorded_by", "recorded_at"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in services.INCIDENT_FIELDS}
        if change:
            services.incident_update(incident=obj, by=request.user, **fields)
        else:
            saved = services.incident_record(by=request.user, **fields)
            obj.pk = saved.pk
