"""What every page of the projects shows when it refuses: the reason, in French."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from asis.redirects import posted_next


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


def redirect_back(request, *fallback, **fallback_kwargs):
    """Back to the page the form was posted from (its `next`, « À traiter » for instance) when it is one of the
    portal's own pages; to `fallback` (a URL name and its arguments) otherwise."""
    target = posted_next(request)
    return redirect(target) if target else redirect(*fallback, **fallback_kwargs)
