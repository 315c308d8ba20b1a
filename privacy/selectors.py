"""Reads about people's privacy (Law 25): their consents, requests and log, everything held about them for an
export, who is past their retention period, and the search of the register.

This module reads other apps' rows only through the relations that point at a person
(`_meta.get_fields`), so privacy imports nothing from the apps to its right.
"""

import datetime
import uuid
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from organisations.models import Citizen, MembershipInvitation, User
from organisations.roles import COORDINATION, PERSONNEL
from privacy.models import Consent, ConsentPurpose, PrivacyAction, PrivacyRequest, years_later
from privacy.policy import CITIZEN_INACTIVE_YEARS, USER_INACTIVE_YEARS

# A person -----------------------------------------------------------------------------------------


def person_filter(person) -> dict:
    if isinstance(person, Citizen):
        return {"citizen": person}
    if isinstance(person, User):
        return {"user": person}
    raise TypeError(person)


def person_kind(person) -> str:
    return "citizen" if isinstance(person, Citizen) else "user"


def url_kind(person) -> str:
    return "citoyens" if isinstance(person, Citizen) else "utilisateurs"


def person_for(kind: str, pk: int):
    """The person behind a URL's kind (« utilisateurs » or « citoyens ») and id; None when the kind is unknown."""
    model = {"utilisateurs": User, "citoyens": Citizen}.get(kind)
    if model is None:
        return None
    return model.objects.filter(pk=pk).first()


def search_people(query: str, limit: int = 50) -> tuple[list, list]:
    query = (query or "").strip()
    if len(query) < 2:
        return [], []
    user_q = (
        Q(username__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(email__icontains=query)
    )
    citizen_q = Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query)
    parts = query.split()
    if len(parts) > 1:
        user_q |= Q(first_name__icontains=parts[0], last_name__icontains=" ".join(parts[1:]))
        citizen_q |= Q(first_name__icontains=parts[0], last_name__icontains=" ".join(parts[1:]))
    users = list(User.objects.filter(user_q).order_by("last_name", "first_name", "pk")[:limit])
    citizens = list(Citizen.objects.filter(citizen_q).order_by("last_name", "first_name", "pk")[:limit])
    return users, citizens


# Consents, requests and the log of one person -----------------------------------------------------


def consents_of(person):
    return Consent.objects.filter(**person_filter(person)).select_related("recorded_by", "withdrawn_by")


def requests_of(person):
    return PrivacyRequest.objects.filter(**person_filter(person)).order_by("-received_on", "-pk")


def actions_of(person):
    return PrivacyAction.objects.filter(**person_filter(person)).select_related("by", "request").order_by("-at", "-pk")


def users_sharing_contact(user_ref: str = "user"):
    """An annotation: has the user at `user_ref` agreed to show their contact details to their organisation?"""
    return Exists(Consent.objects.active().filter(purpose=ConsentPurpose.SHARE_CONTACT, user=OuterRef(user_ref)))


# Everything held about a person (the export) ------------------------------------------------------

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
            tables.append(
                {
                    "table": model._meta.label_lower,
                    "title": str(model._meta.verbose_name_plural),
                    "field": relation.field.name,
                    "rows": rows,
                }
            )
    if person.email:
        # Invitations name a person by address, not by a key: read them by the address.
        invitations = (
            MembershipInvitation.objects.filter(email__iexact=person.email)
            .select_related("organisation", "invited_by", "answered_by")
            .order_by("pk")
        )
        if rows := [_row(obj) for obj in invitations]:
            tables.append(
                {
                    "table": MembershipInvitation._meta.label_lower,
                    "title": str(MembershipInvitation._meta.verbose_name_plural),
                    "field": "email",
                    "rows": rows,
                }
            )
    return {
        "generated_at": timezone.now().isoformat(),
        "kind": "citizen" if isinstance(person, Citizen) else "user",
        "person": profile,
        "tables": tables,
    }


# Past the retention period ------------------------------------------------------------------------


def _latest(*values):
    days = [v.date() if isinstance(v, datetime.datetime) else v for v in values if v is not None]
    return max(days) if days else None


def people_past_retention(today: datetime.date | None = None) -> tuple[list, list]:
    """Citizens with no activity and users gone or inactive for longer than their retention period."""
    today = today or timezone.localdate()
    citizen_cutoff = years_later(today, -CITIZEN_INACTIVE_YEARS)
    user_cutoff = years_later(today, -USER_INACTIVE_YEARS)
    citizens = (
        Citizen.objects.filter(anonymised_at__isnull=True)
        .exclude(
            pk__in=Citizen.objects.filter(space_memberships__isnull=False, space_memberships__left_on=None).values("pk")
        )
        .annotate(
            last_meeting=Max("attendances__meeting__date"),
            last_seat=Max("space_memberships__left_on"),
            last_consent=Max("consents__given_at"),
        )
        .order_by("pk")
    )
    citizens = [
        c
        for c in citizens
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
        u
        for u in users
        if _latest(timezone.localtime(u.date_joined), u.last_login and timezone.localtime(u.last_login), u.last_left)
        < user_cutoff
    ]
    return citizens, users
