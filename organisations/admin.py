from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from asis.admin import GuardedDeleteMixin, ModelAdmin, NoDeleteAdmin, TabularInline
from organisations.models import (
    Citizen,
    Membership,
    MembershipRequest,
    Organisation,
    User,
)


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    can_delete = False  # a membership ends with its end date; it is not deleted
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(GuardedDeleteMixin, DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Coordonnées"), {"fields": ("phone",)}),)
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
class CitizenAdmin(ModelAdmin):
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
