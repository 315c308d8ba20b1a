"""Writes about people and organisations: sign-up, approval, membership requests, members.

Every function is keyword-only and atomic; views, the admin, commands and tests call the same code.
E-mails are French plain text sent with Django's `send_mail` (console backend in development).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from organisations.models import (
    Consent,
    Membership,
    MembershipRequest,
    Organisation,
    User,
)
from organisations.privacy import consent_give
from organisations.roles import PARTENAIRE

ORGANISATION_FIELDS = (
    "name", "acronym", "kind", "sector", "description", "address", "city", "postal_code", "phone", "email", "website",
)


def _mail(*, to: list[str], subject: str, body: str) -> None:
    recipients = sorted({address for address in to if address})
    if recipients:
        # After the commit: no e-mail for a decision that was rolled back.
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
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
    consents: set[str] = frozenset(),
) -> User:
    """Create a partner's account and either a new (pending) organisation or a request to join one."""
    if (organisation is None) == (join is None):
        raise ValidationError(_("Choisissez d'inscrire une nouvelle organisation ou d'en joindre une existante."))
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=PARTENAIRE))
    if consents:
        for purpose in sorted(consents):
            consent_give(person=user, purpose=purpose, source=Consent.Source.SIGNUP, by=user)
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
    _mail(
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
    _mail(
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
        user=membership_request.user, organisation=membership_request.organisation, defaults={"role": Membership.Role.MEMBER}
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
    _mail(
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
    _mail(
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
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return base_url.rstrip("/") + path


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    candidate, i = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        i += 1
        candidate = f"{base}-{i}"
    return candidate


@transaction.atomic
def member_invite(
    *, organisation: Organisation, email: str, by: User, base_url: str, first_name: str = "", last_name: str = ""
) -> Membership:
    """Add a person to the organisation by e-mail; an unknown address gets an account and a link to set a password."""
    email = User.objects.normalize_email(email.strip())
    if not email:
        raise ValidationError({"email": _("Indiquez une adresse courriel.")})
    if _locked(organisation).status == Organisation.Status.ARCHIVED:
        raise ValidationError(_("Une organisation archivée n'accueille plus de nouveaux membres."))
    user = User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    new_account = user is None
    if new_account:
        user = User(username=_free_username(email), email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=PARTENAIRE))
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.left_on is None:
        raise ValidationError({"email": _("Cette personne est déjà membre de l'organisation.")})
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=Membership.Role.MEMBER)
    else:  # a former member comes back
        membership.left_on = None
        membership.joined_on = timezone.localdate()
        membership.role = Membership.Role.MEMBER
    membership.full_clean()
    membership.save()
    # A pending request to join is now moot.
    MembershipRequest.objects.filter(
        user=user, organisation=organisation, status=MembershipRequest.Status.PENDING
    ).update(status=MembershipRequest.Status.APPROVED, decided_by=by, decided_at=timezone.now())
    if new_account:
        body = _(
            "Bonjour,\n\n%(by)s vous invite à rejoindre « %(name)s » dans le portail ASIS de l'Alliance pour la "
            "solidarité et l'inclusion sociale de Rouyn-Noranda.\n\nVotre nom d'utilisateur : %(username)s\n"
            "Choisissez votre mot de passe à cette adresse (valable quelques jours) :\n%(link)s\n\n"
            "L'équipe de coordination de l'ASIS"
        ) % {
            "by": by, "name": organisation.name, "username": user.username,
            "link": password_set_url(user=user, base_url=base_url),
        }
    else:
        body = _(
            "Bonjour,\n\n%(by)s vous a ajouté comme membre de « %(name)s » dans le portail ASIS.\n"
            "Connectez-vous avec votre compte habituel (nom d'utilisateur : %(username)s) :\n%(link)s\n\n"
            "L'équipe de coordination de l'ASIS"
        ) % {"by": by, "name": organisation.name, "username": user.username, "link": base_url.rstrip("/") + reverse("login")}
    _mail(to=[user.email], subject=_("ASIS : invitation à rejoindre « %(name)s »") % {"name": organisation.name}, body=body)
    return membership


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
            _("%(who)s est la dernière personne responsable de l'organisation : une autre personne doit d'abord être nommée responsable.")
            % {"who": membership.user}
        )
    membership.left_on = timezone.localdate()
    membership.save(update_fields=["left_on"])
    return membership
