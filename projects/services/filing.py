"""The partners' intentions and drafts: creating and saving them, naming partners (who answer), filing, comments."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.templatetags.asis_format import format_money
from figures import services as figures
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Organisation
from projects.models import (
    ActionProject,
    Indicator,
    OtherFunding,
    ProjectBudgetLine,
    ProjectComment,
    ProjectPartner,
    ProjectStatus,
    ProjectStatusChange,
    ProjectYearAmount,
)
from projects.selectors.filing import project_missing_for_submission
from projects.services._common import (
    PROJECTS,
    organisation_recipient_users,
    project_alliance_id,
    project_plan_written,
)
from projects.services.budget_lines import budget_lines_checked, budget_lines_replace, year_amounts_of
from projects.services.status import project_change_status


@transaction.atomic
def project_create(
    *, by=None, status: str = ProjectStatus.DRAFT, comment: str = "", at: datetime.datetime | None = None, **fields
) -> ActionProject:
    """Create a project (an intention or a draft) and the first line of its history."""
    if status not in (ProjectStatus.INTENTION, ProjectStatus.DRAFT):
        raise ValidationError(_("Un projet commence comme intention ou comme brouillon."))
    plan_years = fields.pop("plan_years", None)
    project = ActionProject(status=status, **fields)
    project.full_clean()
    project.save()
    figures.project_moved(project=project, before=None)  # counted in its theme
    if plan_years:
        project.plan_years.set(plan_years)
    ProjectStatusChange.objects.create(
        project=project,
        from_status="",
        to_status=status,
        changed_by=by,
        comment=comment,
        changed_at=at or timezone.now(),
    )
    project_plan_written(project, parts=PROJECTS)
    return project


def _replace_rows(model, project: ActionProject, rows) -> None:
    """Replace a project's rows of `model` by `rows` (dicts of fields), each validated before it is saved."""
    model.objects.filter(project=project).delete()
    for data in rows:
        row = model(project=project, **data)
        row.full_clean()
        row.save()


@transaction.atomic
def project_save_draft(
    *,
    by,
    project: ActionProject | None = None,
    year_amounts: dict | None = None,
    budget_lines: dict | None = None,
    partners=None,
    indicators=None,
    other_funding=None,
    status: str = ProjectStatus.DRAFT,
    **fields,
) -> ActionProject:
    """Create (as `status`, an intention or a draft) or update a project with whatever is filled in,
    with its amounts by plan year ({PlanYear: Decimal}), partners, indicators and other funding
    (lists of dicts; None leaves them unchanged). `amount_requested` becomes the sum of the year amounts.

    `budget_lines` ({(ExpenseCategory, PlanYear): Decimal or None}; None leaves them unchanged): the project's budget
    by line. When any is given, the year amounts are their sums by year (one typed that differs is refused) and the
    request their total, to the cent; none given, the project is « non détaillé » and keeps the year amounts typed.
    Year amounts given alone to a project with lines must be the lines' sums (its lines are changed through them).
    """
    if budget_lines is not None or (year_amounts is not None and project is not None):
        year_amounts = _amounts_from_lines(project, fields, year_amounts, budget_lines)
    if year_amounts is not None:
        if any(amount is not None and amount < 0 for amount in year_amounts.values()):
            raise ValidationError({"year_amounts": _("Le montant ne peut pas être négatif.")})
        fields["amount_requested"] = sum((a for a in year_amounts.values() if a), Decimal("0.00"))
    plan_years = fields.pop("plan_years", None)
    if project is None:
        project = project_create(by=by, status=status, **fields)
    else:
        # The row as it is (locked): a draft may change theme, which moves its count (figures).
        before = (
            ActionProject.objects.select_for_update()
            .filter(pk=project.pk)
            .values_list("theme__plan_id", "theme_id", "status")[0]
        )
        if "theme" in fields and fields["theme"].pk != project.theme_id:
            # moved to another theme: what the plan it leaves shows changes too
            project_plan_written(project, parts=PROJECTS)
        for name, value in fields.items():
            setattr(project, name, value)
        project.full_clean()
        project.save()
        figures.project_moved(project=project, before=before)
        if before[1] != project.theme_id:
            project.rows_follow_plan()
    if plan_years is not None:
        project.plan_years.set(plan_years)
    # The project is locked (or new): its other funding and confirmed contributions go to its theme's kept row.
    before = figures.project_values(project) if partners is not None or other_funding is not None else None
    if budget_lines is not None:
        budget_lines_replace(project=project, lines=budget_lines)
    if year_amounts is not None:
        _replace_rows(
            ProjectYearAmount,
            project,
            [{"plan_year": year, "amount": amount} for year, amount in year_amounts.items() if amount],
        )
    if partners is not None:
        if any(row["organisation"].pk == project.lead_id for row in partners):
            raise ValidationError({"partners": _("Le porteur du projet n'est pas son propre partenaire.")})
        _save_partners(project, partners)
    if indicators is not None:
        _replace_rows(Indicator, project, [{**row, "order": i} for i, row in enumerate(indicators, start=1)])
    if other_funding is not None:
        _other_funding_lines_check(project, other_funding)
        _replace_rows(OtherFunding, project, other_funding)
    if before is not None:
        figures.project_values_changed(project=project, before=before)
    project_plan_written(project, parts=PROJECTS)
    return project


def _other_funding_lines_check(project, rows) -> None:
    """The line an other funding pays for is one of the project's alliance's categories, still open."""
    alliance_id = project.theme.plan.alliance_id
    for row in rows:
        category = row.get("category")
        if category is None:
            continue
        if category.alliance_id != alliance_id:
            raise ValidationError({"other_funding": _("Cette catégorie de dépenses appartient à une autre alliance.")})
        if category.archived:
            raise ValidationError(
                {"other_funding": _("La catégorie « %(name)s » est archivée.") % {"name": category.name}}
            )


def _amounts_from_lines(project, fields, year_amounts, budget_lines):
    """The year amounts to save: the lines' sums when the project is detailed by line (`budget_lines` checked in
    place: the empty ones left out), else the year amounts given."""
    theme = fields.get("theme") or project.theme
    alliance_id = theme.plan.alliance_id
    if budget_lines is None:  # the year amounts alone: they must be what the project's lines say
        lines = {
            (line.category, line.plan_year): line.amount
            for line in ProjectBudgetLine.objects.filter(project=project).select_related("category", "plan_year")
        }
        if not lines:
            return year_amounts
    else:
        shell = project or ActionProject(theme=theme)
        if project is not None and "theme" in fields:
            shell = ActionProject(pk=project.pk, theme=theme)
        lines = budget_lines_checked(project=shell, lines=budget_lines, alliance_id=alliance_id)
        budget_lines.clear()
        budget_lines.update(lines)
        if not lines:
            return year_amounts
    by_year = year_amounts_of(lines)
    for year, amount in (year_amounts or {}).items():
        if amount and amount != by_year.get(year, Decimal("0.00")):
            raise ValidationError(
                {
                    "year_amounts": _(
                        "Le budget est détaillé par ligne : le montant de %(year)s est la somme de ses lignes "
                        "(%(sum)s)."
                    )
                    % {"year": year.label, "sum": format_money(by_year.get(year, Decimal("0.00")))}
                }
            )
    return by_year


@transaction.atomic
def project_application_save(*, project: ActionProject, by, **changes) -> ActionProject:
    """Save one section of the application (`changes`: what `project_save_draft` takes, that section's only; the
    rest of the project is left as it is). An intention whose application is being written becomes a draft: the
    partner is writing the full project."""
    project = project_save_draft(by=by, project=project, **changes)
    if project.status == ProjectStatus.INTENTION:
        project_change_status(
            project=project, to_status=ProjectStatus.DRAFT, by=by, comment=_("Rédaction du projet complet.")
        )
    return project


# What the lead declares of a partner's contribution: a change asks the partner again.
_CONTRIBUTION_FIELDS = ("contribution_kind", "contribution_value", "contribution_description")


def _save_partners(project: ActionProject, rows) -> None:
    """Bring the project's partners in line with the form, in place, so that an answer is never lost.

    - A partner kept with the same contribution keeps its answer (re-saving a draft changes nothing).
    - A changed contribution (kind, value or description) asks the partner again: pending, and told by e-mail
      if it had answered.
    - A newly named organisation is pending and told by e-mail. So is a declined one named again.
    - A partner left out of the form is removed while it is pending (it never agreed to anything). One that
      declined stays recorded as declined (the form does not show it). One that confirmed cannot be removed by
      the lead: its commitment is on record, and only the coordination may take it off (the admin).
    The history of each row (django-simple-history) keeps every answer and every change."""
    current = {
        p.organisation_id: p
        for p in ProjectPartner.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(project=project)
    }
    wanted = {}
    for data in rows:
        wanted[data["organisation"].pk] = data
    removed_confirmed = [p for org_id, p in current.items() if org_id not in wanted and p.is_confirmed]
    if removed_confirmed:
        raise ValidationError(
            {
                "partners": _(
                    "%(names)s a confirmé sa participation : ce partenaire reste au projet. Pour le retirer, écrivez à la coordination."
                )
                % {"names": ", ".join(sorted(p.organisation.name for p in removed_confirmed))}
            }
        )
    for org_id, partner in current.items():
        if org_id not in wanted and partner.is_pending:
            partner.delete()  # its creation and deletion stay in the history
    # An organisation once named on this project and left out while pending was told already: naming it again
    # does not e-mail it again (a lead saving a draft over and over would flood it otherwise).
    told = set(
        ProjectPartner.history.filter(
            project_id=project.pk, organisation_id__in=[o for o in wanted if o not in current]
        ).values_list("organisation_id", flat=True)
    )
    asked = []
    for org_id, data in wanted.items():
        partner = current.get(org_id)
        if partner is None:
            partner = ProjectPartner(project=project, **data)
            if org_id not in told:
                asked.append(partner)
        else:
            # A declined partner is not in the form: naming it again asks it again.
            changed = partner.is_declined or any(
                getattr(partner, name) != data.get(name, getattr(partner, name)) for name in _CONTRIBUTION_FIELDS
            )
            if not changed:
                continue
            for name, value in data.items():
                setattr(partner, name, value)
            if not partner.is_pending:
                asked.append(partner)
            partner.status, partner.answered_by, partner.answered_at = ProjectPartner.Status.PENDING, None, None
        partner.full_clean()
        partner.save()
    # An organisation the coordination has not approved yet (a fresh sign-up) cannot make the portal e-mail
    # others: the request waits on the named organisation's home page (« Demandes de partenariat »).
    if project.lead.status != Organisation.Status.APPROVED:
        return
    for partner in asked:
        _partner_asked_mail(project, partner)


def _partner_asked_mail(project: ActionProject, partner: ProjectPartner) -> None:
    """Tell the named organisation's responsables (its members when it has none) that a project names it.
    Nothing the lead wrote is in it but the project's title: the rest is read on the portal, once logged in."""
    value = partner.contribution_value
    notify(
        users=organisation_recipient_users([partner.organisation_id])[partner.organisation_id],
        kind=Kind.PROJECTS,
        alliance_id=project_alliance_id(project),
        subject=lambda: (
            _("ASIS : confirmez-vous votre participation au projet « %(title)s »?") % {"title": project.title}
        ),
        body=lambda: (
            _(
                "Bonjour,\n\nUn projet déposé sur le portail ASIS, « %(title)s », nomme votre organisation, « %(name)s », "
                "comme partenaire (contribution %(kind)s, valeur estimée : %(value)s).\n\n"
                "Tant que votre organisation ne l'a pas confirmé, ce partenariat et ce montant sont présentés comme non "
                "confirmés et ne comptent dans aucun bilan. Les responsables de votre organisation peuvent confirmer ou "
                "décliner cette participation sur le portail : page d'accueil, « Demandes de partenariat ».\n\n"
                "L'équipe de coordination de l'ASIS"
            )
            % {
                "title": project.title,
                "name": partner.organisation.name,
                "kind": partner.get_contribution_kind_display().lower(),
                "value": format_money(value) if value is not None else _("non précisée"),
            }
        ),
    )


@transaction.atomic
def project_partner_answer(*, partnership: ProjectPartner, by, accept: bool) -> ProjectPartner:
    """The named organisation's responsable confirms (or declines) its participation and the declared contribution.
    It may change its answer later; each answer is kept in the row's history (who, when)."""
    # The project first, then its partner (the lock order of every write of the project's figures).
    project = ActionProject.objects.select_for_update().get(pk=partnership.project_id)
    partnership = (
        ProjectPartner.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=partnership.pk)
    )
    if not partnership.can_answer(by):
        raise ValidationError(
            _("Seuls les responsables de « %(name)s » répondent pour elle.") % {"name": partnership.organisation.name}
        )
    before = figures.project_values(project)
    partnership.status = ProjectPartner.Status.CONFIRMED if accept else ProjectPartner.Status.DECLINED
    partnership.answered_by = by
    partnership.answered_at = timezone.now()
    partnership.full_clean()
    partnership.save()
    figures.project_values_changed(project=project, before=before)  # a confirmed contribution counts, or no more
    project_plan_written(project, parts=PROJECTS)  # the bilan counts the partners who have not declined
    return partnership


@transaction.atomic
def project_submit(*, project: ActionProject, by) -> ProjectStatusChange:
    """The lead organisation files its draft: it must be approved and the project complete."""
    if project.lead.status != project.lead.Status.APPROVED:
        raise ValidationError(
            _(
                "Votre organisation n'est pas encore approuvée par la coordination : elle pourra déposer un projet une fois approuvée."
            )
        )
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(
            _("Seul un brouillon peut être déposé; ce projet est « %(status)s ».")
            % {"status": project.get_status_display()}
        )
    missing = project_missing_for_submission(project)
    if missing:
        raise ValidationError(_("Il manque, pour déposer ce projet : %(missing)s.") % {"missing": ", ".join(missing)})
    return project_change_status(project=project, to_status=ProjectStatus.SUBMITTED, by=by)


@transaction.atomic
def project_comment_create(*, project: ActionProject, author, text: str, organisation=None) -> ProjectComment:
    comment = ProjectComment(project=project, author=author, organisation=organisation, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment
