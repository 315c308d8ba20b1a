"""The sign-up in steps as a person walks it in the browser (issue 23, item 4), shared by the journeys: one question,
its block, the person, the consents, then « Vérifier et envoyer » with the password. Each page passes axe when
`accessible` is given."""

PERSON = {"username": "denise", "first_name": "Denise", "last_name": "Gagnon", "email": "denise@example.org"}


def sign_up_new_organisation(page, base, *, name, password, accessible=None, camera=None):
    """From the first step (already open): a new organisation named `name`, then the account; returns on the
    organisation's page once created."""

    def check():
        if accessible:
            accessible(page)

    check()
    page.get_by_label("Non : j'inscris une nouvelle organisation").check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(base + "/inscription/organisation/")
    check()
    page.locator("#id_org_name").fill(name)
    page.locator("#id_org_kind").select_option("community")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(base + "/inscription/vous/")
    check()
    for field, value in PERSON.items():
        page.locator(f"#id_{field}").fill(value)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(base + "/inscription/consentements/")
    check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(base + "/inscription/verifier/")
    check()
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    if camera:
        camera(page, "partenaires-inscription", show=page.get_by_test_id("review-organisation"))
    page.get_by_role("button", name="Créer mon compte").click()
