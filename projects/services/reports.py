"""Progress and final reports of accepted projects, and their supporting documents."""

import errno
import logging
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.templatetags.asis_format import format_money
from figures import services as figures
from organisations.models import Organisation
from projects import validators
from projects.access import report_can_file
from projects.models import (
    ActionProject,
    IndicatorValue,
    ProgressReport,
    ProjectStatus,
    ReportAttachment,
    ReportDeadline,
    ReportDraft,
    ReportSpending,
)
from projects.selectors.reports import report_kinds_open
from projects.services._common import project_plan_written
from projects.services.status import project_change_status

logger = logging.getLogger(__name__)


def _attachments_quota_check(*, organisation_id: int, report: ProgressReport | None, files, field: str) -> None:
    """Refuse files that would pass the quotas (files and bytes per report, bytes per organisation), before
    any is stored. Locks the organisation's row first, so that two uploads at once are counted one after the
    other and cannot both pass; call it inside the service's transaction. One query for the stored figures."""
    if not files:
        return
    Organisation.objects.select_for_update().only("pk").get(pk=organisation_id)
    in_report = Q(report_id=report.pk if report is not None else None)  # a new report: IS NULL, never true
    stored = ReportAttachment.objects.filter(report__project__lead_id=organisation_id).aggregate(
        organisation_bytes=Sum("size", default=0),
        report_files=Count("pk", filter=in_report),
        report_bytes=Sum("size", filter=in_report, default=0),
    )
    try:
        validators.attachments_quota_check(files, **stored)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def _storage_refused(error: OSError, *, field: str, draft_kept: bool) -> ValidationError:
    """The attachments folder full or refusing writes, as the person uploading reads it (the operator reads the
    log): the caller's transaction then forgets every row, and `_stored_files_removed_on_error` every file."""
    logger.error("Attachment not stored: %s", error, exc_info=error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _("Le dossier des pièces jointes du portail est plein : rien n'a été enregistré.")
    else:
        message = _(
            "Le dossier des pièces jointes du portail refuse l'écriture pour le moment : rien n'a été enregistré."
        )
    if draft_kept:
        message += " " + _("Le rapport n'est pas déposé; vos réponses sont gardées.")
    message += " " + _("Réessayez plus tard ou prévenez la coordination.")
    return ValidationError({field: message})


def _store_attachments(
    *, report: ProgressReport, files, by, stored: list, field: str, draft_kept: bool
) -> list[ReportAttachment]:
    rows = []
    for file, content_type in zip(files, validators.attachments_check(files), strict=True):
        attachment = ReportAttachment(
            report=report,
            file=file,
            original_name=PurePath(file.name).name[:255],
            content_type=content_type,
            size=file.size,
            uploaded_by=by,
        )
        try:
            attachment.save()  # stores the file under a random name (attachment_path)
        except OSError as error:  # the folder full or read-only; the storage removed its partial file
            raise _storage_refused(error, field=field, draft_kept=draft_kept) from error
        stored.append(attachment.file.name)
        rows.append(attachment)
    return rows


def _forget_files(names) -> None:
    """A rolled-back upload leaves no file behind: the database forgets the rows, this forgets the files."""
    storage = ReportAttachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _stored_files_removed_on_error(function):
    """Run `function(stored=[...])`; if it raises, delete the files it stored (the transaction forgets the rows)."""
    stored: list[str] = []
    try:
        return function(stored)
    except Exception:
        _forget_files(stored)
        raise


@transaction.atomic
def report_create(
    *,
    project: ActionProject,
    by,
    is_final: bool = False,
    deadline: ReportDeadline | None = None,
    partners_involved=(),
    indicator_values: dict | None = None,
    spending: dict | None = None,
    attachments=(),
    **fields,
) -> ProgressReport:
    """The lead organisation files a progress report (or its final report) with its indicator values,
    partners involved, spending by line ({ExpenseCategory: Decimal}: to date; their sum is the report's
    `expenses`) and attachments. A filed report does not change. The final report of a completed
    project moves it to « Rapport final déposé »."""
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if not report_can_file(project, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse déposent les rapports de ce projet."))
    has_final = project.reports.filter(is_final=True).exists()
    kind = ReportDeadline.Kind.FINAL if is_final else ReportDeadline.Kind.PROGRESS
    if is_final and has_final:
        raise ValidationError(_("Le rapport final de ce projet est déjà déposé."))
    if not report_kinds_open(project, has_final=has_final)[kind]:
        if is_final:
            message = _(
                "Le rapport final se dépose quand le projet est en cours ou terminé; ce projet est « %(status)s »."
            )
        else:
            message = _("Ce projet est « %(status)s » : il ne reçoit pas de rapport d'étape.")
        raise ValidationError(message % {"status": project.get_status_display()})
    if deadline is not None:
        deadline = ReportDeadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.project_id != project.pk:
            raise ValidationError({"deadline": _("Cette échéance appartient à un autre projet.")})
        if deadline.kind != kind:
            raise ValidationError({"deadline": _("Cette échéance attend un autre type de rapport.")})
        if ProgressReport.objects.filter(deadline=deadline).exists():
            raise ValidationError({"deadline": _("Un rapport répond déjà à cette échéance.")})
    partner_ids = set(project.partnerships.not_declined().values_list("organisation_id", flat=True))
    partners_involved = list(partners_involved)
    if any(org.pk not in partner_ids for org in partners_involved):
        raise ValidationError({"partners_involved": _("Choisissez parmi les partenaires du projet.")})
    indicators = {indicator.pk: indicator for indicator in project.indicators.all()}
    values = {indicator: value for indicator, value in (indicator_values or {}).items() if value is not None}
    if any(indicator.pk not in indicators for indicator in values):
        raise ValidationError(_("Cet indicateur appartient à un autre projet."))
    if not is_final:
        for name in ("effects", "sustainability", "reusable"):
            fields.pop(name, None)
    spending = _spending_checked(project, spending or {}, fields)
    report = ProgressReport(project=project, deadline=deadline, is_final=is_final, submitted_by=by, **fields)
    report.full_clean()
    attachments = list(attachments)
    validators.attachments_check(attachments)  # before anything is stored
    _attachments_quota_check(organisation_id=project.lead_id, report=None, files=attachments, field="attachments")

    def save(stored):
        before = figures.project_values(project)
        report.save()  # and the project's kept latest report (ProgressReport.save; the project is locked above)
        if deadline is not None:  # answered: no longer pending nor late (the deadline is locked above)
            ReportDeadline.objects.filter(pk=deadline.pk).update(filed=True)
            deadline.filed = True
        # Its people and citizens reached count in the theme's kept row when it is the project's latest report
        # (an earlier period filed late changes nothing); before the final report's status change moves them.
        figures.project_values_changed(project=project, before=before)
        report.partners_involved.set(partners_involved)
        for category, amount in spending.items():
            line = ReportSpending(report=report, category=category, amount=amount)
            line.full_clean()
            line.save()
        for indicator, value in values.items():
            row = IndicatorValue(report=report, indicator=indicators[indicator.pk], value=value)
            row.full_clean()
            row.save()  # and its indicator's kept latest value (IndicatorValue.save)
        _store_attachments(report=report, files=attachments, by=by, stored=stored, field="attachments", draft_kept=True)
        if is_final and project.status == ProjectStatus.COMPLETED:
            project_change_status(
                project=project, to_status=ProjectStatus.FINAL_REPORT, by=by, comment=_("Rapport final déposé.")
            )
        # the bilan shows the report's progress, people reached and indicators (a final report's status: above)
        project_plan_written(project, parts=("reports",))
        return report

    return _stored_files_removed_on_error(save)


def _spending_checked(project: ActionProject, spending: dict, fields: dict) -> dict:
    """The report's spending by line, checked (a French error: negative, another alliance's category, an archived
    one the project does not budget); with any, `fields["expenses"]` becomes their sum (one typed must equal it)."""
    if not spending:
        return {}
    alliance_id = project.theme.plan.alliance_id
    budgeted = set(project.budget_lines.values_list("category_id", flat=True))
    for category, amount in spending.items():
        if amount < 0:
            raise ValidationError({"expenses": _("Les dépenses ne peuvent pas être négatives.")})
        if category.alliance_id != alliance_id:
            raise ValidationError({"expenses": _("Cette catégorie de dépenses appartient à une autre alliance.")})
        if category.archived and category.pk not in budgeted:
            raise ValidationError({"expenses": _("La catégorie « %(name)s » est archivée.") % {"name": category.name}})
    total = sum(spending.values(), Decimal("0.00"))
    if fields.get("expenses") is not None and fields["expenses"] != total:
        raise ValidationError(
            {
                "expenses": _("Les dépenses à ce jour sont la somme des dépenses par ligne (%(sum)s).")
                % {"sum": format_money(total)}
            }
        )
    fields["expenses"] = total
    return spending


def deadlines_filed_update(*, deadline_ids) -> None:
    """The deadlines' `filed` said again from the reports that answer them, after a write that goes around
    `report_create` (the admin moving a report to another deadline, deleting one). One statement."""
    ids = {pk for pk in deadline_ids if pk is not None}
    if ids:
        answered = ProgressReport.objects.filter(deadline=OuterRef("pk"))
        ReportDeadline.objects.filter(pk__in=ids).update(filed=Exists(answered))


@transaction.atomic
def report_draft_save(*, project: ActionProject, is_final: bool, answers: dict, by) -> ReportDraft:
    """« Enregistrer le brouillon »: the lead organisation's answers kept as typed, in the project's one draft of this
    kind (made the first time). A draft is no report: nothing counts it until it is filed."""
    if not report_can_file(project, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse déposent les rapports de ce projet."))
    draft = (
        ReportDraft.objects.select_for_update().filter(project=project, is_final=is_final, report__isnull=True).first()
    ) or ReportDraft(project=project, is_final=is_final)
    draft.answers = answers
    draft.updated_by = by
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def report_draft_file(*, draft: ReportDraft, by, **report) -> ProgressReport:
    """« Déposer le rapport », from the review page: the draft's answers (`report`, as report_create takes them) filed
    as the report; the draft stays, linked to it. Only now does the report count as received."""
    draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.report_id is not None:
        raise ValidationError(_("Ce brouillon est déjà déposé."))
    filed = report_create(**{**report, "project": draft.project, "by": by, "is_final": draft.is_final})
    draft.report = filed
    draft.updated_by = by
    draft.save(update_fields=["report", "updated_by", "updated_at"])
    return filed


@transaction.atomic
def report_attachments_add(*, report: ProgressReport, files, by) -> list[ReportAttachment]:
    """The lead organisation adds supporting documents to a filed report (the report itself stays as filed)."""
    if not report_can_file(report.project, by):
        raise ValidationError(
            _("Seuls les membres de l'organisation porteuse ajoutent des pièces jointes à ce rapport.")
        )
    files = list(files)
    if not files:
        raise ValidationError({"files": _("Choisissez au moins un fichier.")})
    validators.attachments_check(files)
    _attachments_quota_check(organisation_id=report.project.lead_id, report=report, files=files, field="files")
    return _stored_files_removed_on_error(
        lambda stored: _store_attachments(
            report=report, files=files, by=by, stored=stored, field="files", draft_kept=False
        )
    )


@transaction.atomic
def report_mark_read(*, report: ProgressReport, by) -> ProgressReport:
    """Coordination or staff have read the report: it leaves « À traiter ». Who read it first, and when, is kept
    (a second reader changes nothing); the row is locked so that two readers at once keep the first."""
    if not by.sees_everything:
        raise ValidationError(_("Seules la coordination et le personnel marquent un rapport comme lu."))
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if locked.read_at is None:
        locked.read_at = timezone.now()
        locked.read_by = by
        locked.save(update_fields=["read_at", "read_by"])
    report.read_at, report.read_by_id = locked.read_at, locked.read_by_id
    return locked
