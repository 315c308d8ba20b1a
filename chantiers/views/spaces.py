"""Being written (issue 3)."""
from django.http import Http404


def space_list(request, *args, **kwargs):
    raise Http404


def space_create(request, *args, **kwargs):
    raise Http404


def space_detail(request, *args, **kwargs):
    raise Http404


def space_update(request, *args, **kwargs):
    raise Http404


def space_archive(request, *args, **kwargs):
    raise Http404


def space_restore(request, *args, **kwargs):
    raise Http404


def space_member_add(request, *args, **kwargs):
    raise Http404


def space_member_remove(request, *args, **kwargs):
    raise Http404


def space_citizen_add(request, *args, **kwargs):
    raise Http404


def space_citizen_remove(request, *args, **kwargs):
    raise Http404

