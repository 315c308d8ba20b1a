"""Reads of one project's budget: requested, committed and paid, with its other funding and leverage."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from budget.models import Commitment, Disbursement, FundingSource
from budget.selectors._common import CENT, ZERO
from budget.selectors.envelope import leverage
from projects.models import OtherFunding, ProjectPartner, ProjectYearAmount
from projects.selectors.budget_lines import project_budget_lines


def project_budget(project) -> dict:
    """Requested vs committed vs paid for one project, by plan year and by source, to the cent,
    with its other funding, its partners' contributions and its leverage; its budget by line against what its latest
    report spent by line (issue 20, part 3). Nine queries."""
    plan = project.theme.plan
    years = list(plan.years.order_by("number"))  # 1 plan years
    sources = {s.pk: s for s in FundingSource.objects.filter(plan=plan)}  # 1 sources
    requested = dict(  # 1 requested per year
        ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")
    )
    commitments = list(  # 1 its commitments, each with the board's resolution it comes from (issue 20, part 2)
        Commitment.objects.filter(project=project).select_related("resolution").order_by("decided_on", "pk")
    )
    committed = defaultdict(lambda: ZERO)  # committed now per (year, source): a project's few commitments, summed here
    for commitment in commitments:
        committed[commitment.plan_year_id, commitment.source_id] += commitment.current_amount
    committed = {key: total.quantize(CENT) for key, total in committed.items()}
    paid = {  # 1 paid now (with corrections) per (year, source)
        (row["commitment__plan_year"], row["commitment__source"]): (row["total"] or ZERO).quantize(CENT)
        for row in Disbursement.objects.filter(commitment__project=project)
        .order_by()
        .values("commitment__plan_year", "commitment__source")
        .annotate(total=Sum(Disbursement.CURRENT))
    }
    other = list(  # 1 other funding, with the line it pays for
        OtherFunding.objects.filter(project=project).select_related("category").order_by("kind", "source_name")
    )
    partners = list(  # 1 partners and their contributions (only confirmed ones count)
        ProjectPartner.objects.filter(project=project).select_related("organisation").order_by("organisation__name")
    )

    def summed(table, *, year=None, source=None):
        return sum(
            (v for (y, s), v in table.items() if (year is None or y == year) and (source is None or s == source)), ZERO
        )

    by_year = [
        {
            "year": year,
            "requested": requested.get(year.pk, ZERO),
            "committed": summed(committed, year=year.pk),
            "paid": summed(paid, year=year.pk),
        }
        for year in years
    ]
    source_ids = sorted({s for _y, s in committed} | {s for _y, s in paid}, key=lambda pk: (sources[pk].order, pk))
    by_source = [
        {"source": sources[pk], "committed": summed(committed, source=pk), "paid": summed(paid, source=pk)}
        for pk in source_ids
    ]
    for row in (*by_year, *by_source):
        row["to_pay"] = row["committed"] - row["paid"]
    totals = {
        "requested": sum(requested.values(), ZERO),
        "committed": summed(committed),
        "paid": summed(paid),
    }
    totals["to_pay"] = totals["committed"] - totals["paid"]
    other_total = sum((o.amount for o in other), ZERO)
    partners_confirmed = sum((p.contribution_value or ZERO for p in partners if p.is_confirmed), ZERO)
    lines = project_budget_lines(project, years)  # 2 its lines, its latest report's spending by line
    return {
        "project": project,
        "commitments": commitments,
        "lines": lines,
        "by_year": by_year,
        "by_source": by_source,
        "totals": totals,
        "other_funding": other,
        "other_total": other_total,
        "partners": partners,
        "partners_confirmed": partners_confirmed,
        "leverage": leverage(other_total + partners_confirmed, totals["committed"]),
    }


def project_committed(project) -> Decimal:
    """What is committed to the project now (sum of `Commitment.CURRENT`), one query: the report pages show it
    next to what the project asked of the envelope."""
    committed = Commitment.objects.filter(project=project).aggregate(
        total=Sum(Commitment.CURRENT, default=Decimal("0"))
    )
    return committed["total"]
