"""Being written (issue 3)."""
from django.http import Http404


def meeting_create(request, *args, **kwargs):
    raise Http404


def meeting_detail(request, *args, **kwargs):
    raise Http404


def meeting_update(request, *args, **kwargs):
    raise Http404


def meeting_attendance(request, *args, **kwargs):
    raise Http404


def decision_create(request, *args, **kwargs):
    raise Http404


def follow_up_done(request, *args, **kwargs):
    raise Http404

