from django.contrib import admin

from asis.admin import NoDeleteAdmin
from notifications.models import NotificationPreference, PendingNotice


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(NoDeleteAdmin):
    list_display = ["user", "kind", "frequency", "updated_at"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


@admin.register(PendingNotice)
class PendingNoticeAdmin(NoDeleteAdmin):
    list_display = ["subject", "user", "kind", "created_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["subject", "user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["alliance", "digest_email"]
