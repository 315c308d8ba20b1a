"""Privacy under Quebec's Law 25: the rules, written once.

- who is in charge of the protection of personal information (from the environment or settings);
- what is collected, why and for how long (`RETENTION`, shown on the public page and used by the purge);
- consents per purpose, each with the version of the text shown, and their withdrawal;
- a person's requests (due 30 days after receipt), the export of everything held about them (JSON, CSV),
  rectification with its history, erasure (anonymisation that keeps the rows counts and reports need);
- the purge of people whose retention period has passed, and the confidentiality-incident register.

Every write is keyword-only and atomic and leaves a `PrivacyAction` (who, when, what, which request).
This module reads other apps' rows only through the relations that point at a person
(`_meta.get_fields`), so `organisations` imports nothing from the apps to its right.
"""

import csv
import datetime
import io
import json
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import (
    Citizen,
    ConfidentialityIncident,
    Consent,
    ConsentPurpose,
    Membership,
    MembershipInvitation,
    Organisation,
    PrivacyAction,
    PrivacyRequest,
    User,
)
from organisations.privacy_models import INCIDENT_YEARS, REQUEST_DAYS, _years_later
from organisations.roles import COORDINATION, PERSONNEL

# The person in charge ----------------------------------------------------------------------------

OFFICER_DEFAULTS = {
    "PRIVACY_OFFICER_NAME": "Direction générale de RNVVS",
    "PRIVACY_OFFICER_TITLE": "Responsable de la protection des renseignements personnels",
    "PRIVACY_OFFICER_EMAIL": "confidentialite@rnvvs.ca",
    "PRIVACY_OFFICER_PHONE": "",
    "PRIVACY_OFFICER_ADDRESS": "Rouyn-Noranda, ville et villages en santé, Rouyn-Noranda (Québec)",
}


def privacy_officer() -> dict:
    """Name, title and contact of the person in charge: settings first, then the environment, then RNVVS's defaults."""
    return {
        key.removeprefix("PRIVACY_OFFICER_").lower(): getattr(settings, key, None) or os.environ.get(key) or default
        for key, default in OFFICER_DEFAULTS.items()
    }


# What is kept, why, and for how long ------------------------------------------------------------

CITIZEN_INACTIVE_YEARS = 3
USER_INACTIVE_YEARS = 3


@dataclass(frozen=True)
class Retention:
    what: str
    why: str
    how_long_text: str
    years: int | None = None

    @property
    def how_long(self) -> str:
        """Translated when shown (a lazy string formatted at import would stay in French)."""
        return str(self.how_long_text) % {"years": self.years} if self.years else str(self.how_long_text)


RETENTION = [
    Retention(
        gettext_lazy("Comptes des partenaires : nom, courriel, téléphone, organisation, rôle"),
        gettext_lazy("Vous donner accès au portail, vous inviter aux rencontres, suivre les projets de votre organisation."),
        gettext_lazy("Tant que vous êtes membre d'une organisation; anonymisés %(years)s ans après votre départ ou votre dernière connexion."),
        USER_INACTIVE_YEARS,
    ),
    Retention(
        gettext_lazy("Citoyens et citoyennes : nom, courriel, téléphone, quartier ou village"),
        gettext_lazy("Les inviter aux lieux de concertation où ils siègent et compter la participation citoyenne (principe 5)."),
        gettext_lazy("Anonymisés %(years)s ans après leur dernière activité (rencontre, siège, consentement)."),
        CITIZEN_INACTIVE_YEARS,
    ),
    Retention(
        gettext_lazy("Présences aux rencontres et sièges dans les lieux de concertation"),
        gettext_lazy("Rendre compte de la concertation et prévenir l'hyperconcertation (principe 3)."),
        gettext_lazy("Pour la durée de l'Alliance; le nom disparaît avec l'anonymisation de la personne, le décompte reste."),
    ),
    Retention(
        gettext_lazy("Consentements, demandes et journal de ce qui a été fait de vos renseignements"),
        gettext_lazy("Prouver votre consentement et répondre de nos actions."),
        gettext_lazy("Tant que la personne est connue du portail; rien d'identifiant n'y reste après l'anonymisation."),
    ),
    Retention(
        gettext_lazy("Registre des incidents de confidentialité"),
        gettext_lazy("Obligation du Règlement sur les incidents de confidentialité."),
        gettext_lazy("%(years)s ans après la prise de connaissance de l'incident."),
        INCIDENT_YEARS,
    ),
    Retention(
        gettext_lazy("Rapports des projets et pièces justificatives"),
        gettext_lazy("Reddition de comptes au bailleur de fonds (FQIS)."),
        gettext_lazy("Environ cinq ans après le rapport final, comme l'exige le bailleur de fonds."),
    ),
]


# Consents -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurposeText:
    purpose: str
    version: str
    text: str
    for_users: bool
    for_citizens: bool


PURPOSES = {
    ConsentPurpose.NEWS: PurposeText(
        ConsentPurpose.NEWS, "2026-11-v1",
        gettext_lazy("J'accepte de recevoir par courriel les nouvelles de l'Alliance et les invitations à ses activités "
                     "publiques. Je peux me désabonner en tout temps."),
        for_users=True, for_citizens=True,
    ),
    ConsentPurpose.SHARE_CONTACT: PurposeText(
        ConsentPurpose.SHARE_CONTACT, "2026-11-v1",
        gettext_lazy("J'accepte que les autres membres de mon organisation voient mon courriel dans le portail. "
                     "Sans cet accord, seule la coordination de l'Alliance le voit."),
        for_users=True, for_citizens=False,
    ),
    ConsentPurpose.CONTACT: PurposeText(
        ConsentPurpose.CONTACT, "2026-11-v1",
        gettext_lazy("J'accepte que la coordination de l'Alliance me joigne par courriel ou par téléphone au sujet des "
                     "rencontres et des lieux de concertation où je siège."),
        for_users=False, for_citizens=True,
    ),
}
LEGACY_CONTACT_VERSION = "avant-loi-25"
USER_PURPOSES = [p for p in PURPOSES.values() if p.for_users]
CITIZEN_PURPOSES = [p for p in PURPOSES.values() if p.for_citizens]


def purposes_for(person) -> list[PurposeText]:
    citizen = isinstance(person, Citizen)
    return [p for p in PURPOSES.values() if (p.for_citizens if citizen else p.for_users)]


def _subject(person) -> dict:
    if isinstance(person, Citizen):
        return {"citizen": person}
    if isinstance(person, User):
        return {"user": person}
    raise TypeError(person)


def _log(*, person, action, summary, by=None, request=None, changes=None) -> PrivacyAction:
    return PrivacyAction.objects.create(
        **_subject(person), action=action, summary=summary[:255], by=by, request=request, changes=changes or {}
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
    existing = Consent.objects.active().filter(**_subject(person), purpose=purpose).first()
    if existing:
        return existing
    consent = Consent(
        **_subject(person), purpose=purpose, text_version=text.version, text=str(text.text), source=source,
        recorded_by=by,
    )
    consent.full_clean()
    consent.save()
    _log(person=person, action=PrivacyAction.Action.CONSENT_GIVEN, by=by,
         summary=f"{consent.get_purpose_display()} (version {text.version})")
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
    _log(person=person, action=PrivacyAction.Action.CONSENT_WITHDRAWN, by=by,
         summary=f"{consent.get_purpose_display()} (version {consent.text_version})")
    _sync_legacy_contact(person)
    return consent


@transaction.atomic
def consents_set(*, person, purposes: set[str], source: str, by: User | None) -> None:
    """Give the purposes ticked, withdraw those unticked (the « Mes consentements » form)."""
    active = {c.purpose: c for c in Consent.objects.active().filter(**_subject(person))}
    for text in purposes_for(person):
        if text.purpose in purposes and text.purpose not in active:
            consent_give(person=person, purpose=text.purpose, source=source, by=by)
        elif text.purpose not in purposes and text.purpose in active:
            consent_withdraw(consent=active[text.purpose], by=by)


def users_sharing_contact(user_ref: str = "user"):
    """An annotation: has the user at `user_ref` agreed to show their contact details to their organisation?"""
    return Exists(
        Consent.objects.active().filter(purpose=ConsentPurpose.SHARE_CONTACT, user=OuterRef(user_ref))
    )


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
        **_subject(person), kind=kind, received_on=received_on, due_on=due_date(received_on), details=details,
        created_by=by,
    )
    request.full_clean()
    request.save()
    _log(person=person, action=PrivacyAction.Action.REQUEST, by=by, request=request,
         summary=_("%(kind)s reçue le %(day)s, réponse due le %(due)s")
         % {"kind": request.get_kind_display(), "day": received_on.isoformat(), "due": request.due_on.isoformat()})
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
    _log(person=request.person, action=PrivacyAction.Action.REQUEST_CLOSED, by=by, request=request,
         summary=f"{request.get_kind_display()} : {request.get_status_display()}")
    return request


# Export -------------------------------------------------------------------------------------------

SECRET_FIELDS = {"password", "calendar_token", "token_hash"}


def _value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file
        return value.name
    return str(value)


def _row(obj) -> dict:
    row = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            row[field.name] = None if related_id is None else f"{getattr(obj, field.name)} (#{related_id})"
        else:
            row[field.name] = _value(getattr(obj, field.attname))
    return row


def _relations(person):
    """Every relation from another table to this person (hidden ones too: what they recorded as staff)."""
    for field in type(person)._meta.get_fields(include_hidden=True):
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one):
            yield field


def person_data(person) -> dict:
    """Everything held about one person: the profile, then every row that points at them, table by table."""
    profile = _row(person)
    if isinstance(person, User):
        profile["groups"] = sorted(person.groups.values_list("name", flat=True))
    tables = []
    for relation in _relations(person):
        model = relation.related_model
        foreign = [f.name for f in model._meta.concrete_fields if f.is_relation]
        rows = model._default_manager.filter(**{relation.field.name: person}).select_related(*foreign).order_by("pk")
        rows = [_row(obj) for obj in rows]
        if rows:
            tables.append({
                "table": model._meta.label_lower,
                "title": str(model._meta.verbose_name_plural),
                "field": relation.field.name,
                "rows": rows,
            })
    if person.email:
        # Invitations name a person by address, not by a key: read them by the address.
        invitations = MembershipInvitation.objects.filter(email__iexact=person.email).select_related(
            "organisation", "invited_by", "answered_by"
        ).order_by("pk")
        if rows := [_row(obj) for obj in invitations]:
            tables.append({
                "table": MembershipInvitation._meta.label_lower,
                "title": str(MembershipInvitation._meta.verbose_name_plural),
                "field": "email",
                "rows": rows,
            })
    return {
        "generated_at": timezone.now().isoformat(),
        "kind": "citizen" if isinstance(person, Citizen) else "user",
        "person": profile,
        "tables": tables,
    }


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
                    writer.writerow(
                        [table["table"], table["title"], table["field"], number, name, _csv_value(value)]
                    )
        text = out.getvalue()
        action = PrivacyAction.Action.EXPORT_CSV
    else:
        raise ValidationError(_("Format inconnu : JSON ou CSV."))
    count = sum(len(t["rows"]) for t in data["tables"])
    _log(person=person, action=action, by=by, request=request,
         summary=_("%(count)s lignes dans %(tables)s tables") % {"count": count, "tables": len(data["tables"])})
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


def person_kind(person) -> str:
    return "citizen" if isinstance(person, Citizen) else "user"


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
    _log(person=person, action=PrivacyAction.Action.RECTIFY, by=by, request=request, changes=changes,
         summary=_("Champs corrigés : %(fields)s") % {"fields": ", ".join(sorted(changes))})
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
    led = Membership.objects.filter(
        user=user, role=Membership.Role.RESPONSABLE, left_on__isnull=True
    ).exclude(organisation__status=Organisation.Status.ARCHIVED)
    # Lock the organisations: two erasures of an organisation's two responsables at once cannot both pass.
    list(Organisation.objects.select_for_update().filter(pk__in=led.values("organisation_id")).order_by("pk"))
    others = Membership.objects.filter(
        organisation=OuterRef("organisation"), role=Membership.Role.RESPONSABLE, left_on__isnull=True,
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
    *, person, by: User | None, request: PrivacyRequest | None = None, action: str = PrivacyAction.Action.ERASE,
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
            "first_name": _("Citoyen"), "last_name": _("anonymisé n° %(pk)s") % {"pk": person.pk}, "email": "",
            "phone": "", "neighbourhood": "", "notes": "", "consent_to_contact": False, "consent_given_on": None,
        }
        for seat in person.space_memberships.filter(left_on__isnull=True):
            seat.left_on = max(today, seat.joined_on or today)
            seat.save(update_fields=["left_on"])
    else:
        if person.is_superuser:
            raise ValidationError(_("Un superutilisateur ne s'anonymise pas : retirez-lui d'abord ce statut."))
        _refuse_leaving_organisations_without_a_responsable(person)
        values = {
            "first_name": _("Personne"), "last_name": _("anonymisée n° %(pk)s") % {"pk": person.pk},
            "username": f"anonyme-{person.pk}", "email": "", "phone": "",
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
    _log(person=person, action=action, by=by, request=request,
         summary=reason or _("Nom remplacé, coordonnées vidées, consentements retirés"),
         changes={"fields": sorted(values)})
    return person


# Purge at the end of the retention period ----------------------------------------------------------


def _latest(*values):
    days = [v.date() if isinstance(v, datetime.datetime) else v for v in values if v is not None]
    return max(days) if days else None


def people_past_retention(today: datetime.date | None = None) -> tuple[list, list]:
    """Citizens with no activity and users gone or inactive for longer than their retention period."""
    today = today or timezone.localdate()
    citizen_cutoff = _years_later(today, -CITIZEN_INACTIVE_YEARS)
    user_cutoff = _years_later(today, -USER_INACTIVE_YEARS)
    citizens = (
        Citizen.objects.filter(anonymised_at__isnull=True)
        .exclude(pk__in=Citizen.objects.filter(space_memberships__isnull=False, space_memberships__left_on=None)
                 .values("pk"))
        .annotate(
            last_meeting=Max("attendances__meeting__date"), last_seat=Max("space_memberships__left_on"),
            last_consent=Max("consents__given_at"),
        )
        .order_by("pk")
    )
    citizens = [
        c for c in citizens
        if _latest(timezone.localtime(c.created_at), c.last_meeting, c.last_seat, c.last_consent) < citizen_cutoff
    ]
    staff_groups = Group.objects.filter(name__in=[COORDINATION, PERSONNEL])
    users = (
        User.objects.filter(anonymised_at__isnull=True, is_superuser=False)
        .exclude(groups__in=staff_groups)
        .exclude(pk__in=User.objects.filter(memberships__isnull=False, memberships__left_on=None).values("pk"))
        .annotate(last_left=Max("memberships__left_on"))
        .order_by("pk")
    )
    users = [
        u for u in users
        if _latest(timezone.localtime(u.date_joined), u.last_login and timezone.localtime(u.last_login), u.last_left)
        < user_cutoff
    ]
    return citizens, users


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
                person=person, by=None, action=PrivacyAction.Action.PURGE,
                reason=_("Aucune activité depuis plus de %(years)s ans") % {"years": years},
            )
    return done


# The confidentiality-incident register --------------------------------------------------------------

INCIDENT_FIELDS = (
    "information_involved", "circumstances", "occurred_on", "occurred_until", "discovered_on", "people_affected",
    "risk_assessment", "serious_risk", "cai_notified_on", "people_notified_on", "measures_taken",
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


def person_for(kind: str, pk: int):
    """The person behind a URL's kind (« utilisateurs » or « citoyens ») and id; None when the kind is unknown."""
    model = {"utilisateurs": User, "citoyens": Citizen}.get(kind)
    if model is None:
        return None
    return model.objects.filter(pk=pk).first()


def url_kind(person) -> str:
    return "citoyens" if isinstance(person, Citizen) else "utilisateurs"


def requests_of(person):
    return PrivacyRequest.objects.filter(**_subject(person)).order_by("-received_on", "-pk")


def actions_of(person):
    return PrivacyAction.objects.filter(**_subject(person)).select_related("by", "request").order_by("-at", "-pk")


def consents_of(person):
    return Consent.objects.filter(**_subject(person)).select_related("recorded_by", "withdrawn_by")


def search_people(query: str, limit: int = 50) -> tuple[list, list]:
    query = (query or "").strip()
    if len(query) < 2:
        return [], []
    user_q = Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(
        email__icontains=query
    )
    citizen_q = Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query)
    parts = query.split()
    if len(parts) > 1:
        user_q |= Q(first_name__icontains=parts[0], last_name__icontains=" ".join(parts[1:]))
        citizen_q |= Q(first_name__icontains=parts[0], last_name__icontains=" ".join(parts[1:]))
    users = list(User.objects.filter(user_q).order_by("last_name", "first_name", "pk")[:limit])
    citizens = list(Citizen.objects.filter(citizen_q).order_by("last_name", "first_name", "pk")[:limit])
    return users, citizens
