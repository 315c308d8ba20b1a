"""The whole journey's read API step (issue 22, part 3): the regional funder goes from ASIS's open-data page to the
API's documentation, then to ASIS's « Jetons d'accès à l'API », issues a token of its role, copies it, reads the
commitments with it as CSV (what a spreadsheet would), revokes it, and the next request is refused. The ORM only reads
and asserts."""

import csv
import io

from playwright.sync_api import expect

from api.models import ApiToken
from tests.browser.conftest import accessible, log_in

ASIS_NAME = "Alliance pour la solidarité et l'inclusion sociale de Rouyn-Noranda"


def funder_reads_with_a_token(page, base, axe) -> None:
    """On a page of its own (closed at the end), signed in as `region`."""
    log_in(page, base, "region")
    page.goto(base + "/rouyn-noranda/donnees-ouvertes/")
    page.get_by_test_id("open-data-api").click()
    expect(page.get_by_role("heading", name="API de lecture", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Engagements")).to_be_visible()
    accessible(page, axe)
    page.get_by_role("link", name=ASIS_NAME).click()
    expect(page.get_by_role("heading", name="Jetons d'accès à l'API", level=1)).to_be_visible()
    page.get_by_label("Nom du jeton").fill("Classeur du bailleur")
    page.get_by_role("button", name="Émettre le jeton").click()
    secret_box = page.get_by_label("Jeton", exact=True)
    expect(secret_box).to_be_visible()
    accessible(page, axe)
    secret = secret_box.input_value()
    assert secret.startswith("asis_")
    token = ApiToken.objects.get(name="Classeur du bailleur")
    assert (token.role, token.issued_by.username, token.alliance.slug) == ("funder", "region", "rouyn-noranda")

    answer = page.request.get(base + "/api/v1/engagements/?format=csv", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    rows = list(csv.DictReader(io.StringIO(answer.text())))
    assert rows and {row["saisi_par"] for row in rows} == {""}  # the funder reads no one's name

    row = page.get_by_role("row").filter(has_text="Classeur du bailleur")
    row.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_role("status").filter(has_text="est révoqué")).to_be_visible()
    answer = page.request.get(base + "/api/v1/engagements/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 401
    page.context.close()
