"""Issue 4's review in real Chromium: a coordinator opens the analysis of a filed project, scores it on
the grid, recommends it and records the board's decision; every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan
from projects.models import BoardDecision, ProjectStatus, ReviewCriterion
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
FILED = "Reconnaissance des bénévoles dans les quartiers ruraux"


def _axe_clean(axe, page):
    violations = axe(page)
    assert violations == [], describe(violations)


def test_coordinator_analyses_recommends_and_records_the_decision(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + "/projets/")
    _axe_clean(axe, page)
    page.get_by_role("link", name=FILED).click()
    _axe_clean(axe, page)

    page.get_by_label("Commentaire (facultatif)").fill("Comité d'analyse de mars")
    page.get_by_role("button", name="Ouvrir l'analyse", exact=True).click()
    expect(page.get_by_role("heading", name=f"Analyse — {FILED}")).to_be_visible()
    page.get_by_label("Membres du comité d'analyse").fill("Marie Tremblay\nJean Gagnon")
    criteria = list(ReviewCriterion.objects.filter(plan=Plan.objects.current(), is_active=True).order_by("order"))
    assert len(criteria) == 7
    for criterion in criteria[:6]:
        page.get_by_label(f"Note : {criterion.name} (sur {criterion.max_score})").fill("4")
    page.get_by_label(f"Commentaire : {criteria[0].name}").fill("Rejoint les bénévoles isolés")
    _axe_clean(axe, page)
    page.get_by_role("button", name="Enregistrer la grille").click()
    assert page.get_by_test_id("grid-total").inner_text().startswith("24 / 35")

    # The last score typed, then « Recommander » straight away, without its reasons: refused, and nothing typed is
    # lost (issue 23: the scores typed before « Recommander » were lost).
    last = page.get_by_label(f"Note : {criteria[6].name} (sur {criteria[6].max_score})")
    last.fill("4")
    page.get_by_label("Favorable", exact=True).check()
    page.get_by_label("Montant recommandé (facultatif)").fill("12 000")
    page.get_by_role("button", name="Recommander").click()
    expect(page.get_by_text("Indiquez les motifs de la recommandation.", exact=True)).to_be_visible()
    expect(last).to_have_value("4")
    assert page.get_by_test_id("grid-total").inner_text().startswith("28 / 35")
    expect(page.get_by_label("Favorable", exact=True)).to_be_checked()
    _axe_clean(axe, page)
    page.get_by_label("Motifs de la recommandation").fill("Projet bien appuyé par le milieu.")
    page.get_by_role("button", name="Recommander").click()
    expect(page.get_by_test_id("recommendation").filter(has_text="Favorable")).to_be_visible()
    _axe_clean(axe, page)

    page.get_by_role("link", name="Consigner la décision du conseil").click()
    page.get_by_label("Accepté").check()
    page.get_by_label("Numéro de résolution").fill("CA-2015-09")
    page.get_by_label("Date de la décision").fill("2015-09-15")
    page.get_by_label("Montant accordé (facultatif)").fill("11 500,50")
    _axe_clean(axe, page)
    page.get_by_role("button", name="Consigner la décision").click()
    decision = page.get_by_test_id("board-decision")
    assert "CA-2015-09" in decision.inner_text() and "11 500,50" in decision.inner_text().replace("\xa0", " ")
    _axe_clean(axe, page)

    stored = BoardDecision.objects.get(resolution_number="CA-2015-09")
    assert stored.project.status == ProjectStatus.ACCEPTED
    assert [c.to_status for c in stored.project.status_changes.all()][-3:] == ["analysis", "recommended", "accepted"]


def test_the_coordinator_s_overview_pages_are_accessible(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    for path, heading in (
        ("/projets/intentions/", "Intentions de projet par enjeu"),
        ("/projets/semblables/", "Projets qui se ressemblent"),
        ("/projets/grille-d-analyse/", "Grille d'analyse"),
    ):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        _axe_clean(axe, page)
