"""The whole journey's facilitator step (issue 20, part 5): the demo's `partenaire` (Julie Perron, of the family
organisation), named by Coordination to facilitate the early-childhood table, schedules a meeting of it from
« Mes lieux à animer » (through the hyperconcertation warning when it shows) and records a decision with its
follow-up on the meeting's page. The ORM only reads and asserts."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from chantiers.models import Decision, Meeting
from demo.facilitators import FACILITATED_SPACE
from tests.browser.conftest import accessible, log_in

ASIS = "/rouyn-noranda"
DECISION = "Tenir une halte-garderie pendant les rencontres de la table"
FOLLOW_UP = "Trouver deux bénévoles pour la halte-garderie"


def facilitator_runs_a_meeting(page, base, axe, camera) -> Meeting:
    """On a page of its own (closed at the end), signed in as `partenaire`."""
    log_in(page, base, "partenaire")
    page.goto(base + ASIS + "/lieux/")
    mine = page.get_by_test_id("facilitated")
    expect(mine.get_by_role("heading", name="Mes lieux à animer")).to_be_visible()
    accessible(page, axe)
    schedule = mine.get_by_role("link", name=f"Planifier une rencontre — {FACILITATED_SPACE}")
    camera(page, "partenaires-lieux-a-animer", show=schedule)
    schedule.click()

    day = timezone.localdate() + datetime.timedelta(days=21)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Début").fill("09:30")
    page.get_by_label("Fin").fill("11:00")
    page.get_by_label("Lieu").fill("Maison de la famille, salle des tout-petits")
    page.get_by_label("Ordre du jour").fill("1. Tour de table\n2. La halte-garderie pendant nos rencontres")
    accessible(page, axe)
    page.get_by_role("button", name="Planifier la rencontre").click()
    if page.get_by_test_id("hyperconcertation-warning").count():
        # The same warning as Coordination's: an invited organisation already meets a lot that month.
        accessible(page, axe)
        page.get_by_role("button", name="Planifier quand même").click()
    expect(page.get_by_role("heading", name=f"Rencontre — {FACILITATED_SPACE}")).to_be_visible()
    accessible(page, axe)
    meeting = Meeting.objects.get(space__name=FACILITATED_SPACE, date=day)

    page.get_by_label("Décision", exact=True).fill(DECISION)
    page.locator("#id_suivi-0-what").fill(FOLLOW_UP)
    page.get_by_role("button", name="Consigner la décision").click()
    expect(page.get_by_role("main").get_by_text(DECISION).first).to_be_visible()
    accessible(page, axe)
    camera(page, "partenaires-animateur-rencontre", show=page.get_by_test_id("decision").filter(has_text=DECISION))
    decision = Decision.objects.get(meeting=meeting)
    assert decision.text == DECISION
    assert list(decision.follow_ups.values_list("what", flat=True)) == [FOLLOW_UP]
    page.context.close()
    return meeting
