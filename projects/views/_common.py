"""What every page of the projects shows when it refuses: the reason, in French."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def forbidden(request, error: PermissionDenied):
    return render(request, "projects/project_forbidden.html", {"message": str(error)}, status=403)


def shows_refusal(view):
    """A refusal that gives its reason (a closed plan, a project no longer editable) answers 403 with it on the
    page; one without a reason answers Django's plain 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            if not str(error):
                raise
            return forbidden(request, error)

    return wrapper
