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
from asis.signals import organisation_renamed
from organisations.models import (
    Citizen,
    Membership,
    MembershipInvitation,
    MembershipRequest,
    Organisation,
    User,
)
from organisations.services import NAMING_FIELDS


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
    search_fields = ["name", "acronym", "sector", "neq"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and set(NAMING_FIELDS) & set(form.changed_data):  # as organisation_update does
            organisation_renamed.send(sender=Organisation, organisation_id=obj.pk)


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
    # the citizen's own account (issue 21, part 5): offered, linked and withdrawn through the portal's pages only
    readonly_fields = ["user"]


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
