"""The whole journey's budget by line (issue 20, part 3): before filing, the partner details its request in the
budget section's table (category × plan year) — the same 12 500 $ for 2014-2015, as salaries and citizen
participation — leaves the year's amount empty (it is the lines' sum), and finds the lines on « Vérifier et
déposer », which is left open for the filing."""

from decimal import Decimal

from projects.models import ActionProject, ProjectBudgetLine


def partner_budgets_by_line(page, axe, accessible, camera, project: ActionProject, year="2014-2015"):
    review = page.url  # « Vérifier et déposer » (fill_application leaves it open)
    page.goto(review.replace("/demande/verifier/", "/demande/budget/"))
    accessible(page, axe)
    page.get_by_label(f"Montant demandé pour {year}").fill("")
    page.get_by_label(f"Salaires, {year}").fill("10 000,00")
    page.get_by_label(f"Participation citoyenne, {year}").fill("2 500,00")
    camera(page, "partenaires-budget-par-ligne", show=page.get_by_test_id("budget-lines"))
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/demande/resultats/")
    page.goto(review)
    accessible(page, axe)
    assert f"Salaires, {year}" in page.content()  # each line among the answers, with « Modifier »
    project.refresh_from_db()
    lines = sorted(ProjectBudgetLine.objects.filter(project=project).values_list("category__name", "amount"))
    assert lines == [("Participation citoyenne", Decimal("2500.00")), ("Salaires", Decimal("10000.00"))]
    assert project.amount_requested == Decimal("12500.00")  # the same request, now by line
