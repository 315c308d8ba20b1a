"""Reads of the outbox: the e-mails an alliance's Coordination sees, and why an attempt failed, in French."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from post_office.models import STATUS, Email, Log

# The page's filters (?statut=…) → the post_office statuses they show
FILTERS = {
    "en-attente": (STATUS.queued, STATUS.requeued),
    "envoye": (STATUS.sent,),
    "echec": (STATUS.failed,),
}


def emails_visible_to(user, alliance) -> QuerySet[Email]:
    """The e-mails of `alliance`; for the portal's operators (who run the sign-ups) also those of no alliance
    (sign-up, password reset, an organisation's approval)."""
    scope = Q(alliance_link__alliance_id=alliance.pk)
    if user.runs_portal:
        scope |= Q(alliance_link__isnull=True)
    return Email.objects.filter(scope)


def email_list(user, alliance, status_filter: str | None) -> QuerySet[Email]:
    """The e-mails of the page, newest first, each with its failed attempts (one query more, prefetched)."""
    emails = emails_visible_to(user, alliance)
    if status_filter in FILTERS:
        emails = emails.filter(status__in=FILTERS[status_filter])
    failures = Log.objects.filter(status=STATUS.failed).order_by("-date", "-pk")
    return emails.prefetch_related(Prefetch("logs", queryset=failures, to_attr="failures")).order_by("-created", "-pk")


def email_counts(user, alliance) -> dict[str, int]:
    """How many e-mails each filter shows (one query)."""
    return emails_visible_to(user, alliance).aggregate(
        **{key: Count("pk", filter=Q(status__in=statuses)) for key, statuses in _COUNT_KEYS.items()}
    )


_COUNT_KEYS = {key.replace("-", "_"): statuses for key, statuses in FILTERS.items()}


def _failed_count(emails):
    return Coalesce(Subquery(emails.order_by().values("status").annotate(n=Count("pk")).values("n")), 0)


def failed_email_annotations() -> dict:
    """For a queryset of plans: the failed e-mails of each plan's alliance and those of no alliance, read with the
    plan (no query of their own: « À traiter » links to them when there are any, see `failed_email_count`)."""
    failed = Email.objects.filter(status=STATUS.failed)
    return {
        "failed_emails_of_alliance": _failed_count(failed.filter(alliance_link__alliance_id=OuterRef("alliance_id"))),
        "failed_emails_of_no_alliance": _failed_count(failed.filter(alliance_link__isnull=True)),
    }


def failed_email_count(user, plan) -> int:
    """The failed e-mails `user` sees on the outbox page of `plan`'s alliance: from the plan's annotations
    (`failed_email_annotations`) when it has them, else one query."""
    if not hasattr(plan, "failed_emails_of_alliance"):
        return emails_visible_to(user, plan.alliance).filter(status=STATUS.failed).count()
    return plan.failed_emails_of_alliance + (plan.failed_emails_of_no_alliance if user.runs_portal else 0)


def failure_reason(log: Log) -> str:
    """Why an attempt failed, said in French for Coordination; the technical message stays beside it."""
    reasons = {
        "SMTPRecipientsRefused": _("Le serveur de courriel a refusé l'adresse du destinataire."),
        "SMTPSenderRefused": _("Le serveur de courriel a refusé l'adresse d'expéditeur du portail."),
        "SMTPAuthenticationError": _("Le serveur de courriel a refusé l'identification du portail."),
        "SMTPDataError": _("Le serveur de courriel a refusé le message."),
        "SMTPServerDisconnected": _("Le serveur de courriel a coupé la connexion."),
        "ConnectionRefusedError": _("Le serveur de courriel ne répond pas (connexion refusée)."),
        "TimeoutError": _("Le serveur de courriel n'a pas répondu à temps."),
        "timeout": _("Le serveur de courriel n'a pas répondu à temps."),
        "gaierror": _("Le nom du serveur de courriel est introuvable."),
    }
    return reasons.get(log.exception_type, _("L'envoi a échoué (erreur technique ci-dessous)."))
