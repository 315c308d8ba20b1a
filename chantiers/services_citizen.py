"""A citizen's own access (issue 21, part 5), optional and with consent: Coordination of an alliance where the citizen
sits offers them an account; they accept through a signed link sent by e-mail, choose a password, and then see their
meetings (saying whether they will come) and answer the written consultations their seat is asked. Coordination can
withdraw the access: the account is deactivated, never deleted; the citizen stays a record, as before.

The link is signed (django.core.signing) and expires after settings.INVITATION_EXPIRY_DAYS days, as a membership
invitation's; it names the citizen and the address it was sent to, and stops working once the account is linked or
the citizen's address changes. Nothing is stored until the citizen accepts."""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.models import Alliance
from asis.mail import send_after_commit
from asis.templatetags.asis_format import day_date
from chantiers.models import ConsultationRespondent, Invitation, Meeting, SpaceCitizen
from organisations.models import Citizen, User
from privacy.models import Consent, ConsentPurpose

SALT = "chantiers.citizen-account"


def citizen_seated_in(citizen: Citizen, alliance: Alliance) -> bool:
    """The citizen sits now in one of `alliance`'s spaces (its Coordination keeps their record there)."""
    return SpaceCitizen.objects.current().filter(citizen=citizen, space__alliance=alliance).exists()


def access_consent(citizen: Citizen) -> Consent | None:
    """The citizen's active consent to their own account (privacy: « compte »), noted by Coordination."""
    return Consent.objects.active().filter(citizen=citizen, purpose=ConsentPurpose.ACCESS).first()


def _refuse_unless_offerable(citizen: Citizen) -> None:
    if citizen.anonymised_at:
        raise ValidationError(_("Cette personne a été anonymisée : on ne lui ouvre plus de compte."))
    if citizen.user_id and citizen.user.is_active:
        raise ValidationError(_("Cette personne a déjà un compte dans le portail."))
    if not citizen.email:
        raise ValidationError(
            _("Indiquez d'abord le courriel de cette personne : l'invitation à créer son compte lui est envoyée.")
        )
    if access_consent(citizen) is None:
        raise ValidationError(
            _(
                "Notez d'abord son consentement « Avoir mon compte citoyen dans le portail » (page Confidentialité "
                "de la personne) : sans lui, on ne lui ouvre pas de compte."
            )
        )


def account_token(citizen: Citizen) -> str:
    return signing.dumps({"citizen": citizen.pk, "email": citizen.email.casefold()}, salt=SALT)


@transaction.atomic
def citizen_account_offer(*, citizen: Citizen, alliance: Alliance, by: User, base_url: str) -> str:
    """Send the citizen the link to create their account (Coordination of an alliance where they sit). Returns the
    link. The e-mail is a fixed text: nothing the sender wrote."""
    citizen = Citizen.objects.select_for_update(of=("self",)).select_related("user").get(pk=citizen.pk)
    if not (by.is_coordinator and citizen_seated_in(citizen, alliance)):
        raise ValidationError(_("Seule la coordination d'une alliance où siège cette personne lui offre un compte."))
    _refuse_unless_offerable(citizen)
    # a page of no alliance: its own address, whichever alliance's page the offer was made from
    path = reverse("citizen:account-accept", args=[account_token(citizen)])
    link = base_url.rstrip("/") + path.removeprefix(get_script_prefix().rstrip("/"))
    expires = timezone.localdate() + datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    send_after_commit(
        to=[citizen.email],
        subject=_("ASIS : votre compte citoyen dans le portail"),
        body=_(
            "Bonjour %(name)s,\n\nLa coordination de « %(alliance)s » vous offre, comme vous l'avez accepté, un compte "
            "dans le portail ASIS : vous y verrez les rencontres des lieux de concertation où vous siégez, vous y "
            "direz si vous serez là et vous y répondrez aux consultations écrites.\n\n"
            "Pour choisir votre mot de passe et activer votre compte, suivez ce lien avant le %(day)s :\n%(link)s\n\n"
            "Si vous ne souhaitez pas de compte, ignorez ce courriel : rien ne change sans votre accord.\n\n"
            "L'équipe de coordination de l'ASIS"
        )
        % {"name": citizen.first_name, "alliance": alliance.name, "day": day_date(expires), "link": link},
        alliance_id=alliance.pk,
    )
    return link


def citizen_for_token(token: str) -> Citizen:
    """The citizen a link opens, or a French error: altered, expired, already used, or sent to a former address."""
    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(
            _("Ce lien a expiré : demandez à la coordination de vous envoyer une nouvelle invitation.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("Ce lien n'est pas valide : il a été modifié ou mal copié.")) from None
    citizen = Citizen.objects.select_related("user").filter(pk=data.get("citizen")).first()
    if citizen is None or citizen.anonymised_at or (citizen.email or "").casefold() != data.get("email"):
        raise ValidationError(_("Ce lien n'est plus valide : demandez une nouvelle invitation à la coordination."))
    if citizen.user_id and citizen.user.is_active:
        raise ValidationError(_("Votre compte est déjà activé : connectez-vous avec votre identifiant."))
    return citizen


@transaction.atomic
def citizen_account_accept(*, token: str, username: str, password: str) -> User:
    """The citizen, through the link, chooses their login and password: the account is created (or, after a
    withdrawal, opened again with its new password) and linked. Their consent must still be active."""
    citizen = citizen_for_token(token)
    citizen = Citizen.objects.select_for_update(of=("self",)).select_related("user").get(pk=citizen.pk)
    if access_consent(citizen) is None:
        raise ValidationError(
            _("Votre consentement à avoir un compte a été retiré : communiquez avec la coordination.")
        )
    user = citizen.user
    if user is None:
        user = User(username=username, first_name=citizen.first_name, last_name=citizen.last_name)
    elif user.username != username:
        raise ValidationError({"username": _("Votre identifiant reste « %(name)s ».") % {"name": user.username}})
    user.email = citizen.email
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    if citizen.user_id is None:
        citizen.user = user
        citizen.save(update_fields=["user"])
    return user


@transaction.atomic
def citizen_account_withdraw(*, citizen: Citizen, alliance: Alliance, by: User) -> User:
    """Coordination closes the citizen's access: the account is deactivated (never deleted) and stays linked; the
    citizen stays a record. Their consent is left as it is (the privacy page changes it)."""
    citizen = Citizen.objects.select_for_update(of=("self",)).select_related("user").get(pk=citizen.pk)
    if not (by.is_coordinator and citizen_seated_in(citizen, alliance)):
        raise ValidationError(_("Seule la coordination d'une alliance où siège cette personne ferme son compte."))
    user = citizen.user
    if user is None or not user.is_active:
        raise ValidationError(_("Cette personne n'a pas de compte ouvert dans le portail."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


# What the citizen sees and does --------------------------------------------------------------------------------


def citizen_meetings(citizen: Citizen):
    """The meetings of the spaces where the citizen sits now and those they are invited to (semi-joins: each once)."""
    seated = SpaceCitizen.objects.current().filter(citizen=citizen).values("space_id")
    invited = Invitation.objects.filter(citizen=citizen).values("meeting_id")
    return Meeting.objects.filter(Q(space_id__in=seated) | Q(pk__in=invited))


@transaction.atomic
def meeting_respond(*, meeting: Meeting, citizen: Citizen, coming: bool) -> Invitation:
    """The citizen says whether they will come to an upcoming meeting of theirs (their invitation keeps it, with
    when; a seated citizen not yet invited is invited by their answer)."""
    if not citizen_meetings(citizen).filter(pk=meeting.pk).exists():
        raise ValidationError(_("Cette rencontre n'est pas l'une des vôtres."))
    if not meeting.is_upcoming:
        raise ValidationError(_("Cette rencontre a déjà eu lieu : on n'y répond plus."))
    invitation, _created = Invitation.objects.select_for_update().get_or_create(meeting=meeting, citizen=citizen)
    invitation.response = Invitation.Response.COMING if coming else Invitation.Response.NOT_COMING
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    return invitation


def citizen_respondents(citizen: Citizen):
    """The written consultations' respondents that are the citizen's seats (their own answers), latest due first."""
    return ConsultationRespondent.objects.filter(citizen_seat__citizen=citizen).order_by(
        "-consultation__due_on", "-consultation_id"
    )
