"""The whole journey's e-mail notices step (issue 21, part 4): the demo's `partenaire` opens « Mes avis par courriel »
from her account menu, chooses a weekly digest for « Rencontres », saves and sees the confirmation (the guide's
picture partenaires-avis-par-courriel). The ORM only reads and asserts."""

from playwright.sync_api import expect

from notifications.models import Frequency, Kind, NotificationPreference
from tests.browser.conftest import accessible, log_in


def partner_chooses_a_weekly_digest(page, base, axe, camera) -> None:
    """On a page of its own (closed at the end), signed in as `partenaire`."""
    log_in(page, base, "partenaire")
    page.get_by_test_id("current-user").click()
    page.get_by_role("link", name="Mes avis par courriel").click()
    expect(page.get_by_role("heading", name="Mes avis par courriel")).to_be_visible()
    accessible(page, axe)
    page.get_by_role("group", name="Rencontres").get_by_label("Un résumé par semaine (le lundi)").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(
        page.get_by_role("status").filter(has_text="Vos choix d'avis par courriel sont enregistrés.")
    ).to_be_visible()
    expect(
        page.get_by_role("group", name="Rencontres").get_by_label("Un résumé par semaine (le lundi)")
    ).to_be_checked()
    accessible(page, axe)
    camera(page, "partenaires-avis-par-courriel", show=page.get_by_role("group", name="Rencontres"))
    preference = NotificationPreference.objects.get(user__username="partenaire", kind=Kind.MEETINGS)
    assert preference.frequency == Frequency.WEEKLY
    page.context.close()
