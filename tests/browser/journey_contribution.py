"""The whole journey's concertation-as-a-contribution step (issue 21, part 3): the demo's `coordination` opens the
envelope, follows « Taux horaire et soutiens », indexes the hourly rate from today,
records a transport support for the early-childhood table's citizens (no name, a number of people: Law 25), then
reads the bilan's « Contribution de la concertation », labelled as valued time, never as money (the guide's picture
coordination-contribution: the page with the new support). The ORM only reads and asserts."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from budget.models import ContributionRate, ParticipationSupport
from demo.facilitators import FACILITATED_SPACE
from tests.browser.conftest import accessible, log_in

ASIS = "/rouyn-noranda"
RATE_NOTE = "Indexation de décembre"


def coordination_values_the_concertation(page, base, axe, camera) -> ParticipationSupport:
    """On a page of its own (closed at the end), signed in as `coordination`."""
    log_in(page, base, "coordination")
    page.goto(base + ASIS + "/enveloppe/")
    expect(page.get_by_test_id("valued-time")).to_contain_text("Temps valorisé")
    page.get_by_role("link", name="Taux horaire et soutiens").click()
    expect(page.get_by_role("heading", name="Contribution de la concertation", level=1)).to_be_visible()
    accessible(page, axe)

    today = timezone.localdate()
    rates = page.get_by_test_id("rate-form")
    rates.get_by_label("Taux horaire").fill("41,25")
    rates.get_by_label("À compter du").fill(today.isoformat())
    rates.get_by_label("Note").fill(RATE_NOTE)
    rates.get_by_role("button", name="Fixer ce taux").click()
    expect(page.get_by_test_id("rate-history").get_by_role("row").nth(1)).to_contain_text("41,25 $")
    rate = ContributionRate.objects.get(note=RATE_NOTE)
    assert rate.hourly_rate == Decimal("41.25") and rate.valid_from == today and rate.set_by.username == "coordination"

    before = ParticipationSupport.objects.count()
    supports = page.get_by_test_id("support-form")
    supports.get_by_label("Lieu de concertation").select_option(label=FACILITATED_SPACE)
    supports.get_by_label("Date").fill(today.isoformat())
    supports.get_by_label("Type de soutien").select_option(value="transport")
    supports.get_by_label("Montant").fill("18,50")
    supports.get_by_label("Nombre de personnes aidées").fill("2")
    supports.get_by_role("button", name="Consigner").click()
    expect(page.get_by_test_id("supports").get_by_role("row").nth(1)).to_contain_text("18,50 $")
    accessible(page, axe)
    camera(page, "coordination-contribution", show=page.get_by_test_id("supports"))
    assert ParticipationSupport.objects.count() == before + 1
    support = ParticipationSupport.objects.latest("pk")
    assert support.amount == Decimal("18.50") and support.people == 2 and support.space.name == FACILITATED_SPACE

    page.goto(base + ASIS + "/bilan/")
    contribution = page.get_by_test_id("bilan-contribution")
    expect(contribution).to_contain_text("Ce n'est pas de l'argent")
    contribution.get_by_text("Voir le temps valorisé et le soutien par lieu de concertation et par enjeu").click()
    expect(contribution.get_by_role("table").first).to_be_visible()
    accessible(page, axe)
    page.context.close()
    return support
