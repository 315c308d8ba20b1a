"""A project's budget by line (issue 20, part 3): the alliance's expense categories, the lines a project budgets
(category × plan year) and the request they make, the spending a report gives by line.

One rule, kept here: a project with lines asks the envelope their sum (`amount_requested`), and each plan year the
sum of that year's lines (ProjectYearAmount), to the cent. The lines, the year amounts and the total are written
together, in the transaction of the project's save (`project_save_draft`), never one without the others."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from asis.money import CENT
from projects.models import (
    DEFAULT_EXPENSE_CATEGORIES,
    ActionProject,
    ExpenseCategory,
    OtherFunding,
    ProjectBudgetLine,
    ReportSpending,
)

ZERO = Decimal("0.00")


def expense_categories_seed(*, alliance) -> None:
    """The six default categories of an alliance that has none of them yet (a new alliance, the reference data).
    Idempotent: a renamed or archived category stays as Coordination left it."""
    if ExpenseCategory.objects.filter(alliance=alliance).exists():
        return
    ExpenseCategory.objects.bulk_create(
        [ExpenseCategory(alliance=alliance, name=name, order=order) for name, order in DEFAULT_EXPENSE_CATEGORIES]
    )


def budget_lines_checked(*, project: ActionProject, lines: dict, alliance_id: int) -> dict:
    """`lines` ({(ExpenseCategory, PlanYear): Decimal or None}) as they will be saved: the empty and zero ones left
    out, each amount to the cent; a French error for a negative amount, an archived category or one of another
    alliance, a year of another plan."""
    kept = {}
    plan_id = project.theme.plan_id
    for (category, year), amount in lines.items():
        if amount is None or amount == 0:
            continue
        if amount < 0:
            raise ValidationError({"budget_lines": _("Le montant d'une ligne ne peut pas être négatif.")})
        if amount != amount.quantize(CENT):
            raise ValidationError({"budget_lines": _("Un montant se donne au cent près.")})
        if category.alliance_id != alliance_id:
            raise ValidationError({"budget_lines": _("Cette catégorie de dépenses appartient à une autre alliance.")})
        if category.archived:
            raise ValidationError(
                {
                    "budget_lines": _("La catégorie « %(name)s » est archivée : choisissez-en une autre.")
                    % {"name": category.name}
                }
            )
        if year.plan_id != plan_id:
            raise ValidationError({"budget_lines": _("Cette année n'est pas une année du plan du projet.")})
        kept[(category, year)] = amount
    return kept


def year_amounts_of(lines: dict) -> dict:
    """The request by plan year the lines make ({PlanYear: Decimal}), to the cent."""
    years: dict = {}
    for (_category, year), amount in lines.items():
        years[year] = years.get(year, ZERO) + amount
    return years


def _referenced_keys(project: ActionProject, keys) -> set:
    """Those of `keys` ({(category id, year id)}) something else names: a report's spending or an other funding on
    its category, a change request's move from or to it (the amendment it made keeps its terms as text, its moves
    name the line). Three queries. The references are by category and year, each PROTECT: the line is kept as
    they are, at zero, so the history of its money stays readable."""
    categories = {category_id for category_id, _year_id in keys}
    named = set(  # 1 the categories the project's reports spent on
        ReportSpending.objects.filter(report__project=project, category_id__in=categories).values_list(
            "category_id", flat=True
        )
    )
    named |= set(  # 1 the categories its other funding pays for
        OtherFunding.objects.filter(project=project, category_id__in=categories).values_list("category_id", flat=True)
    )
    # Read through the `change_requests` relation budget declares (budget sits above projects: not imported).
    change_request = ActionProject._meta.get_field("change_requests").related_model
    move = change_request._meta.get_field("moves").related_model
    moved = set()
    for row in move.objects.filter(change_request__project=project).values_list(  # 1 its moves
        "from_category_id", "from_year_id", "to_category_id", "to_year_id"
    ):
        moved |= {(row[0], row[1]), (row[2], row[3])}
    return {key for key in keys if key[0] in named or key in moved}


@transaction.atomic
def budget_lines_replace(*, project: ActionProject, lines: dict) -> None:
    """The project's lines become `lines` (checked by budget_lines_checked): a line whose amount changed is updated
    (its history shows the change, not a deletion and a creation), a new one inserted, one the user emptied
    deleted, unless something names it (_referenced_keys): that one stays, at zero. An unchanged budget writes
    nothing. A budget whose every line is emptied while some are named is refused: it stays detailed by line.
    The caller (project_save_draft) holds the project's lock and writes the year amounts and the total from the
    same lines."""
    wanted = {(category.pk, year.pk): (category, year, amount) for (category, year), amount in lines.items()}
    existing = {
        (line.category_id, line.plan_year_id): line for line in ProjectBudgetLine.objects.filter(project=project)
    }
    gone = {key for key in existing if key not in wanted}  # emptied now, or kept at zero before
    kept = _referenced_keys(project, gone) if gone else set()
    if kept and not wanted:
        raise ValidationError(
            {
                "budget_lines": _(
                    "Des rapports, des autres financements ou des demandes de modification nomment les lignes de ce "
                    "budget : il reste détaillé par ligne. Laissez au moins une ligne."
                )
            }
        )
    for key in gone:
        line = existing[key]
        if key not in kept:
            line.delete()
        elif line.amount != ZERO:
            line.amount = ZERO
            line.full_clean()
            line.save()
    for key, (category, year, amount) in wanted.items():
        line = existing.get(key)
        if line is None:
            line = ProjectBudgetLine(project=project, category=category, plan_year=year, amount=amount)
        elif line.amount == amount:
            continue
        else:
            line.amount = amount
        line.full_clean()
        line.save()


def _name_free(*, alliance_id: int, name: str, exclude_pk=None) -> None:
    taken = ExpenseCategory.objects.filter(alliance_id=alliance_id, name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _("Cette alliance a déjà une catégorie « %(name)s ».") % {"name": name}})


@transaction.atomic
def expense_category_create(*, alliance, name: str, order: int = 0, archived: bool = False) -> ExpenseCategory:
    """Coordination adds a category of expenses to its alliance's."""
    name = name.strip()
    _name_free(alliance_id=alliance.pk, name=name)
    category = ExpenseCategory(alliance=alliance, name=name, order=order, archived=archived)
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def expense_category_update(*, category: ExpenseCategory, name: str, order: int, archived: bool) -> ExpenseCategory:
    """Coordination renames, reorders or archives (restores) a category. It is never deleted: the lines and the
    reports' spending keep pointing at it; an archived one takes no new amount."""
    category = ExpenseCategory.objects.select_for_update().get(pk=category.pk)
    name = name.strip()
    _name_free(alliance_id=category.alliance_id, name=name, exclude_pk=category.pk)
    category.name, category.order, category.archived = name, order, archived
    category.full_clean()
    category.save()
    return category
