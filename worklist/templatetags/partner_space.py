"""`{% project_panel project as panel %}`: the panel of « Mon espace » at the top of a project's page. The projects
app sits below budget and worklist and never imports them: its page loads this library (as its report pages load
budget's figures)."""

from django import template

from worklist import partner

register = template.Library()


@register.simple_tag(takes_context=True)
def project_panel(context, project):
    """The project's panel for the page's reader (None for a reader who is not one of its people), from what the
    page read: its status history and reports section (projects.views.projects._detail_context). No query."""
    return partner.project_panel(
        project,
        context["request"].user,
        history=context.get("history"),
        reports_section=context.get("reports_section"),
    )
