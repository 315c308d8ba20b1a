"""The scheduled jobs' runs and the worker's heartbeat in the admin, for reading (the worker writes them); the
e-mails themselves are in django-post-office's admin and on /<alliance>/courriels/."""

from django.contrib import admin

from asis.admin import ReadOnlyAdmin
from asis.models import JobRun, WorkerHeartbeat


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "job", "started_at", "finished_at", "succeeded"]
    list_filter = ["job", "succeeded"]
    search_fields = ["job", "output"]
    date_hierarchy = "day"


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "beat_at"]
    search_fields = ["name"]
