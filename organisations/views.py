"""Sign-up, an organisation's page and members, and coordination's decisions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisations import services
from organisations.access import coordination_required, get_organisation_for_user
from organisations.forms import InviteForm, OrganisationForm, ReasonForm, SignupForm
from organisations.models import Membership, MembershipRequest, Organisation
from organisations.privacy import users_sharing_contact


def _form_error(form, error: ValidationError) -> None:
    """Attach a service's error to the form: to its field when the form has one, else to the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Sign-up -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_register(
                username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
                email=data["email"], password=data["password1"], organisation=form.organisation_data(),
                join=data["join"] if data["choice"] == SignupForm.JOIN else None, message=data["message"],
                consents=form.consents(),
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if data["choice"] == SignupForm.NEW:
                organisation = user.memberships.get().organisation
                messages.success(
                    request,
                    _(
                        "Bienvenue! Votre compte est créé et « %(name)s » est inscrite. La coordination de l'Alliance "
                        "doit approuver l'organisation : d'ici là, vous pouvez préparer des brouillons, mais rien "
                        "soumettre. Vous recevrez un courriel dès sa décision."
                    )
                    % {"name": organisation.name},
                )
                return redirect(organisation)
            messages.success(
                request,
                _(
                    "Bienvenue! Votre compte est créé et votre demande pour joindre « %(name)s » est transmise. "
                    "La coordination de l'Alliance doit l'approuver; vous recevrez un courriel dès sa décision."
                )
                % {"name": data["join"].name},
            )
            return redirect("home")
    return render(request, "organisations/signup.html", {"form": form})


# An organisation's page ----------------------------------------------------------------------


def _detail_context(request, organisation, *, invite_form=None):
    # Law 25: members' contact details are Coordination's, unless the member agreed to show them (or it is you);
    # the agreement is read in the same query as the members.
    memberships = list(
        organisation.memberships.select_related("user")
        .annotate(contact_shared=users_sharing_contact())
        .order_by("left_on", "user__last_name", "user__first_name")
    )
    can_manage = organisation.can_manage_members(request.user)
    for membership in memberships:
        membership.contact_shown = (
            request.user.is_coordinator or membership.contact_shared or membership.user_id == request.user.pk
        )
    return {
        "organisation": organisation,
        "members": [m for m in memberships if m.left_on is None],
        "former_members": [m for m in memberships if m.left_on is not None],
        "can_edit": organisation.can_edit(request.user),
        "can_manage": can_manage,
        "invite_form": (invite_form or InviteForm()) if can_manage and organisation.status != Organisation.Status.ARCHIVED else None,
    }


@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request, pk)
    return render(request, "organisations/organisation_detail.html", _detail_context(request, organisation))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_update(request, pk):
    organisation = get_organisation_for_user(request, pk, edit=True)
    form = OrganisationForm(
        request.POST or None, instance=organisation, can_edit_identity=organisation.can_edit_identity(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, by=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(organisation)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def member_invite(request, pk):
    organisation = get_organisation_for_user(request, pk, manage=True)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_invite(
                organisation=organisation, by=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(who)s fait maintenant partie de l'organisation; un courriel lui a été envoyé à %(email)s.")
                % {"who": membership.user, "email": membership.user.email},
            )
            return redirect(organisation)
    return render(
        request, "organisations/organisation_detail.html", _detail_context(request, organisation, invite_form=form)
    )


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    organisation = get_organisation_for_user(request, pk, manage=True)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation)
    try:
        services.member_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(who)s ne fait plus partie de l'organisation; son historique est conservé.") % {"who": membership.user}
        )
    return redirect(organisation)


# Coordination's decisions ------------------------------------------------------------------


@coordination_required
def request_list(request):
    responsables = Prefetch(
        "memberships",
        queryset=Membership.objects.current().filter(role=Membership.Role.RESPONSABLE).select_related("user"),
        to_attr="responsables",
    )
    return render(
        request,
        "organisations/request_list.html",
        {
            "organisations": Organisation.objects.pending().prefetch_related(responsables).order_by("created_at"),
            "requests": MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING)
            .select_related("user", "organisation").order_by("created_at"),
        },
    )


@coordination_required
@require_POST
def organisation_approve(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        services.organisation_approve(organisation=organisation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("« %(name)s » est approuvée; ses responsables en sont avisés par courriel.") % {"name": organisation.name})
    return redirect("organisations:request-list")


@coordination_required
@require_http_methods(["GET", "POST"])
def organisation_refuse(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_refuse(organisation=organisation, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("« %(name)s » est refusée et archivée; ses responsables en sont avisés par courriel.") % {"name": organisation.name})
            return redirect("organisations:request-list")
    return render(
        request, "organisations/refuse_form.html",
        {"form": form, "subject": organisation, "title": _("Refuser l'organisation « %(name)s »") % {"name": organisation.name}},
    )


@coordination_required
@require_POST
def membership_request_approve(request, pk):
    membership_request = get_object_or_404(MembershipRequest.objects.select_related("user", "organisation"), pk=pk)
    try:
        services.membership_request_approve(membership_request=membership_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(who)s est maintenant membre de « %(name)s »; la personne en est avisée par courriel.")
            % {"who": membership_request.user, "name": membership_request.organisation.name},
        )
    return redirect("organisations:request-list")


@coordination_required
@require_http_methods(["GET", "POST"])
def membership_request_refuse(request, pk):
    membership_request = get_object_or_404(MembershipRequest.objects.select_related("user", "organisation"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request_refuse(
                membership_request=membership_request, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Demande refusée; la personne en est avisée par courriel."))
            return redirect("organisations:request-list")
    title = _("Refuser la demande de %(who)s pour « %(name)s »") % {
        "who": membership_request.user, "name": membership_request.organisation.name,
    }
    return render(request, "organisations/refuse_form.html", {"form": form, "subject": membership_request, "title": title})


def locked_out(request, original_response=None, credentials=None):
    """django-axes answers here once a username has failed too often from one address (429)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request, "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}, status=429,
    )
