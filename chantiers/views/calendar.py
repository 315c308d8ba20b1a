"""Being written (issue 3)."""
from django.http import Http404


def meeting_list(request):
    raise Http404


def meeting_feed(request, token):
    raise Http404
