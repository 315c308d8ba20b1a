"""An organisation's page and members, invitations, and coordination's decisions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_http_methods, require_POST

from asis import throttle
from asis.forms import add_service_error
from organisations import services
from organisations.access import coordination_required, get_organisation_for_user
from organisations.contact import contact_shared
from organisations.forms import InvitationSignupForm, InviteForm, OrganisationForm, ReasonForm
from organisations.models import Membership, MembershipInvitation, MembershipRequest, Organisation

# An organisation's page ----------------------------------------------------------------------


def _detail_context(request, organisation, *, invite_form=None):
    # Law 25: members' contact details are Coordination's, unless the member agreed to show them (or it is you);
    # the agreement is read in the same query as the members.
    memberships = list(
        organisation.memberships.select_related("user")
        .annotate(contact_shared=contact_shared())
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
        "invite_form": (invite_form or InviteForm()) if organisation.can_invite_members(request.user) else None,
        # Invitations not yet answered, for the responsables to cancel (expired ones are left out: they no longer work).
        "invitations": (list(organisation.membership_invitations.open().order_by("created_at")) if can_manage else []),
        "invitation_days": settings.INVITATION_EXPIRY_DAYS,
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
                organisation=organisation,
                by=request.user,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(organisation)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def member_invite(request, pk):
    organisation = get_organisation_for_user(request, pk, manage=True)
    if not organisation.can_invite_members(request.user):
        raise PermissionDenied  # a pending or archived organisation's responsables do not invite
    form = InviteForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        if throttle.client_mail_exhausted(request):
            form.add_error(None, _("Trop d'invitations envoyées depuis une heure : réessayez plus tard."))
        else:
            try:
                # Over the hourly limit for this address, nothing is sent, and the answer is the same.
                if throttle.mail_allowed(request, email):
                    services.member_invite(
                        organisation=organisation,
                        email=email,
                        by=request.user,
                        base_url=request.build_absolute_uri("/"),
                    )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                # The same words for every address: whether it has an account is nobody's business here.
                messages.success(
                    request,
                    _(
                        "Invitation envoyée à %(email)s. La personne fera partie de l'organisation si elle accepte "
                        "l'invitation (lien valable %(days)s jours)."
                    )
                    % {"email": email, "days": settings.INVITATION_EXPIRY_DAYS},
                )
                return redirect(organisation)
    return render(
        request, "organisations/organisation_detail.html", _detail_context(request, organisation, invite_form=form)
    )


@login_required
@require_POST
def invitation_cancel(request, pk, invitation_pk):
    organisation = get_organisation_for_user(request, pk, manage=True)
    invitation = get_object_or_404(MembershipInvitation, pk=invitation_pk, organisation=organisation)
    try:
        services.invitation_cancel(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Invitation à %(email)s annulée : son lien ne fonctionne plus.") % {"email": invitation.email}
        )
    return redirect(organisation)


# An invitation, seen by the person invited (through the link's secret) --------------------------------------


def _open_invitation(token: str) -> MembershipInvitation:
    invitation = services.invitation_find(token)
    if invitation is None or not invitation.is_open:
        raise Http404
    return invitation


def _invitation_page(request, invitation, *, token="", form=None, status=200):
    if form is None and invitation is not None and not request.user.is_authenticated:
        form = InvitationSignupForm(email=invitation.email)
    return render(
        request,
        "organisations/invitation_detail.html",
        {
            "token": token,
            "invitation": invitation,
            "organisation": invitation.organisation if invitation else None,
            "is_for_me": invitation is not None and invitation.is_for(request.user),
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET"])
def invitation_detail(request, token):
    invitation = services.invitation_find(token)
    if invitation is None or not invitation.is_open:
        # Unknown, used, declined, cancelled or expired: one answer, with a way forward.
        return _invitation_page(request, None, status=404)
    return _invitation_page(request, invitation, token=token)


@login_required
@require_POST
def invitation_accept(request, token):
    invitation = _open_invitation(token)
    if not invitation.is_for(request.user):
        raise PermissionDenied  # only the account of the invited address accepts
    try:
        services.invitation_accept(invitation=invitation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("home")
    messages.success(
        request, _("Vous faites maintenant partie de « %(name)s ».") % {"name": invitation.organisation.name}
    )
    return redirect(invitation.organisation)


@require_POST
def invitation_decline(request, token):
    invitation = _open_invitation(token)
    if request.user.is_authenticated and not invitation.is_for(request.user):
        raise PermissionDenied
    try:
        services.invitation_decline(invitation=invitation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation déclinée : vous ne faites pas partie de l'organisation."))
    return redirect("home")


@require_http_methods(["GET", "POST"])
def invitation_register(request, token):
    invitation = _open_invitation(token)
    if request.user.is_authenticated:
        return redirect("organisations:invitation-detail", token=token)
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_register(
                invitation=invitation,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Bienvenue! Votre compte est créé et vous faites partie de « %(name)s ».")
                % {"name": invitation.organisation.name},
            )
            return redirect(invitation.organisation)
    return _invitation_page(request, invitation, token=token, form=form)


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    organisation = get_organisation_for_user(request, pk, manage=True)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    try:
        services.member_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(who)s ne fait plus partie de l'organisation; son historique est conservé.") % {"who": membership.user},
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
            .select_related("user", "organisation")
            .order_by("created_at"),
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
        messages.success(
            request,
            _("« %(name)s » est approuvée; ses responsables en sont avisés par courriel.")
            % {"name": organisation.name},
        )
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
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("« %(name)s » est refusée et archivée; ses responsables en sont avisés par courriel.")
                % {"name": organisation.name},
            )
            return redirect("organisations:request-list")
    return render(
        request,
        "organisations/refuse_form.html",
        {
            "form": form,
            "subject": organisation,
            "title": _("Refuser l'organisation « %(name)s »") % {"name": organisation.name},
        },
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
            request,
            _("%(who)s est maintenant membre de « %(name)s »; la personne en est avisée par courriel.")
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
            add_service_error(form, error)
        else:
            messages.success(request, _("Demande refusée; la personne en est avisée par courriel."))
            return redirect("organisations:request-list")
    title = _("Refuser la demande de %(who)s pour « %(name)s »") % {
        "who": membership_request.user,
        "name": membership_request.organisation.name,
    }
    return render(
        request, "organisations/refuse_form.html", {"form": form, "subject": membership_request, "title": title}
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes answers here once a username has failed too often from one address (429)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )


def language_set(request):
    """Django's language switcher (`set_language`: POST only, the cookie, back to the page), which also keeps a
    logged-in person's choice on their account: the e-mails the portal sends them are in it. Anyone may use it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in {code for code, _name in settings.LANGUAGES}
    ):
        services.user_language_set(user=request.user, language=language)
    return response
