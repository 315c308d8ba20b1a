from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the portal's pages through the services (ledger entries, the review, the
    reports): the admin shows them for reading and never adds, edits or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
