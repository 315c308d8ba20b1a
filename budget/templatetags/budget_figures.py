"""The budget's figures shown on other apps' pages. The action projects sit below the budget and never import
it: their report pages load this library, and the figure is read by budget's selectors."""

from django import template

from budget import access
from budget.selectors import project_budget as project_budget_selectors
from budget.selectors import workspace as workspace_selectors

register = template.Library()


@register.simple_tag
def project_committed(project):
    """What is committed to `project` now, for `{% project_committed project as committed %}`. One query."""
    return project_budget_selectors.project_committed(project)


@register.simple_tag(takes_context=True)
def project_financing(context, project):
    """The « Financement » panel of an accepted project's page (templates/budget/_financing_panel.html), for
    `{% project_financing project as financing %}`: None for a project not accepted yet or a reader who may not
    see its money; else its figures (budget.selectors.workspace), and `can_act` for Coordination on an open plan.
    Its queries are budget.selectors.workspace.project_financing's for those who see it (one on the project page:
    its commitments with their resolutions), none for the others."""
    user = context["request"].user
    if not project.is_public or not access.reads_project_money(user, project):
        return None
    section = context.get("reports_section")  # the project page's list of deadlines: the next payment's report
    deadlines = [row.deadline for row in section["deadlines"]] if section else None
    financing = workspace_selectors.project_financing(project, deadlines=deadlines)
    financing["can_act"] = user.is_coordinator and not project.theme.plan.is_archived
    return financing
