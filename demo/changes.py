"""The demo's change requests (issue 20, part 4): on `partenaire`'s project under agreement (« Ateliers
parents-enfants Bouger en famille »), one request accepted by Coordination (500 $ moved between two lines of the same
year: the agreement's version 2) and one waiting for its decision (a later end date).

Through the services, as a partner and Coordination would. Idempotent: a project that has requests is left as is."""

import datetime
from decimal import Decimal

from budget.models import Agreement, ChangeRequest
from budget.services.changes import change_request_create, change_request_decide
from projects.models import ProjectBudgetLine

PROJECT = "Ateliers parents-enfants Bouger en famille"
MOVED = Decimal("500.00")


def load(users) -> None:
    agreement = (
        Agreement.objects.filter(project__title=PROJECT, project__is_demo=True).select_related("project").first()
    )
    if agreement is None or ChangeRequest.objects.filter(agreement=agreement).exists():
        return
    project = agreement.project
    lines = list(
        ProjectBudgetLine.objects.filter(project=project)
        .select_related("category", "plan_year")
        .order_by("plan_year__number", "-amount", "pk")
    )
    if len(lines) < 2 or lines[0].plan_year_id != lines[1].plan_year_id or lines[0].amount < MOVED:
        return
    largest, other = lines[0], lines[1]
    accepted = change_request_create(
        agreement=agreement,
        by=users["partenaire"],
        reason="L'animatrice travaille plus d'heures que prévu; le matériel a été donné par la municipalité.",
        moves=[
            {
                "from_category": other.category,
                "from_year": other.plan_year,
                "to_category": largest.category,
                "to_year": largest.plan_year,
                "amount": min(MOVED, other.amount),
            }
        ],
    )
    if accepted.is_pending:
        change_request_decide(
            request=accepted,
            accept=True,
            reason="Le total et l'engagement de l'année ne changent pas; dépense justifiée.",
            by=users["coordination"],
        )
    end = project.end_date or datetime.date(2016, 3, 31)
    change_request_create(
        agreement=agreement,
        by=users["partenaire"],
        reason="Deux ateliers reportés à cause de la fermeture de l'école : trois mois de plus.",
        new_end_date=end + datetime.timedelta(days=90),
    )
