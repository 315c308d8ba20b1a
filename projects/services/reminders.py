"""Reminders of the reports due: one e-mail a week per lead organisation with late or due reports."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.templatetags.asis_format import day_date
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Organisation
from projects.models import (
    ReportDeadline,
)
from projects.services._common import organisation_recipient_users, project_alliance_id


def _common_alliance_id(deadlines) -> int | None:
    """The alliance of the reminder's deadlines when they are all of one (the outbox shows it to its Coordination);
    None when an organisation's reminder lists projects of several alliances (the portal's operators see it)."""
    alliances = {deadline.project.theme.plan.alliance_id for deadline in deadlines}
    return alliances.pop() if len(alliances) == 1 else None


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())  # weeks start on Monday


def _reminder_body(*, organisation: Organisation, deadlines, today: datetime.date, base_url: str) -> str:
    lines = []
    for deadline in deadlines:
        if deadline.due_on < today:
            late = (today - deadline.due_on).days
            when = ngettext("en retard de %(days)s jour", "en retard de %(days)s jours", late) % {"days": late}
        elif deadline.due_on == today:
            when = _("à remettre aujourd'hui")
        else:
            left = (deadline.due_on - today).days
            when = ngettext("dans %(days)s jour", "dans %(days)s jours", left) % {"days": left}
        line = _("- %(project)s — %(report)s, à remettre le %(due)s (%(when)s)") % {
            "project": deadline.project.title,
            "report": deadline.name,
            "due": day_date(deadline.due_on),
            "when": when,
        }
        if base_url:
            line += "\n  " + base_url.rstrip("/") + deadline.project.get_absolute_url()
        lines.append(line)
    return _(
        "Bonjour,\n\nVoici les rapports que « %(name)s » doit remettre à l'Alliance pour la solidarité et "
        "l'inclusion sociale de Rouyn-Noranda :\n\n%(lines)s\n\nDéposez-les dans le portail ASIS, à la page de "
        "chaque projet (bouton « Déposer un rapport »). Si une échéance pose problème, écrivez à la coordination.\n\n"
        "L'équipe de coordination de l'ASIS"
    ) % {"name": organisation.name, "lines": "\n".join(lines)}


def _reminder_notify(*, users, organisation, deadlines, today, base_url, alliance_id) -> None:
    """The reminder to each of the organisation's people as they chose (« Suivis à faire »), in their language."""
    notify(
        users=users,
        kind=Kind.FOLLOW_UPS,
        alliance_id=alliance_id,
        subject=lambda: _("ASIS : rapports à remettre pour « %(name)s »") % {"name": organisation.name},
        body=lambda: _reminder_body(organisation=organisation, deadlines=deadlines, today=today, base_url=base_url),
    )


@transaction.atomic
def report_reminders_send(
    *, today: datetime.date | None = None, days: int = 14, dry_run: bool = False, base_url: str = ""
) -> dict:
    """E-mail each organisation whose reports are due within `days` days or late: one message listing its
    projects' deadlines, to its responsables (its members when it has none). A deadline is reminded at most
    once a week (Monday to Sunday); `reminded_on` keeps the date. With `dry_run`, nothing is sent or saved.

    Returns {"organisations": [(organisation, [deadlines], [addresses])], "deadlines": n, "without_address": [orgs]}.
    """
    today = today or timezone.localdate()
    if days < 0:
        raise ValidationError(_("Le nombre de jours ne peut pas être négatif."))
    due = (
        ReportDeadline.objects.awaited()
        .filter(due_on__lte=today + datetime.timedelta(days=days))
        .exclude(reminded_on__gte=_week_start(today))
        .select_related("project__lead", "project__theme__plan")
        .order_by("project__lead__name", "due_on", "project__title", "pk")
    )
    if not dry_run:
        due = due.select_for_update(of=("self",))
    by_org = defaultdict(list)
    for deadline in due:
        by_org[deadline.project.lead].append(deadline)
    recipients = organisation_recipient_users([org.pk for org in by_org])
    sent, without_address, reminded = [], [], []
    for organisation, deadlines in by_org.items():
        users = recipients.get(organisation.pk, [])
        to = sorted(user.email for user in users)
        if not to:
            without_address.append(organisation)
            continue
        sent.append((organisation, deadlines, to))
        reminded += [deadline.pk for deadline in deadlines]
        if dry_run:
            continue
        _reminder_notify(
            users=users,
            organisation=organisation,
            deadlines=deadlines,
            today=today,
            base_url=base_url,
            alliance_id=_common_alliance_id(deadlines),
        )
    if not dry_run and reminded:
        ReportDeadline.objects.filter(pk__in=reminded).update(reminded_on=today)
    return {"organisations": sent, "deadlines": len(reminded), "without_address": without_address}


@transaction.atomic
def report_reminder_send(
    *, deadline: ReportDeadline, by, today: datetime.date | None = None, base_url: str = ""
) -> list[str]:
    """Coordination reminds the lead organisation of one report (« Envoyer un rappel », from « À traiter »): the
    weekly reminder's message for this deadline alone, to the organisation's responsables (its members when it has
    none); `reminded_on` keeps the date. Refused when the report is no longer awaited, when a reminder left today
    already (a second click sends nothing), and when the organisation has no address. Returns the addresses."""
    if not by.is_coordinator:
        raise ValidationError(_("Seule la coordination envoie un rappel."))
    today = today or timezone.localdate()
    deadline = (
        ReportDeadline.objects.select_for_update(of=("self",)).select_related("project__lead").get(pk=deadline.pk)
    )
    if not ReportDeadline.objects.awaited().filter(pk=deadline.pk).exists():
        raise ValidationError(_("Ce rapport n'est plus attendu : aucun rappel n'est envoyé."))
    if deadline.reminded_on == today:
        raise ValidationError(_("Un rappel pour ce rapport est déjà parti aujourd'hui."))
    organisation = deadline.project.lead
    users = organisation_recipient_users([organisation.pk]).get(organisation.pk, [])
    to = sorted(user.email for user in users)
    if not to:
        raise ValidationError(
            _("« %(name)s » n'a aucune adresse courriel : aucun rappel n'est envoyé.") % {"name": organisation.name}
        )
    _reminder_notify(
        users=users,
        organisation=organisation,
        deadlines=[deadline],
        today=today,
        base_url=base_url,
        alliance_id=project_alliance_id(deadline.project),
    )
    deadline.reminded_on = today
    deadline.save(update_fields=["reminded_on"])
    return to
