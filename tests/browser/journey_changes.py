"""The whole journey's change request (issue 20, part 4): once the agreement is signed, the partner asks to move
1 000 $ of its salaries line to a new transport line of the same year (the alliance's threshold is 0: reviewed);
Coordination opens the request, accepts it with its reason, and the agreement shows version 2 with version 1 still
readable. The project keeps its 12 500 $, now on three lines."""

from decimal import Decimal

from budget.models import Agreement, ChangeRequest
from projects.models import ActionProject, ExpenseCategory, ProjectBudgetLine


def partner_asks_coordination_accepts(
    partner, coordination, base, axe, accessible, camera, project: ActionProject, *, asis
):
    agreement = Agreement.objects.get(project=project)
    salaries = ProjectBudgetLine.objects.select_related("plan_year").get(project=project, category__name="Salaires")
    partner.goto(base + asis + agreement.get_absolute_url())
    accessible(partner, axe)
    partner.get_by_role("link", name="Demander une modification").click()
    partner.wait_for_url("**/modifications/nouvelle/")
    accessible(partner, axe)
    partner.get_by_label("Motif de la demande").fill("Les déplacements vers les ateliers coûtent plus que prévu.")
    partner.get_by_label("Déplacement 1 : de la ligne").select_option(
        value=f"{salaries.category_id}-{salaries.plan_year_id}"
    )
    transport = ExpenseCategory.objects.get(alliance=project.theme.plan.alliance, name="Transport")
    partner.locator("#id_move_1_to_category").select_option(value=str(transport.pk))
    partner.locator("#id_move_1_to_year").select_option(value=str(salaries.plan_year_id))
    partner.locator("#id_move_1_amount").fill("1 000,00")
    camera(partner, "partenaires-demande-modification", show=partner.get_by_test_id("moves"))
    partner.get_by_role("button", name="Envoyer la demande").click()
    partner.wait_for_url("**/enveloppe/modifications/*/")
    accessible(partner, axe)
    change = ChangeRequest.objects.get(project=project)
    assert change.status == ChangeRequest.Status.PENDING

    coordination.goto(base + asis + "/enveloppe/modifications/")
    accessible(coordination, axe)
    coordination.get_by_role("link", name=project.title).first.click()
    coordination.wait_for_url(f"**/enveloppe/modifications/{change.pk}/")
    coordination.get_by_label("Motif de la décision").fill("Dépense justifiée; le total ne change pas.")
    coordination.get_by_role("button", name="Accepter et modifier la convention").click()
    coordination.wait_for_url(f"**/enveloppe/modifications/{change.pk}/")
    coordination.goto(base + asis + agreement.get_absolute_url())
    accessible(coordination, axe)
    assert "Version 2 (en vigueur)" in coordination.content()
    camera(coordination, "coordination-modification-acceptee", show=coordination.get_by_test_id("agreement-version"))
    coordination.get_by_text("Version 1 : la convention signée le").click()  # the earlier version, still readable
    lines = sorted(ProjectBudgetLine.objects.filter(project=project).values_list("category__name", "amount"))
    assert lines == [
        ("Participation citoyenne", Decimal("2500.00")),
        ("Salaires", Decimal("9000.00")),
        ("Transport", Decimal("1000.00")),
    ]
    project.refresh_from_db()
    assert project.amount_requested == Decimal("12500.00")
