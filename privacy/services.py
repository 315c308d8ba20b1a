"""Writes under Quebec's Law 25, each rule written once:

- consents per purpose, each with the version of the text shown, and their withdrawal;
- a person's requests (due 30 days after receipt), the export of everything held about them (JSON, CSV),
  rectification with its history, erasure (anonymisation that keeps the rows counts and reports need);
- the purge of people whose retention period has passed, and the confidentiality-incident register;
- sign-up, which records the consents ticked in the same transaction as the account.

Every write is keyword-only and atomic and leaves a `PrivacyAction` (who, when, what, which request).
"""

import csv
import datetime
import io
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import services as organisation_services
from organisations.models import Citizen, Membership, MembershipInvitation, Organisation, User
from privacy.models import REQUEST_DAYS, ConfidentialityIncident, Consent, ConsentPurpose, PrivacyAction, PrivacyRequest
from privacy.policy import CITIZEN_INACTIVE_YEARS, PURPOSES, USER_INACTIVE_YEARS, purposes_for
from privacy.selectors import people_past_retention, person_data, person_filter, person_kind

# Consents -----------------------------------------------------------------------------------------


def _log(*, person, action, summary, by=None, request=None, changes=None) -> PrivacyAction:
    return PrivacyAction.objects.create(
        **person_filter(person), action=action, summary=summary[:255], by=by, request=request, changes=changes or {}
    )


def _sync_legacy_contact(citizen: Citizen) -> None:
    """Keep the old « consent à être contacté » columns in step with the « contact » consent."""
    if not isinstance(citizen, Citizen):
        return
    active = citizen.consents.active().filter(purpose=ConsentPurpose.CONTACT).order_by("-given_at").first()
    citizen.consent_to_contact = active is not None
    citizen.consent_given_on = timezone.localdate(active.given_at) if active else None
    citizen.save(update_fields=["consent_to_contact", "consent_given_on"])


@transaction.atomic
def consent_give(*, person, purpose: str, source: str, by: User | None = None) -> Consent:
    """Record a consent to one purpose with the text shown now; a consent already given stays as it is."""
    text = PURPOSES.get(purpose)
    if text is None or text not in purposes_for(person):
        raise ValidationError(_("Ce consentement ne s'applique pas à cette personne."))
    existing = Consent.objects.active().filter(**person_filter(person), purpose=purpose).first()
    if existing:
        return existing
    consent = Consent(
        **person_filter(person),
        purpose=purpose,
        text_version=text.version,
        text=str(text.text),
        source=source,
        recorded_by=by,
    )
    consent.full_clean()
    consent.save()
    _log(
        person=person,
        action=PrivacyAction.Action.CONSENT_GIVEN,
        by=by,
        summary=f"{consent.get_purpose_display()} (version {text.version})",
    )
    _sync_legacy_contact(person)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User | None) -> Consent:
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Ce consentement est déjà retiré."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    person = consent.user or consent.citizen
    _log(
        person=person,
        action=PrivacyAction.Action.CONSENT_WITHDRAWN,
        by=by,
        summary=f"{consent.get_purpose_display()} (version {consent.text_version})",
    )
    _sync_legacy_contact(person)
    if consent.purpose == ConsentPurpose.ACCESS and consent.citizen_id:
        _close_citizen_account(consent.citizen)
    return consent


def _close_citizen_account(citizen: Citizen) -> None:
    """A citizen's own access rests on their « compte » consent (Law 25): withdrawn, the account is deactivated at
    once (never deleted; Coordination may offer it again once the consent is given anew). Its open sessions end:
    an inactive account is signed out at its next request."""
    if citizen.user_id is not None:
        User.objects.filter(pk=citizen.user_id, is_active=True).update(is_active=False)


@transaction.atomic
def consents_set(*, person, purposes: set[str], source: str, by: User | None) -> None:
    """Give the purposes ticked, withdraw those unticked (the « Mes consentements » form)."""
    active = {c.purpose: c for c in Consent.objects.active().filter(**person_filter(person))}
    for text in purposes_for(person):
        if text.purpose in purposes and text.purpose not in active:
            consent_give(person=person, purpose=text.purpose, source=source, by=by)
        elif text.purpose not in purposes and text.purpose in active:
            consent_withdraw(consent=active[text.purpose], by=by)


# Sign-up ------------------------------------------------------------------------------------------


@transaction.atomic
def account_register_with_consents(
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
    """Sign-up: the account with its new organisation or its request to join one, then each consent ticked, in
    one transaction (a consent that cannot be recorded leaves no account behind)."""
    user = organisation_services.account_register(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
        organisation=organisation,
        join=join,
        message=message,
    )
    for purpose in sorted(consents):
        consent_give(person=user, purpose=purpose, source=Consent.Source.SIGNUP, by=user)
    return user


# Requests -----------------------------------------------------------------------------------------


def due_date(received_on: datetime.date) -> datetime.date:
    return received_on + datetime.timedelta(days=REQUEST_DAYS)


@transaction.atomic
def privacy_request_create(
    *, person, kind: str, received_on: datetime.date, details: str = "", by: User
) -> PrivacyRequest:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("La date de réception ne peut pas être dans le futur.")})
    request = PrivacyRequest(
        **person_filter(person),
        kind=kind,
        received_on=received_on,
        due_on=due_date(received_on),
        details=details,
        created_by=by,
    )
    request.full_clean()
    request.save()
    _log(
        person=person,
        action=PrivacyAction.Action.REQUEST,
        by=by,
        request=request,
        summary=_("%(kind)s reçue le %(day)s, réponse due le %(due)s")
        % {"kind": request.get_kind_display(), "day": received_on.isoformat(), "due": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def privacy_request_close(*, request: PrivacyRequest, status: str, answer: str, by: User) -> PrivacyRequest:
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PrivacyRequest.Status.OPEN:
        raise ValidationError(_("Cette demande est déjà fermée."))
    if status not in (PrivacyRequest.Status.DONE, PrivacyRequest.Status.REFUSED):
        raise ValidationError({"status": _("Choisissez « Traitée » ou « Refusée ».")})
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Indiquez la réponse donnée à la personne.")})
    request.status, request.answer, request.closed_on = status, answer.strip(), timezone.localdate()
    request.full_clean()
    request.save(update_fields=["status", "answer", "closed_on"])
    _log(
        person=request.person,
        action=PrivacyAction.Action.REQUEST_CLOSED,
        by=by,
        request=request,
        summary=f"{request.get_kind_display()} : {request.get_status_display()}",
    )
    return request


# Export -------------------------------------------------------------------------------------------


@transaction.atomic
def person_export(*, person, fmt: str, by: User, request: PrivacyRequest | None = None) -> str:
    """The export as JSON or CSV text (UTF-8), and its line in the log."""
    data = person_data(person)
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
        action = PrivacyAction.Action.EXPORT_JSON
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        # One long table (a row per value), so every table of the portal fits in one file; `relation` names
        # the column pointing at the person (a report "submitted_by", a consent "recorded_by"...).
        writer.writerow(["table", "titre", "relation", "ligne", "champ", "valeur"])
        for name, value in data["person"].items():
            writer.writerow(["profil", _("Profil"), "", 1, name, _csv_value(value)])
        for table in data["tables"]:
            for number, row in enumerate(table["rows"], start=1):
                for name, value in row.items():
                    writer.writerow([table["table"], table["title"], table["field"], number, name, _csv_value(value)])
        text = out.getvalue()
        action = PrivacyAction.Action.EXPORT_CSV
    else:
        raise ValidationError(_("Format inconnu : JSON ou CSV."))
    count = sum(len(t["rows"]) for t in data["tables"])
    _log(
        person=person,
        action=action,
        by=by,
        request=request,
        summary=_("%(count)s lignes dans %(tables)s tables") % {"count": count, "tables": len(data["tables"])},
    )
    return text


FORMULA_START = ("=", "+", "-", "@")


def _csv_value(value):
    """A cell as text; one starting like a formula gets a leading apostrophe, so a spreadsheet never runs it."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Rectification ------------------------------------------------------------------------------------

RECTIFIABLE = {
    "user": ("first_name", "last_name", "email", "phone"),
    "citizen": ("first_name", "last_name", "email", "phone", "neighbourhood", "notes"),
}


@transaction.atomic
def person_rectify(*, person, by: User, request: PrivacyRequest | None = None, **fields):
    """Correct a person's details; the log keeps each field's value before and after."""
    if person.anonymised_at:
        raise ValidationError(_("Cette personne est anonymisée : il n'y a plus rien à corriger."))
    allowed = RECTIFIABLE[person_kind(person)]
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("Champs non modifiables : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changes = {}
    for name, value in fields.items():
        old = getattr(person, name)
        if old != value:
            changes[name] = [old, value]
            setattr(person, name, value)
    if not changes:
        raise ValidationError(_("Rien n'a changé."))
    person.full_clean()
    person.save(update_fields=list(changes))
    _log(
        person=person,
        action=PrivacyAction.Action.RECTIFY,
        by=by,
        request=request,
        changes=changes,
        summary=_("Champs corrigés : %(fields)s") % {"fields": ", ".join(sorted(changes))},
    )
    return person


# Erasure ------------------------------------------------------------------------------------------


def _scrub_history(person, values: dict) -> None:
    """django-simple-history keeps every past version: blank the personal fields there too, when it is installed."""
    history = getattr(person, "history", None)
    if history is not None:
        history.all().update(**values)


def _refuse_leaving_organisations_without_a_responsable(user: User) -> None:
    """Erasing the only current responsable would leave the organisation with nobody to manage its members
    and invitations: another responsable must be named first (the hand-over), then the erasure goes through."""
    led = Membership.objects.filter(user=user, role=Membership.Role.RESPONSABLE, left_on__isnull=True).exclude(
        organisation__status=Organisation.Status.ARCHIVED
    )
    # Lock the organisations: two erasures of an organisation's two responsables at once cannot both pass.
    list(Organisation.objects.select_for_update().filter(pk__in=led.values("organisation_id")).order_by("pk"))
    others = Membership.objects.filter(
        organisation=OuterRef("organisation"),
        role=Membership.Role.RESPONSABLE,
        left_on__isnull=True,
        user__is_active=True,
    ).exclude(user=user)
    alone = sorted(led.filter(~Exists(others)).values_list("organisation__name", flat=True))
    if alone:
        raise ValidationError(
            _(
                "Cette personne est la seule responsable de : %(names)s. Nommez d'abord une autre personne "
                "responsable de chacune (fiche de l'organisation dans l'administration), puis effacez."
            )
            % {"names": ", ".join(f"« {name} »" for name in alone)}
        )


@transaction.atomic
def person_erase(
    *,
    person,
    by: User | None,
    request: PrivacyRequest | None = None,
    action: str = PrivacyAction.Action.ERASE,
    reason: str = "",
):
    """Anonymise: names replaced, contact emptied, an account disabled and unusable, consents withdrawn.

    The rows counts and reports need (memberships, seats, attendance, reports written, status changes)
    stay, pointing at the anonymised person; ongoing memberships and seats end today.
    """
    model = type(person)
    person = model.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at:
        raise ValidationError(_("Cette personne est déjà anonymisée."))
    now, today = timezone.now(), timezone.localdate()
    if isinstance(person, Citizen):
        values = {
            "first_name": _("Citoyen"),
            "last_name": _("anonymisé n° %(pk)s") % {"pk": person.pk},
            "email": "",
            "phone": "",
            "neighbourhood": "",
            "notes": "",
            "consent_to_contact": False,
            "consent_given_on": None,
        }
        for seat in person.space_memberships.filter(left_on__isnull=True):
            seat.left_on = max(today, seat.joined_on or today)
            seat.save(update_fields=["left_on"])
    else:
        if person.is_superuser:
            raise ValidationError(_("Un superutilisateur ne s'anonymise pas : retirez-lui d'abord ce statut."))
        _refuse_leaving_organisations_without_a_responsable(person)
        values = {
            "first_name": _("Personne"),
            "last_name": _("anonymisée n° %(pk)s") % {"pk": person.pk},
            "username": f"anonyme-{person.pk}",
            "email": "",
            "phone": "",
        }
        person.is_active = False
        person.is_staff = False
        person.set_unusable_password()  # also ends every open session (the session hash changes)
        person.calendar_token = uuid.uuid4()
        person.groups.clear()
        person.memberships.filter(left_on__isnull=True).update(left_on=today)
        person.membership_requests.update(message="")
        person.membership_requests.filter(status="pending").update(
            status="refused", reason=_("Compte anonymisé"), decided_at=now
        )
    if person.email:
        # Invitations to join an organisation name the person only by this address: they end and forget it.
        invited = MembershipInvitation.objects.filter(email__iexact=person.email)
        invited.filter(status=MembershipInvitation.Status.PENDING).update(
            status=MembershipInvitation.Status.CANCELLED, answered_at=now
        )
        invited.update(email="")
    for name, value in values.items():
        setattr(person, name, value)
    person.anonymised_at = now
    person.save()
    _scrub_history(person, {k: v for k, v in values.items() if k not in ("consent_to_contact", "consent_given_on")})
    person.consents.active().update(withdrawn_at=now, withdrawn_by=by)
    # Past corrections held the old values: keep which fields changed, not what they were.
    for entry in person.privacy_actions.filter(action=PrivacyAction.Action.RECTIFY):
        entry.changes = {name: [_("(effacé)"), _("(effacé)")] for name in entry.changes}
        entry.save(update_fields=["changes"])
    person.privacy_requests.update(details="")
    _log(
        person=person,
        action=action,
        by=by,
        request=request,
        summary=reason or _("Nom remplacé, coordonnées vidées, consentements retirés"),
        changes={"fields": sorted(values)},
    )
    account = getattr(person, "user", None) if isinstance(person, Citizen) else None
    if account is not None and not account.anonymised_at:
        # a citizen's own account (issue 21, part 5) is their data too: anonymised with them, and closed
        person_erase(person=account, by=by, request=request, action=action, reason=reason)
    return person


# Purge at the end of the retention period ---------------------------------------------------------


def purge_personal_data(*, dry_run: bool = False, today: datetime.date | None = None) -> dict:
    """Anonymise everyone past their retention period, each in their own transaction, with a log row each."""
    citizens, users = people_past_retention(today)
    done = {"citizens": [], "users": [], "dry_run": dry_run}
    for person, key, years in [(c, "citizens", CITIZEN_INACTIVE_YEARS) for c in citizens] + [
        (u, "users", USER_INACTIVE_YEARS) for u in users
    ]:
        done[key].append(person.pk)
        if not dry_run:
            person_erase(
                person=person,
                by=None,
                action=PrivacyAction.Action.PURGE,
                reason=_("Aucune activité depuis plus de %(years)s ans") % {"years": years},
            )
    return done


# The confidentiality-incident register ------------------------------------------------------------

INCIDENT_FIELDS = (
    "information_involved",
    "circumstances",
    "occurred_on",
    "occurred_until",
    "discovered_on",
    "people_affected",
    "risk_assessment",
    "serious_risk",
    "cai_notified_on",
    "people_notified_on",
    "measures_taken",
)


def _check_incident_dates(incident: ConfidentialityIncident) -> None:
    today = timezone.localdate()
    errors = {}
    for name in ("occurred_on", "discovered_on", "cai_notified_on", "people_notified_on"):
        value = getattr(incident, name)
        if value and value > today:
            errors[name] = _("Cette date ne peut pas être dans le futur.")
    for name in ("cai_notified_on", "people_notified_on"):
        value = getattr(incident, name)
        if value and incident.discovered_on and value < incident.discovered_on:
            errors.setdefault(name, _("Un avis ne peut précéder la prise de connaissance de l'incident."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def incident_record(*, by: User, **fields) -> ConfidentialityIncident:
    incident = ConfidentialityIncident(**{k: v for k, v in fields.items() if k in INCIDENT_FIELDS}, recorded_by=by)
    _check_incident_dates(incident)  # first: a date in the future (year 9999) has no « five years later »
    if incident.discovered_on:
        incident.kept_until = ConfidentialityIncident.keep_until(incident.discovered_on)
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_update(*, incident: ConfidentialityIncident, by: User, **fields) -> ConfidentialityIncident:
    incident = ConfidentialityIncident.objects.select_for_update().get(pk=incident.pk)
    for name, value in fields.items():
        if name in INCIDENT_FIELDS:
            setattr(incident, name, value)
    _check_incident_dates(incident)  # first: a date in the future (year 9999) has no « five years later »
    incident.kept_until = ConfidentialityIncident.keep_until(incident.discovered_on)
    incident.full_clean()
    incident.save()
    return incident
