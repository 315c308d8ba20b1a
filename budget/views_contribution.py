"""« Contribution de la concertation » (issue 21, part 3): the alliance's hourly rate for its partners' staff time at
meetings, with its history, and the support paid to help citizens take part. Who may:

- read the page: Coordination, Personnel and the regional funder (every space), a facilitator (their spaces' support
  only); a partner who runs no space gets 403, an anonymous visitor the login page;
- set the rate: Coordination (403 for the others);
- record or cancel a support payment: Coordination, or a facilitator for their own space's (a support of another
  space they do not run: 403; of another alliance, or unknown: 404).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from asis.forms import add_service_error
from budget.forms_contribution import ContributionRateForm, ParticipationSupportCancelForm, ParticipationSupportForm
from budget.models import ParticipationSupport
from budget.selectors import contribution as selectors
from budget.services import contribution as services
from chantiers.access import facilitated_spaces
from chantiers.models import Space


def signed_in(view):
    """An anonymous visitor signs in first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _writable(request) -> list[int] | None:
    """The spaces of the request's alliance whose support this person records: None for Coordination (all of them),
    a facilitator's own spaces, or 403."""
    if request.user.is_coordinator:
        return None
    alliance_id = request.alliance.pk
    spaces = sorted(pk for pk, alliance in facilitated_spaces(request.user).items() if alliance == alliance_id)
    if not spaces:
        raise PermissionDenied
    return spaces


def _readable(request) -> tuple[list[int] | None, list[int] | None | bool]:
    """(the spaces whose support this person reads — None: all —, those they record — None: all, False: none)."""
    try:
        writes = _writable(request)
    except PermissionDenied:
        if not request.user.reads_figures:
            raise
        return None, False
    return (None if request.user.reads_figures else writes), writes


def _support_form(request, spaces, data=None):
    allowed = Space.objects.in_alliance(request.alliance).active()
    if spaces is not None:
        allowed = allowed.filter(pk__in=spaces)
    return ParticipationSupportForm(data, alliance=request.alliance, spaces=allowed)


def _page(request, *, rate_form=None, support_form=None, status=200):
    reads, writes = _readable(request)
    records = writes is not False
    context = {
        "rates": selectors.rate_history(request.alliance),
        "supports": selectors.supports_of(request.alliance, spaces=reads),
        "totals": selectors.support_totals(request.alliance, spaces=reads),
        "can_set_rate": request.user.is_coordinator,
        "can_record": records,
        "cancellable": None if writes is None else set(writes or ()),
        "facilitator_only": reads is not None,
        "rate_form": rate_form or (ContributionRateForm() if request.user.is_coordinator else None),
        "support_form": support_form or (_support_form(request, writes) if records else None),
        "category": services.PARTICIPATION_CATEGORY,
    }
    return render(request, "budget/contribution.html", context, status=status)


@signed_in
@require_safe
def contribution(request):
    """The rate's history and the support payments (all, or a facilitator's spaces'), with their forms."""
    return _page(request)


@signed_in
@require_POST
def contribution_rate_set(request):
    if not request.user.is_coordinator:
        raise PermissionDenied
    form = ContributionRateForm(request.POST)
    if form.is_valid():
        try:
            services.contribution_rate_set(alliance=request.alliance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Taux horaire enregistré."))
            return redirect("budget:contribution")
    return _page(request, rate_form=form, status=400)


@signed_in
@require_POST
def participation_support_record(request):
    spaces = _writable(request)
    form = _support_form(request, spaces, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.participation_support_record(by=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Soutien à la participation consigné."))
            return redirect("budget:contribution")
    return _page(request, support_form=form, status=400)


@signed_in
@require_POST
def participation_support_cancel(request, pk):
    spaces = _writable(request)
    support = get_object_or_404(ParticipationSupport.objects.in_alliance(request.alliance), pk=pk)
    if spaces is not None and support.space_id not in spaces:
        raise PermissionDenied
    form = ParticipationSupportCancelForm(request.POST)
    if form.is_valid():
        try:
            services.participation_support_cancel(support=support, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Soutien annulé; il reste dans l'historique."))
        return redirect("budget:contribution")
    # the page again with what is wrong (a missing or too long reason), nothing cancelled
    problems = [str(message) for errors in form.errors.values() for message in errors]
    messages.error(request, " ".join([_("Donnez le motif de l'annulation."), *problems]))
    return _page(request, status=400)
