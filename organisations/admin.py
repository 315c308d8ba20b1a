from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from organisations.models import (
    Citizen,
    Membership,
    MembershipRequest,
    Organisation,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Coordonnées"), {"fields": ("phone",)}),)
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "sector", "status", "is_demo"]
    list_filter = ["status", "kind", "is_demo"]
    search_fields = ["name", "acronym", "sector"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_on", "left_on"]
    list_filter = ["role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "neighbourhood", "consent_to_contact", "consent_given_on", "is_demo"]
    list_filter = ["consent_to_contact", "is_demo"]
    search_fields = ["last_name", "first_name", "neighbourhood", "email"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["user", "organisation", "decided_by"]
    search_fields = ["user__username", "user__last_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "decided_by"]
    readonly_fields = ["created_at"]
