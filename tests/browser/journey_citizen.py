"""The whole journey's citizen step (issue 21, part 5): the demo's citizen with her own account (`citoyen`, Amélie
Tremblay, seated at the early-childhood table: demo/citizen_account.py) signs in, lands on « Mes rencontres », says she
will come to her next meeting, then answers the written consultation her seat is asked. On a phone (375 px): every
page passes axe and needs no sideways scrolling; the guide's two pictures (citoyens-mes-rencontres,
citoyens-consultation) at the guide's width, as every picture of it. The ORM only reads and asserts."""

from playwright.sync_api import expect

from chantiers.models import ConsultationRespondent, Invitation
from demo.avoided import CONSULTATION, QUESTIONS
from demo.citizen_account import LOGIN
from tests.browser.conftest import accessible, log_in
from tests.browser.guide import VIEWPORT

PHONE = {"width": 375, "height": 800}
ANSWER = "Les deux dernières semaines de juillet."


def _usable(page, axe) -> None:
    accessible(page, axe)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def _picture(page, camera, name: str, show) -> None:
    """The guide's picture at the guide's width, then the phone again."""
    page.set_viewport_size(VIEWPORT)
    camera(page, name, show=show)
    page.set_viewport_size(PHONE)


def citizen_answers(page, base, axe, camera) -> None:
    """On a page of its own (closed at the end), at a phone's width."""
    page.set_viewport_size(PHONE)
    log_in(page, base, LOGIN)
    page.wait_for_url(base + "/citoyen/")
    expect(page.get_by_role("heading", name="Mes rencontres", level=1)).to_be_visible()
    _usable(page, axe)

    meeting = page.get_by_test_id("citizen-meeting").first
    meeting.get_by_role("button", name="Je serai là", exact=True).click()
    expect(page.get_by_test_id("citizen-meeting").first.get_by_test_id("citizen-response")).to_have_text(
        "Vous avez dit : je serai là."
    )
    _usable(page, axe)
    _picture(page, camera, "citoyens-mes-rencontres", page.get_by_test_id("citizen-meeting").first)
    assert Invitation.objects.filter(citizen__user__username=LOGIN, response=Invitation.Response.COMING).exists()

    page.get_by_test_id("citizen-open-consultations").get_by_role("link", name=CONSULTATION).click()
    expect(page.get_by_role("heading", name=CONSULTATION)).to_be_visible()
    _usable(page, axe)
    page.get_by_label(QUESTIONS[1]).fill(ANSWER)
    _picture(page, camera, "citoyens-consultation", page.get_by_label(QUESTIONS[1]))
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    expect(page.get_by_role("heading", name="Mes consultations écrites", level=1)).to_be_visible()
    _usable(page, axe)
    respondent = ConsultationRespondent.objects.get(
        consultation__title=CONSULTATION, citizen_seat__citizen__user__username=LOGIN
    )
    assert respondent.answered_by.username == LOGIN
    assert respondent.answers.get(question__text=QUESTIONS[1]).text == ANSWER
    page.context.close()
