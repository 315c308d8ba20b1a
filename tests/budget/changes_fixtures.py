"""What the change-request tests share (issue 20, part 4): an accepted project under agreement, budgeted by line on
two plan years (Salaires 6 000 + Matériel 2 000 in year 1, Salaires 2 000 in year 2: 10 000 $), 5 000 $ committed
on year 1, an indicator with a target of 40."""

import datetime
from decimal import Decimal

from budget.services.agreements import agreement_create
from projects.models import ActionProject, ExpenseCategory, Indicator, ProjectStatus
from projects.services.filing import project_save_draft
from tests import factories as f


def under_agreement(cast, theme):
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.ACCEPTED,
        title="Cuisines collectives",
        start_date=datetime.date(2014, 5, 1),
        end_date=datetime.date(2015, 3, 31),
        description="Des cuisines collectives dans trois quartiers.",
    )
    categories = {c.name: c for c in ExpenseCategory.objects.for_alliance(theme.plan.alliance_id)}
    years = list(theme.plan.years.order_by("number"))
    project_save_draft(
        by=cast.alice,
        project=project,
        budget_lines={
            (categories["Salaires"], years[0]): Decimal("6000.00"),
            (categories["Matériel"], years[0]): Decimal("2000.00"),
            (categories["Salaires"], years[1]): Decimal("2000.00"),
        },
    )
    Indicator.objects.create(project=project, name="Personnes rejointes", unit="personnes", target=Decimal("40"))
    source = f.make_source(theme.plan, amount="100000.00")
    f.commit(source=source, project=project, amount="5000.00", year=years[0])
    project = ActionProject.objects.get(pk=project.pk)
    agreement = agreement_create(project=project, signed_on=datetime.date(2014, 6, 15), by=cast.coordinator)
    return agreement, categories, years


def move(categories, years, from_, to, amount):
    """A move from (category name, year index) to (category name, year index)."""
    return {
        "from_category": categories[from_[0]],
        "from_year": years[from_[1]],
        "to_category": categories[to[0]],
        "to_year": years[to[1]],
        "amount": Decimal(amount),
    }
