from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from asis.admin import (
    GuardedDeleteMixin,
    ModelAdmin,
    NoDeleteAdmin,
    ReadOnlyAdmin,
    TabularInline,
)
from organisations.models import (
    Citizen,
    ConfidentialityIncident,
    Consent,
    Membership,
    MembershipInvitation,
    MembershipRequest,
    Organisation,
    PrivacyAction,
    PrivacyRequest,
    User,
)


class ContactDetailsForCoordinationMixin:
    """Law 25: people's contact details are Coordination's; Personnel reads the admin without them."""

    contact_fields = ("email", "phone")

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.is_coordinator:
            excluded += [name for name in self.contact_fields if name not in excluded]
        return excluded

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if request.user.is_coordinator:
            return shown
        return [name for name in shown if name not in self.contact_fields]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.is_coordinator:
            return fields
        return [name for name in fields if name not in self.contact_fields]


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    can_delete = False  # a membership ends with its end date; it is not deleted
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(ContactDetailsForCoordinationMixin, GuardedDeleteMixin, DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Coordonnées"), {"fields": ("phone",)}),)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_coordinator:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in self.contact_fields]})
            for name, options in fieldsets
        ]
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    """Organisations are archived (status « Archivée »), never deleted."""

    list_display = ["name", "acronym", "kind", "sector", "status", "is_demo"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = ["name", "acronym", "sector"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin, NoDeleteAdmin):
    """A membership ends with its end date (« jusqu'au »), never deleted."""

    list_display = ["user", "organisation", "role", "joined_on", "left_on"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Citizen)
class CitizenAdmin(ContactDetailsForCoordinationMixin, ModelAdmin):
    list_display = ["last_name", "first_name", "neighbourhood", "consent_to_contact", "consent_given_on", "is_demo"]
    list_filter = ["consent_to_contact", "is_demo"]
    search_fields = ["last_name", "first_name", "neighbourhood", "email"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["user", "organisation", "decided_by"]
    search_fields = ["user__username", "user__last_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "decided_by"]
    readonly_fields = ["created_at"]


@admin.register(MembershipInvitation)
class MembershipInvitationAdmin(ReadOnlyAdmin):
    """Written by the organisation's page (services.member_invite): read here, never forged (the link's
    secret is only in the e-mail)."""

    list_display = ["email", "organisation", "status", "invited_by", "created_at", "expires_at", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name"]
    autocomplete_fields = ["organisation", "invited_by", "answered_by"]
    exclude = ["token_hash"]


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
    list_display = ["discovered_on", "people_affected", "serious_risk", "cai_notified_on", "people_notified_on", "kept_until"]
    list_filter = ["serious_risk"]
    list_select_related = ["recorded_by"]
    search_fields = ["information_involved", "circumstances"]
    readonly_fields = ["kept_until", "recorded_by", "recorded_at"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        from organisations import privacy

        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in privacy.INCIDENT_FIELDS}
        if change:
            privacy.incident_update(incident=obj, by=request.user, **fields)
        else:
            saved = privacy.incident_record(by=request.user, **fields)
            obj.pk = saved.pk
