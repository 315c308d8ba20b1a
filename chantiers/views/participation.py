"""Principle 3 (avoid hyperconcertation) and principle 5 (the citizen at the heart), each of the page's alliance.

Hyperconcertation names organisations and people: Coordination and Personnel only. Citizen participation names
nobody (figures per space): the regional funder reads it too."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from chantiers import selectors
from chantiers.access import (
    coordination_required,
    figures_readers_required,
    page_plan,
    refuse_closed_plan,
    staff_or_coordination_required,
)
from chantiers.forms import ThresholdForm
from plans import services as plan_services

PER_PAGE = 50


def _sorting(request) -> tuple[str, bool]:
    """?tri=<column>&ordre=desc|asc; anything else falls back to the default (most meetings first)."""
    column = request.GET.get("tri")
    if column not in selectors.SORT_COLUMNS:
        column = selectors.DEFAULT_SORT
    return column, request.GET.get("ordre") != "asc"


def _page_link(query: str, anchor: str) -> str:
    """Links always lead to the page itself, also when it is shown by the threshold form's URL after an error."""
    return f"{reverse('chantiers:hyperconcertation')}?{query}#{anchor}"


def _header(column: str, current: str, descending: bool, anchor: str) -> dict:
    """A sortable column header: its link (the other order when it is the current column) and aria-sort."""
    is_current = column == current
    next_order = "asc" if is_current and descending else "desc"
    return {
        "url": _page_link(f"tri={column}&ordre={next_order}", anchor),
        "aria_sort": ("descending" if descending else "ascending") if is_current else "",
        "next_descending": next_order == "desc",
    }


def _page_url(request, param: str, number: int, anchor: str) -> str:
    """Another page of one table, keeping the sort and the other table's page."""
    query = request.GET.copy()
    query[param] = number
    return _page_link(query.urlencode(), anchor)


def _table(request, key: str, loads: selectors.RankedLoads, column: str, descending: bool, windows) -> dict:
    """One table: its page of rows, read sorted from the database with its over-threshold count (one query)."""
    param = f"page-{key}"
    page = Paginator(loads, PER_PAGE).get_page(request.GET.get(param))
    return {
        "id": key,
        "page": page,
        "over_count": loads.over_count,
        "previous_url": _page_url(request, param, page.previous_page_number(), key) if page.has_previous() else "",
        "next_url": _page_url(request, param, page.next_page_number(), key) if page.has_next() else "",
        "spaces_header": _header("lieux", column, descending, key),
        "window_headers": [
            {
                "window": window,
                "meetings": _header(f"rencontres-{window.months}", column, descending, key),
                "hours": _header(f"heures-{window.months}", column, descending, key),
            }
            for window in windows
        ],
    }


def _hyperconcertation_page(request, *, form=None, status=200):
    plan = page_plan(request)  # 1
    threshold = plan.meeting_threshold_per_month if plan else selectors.DEFAULT_THRESHOLD
    column, descending = _sorting(request)
    # 1: the figures' state and the counts (5 more to build the figures after a write or on a new day)
    report = selectors.hyperconcertation_report(
        alliance=request.alliance, threshold=threshold, column=column, descending=descending
    )
    windows = report["windows"]
    if form is None and plan is not None and not plan.is_archived and request.user.is_coordinator:
        form = ThresholdForm(initial={"threshold": threshold})
    context = {
        "plan": plan,
        "threshold": threshold,
        "windows": windows,
        "form": form,
        "organisations": _table(request, "organisations", report["organisations"], column, descending, windows),
        "people": _table(request, "personnes", report["people"], column, descending, windows),
    }
    return render(request, "chantiers/hyperconcertation.html", context, status=status)


@require_safe
@staff_or_coordination_required
def hyperconcertation(request):
    """Who is asked to too many meetings: every organisation and every person, over 3, 6 and 12 months."""
    return _hyperconcertation_page(request)


@require_POST
@coordination_required
def threshold_update(request):
    """Coordination sets the monthly threshold of the page's plan (not of a closed one); a bad value is shown on
    the page, nothing saved."""
    plan = page_plan(request)
    if plan is None:
        raise Http404(_("Aucun plan d'action n'est encore chargé."))
    refuse_closed_plan(request)
    form = ThresholdForm(request.POST)
    if not form.is_valid():
        return _hyperconcertation_page(request, form=form, status=400)
    threshold = plan_services.plan_threshold_update(
        plan=plan, threshold=form.cleaned_data["threshold"]
    ).meeting_threshold_per_month
    messages.success(
        request,
        ngettext(
            "Seuil d'hyperconcertation enregistré : %(threshold)s rencontre par mois.",
            "Seuil d'hyperconcertation enregistré : %(threshold)s rencontres par mois.",
            threshold,
        )
        % {"threshold": threshold},
    )
    return redirect("chantiers:hyperconcertation")


@require_safe
@figures_readers_required
def citizen_participation(request):
    """Per active space of the alliance: citizen members, their attendance rate, and the decisions taken with a
    citizen present."""
    context = selectors.citizen_participation(alliance=request.alliance)
    return render(request, "chantiers/citizen_participation.html", context)
