"""Notifications people can live with (issue 21, part 4): every e-mail that tells a person about the portal's work
(meetings, follow-ups due, projects and reports, decisions) goes through `notify`, which follows each recipient's
choice for that kind: an immediate e-mail (the default), a notice kept for their daily or weekly digest, or nothing.
Each is written in the recipient's language (User.language) and ends with a signed one-click unsubscribe link.

Account e-mails (password reset, membership invitations, the nightly checks' alerts to Coordination) do not come
here: they are not subject to preferences."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.mail import send_many_after_commit
from notifications.models import DIGESTS, Frequency, Kind, NotificationPreference, PendingNotice

UNSUBSCRIBE_SALT = "notifications.unsubscribe"

Text = str | Callable[[], str]


# ---------------------------------------------------------------- the signed unsubscribe link


def unsubscribe_token(*, user_id: int, kinds: Iterable[str]) -> str:
    """A token naming a person and the kinds of notification one click turns off (signed with SECRET_KEY, salted
    for this use only; no expiry: an old e-mail's link keeps working)."""
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, list[str]] | None:
    """The person's id and the kinds a token names; None for a token altered, forged or malformed."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kinds = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or not isinstance(kinds, list) or not kinds:
        return None
    if any(kind not in Kind.values for kind in kinds):
        return None
    return user_id, kinds


def unsubscribe_url(*, user_id: int, kinds: Iterable[str]) -> str:
    """The link's address, absolute when the portal's address is known (PORTAL_URL)."""
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id=user_id, kinds=kinds)})
    return settings.PORTAL_URL.rstrip("/") + path


def _unsubscribe_headers(*, user_id: int, kinds: Iterable[str]) -> dict[str, str] | None:
    """RFC 8058's one-click headers: a mail client offers « Se désabonner » and POSTs to the link. Only with an
    absolute https or http address (PORTAL_URL set)."""
    url = unsubscribe_url(user_id=user_id, kinds=kinds)
    if not url.startswith(("https://", "http://")):
        return None
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _footer(*, user_id: int, kinds: Iterable[str]) -> str:
    """The end of every notification e-mail, in the active language."""
    kinds = sorted(set(kinds))
    preferences = settings.PORTAL_URL.rstrip("/") + reverse("notifications:preferences")
    return "\n\n-- \n" + _(
        "Vous recevez ce courriel selon vos choix d'avis par courriel (%(kinds)s). Pour ne plus en recevoir, un "
        "clic :\n%(link)s\nPour recevoir plutôt un résumé par jour ou par semaine : %(preferences)s"
    ) % {
        "kinds": ", ".join(str(Kind(kind).label) for kind in kinds),
        "link": unsubscribe_url(user_id=user_id, kinds=kinds),
        "preferences": preferences,
    }


# ---------------------------------------------------------------- preferences


def preferences_of(user) -> dict[str, str]:
    """Every kind's frequency for `user` (the default, immediate, when not chosen). One query."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, Frequency.IMMEDIATE) for kind in Kind.values}


@transaction.atomic
def preferences_set(*, user, choices: dict[str, str]) -> None:
    """Save `user`'s frequency for each kind of `choices`; a kind or frequency the portal does not know is refused
    and nothing is saved."""
    for kind, frequency in choices.items():
        if kind not in Kind.values:
            raise ValidationError(_("Cette sorte d'avis n'existe pas."))
        if frequency not in Frequency.values:
            raise ValidationError({kind: _("Choisissez une fréquence de la liste.")})
    for kind, frequency in choices.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"frequency": frequency})


@transaction.atomic
def unsubscribe(*, user, kinds: Iterable[str]) -> None:
    """The one click of an e-mail's link: no more e-mail of these kinds for `user`."""
    preferences_set(user=user, choices=dict.fromkeys(kinds, Frequency.NONE))


# ---------------------------------------------------------------- notify


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


def _language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


@transaction.atomic
def notify(
    *,
    users: Iterable,
    kind: str,
    subject: Text,
    body: Text,
    alliance_id: int | None = None,
    addresses: Iterable[str] = (),
) -> dict[str, list]:
    """Tell each of `users` (the active ones with an address) about something of `kind`, as they chose: an immediate
    e-mail queued through the outbox (asis.mail, sent after the commit), a notice kept for their digest, or nothing
    (« Aucun courriel »). `subject` and `body` are callables (or plain text) rendered once per recipient in their
    language (User.language, the portal's when blank), under translation.override: a caller writes them with
    gettext as for one reader. `addresses` are mailboxes that are no person's (an organisation's own address):
    they receive the immediate e-mail, in the portal's language, without preferences or unsubscribe link.

    Two queries for the preferences and the notices, two for the e-mails, whatever the number of recipients.
    Returns the users by what was done: {"immediate": [...], "digest": [...], "none": [...]}."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of notification: {kind}")
    people = {}
    for user in users:
        if user is not None and user.is_active and user.email and user.pk not in people:
            people[user.pk] = user
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(people), kind=kind).values_list("user_id", "frequency")
    )
    done = {"immediate": [], "digest": [], "none": []}
    messages, notices = [], []
    for user in sorted(people.values(), key=lambda user: user.pk):
        frequency = chosen.get(user.pk, Frequency.IMMEDIATE)
        if frequency == Frequency.NONE:
            done["none"].append(user)
            continue
        with translation.override(_language(user)):
            rendered_subject, rendered_body = _render(subject), _render(body)
            if frequency in DIGESTS:
                notices.append(
                    PendingNotice(
                        user=user,
                        kind=kind,
                        subject=rendered_subject[:255],
                        body=rendered_body,
                        alliance_id=alliance_id,
                    )
                )
                done["digest"].append(user)
                continue
            messages.append(
                {
                    "to": [user.email],
                    "subject": rendered_subject,
                    "body": rendered_body + _footer(user_id=user.pk, kinds=[kind]),
                    "alliance_id": alliance_id,
                    "headers": _unsubscribe_headers(user_id=user.pk, kinds=[kind]),
                }
            )
            done["immediate"].append(user)
    personal = {user.email.lower() for user in people.values()}
    others = sorted({address for address in addresses if address and address.lower() not in personal})
    if others:
        with translation.override(settings.LANGUAGE_CODE):
            messages.append(
                {"to": others, "subject": _render(subject), "body": _render(body), "alliance_id": alliance_id}
            )
    if notices:
        PendingNotice.objects.bulk_create(notices)
    send_many_after_commit(messages)
    return done


# ---------------------------------------------------------------- digests


def _digest(user, notices: list[PendingNotice]) -> tuple[str, str]:
    """The digest's subject and body, in the active language: the notices grouped by kind, oldest first."""
    by_kind = defaultdict(list)
    for notice in notices:
        by_kind[notice.kind].append(notice)
    parts = []
    for kind in Kind.values:
        if kind not in by_kind:
            continue
        heading = f"{Kind(kind).label} ({len(by_kind[kind])})"
        items = [f"• {notice.subject}\n\n{notice.body.strip()}" for notice in by_kind[kind]]
        parts.append(f"=== {heading} ===\n\n" + "\n\n---\n\n".join(items))
    count = len(notices)
    subject = ngettext(
        "ASIS : votre résumé d'avis (%(count)s avis)", "ASIS : votre résumé d'avis (%(count)s avis)", count
    ) % {"count": count}
    body = (
        _("Bonjour,\n\nVoici les avis du portail ASIS gardés pour votre résumé, par sorte.")
        + "\n\n"
        + "\n\n".join(parts)
        + _footer(user_id=user.pk, kinds=by_kind)
    )
    return subject, body


@transaction.atomic
def notification_digests_send(*, now=None) -> dict[str, int]:
    """Send the digests that are due: each person's waiting notices of the kinds they receive as a daily digest
    (every day) or a weekly one (on Mondays, local time), in one e-mail per person grouped by kind and written in
    their language; the notices are marked sent, with that e-mail, in the same transaction. A notice whose kind was
    set to « Aucun courriel » since, or whose person can no longer be written to, is marked sent without an e-mail;
    one whose kind was set back to immediate leaves with the next digest.

    Idempotent: a notice marked sent is never sent again. The waiting notices are locked (SELECT … FOR UPDATE SKIP
    LOCKED on PostgreSQL; SQLite's write lock serialises): a run at the same time skips them. A constant number of
    queries, whatever the number of people. Returns {"emails": n, "notices": n, "dropped": n}."""
    now = now or timezone.now()
    monday = timezone.localdate(now).weekday() == 0
    waiting = list(
        PendingNotice.objects.waiting()
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    chosen = {
        (user_id, kind): frequency
        for user_id, kind, frequency in NotificationPreference.objects.filter(
            user_id__in={notice.user_id for notice in waiting}
        ).values_list("user_id", "kind", "frequency")
    }
    by_user, dropped = defaultdict(list), []
    for notice in waiting:
        frequency = chosen.get((notice.user_id, notice.kind), Frequency.IMMEDIATE)
        if frequency == Frequency.NONE or not (notice.user.is_active and notice.user.email):
            dropped.append(notice)
        elif frequency != Frequency.WEEKLY or monday:
            by_user[notice.user_id].append(notice)
    messages, batches = [], []
    for notices in by_user.values():
        user = notices[0].user
        with translation.override(_language(user)):
            subject, body = _digest(user, notices)
        alliances = {notice.alliance_id for notice in notices}
        messages.append(
            {
                "to": [user.email],
                "subject": subject,
                "body": body,
                "alliance_id": alliances.pop() if len(alliances) == 1 else None,
                "headers": _unsubscribe_headers(user_id=user.pk, kinds={notice.kind for notice in notices}),
            }
        )
        batches.append(notices)
    emails = send_many_after_commit(messages)
    sent = []
    for email, notices in zip(emails, batches, strict=True):
        for notice in notices:
            notice.sent_at, notice.digest_email = now, email
            sent.append(notice)
    for notice in dropped:
        notice.sent_at = now
    if sent or dropped:
        PendingNotice.objects.bulk_update(sent + dropped, ["sent_at", "digest_email"], batch_size=500)
    return {"emails": len(emails), "notices": len(sent), "dropped": len(dropped)}
