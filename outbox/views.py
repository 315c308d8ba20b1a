"""The outbox page of an alliance (/<alliance>/courriels/): its Coordination sees each e-mail waiting, sent or
failed (with the reason) and sends a failed one again. Personnel get 403; anyone else 404 (nothing to enumerate)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from post_office.models import STATUS

from asis.mail import email_resend as email_resend_service
from outbox import selectors

PAGE_SIZE = 50


def _alliance_for(request):
    """The request's alliance for its Coordination; 403 for its staff, 404 for anyone else."""
    alliance = getattr(request, "alliance", None)
    if alliance is None:
        raise Http404
    if request.user.is_coordinator:
        return alliance
    if request.user.is_personnel:
        raise PermissionDenied
    raise Http404


@login_required
@require_GET
def email_list(request):
    alliance = _alliance_for(request)
    status_filter = request.GET.get("statut")
    if status_filter not in selectors.FILTERS:
        status_filter = None
    emails = selectors.email_list(request.user, alliance, status_filter)
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    for email in page:
        email.reason = selectors.failure_reason(email.failures[0]) if email.failures else ""
    context = {
        "page": page,
        "status_filter": status_filter,
        "counts": selectors.email_counts(request.user, alliance),
        "STATUS": STATUS,
    }
    return render(request, "outbox/email_list.html", context)


@login_required
def email_resend(request, pk):
    """« Renvoyer »: a failed e-mail queued again (POST; 405 otherwise, once the access is decided)."""
    alliance = _alliance_for(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    email = get_object_or_404(selectors.emails_visible_to(request.user, alliance), pk=pk)
    if email.status != STATUS.failed:
        messages.info(request, _("Ce courriel n'est pas en échec : rien à renvoyer."))
    else:
        email_resend_service(email=email)
        messages.success(request, _("Le courriel est de nouveau en attente : il partira au prochain passage."))
    return redirect(reverse("outbox:email-list") + "?statut=echec")
