"""The project application as a partner walks it in the browser (issue 23, item 4), shared by the journeys: a short
intention, then its task list, section by section with « Enregistrer et continuer », then « Vérifier et déposer »
and « Déposer le projet ». Each page passes `check` when it is given (axe, and more)."""

DESCRIPTION = "Des repas livrés aux personnes seules des villages, deux fois par semaine."
POPULATION = "Personnes seules à faible revenu des quartiers ruraux."


def start_intention(page, *, title, theme, check=lambda page: None):
    """From « Mes projets » (already open): « Signaler une intention », then its task list. Returns its address."""
    page.get_by_role("main").get_by_role("link", name="Signaler une intention").click()
    page.wait_for_url("**/projets/intention/")
    check(page)
    page.locator("#id_title").fill(title)
    page.locator("#id_theme").select_option(label=theme)
    page.locator("#id_summary").fill("Des repas chauds pour les personnes seules des villages.")
    page.get_by_role("button", name="Enregistrer l'intention").click()
    page.wait_for_url("**/demande/")
    check(page)
    return page.url


def fill_application(page, *, amount="12 500,00", year="2014-2015", check=lambda page: None, camera=None):
    """From the task list (already open): every section in turn, then « Vérifier et déposer » (left open)."""
    page.get_by_role("link", name="Le projet", exact=True).click()
    page.wait_for_url("**/demande/projet/")
    check(page)
    page.locator("#id_description").fill(DESCRIPTION)
    page.locator("#id_start_date").fill("2014-05-01")
    page.locator("#id_end_date").fill("2015-03-31")
    if camera:
        camera(page, "partenaires-nouveau-projet", show=page.locator("#id_description"))
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/demande/partenaires/")
    check(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/demande/personnes-rejointes/")
    check(page)
    page.locator("#id_target_population").fill(POPULATION)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/demande/budget/")
    check(page)
    page.get_by_label(f"Montant demandé pour {year}").fill(amount)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/demande/resultats/")
    check(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url("**/demande/verifier/")
    check(page)


def file_application(page, *, camera=None):
    """On « Vérifier et déposer »: « Déposer le projet », then the project's page."""
    submit = page.get_by_role("button", name="Déposer le projet")
    if camera:
        camera(page, "partenaires-projet-brouillon", show=submit)
    submit.click()
    page.wait_for_url(lambda url: "/demande/" not in url)
