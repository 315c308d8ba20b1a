"""Being written (issue 3)."""
from django.http import Http404


def hyperconcertation(request):
    raise Http404


def threshold_update(request):
    raise Http404


def citizen_participation(request):
    raise Http404
