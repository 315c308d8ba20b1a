"""The budget's figures shown on other apps' pages. The action projects sit below the budget and never import
it: their report pages load this library, and the figure is read by budget's selectors."""

from django import template

from budget.selectors import project_budget as project_budget_selectors

register = template.Library()


@register.simple_tag
def project_committed(project):
    """What is committed to `project` now, for `{% project_committed project as committed %}`. One query."""
    return project_budget_selectors.project_committed(project)
