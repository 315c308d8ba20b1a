"""After funding: the follow-ups six and twelve months after a final report (created when due, e-mailed once to
the lead organisation through the outbox, answered by its members) and the practices an organisation publishes."""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.addresses import alliance_reverse
from notifications.models import Kind
from notifications.services import notify
from plans.versions import plan_written
from projects.access import reads_only
from projects.models import ActionProject, ProgressReport
from projects.services._common import organisation_recipient_users
from sustainability.models import Practice, SustainabilityCheck

# A check due longer ago than this is not created any more: a follow-up years after the action tells nobody anything
# (the projects of past plans, when the portal starts sending them).
CREATE_WITHIN_DAYS = 60


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` `months` later, on the month's last day when it has no such day (31 August + 6 months: 28 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def final_report_day(report: ProgressReport) -> datetime.date:
    """The day a final report was filed (local time): the checks count their months from it."""
    return timezone.localdate(report.submitted_at)


@transaction.atomic
def check_create(*, report: ProgressReport, months: int) -> SustainabilityCheck:
    """The check of `report`'s project `months` after it (6 or 12); the one that exists when there is one already."""
    if not report.is_final:
        raise ValidationError(_("Un suivi de durabilité suit un rapport final."))
    if months not in SustainabilityCheck.Months.values:
        raise ValidationError(_("Un suivi de durabilité a lieu 6 ou 12 mois après le rapport final."))
    existing = SustainabilityCheck.objects.filter(project_id=report.project_id, months=months).first()
    if existing is not None:
        return existing
    check = SustainabilityCheck(
        project_id=report.project_id,
        final_report=report,
        months=months,
        due_on=add_months(final_report_day(report), months),
    )
    check.full_clean()
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:  # another worker created it meanwhile
        return SustainabilityCheck.objects.get(project_id=report.project_id, months=months)
    plan_written(report.plan_id, parts=("reports",))  # the bilan's « Durabilité » counts it
    return check


def checks_create_due(*, today: datetime.date) -> list[SustainabilityCheck]:
    """Create the checks due by `today` (and not before CREATE_WITHIN_DAYS days ago) that do not exist yet; the
    ones created. Each project's latest final report counts."""
    earliest = today - datetime.timedelta(days=CREATE_WITHIN_DAYS)
    created = []
    for months in SustainabilityCheck.Months.values:
        # a final report filed between `earliest` and `today`, `months` earlier (a day or two around: any day of it)
        start = add_months(earliest, -months) - datetime.timedelta(days=3)
        end = add_months(today, -months) + datetime.timedelta(days=3)
        reports = (
            ProgressReport.objects.filter(is_final=True, submitted_at__date__gte=start, submitted_at__date__lte=end)
            .exclude(project__sustainability_checks__months=months)
            .order_by("project_id", "-submitted_at", "-pk")
        )
        seen = set()
        for report in reports:
            if report.project_id in seen:
                continue
            seen.add(report.project_id)
            due = add_months(final_report_day(report), months)
            if earliest <= due <= today:
                created.append(check_create(report=report, months=months))
    return created


def _check_body(check: SustainabilityCheck, *, base_url: str) -> str:
    address = alliance_reverse(
        check.project.theme.plan.alliance, "sustainability:check-detail", kwargs={"pk": check.pk}
    )
    link = (base_url.rstrip("/") + address) if base_url else ""
    return _(
        "Bonjour,\n\nIl y a %(months)s mois, « %(name)s » remettait le rapport final du projet « %(project)s ». "
        "L'Alliance aimerait savoir ce qu'il est devenu : l'action continue-t-elle, qui la finance maintenant, et "
        "que pourraient en reprendre d'autres organisations?\n\nTrois questions, quelques minutes, dans le portail "
        "ASIS (page « Suivis de durabilité »)%(link)s.\n\nVous pouvez aussi y publier votre pratique dans le "
        "registre public des pratiques à reprendre.\n\nL'équipe de coordination"
    ) % {
        "months": check.months,
        "name": check.project.lead.name,
        "project": check.project.title,
        "link": f" :\n{link}" if link else "",
    }


@transaction.atomic
def sustainability_checks_send(
    *, today: datetime.date | None = None, base_url: str = "", dry_run: bool = False
) -> dict:
    """Create the checks due (checks_create_due) and e-mail each check not sent yet to its lead organisation's
    responsables (its members when it has none), through the outbox, each in the language they chose in the portal
    (one e-mail a language); `sent_at` keeps the moment, so a check is never sent twice. A check whose organisation
    has no address waits for one.

    Returns {"created": n, "sent": [(check, [addresses])], "without_address": [checks]}."""
    today = today or timezone.localdate()
    created = [] if dry_run else checks_create_due(today=today)
    waiting = (
        SustainabilityCheck.objects.filter(sent_at__isnull=True, answered_at__isnull=True, due_on__lte=today)
        .select_related("project__lead", "project__theme__plan__alliance")
        .order_by("due_on", "pk")
    )
    if not dry_run:
        waiting = waiting.select_for_update(of=("self",))
    waiting = list(waiting)
    recipients = organisation_recipient_users({check.project.lead_id for check in waiting})
    sent, without_address = [], []
    now = timezone.now()
    for check in waiting:
        users = recipients.get(check.project.lead_id, [])
        if not users:
            without_address.append(check)
            continue
        sent.append((check, sorted(user.email for user in users)))
        if dry_run:
            continue
        # each as they chose (« Suivis à faire »), in the language they chose in the portal (User.language)
        notify(
            users=users,
            kind=Kind.FOLLOW_UPS,
            alliance_id=check.project.theme.plan.alliance_id,
            subject=lambda check=check: _("ASIS : que devient « %(project)s »?") % {"project": check.project.title},
            body=lambda check=check: _check_body(check, base_url=base_url),
        )
    if not dry_run and sent:
        SustainabilityCheck.objects.filter(pk__in=[check.pk for check, _to in sent]).update(sent_at=now)
    return {"created": len(created), "sent": sent, "without_address": without_address}


def can_answer(check: SustainabilityCheck, user) -> bool:
    """The lead organisation's members answer (not Personnel nor the funder, who read); no query (roles cached)."""
    return check.project.is_lead_member(user) and not reads_only(user)


@transaction.atomic
def check_answer(
    *, check: SustainabilityCheck, by, continues: str, funded_by: str = "", reusable: str = ""
) -> SustainabilityCheck:
    """The lead's answer, once: whether the action continues (yes, partly, no), who funds it now (required unless it
    stopped), what others could reuse. An answered check is read, not changed."""
    check = (
        SustainabilityCheck.objects.select_for_update(of=("self",)).select_related("project__theme").get(pk=check.pk)
    )
    if not can_answer(check, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse répondent à ce suivi."))
    if check.is_answered:
        raise ValidationError(_("Ce suivi a déjà reçu sa réponse : elle ne se modifie plus."))
    if continues not in SustainabilityCheck.Continues.values:
        raise ValidationError({"continues": _("Dites si l'action continue : oui, en partie ou non.")})
    funded_by, reusable = funded_by.strip(), reusable.strip()
    if continues != SustainabilityCheck.Continues.NO and not funded_by:
        raise ValidationError(
            {"funded_by": _("Dites qui finance l'action maintenant (ou « aucun financement, des bénévoles »).")}
        )
    check.continues, check.funded_by, check.reusable = continues, funded_by, reusable
    check.answered_at, check.answered_by = timezone.now(), by
    check.full_clean()
    check.save()
    plan_written(check.project.theme.plan_id, parts=("reports",))  # the bilan's « Durabilité » counts it
    return check


CONTACT_PERSONAL = re.compile(r"@|\d[\d .-]{6,}\d")  # an e-mail address or a telephone number


def practice_can_edit(project: ActionProject, user) -> bool:
    return project.is_lead_member(user) and not reads_only(user)


@transaction.atomic
def practice_save(
    *, project: ActionProject, by, title: str, summary: str, reuse: str, contact_role: str = "", publish: bool
) -> Practice:
    """The lead organisation writes its project's practice (one per project) and publishes it or keeps it
    unpublished. Only after the final report; the contact is a role, never a person's address or number."""
    if not practice_can_edit(project, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse publient la pratique de ce projet."))
    if not ProgressReport.objects.filter(project=project, is_final=True).exists():
        raise ValidationError(_("La pratique d'un projet se publie une fois son rapport final remis."))
    if CONTACT_PERSONAL.search(contact_role or ""):
        raise ValidationError(
            {"contact_role": _("Indiquez un rôle, sans courriel ni numéro de téléphone : le registre est public.")}
        )
    practice = Practice.objects.select_for_update().filter(project=project).first() or Practice(
        project=project, organisation_id=project.lead_id, created_by=by
    )
    practice.title, practice.summary, practice.reuse = title.strip(), summary.strip(), reuse.strip()
    practice.contact_role = (contact_role or "").strip()
    _set_published(practice, publish)
    practice.full_clean()
    practice.save()
    return practice


def _set_published(practice: Practice, publish: bool) -> None:
    if publish and not practice.published:
        practice.published_at = timezone.now()
    practice.published = publish


@transaction.atomic
def practice_publish(*, practice: Practice, by, publish: bool) -> Practice:
    """Publish or unpublish (never delete) a practice: its organisation's members only."""
    practice = Practice.objects.select_for_update().select_related("project").get(pk=practice.pk)
    if not practice_can_edit(practice.project, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse publient la pratique de ce projet."))
    _set_published(practice, publish)
    practice.save(update_fields=["published", "published_at", "updated_at"])
    return practice
