"""Concertation spaces: chantiers, existing committees and tables (principle 2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error, enjeu_param, search_text
from chantiers import services
from chantiers.access import (
    can_run_meetings,
    coordination_required,
    facilitated_spaces,
    get_space_for_user,
    page_plan,
    refuse_writes,
    shows_closed_plan,
)
from chantiers.forms import FacilitatorForm, SeatCitizenForm, SeatOrganisationForm, SpaceForm
from chantiers.models import Meeting, Space, SpaceCitizen, SpaceFacilitator, SpaceMembership
from plans.models import Theme


@login_required
def space_list(request):
    """The alliance's spaces the user may see, with their themes, lead, number of members and next meeting."""
    spaces = Space.objects.in_alliance(request.alliance).visible_to(request.user)
    status = request.GET.get("statut", Space.Status.ACTIVE)
    if status in Space.Status.values:
        spaces = spaces.filter(status=status)
    next_meeting = Meeting.objects.filter(space=OuterRef("pk")).upcoming().values("date")[:1]
    members = (
        SpaceMembership.objects.current()
        .filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    citizens = (
        SpaceCitizen.objects.current()
        .filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    spaces = (
        spaces.select_related("lead_organisation", "coordinator")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order")))
        .annotate(member_count=Subquery(members), citizen_count=Subquery(citizens), next_meeting=Subquery(next_meeting))
        .order_by("name")
    )
    page = Paginator(spaces, 25).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": Space.Status, "read_only": shows_closed_plan(request)}
    if not request.user.is_coordinator:
        # « Mes lieux à animer »: the spaces of this alliance whose meetings the person runs (one query, none more
        # when they run none).
        mine = [
            pk for pk, alliance_id in facilitated_spaces(request.user).items() if alliance_id == request.alliance.pk
        ]
        context["facilitated"] = list(Space.objects.filter(pk__in=mine).order_by("name")) if mine else []
    return render(request, "chantiers/space_list.html", context)


def _space_context(request, space, *, org_form=None, citizen_form=None, facilitator_form=None):
    user = request.user
    read_only = shows_closed_plan(request)
    can_manage = user.is_coordinator and not read_only
    memberships = list(space.memberships.select_related("organisation").order_by("left_on", "organisation__name"))
    seats = list(space.citizen_memberships.select_related("citizen").order_by("left_on", "citizen__last_name"))
    facilitators = list(space.facilitators.select_related("user"))
    meetings = Meeting.objects.filter(space=space).annotate(
        present=Count("attendances", filter=Q(attendances__present=True))
    )
    context = {
        "space": space,
        "themes": space.themes.order_by("order"),
        "current_members": [m for m in memberships if m.left_on is None],
        "former_members": [m for m in memberships if m.left_on is not None],
        "current_citizens": [s for s in seats if s.left_on is None],
        "former_citizens": [s for s in seats if s.left_on is not None],
        "upcoming": list(meetings.upcoming()[:10]),
        "past": list(meetings.past()[:10]),
        # The projects of the space through the relation, as the projects app defines who sees which.
        "projects": space.projects.visible_to(user).select_related("lead").order_by("title"),
        # Citizens' names are personal information: coordination and staff only.
        "show_citizen_names": user.sees_everything,
        "can_manage": can_manage,
        # Coordination and the space's facilitators schedule its meetings.
        "can_run": can_run_meetings(user, space) and not read_only,
        "current_facilitators": [f for f in facilitators if f.until is None],
        "former_facilitators": [f for f in facilitators if f.until is not None],
    }
    if can_manage and space.status == Space.Status.ACTIVE:
        context["facilitator_form"] = facilitator_form or FacilitatorForm(space=space)
        # ?org-q= and ?cit-q= narrow the names each seat form offers (at most SEAT_CHOICES each, one query each).
        context["org_form"] = org_form or SeatOrganisationForm(
            space=space, search=search_text(request.GET.get("org-q"))
        )
        context["citizen_form"] = citizen_form or SeatCitizenForm(
            space=space, search=search_text(request.GET.get("cit-q"))
        )
    return context


@login_required
def space_detail(request, pk):
    space = get_space_for_user(request, pk, queryset=Space.objects.select_related("lead_organisation", "coordinator"))
    return render(request, "chantiers/space_detail.html", _space_context(request, space))


@coordination_required
@require_http_methods(["GET", "POST"])
def space_create(request):
    """A new space of the request's alliance, on its plan's themes."""
    refuse_writes(request)
    plan = page_plan(request)
    initial = {"coordinator": request.user}
    if plan is not None and (slug := enjeu_param(request)):
        initial["themes"] = Theme.objects.filter(plan=plan, slug=slug)
    form = SpaceForm(request.POST or None, plan=plan, alliance=request.alliance, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        try:
            space = services.space_create(themes=themes, by=request.user, alliance=request.alliance, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le lieu de concertation « %(name)s » est créé.") % {"name": space.name})
            return redirect("chantiers:space-detail", pk=space.pk)
    return render(request, "chantiers/space_form.html", {"form": form, "space": None})


@coordination_required
@require_http_methods(["GET", "POST"])
def space_update(request, pk):
    space = get_space_for_user(request, pk, write=True)
    form = SpaceForm(request.POST or None, instance=space, plan=page_plan(request), alliance=request.alliance)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        try:
            services.space_update(space=space, themes=themes, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("chantiers:space-detail", pk=space.pk)
    return render(request, "chantiers/space_form.html", {"form": form, "space": space})


@coordination_required
@require_POST
def space_archive(request, pk):
    space = get_space_for_user(request, pk, write=True)
    try:
        services.space_archive(space=space)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("« %(name)s » est archivé : ses rencontres et ses projets restent consultables.") % {"name": space.name},
        )
    return redirect("chantiers:space-detail", pk=space.pk)


@coordination_required
@require_POST
def space_restore(request, pk):
    space = get_space_for_user(request, pk, write=True)
    services.space_restore(space=space)
    messages.success(request, _("« %(name)s » est de nouveau actif.") % {"name": space.name})
    return redirect("chantiers:space-detail", pk=space.pk)


def _seat(request, pk, form_class, service, key):
    space = get_space_for_user(request, pk, write=True)
    if space.status != Space.Status.ACTIVE:  # a form left open in another tab: its page has no form any more
        messages.error(request, _("Ce lieu de concertation est archivé : réactivez-le avant d'y ajouter un membre."))
        return redirect("chantiers:space-detail", pk=space.pk)
    form = form_class(request.POST, space=space)
    if form.is_valid():
        data = form.cleaned_data
        try:
            seat = service(space=space, role=data["role"], joined_on=data["joined_on"], **{key: data[key]})
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(who)s siège maintenant à ce lieu de concertation.") % {"who": getattr(seat, key)}
            )
            return redirect("chantiers:space-detail", pk=space.pk)
    forms = {"org_form": form} if key == "organisation" else {"citizen_form": form}
    return render(request, "chantiers/space_detail.html", _space_context(request, space, **forms))


@coordination_required
@require_POST
def space_member_add(request, pk):
    return _seat(request, pk, SeatOrganisationForm, services.space_seat_organisation, "organisation")


@coordination_required
@require_POST
def space_citizen_add(request, pk):
    return _seat(request, pk, SeatCitizenForm, services.space_seat_citizen, "citizen")


def _unseat(request, pk, seat_model, seat_pk):
    space = get_space_for_user(request, pk, write=True)
    seat = get_object_or_404(seat_model, pk=seat_pk, space=space)
    try:
        services.space_unseat(seat=seat)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Départ consigné; l'historique de sa participation est conservé."))
    return redirect("chantiers:space-detail", pk=space.pk)


@coordination_required
@require_POST
def space_member_remove(request, pk, seat_pk):
    return _unseat(request, pk, SpaceMembership, seat_pk)


@coordination_required
@require_POST
def space_citizen_remove(request, pk, seat_pk):
    return _unseat(request, pk, SpaceCitizen, seat_pk)


@coordination_required
@require_POST
def space_facilitator_add(request, pk):
    """Coordination names a member of a seated organisation to run the space's meetings."""
    space = get_space_for_user(request, pk, write=True)
    if space.status != Space.Status.ACTIVE:
        messages.error(request, _("Ce lieu de concertation est archivé : réactivez-le avant d'y nommer un animateur."))
        return redirect("chantiers:space-detail", pk=space.pk)
    form = FacilitatorForm(request.POST, space=space)
    if form.is_valid():
        try:
            facilitator = services.facilitator_name(space=space, user=form.cleaned_data["user"], by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(who)s anime maintenant les rencontres de ce lieu de concertation.") % {"who": facilitator.user},
            )
            return redirect("chantiers:space-detail", pk=space.pk)
    messages.error(request, _("Personne n'a été nommé : corrigez le champ signalé."))
    return render(request, "chantiers/space_detail.html", _space_context(request, space, facilitator_form=form))


@coordination_required
@require_POST
def space_facilitator_remove(request, pk, facilitator_pk):
    """The person stops running the space's meetings; the row is kept with its end date."""
    space = get_space_for_user(request, pk, write=True)
    facilitator = get_object_or_404(SpaceFacilitator, pk=facilitator_pk, space=space)
    try:
        services.facilitator_remove(facilitator=facilitator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(who)s n'anime plus ce lieu de concertation.") % {"who": facilitator.user})
    return redirect("chantiers:space-detail", pk=space.pk)
