"""A project's plan years as its page shows them: the years it runs (« Années du plan ») and the amount it asks for
in each (« Montant demandé par année »), read together."""

from django.db.models import Exists, OuterRef, Q, Subquery

from plans.models import PlanYear
from projects.models import ActionProject, ProjectYearAmount


def project_years(project: ActionProject) -> tuple[list[PlanYear], list[ProjectYearAmount]]:
    """The project's chosen plan years, and its amounts by year (with their year), in the plans' and years' order.

    One query, where the years and the amounts were two (both rows of the same plan years): every year that is
    chosen or has an amount, with whether it is chosen and its amount. The project page spends the query saved on
    the board's resolutions of its « Financement » panel (issue 20)."""
    chosen = ActionProject.plan_years.through.objects.filter(actionproject_id=project.pk)
    amounts = ProjectYearAmount.objects.filter(project_id=project.pk)
    years = list(
        PlanYear.objects.filter(
            Q(pk__in=chosen.values("planyear_id")) | Q(pk__in=amounts.values("plan_year_id"))
        ).annotate(
            chosen=Exists(chosen.filter(planyear_id=OuterRef("pk"))),
            requested=Subquery(amounts.filter(plan_year_id=OuterRef("pk")).values("amount")[:1]),
        )
    )
    year_amounts = [
        ProjectYearAmount(project=project, plan_year=year, amount=year.requested)
        for year in sorted(years, key=lambda year: year.number)
        if year.requested is not None
    ]
    return [year for year in years if year.chosen], year_amounts
