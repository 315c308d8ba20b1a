"""Writes about people and organisations: sign-up, approval, membership requests, members.

Every function is keyword-only and atomic; views, the admin, commands and tests call the same code.
E-mails go through `asis.mail.send_after_commit` (French plain text, sent after the commit).
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from asis.mail import send_after_commit
from asis.signals import organisation_renamed
from asis.templatetags.asis_format import day_date
from organisations.models import (
    Membership,
    MembershipInvitation,
    MembershipRequest,
    Organisation,
    User,
)
from organisations.roles import PARTENAIRE

NAMING_FIELDS = ("name", "acronym")  # what the pages name it by (Organisation.short_name): cached figures show them
ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "kind",
    "sector",
    "description",
    "address",
    "city",
    "postal_code",
    "phone",
    "email",
    "website",
    "neq",
)


def _responsable_emails(organisation: Organisation) -> list[str]:
    return list(
        organisation.memberships.current()
        .filter(role=Membership.Role.RESPONSABLE)
        .values_list("user__email", flat=True)
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif du refus : la personne le recevra par courriel.")})
    return reason


# Sign-up -----------------------------------------------------------------------------------


@transaction.atomic
def account_register(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    organisation: dict | None = None,
    join: Organisation | None = None,
    message: str = "",
) -> User:
    """Create a partner's account and either a new (pending) organisation or a request to join one.

    The consents ticked at sign-up are recorded with it by `privacy.services.account_register_with_consents`."""
    if (organisation is None) == (join is None):
        raise ValidationError(_("Choisissez d'inscrire une nouvelle organisation ou d'en joindre une existante."))
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=PARTENAIRE))
    if organisation is not None:
        org = Organisation(
            **{key: value for key, value in organisation.items() if key in ORGANISATION_FIELDS},
            status=Organisation.Status.PENDING,
        )
        org.full_clean()
        org.save()
        Membership.objects.create(user=user, organisation=org, role=Membership.Role.RESPONSABLE)
    else:
        membership_request_create(user=user, organisation=join, message=message)
    return user


# Organisations -----------------------------------------------------------------------------


def _locked(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, **fields) -> Organisation:
    """Change the profile; name and kind only while pending, or by coordination."""
    current = _locked(organisation)
    for identity in ("name", "kind"):
        if identity in fields and fields[identity] != getattr(current, identity) and not current.can_edit_identity(by):
            raise ValidationError(
                _("Seule la coordination peut changer le nom ou le type d'une organisation approuvée.")
            )
    for key, value in fields.items():
        if key not in ORGANISATION_FIELDS:
            raise ValidationError(_("Champ inconnu : %(field)s.") % {"field": key})
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save()
    if any(getattr(organisation, field) != getattr(current, field) for field in NAMING_FIELDS):
        organisation_renamed.send(sender=Organisation, organisation_id=organisation.pk)
    return organisation


@transaction.atomic
def organisation_approve(*, organisation: Organisation, by: User) -> Organisation:
    current = _locked(organisation)
    if not current.can_become(Organisation.Status.APPROVED):
        raise ValidationError(
            _("L'organisation « %(name)s » est déjà %(status)s.")
            % {"name": current.name, "status": current.get_status_display().lower()}
        )
    organisation.status = Organisation.Status.APPROVED
    organisation.status_reason = ""
    organisation.save(update_fields=["status", "status_reason", "updated_at"])
    send_after_commit(
        to=_responsable_emails(organisation),
        subject=_("ASIS : votre organisation est approuvée"),
        body=_(
            "Bonjour,\n\nLa coordination de l'Alliance a approuvé l'inscription de « %(name)s » au portail ASIS. "
            "Vous pouvez maintenant soumettre des projets au nom de votre organisation.\n\n"
            "L'équipe de coordination de l'ASIS"
        )
        % {"name": organisation.name},
    )
    return organisation


@transaction.atomic
def organisation_refuse(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Refusing archives the organisation and keeps the reason; the responsables are told why."""
    reason = _require_reason(reason)
    current = _locked(organisation)
    if current.status != Organisation.Status.PENDING:
        raise ValidationError(_("Seule une organisation en attente d'approbation peut être refusée."))
    organisation.status = Organisation.Status.ARCHIVED
    organisation.status_reason = reason
    organisation.save(update_fields=["status", "status_reason", "updated_at"])
    send_after_commit(
        to=_responsable_emails(organisation),
        subject=_("ASIS : votre demande d'inscription n'est pas retenue"),
        body=_(
            "Bonjour,\n\nLa coordination de l'Alliance n'a pas retenu l'inscription de « %(name)s » au portail ASIS.\n\n"
            "Motif : %(reason)s\n\nPour en discuter, répondez à ce courriel ou communiquez avec la coordination.\n\n"
            "L'équipe de coordination de l'ASIS"
        )
        % {"name": organisation.name, "reason": reason},
    )
    return organisation


# Membership requests -----------------------------------------------------------------------


@transaction.atomic
def membership_request_create(*, user: User, organisation: Organisation, message: str = "") -> MembershipRequest:
    if not organisation.can_submit:
        raise ValidationError({"organisation": _("On ne peut joindre qu'une organisation approuvée.")})
    if organisation.memberships.current().filter(user=user).exists():
        raise ValidationError({"organisation": _("Vous êtes déjà membre de cette organisation.")})
    membership_request = MembershipRequest(user=user, organisation=organisation, message=message.strip())
    membership_request.full_clean()
    membership_request.save()
    return membership_request


def _locked_pending(membership_request: MembershipRequest) -> MembershipRequest:
    current = MembershipRequest.objects.select_for_update().get(pk=membership_request.pk)
    if current.status != MembershipRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    return current


@transaction.atomic
def membership_request_approve(*, membership_request: MembershipRequest, by: User) -> Membership:
    _locked_pending(membership_request)
    membership, created = Membership.objects.get_or_create(
        user=membership_request.user,
        organisation=membership_request.organisation,
        defaults={"role": Membership.Role.MEMBER},
    )
    if not created:  # someone who had left comes back
        membership.left_on = None
        membership.joined_on = timezone.localdate()
        membership.role = Membership.Role.MEMBER
        membership.save(update_fields=["left_on", "joined_on", "role"])
    membership_request.status = MembershipRequest.Status.APPROVED
    membership_request.decided_by = by
    membership_request.decided_at = timezone.now()
    membership_request.save(update_fields=["status", "decided_by", "decided_at"])
    send_after_commit(
        to=[membership_request.user.email],
        subject=_("ASIS : votre demande d'adhésion est acceptée"),
        body=_(
            "Bonjour,\n\nLa coordination de l'Alliance a accepté votre demande : vous êtes maintenant membre de "
            "« %(name)s » dans le portail ASIS.\n\nL'équipe de coordination de l'ASIS"
        )
        % {"name": membership_request.organisation.name},
    )
    return membership


@transaction.atomic
def membership_request_refuse(*, membership_request: MembershipRequest, by: User, reason: str) -> MembershipRequest:
    reason = _require_reason(reason)
    _locked_pending(membership_request)
    membership_request.status = MembershipRequest.Status.REFUSED
    membership_request.reason = reason
    membership_request.decided_by = by
    membership_request.decided_at = timezone.now()
    membership_request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    send_after_commit(
        to=[membership_request.user.email],
        subject=_("ASIS : votre demande d'adhésion n'est pas retenue"),
        body=_(
            "Bonjour,\n\nLa coordination de l'Alliance n'a pas retenu votre demande d'adhésion à « %(name)s ».\n\n"
            "Motif : %(reason)s\n\nL'équipe de coordination de l'ASIS"
        )
        % {"name": membership_request.organisation.name, "reason": reason},
    )
    return membership_request


# Members -----------------------------------------------------------------------------------


def password_set_url(*, user: User, base_url: str) -> str:
    """An absolute link to choose a password, built with Django's password-reset tokens."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_find(token: str) -> MembershipInvitation | None:
    """The invitation a link's secret opens, whatever its state (None for an unknown secret)."""
    return (
        MembershipInvitation.objects.select_related("organisation")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


@transaction.atomic
def member_invite(*, organisation: Organisation, email: str, by: User, base_url: str) -> MembershipInvitation:
    """Invite a person by e-mail: they receive a link and join only if they accept it (signed in as that address).

    Nothing is created for the address until then, and the answer is the same whether it has an account or
    not. The e-mail is a fixed text with the organisation's name and the link: nothing the inviter wrote.
    A new invitation to the same address replaces the previous one, whose link stops working.
    """
    email = User.objects.normalize_email((email or "").strip())
    if not email:
        raise ValidationError({"email": _("Indiquez une adresse courriel.")})
    organisation = _locked(organisation)
    if organisation.status == Organisation.Status.ARCHIVED:
        raise ValidationError(_("Une organisation archivée n'accueille plus de nouveaux membres."))
    if not organisation.can_invite_members(by):
        raise ValidationError(
            _(
                "Seules les personnes responsables d'une organisation approuvée par la coordination invitent des membres."
            )
        )
    now = timezone.now()
    MembershipInvitation.objects.filter(
        organisation=organisation, email__iexact=email, status=MembershipInvitation.Status.PENDING
    ).update(status=MembershipInvitation.Status.CANCELLED, answered_at=now)
    token = secrets.token_urlsafe(32)
    invitation = MembershipInvitation(
        organisation=organisation,
        email=email,
        invited_by=by,
        token_hash=invitation_token_hash(token),
        expires_at=now + datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    link = base_url.rstrip("/") + reverse("organisations:invitation-detail", args=[token])
    send_after_commit(
        to=[email],
        subject=_("ASIS : invitation à vous joindre à « %(name)s »") % {"name": organisation.name},
        body=_(
            "Bonjour,\n\nUne personne responsable de « %(name)s » vous invite à vous joindre à cette organisation dans le "
            "portail ASIS de l'Alliance pour la solidarité et l'inclusion sociale de Rouyn-Noranda.\n\n"
            "Pour accepter ou décliner l'invitation (avec votre compte, ou en créant un compte), suivez ce lien "
            "avant le %(day)s; il ne sert qu'une fois :\n%(link)s\n\n"
            "Si vous ne connaissez pas cette organisation, ignorez ce courriel : rien ne change sans votre accord.\n\n"
            "L'équipe de coordination de l'ASIS"
        )
        % {"name": organisation.name, "day": day_date(timezone.localdate(invitation.expires_at)), "link": link},
    )
    return invitation


def _locked_open(invitation: MembershipInvitation) -> MembershipInvitation:
    current = MembershipInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not current.is_open:
        raise ValidationError(_("Cette invitation n'est plus valide : elle a déjà servi, été annulée ou expiré."))
    return current


def _join(*, user: User, organisation: Organisation, by: User) -> Membership:
    """Make `user` a current member (a former member comes back); a pending request to join is then moot."""
    membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=Membership.Role.MEMBER)
        membership.full_clean()
        membership.save()
    elif membership.left_on is not None:
        membership.left_on = None
        membership.joined_on = timezone.localdate()
        membership.role = Membership.Role.MEMBER
        membership.save(update_fields=["left_on", "joined_on", "role"])
    MembershipRequest.objects.filter(
        user=user, organisation=organisation, status=MembershipRequest.Status.PENDING
    ).update(status=MembershipRequest.Status.APPROVED, decided_by=by, decided_at=timezone.now())
    user.forget_roles()
    return membership


@transaction.atomic
def invitation_accept(*, invitation: MembershipInvitation, user: User) -> Membership:
    """The invited person, signed in with the invited address, joins; the link then stops working."""
    current = _locked_open(invitation)
    if not current.is_for(user):
        raise ValidationError(
            _("Cette invitation a été envoyée à une autre adresse courriel que celle de votre compte.")
        )
    if current.organisation.status == Organisation.Status.ARCHIVED:
        raise ValidationError(_("Une organisation archivée n'accueille plus de nouveaux membres."))
    membership = _join(user=user, organisation=current.organisation, by=current.invited_by)
    current.close(MembershipInvitation.Status.ACCEPTED, by=user)
    return membership


@transaction.atomic
def invitation_register(
    *, invitation: MembershipInvitation, username: str, first_name: str, last_name: str, password: str
) -> User:
    """Someone without an account follows the link and creates one, with the invited address, then joins.

    Following the link proves the person reads that mailbox, so the address is the invitation's, not typed.
    """
    current = _locked_open(invitation)
    user = User(username=username, first_name=first_name, last_name=last_name, email=current.email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=PARTENAIRE))
    invitation_accept(invitation=current, user=user)
    return user


@transaction.atomic
def invitation_decline(*, invitation: MembershipInvitation, user: User | None) -> MembershipInvitation:
    """The link's holder says no (signed in or not); nobody joins and the link stops working."""
    current = _locked_open(invitation)
    if user is not None and user.is_authenticated and not current.is_for(user):
        raise ValidationError(
            _("Cette invitation a été envoyée à une autre adresse courriel que celle de votre compte.")
        )
    current.close(MembershipInvitation.Status.DECLINED, by=user if user is not None and user.is_authenticated else None)
    return current


@transaction.atomic
def invitation_cancel(*, invitation: MembershipInvitation, by: User) -> MembershipInvitation:
    """A responsable (or coordination) withdraws an invitation not yet answered; its link stops working."""
    current = MembershipInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if current.status != MembershipInvitation.Status.PENDING:
        raise ValidationError(_("Cette invitation a déjà reçu une réponse ou été annulée."))
    if not current.organisation.can_manage_members(by):
        raise ValidationError(_("Seules les personnes responsables de l'organisation annulent ses invitations."))
    current.close(MembershipInvitation.Status.CANCELLED, by=by)
    return current


@transaction.atomic
def member_remove(*, membership: Membership, by: User) -> Membership:
    """A member leaves: `left_on` is set, the row stays; the last responsable cannot leave."""
    members = list(
        Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id, left_on__isnull=True)
    )
    current = next((m for m in members if m.pk == membership.pk), None)
    if current is None:
        raise ValidationError(_("Cette personne ne fait déjà plus partie de l'organisation."))
    responsables = [m for m in members if m.role == Membership.Role.RESPONSABLE]
    if current.role == Membership.Role.RESPONSABLE and len(responsables) == 1:
        raise ValidationError(
            _(
                "%(who)s est la dernière personne responsable de l'organisation : une autre personne doit d'abord être nommée responsable."
            )
            % {"who": membership.user}
        )
    membership.left_on = timezone.localdate()
    membership.save(update_fields=["left_on"])
    return membership


def user_language_set(*, user: User, language: str) -> None:
    """Keep the language `user` chose with the portal's switcher (one of settings.LANGUAGES; the portal's own is
    kept blank), so what the portal sends them is in it. Writes only when it changes."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError({"language": _("Cette langue n'est pas offerte par le portail.")})
    value = "" if language == settings.LANGUAGE_CODE else language
    if user.language != value:
        user.language = value
        User.objects.filter(pk=user.pk).update(language=value)
