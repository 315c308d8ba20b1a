"""The whole journey's committee step (issue 20, part 1): `partenaire2`, who sits on ASIS's analysis committee
(demo/committee.py), opens « Mes analyses » from his home, declares no conflict of interest on « Jardins communautaires
intergénérationnels » and scores the grid with his own login; Coordination then reads, on the analysis page, each
member's score, the mean and the spread, and who is recused (Lise Tremblay, of a partner organisation)."""

from playwright.sync_api import expect

from projects.models import ActionProject, MemberScore, ReviewCriterion
from tests.browser.conftest import accessible, log_in

ASIS = "/rouyn-noranda"
REVIEWED = "Jardins communautaires intergénérationnels"


def committee_member_scores(member, coordination, base, axe, camera):
    project = ActionProject.objects.get(title=REVIEWED, is_demo=True)
    log_in(member, base, "partenaire2")
    member.goto(base + ASIS + "/")  # « Mon espace » says what waits for him on the committee, and links to it
    expect(member.get_by_test_id("analyses-to-do")).to_contain_text("votre déclaration d'intérêts ou vos notes")
    accessible(member, axe)
    member.get_by_role("link", name="Ouvrir mes analyses").click()
    member.wait_for_url(lambda url: url.endswith("/mes-analyses/"))
    accessible(member, axe)
    member.get_by_role("link", name=REVIEWED).click()
    member.wait_for_url(lambda url: "/analyse/membres/" in url)
    member.get_by_label("Je n'ai pas de conflit d'intérêts dans ce projet").check()
    member.get_by_role("button", name="Déclarer").click()
    expect(member.get_by_test_id("member-scores-form")).to_be_visible()
    accessible(member, axe)
    criteria = list(ReviewCriterion.objects.filter(plan=project.theme.plan, is_active=True).order_by("order", "pk"))
    for criterion in criteria:
        member.get_by_label(f"Note : {criterion.name} (sur {criterion.max_score})").fill(
            str(min(3, criterion.max_score))
        )
    camera(member, "coordination-membre-grille", show=member.get_by_test_id("member-scores-form"))
    member.get_by_role("button", name="Enregistrer mes notes").click()
    expect(member.get_by_text("Vos notes sont enregistrées.")).to_be_visible()
    assert MemberScore.objects.filter(review__project=project, member__user__username="partenaire2").count() == len(
        criteria
    )
    member.context.close()

    coordination.goto(f"{base}{ASIS}/projets/{project.pk}/analyse/")
    table = coordination.get_by_test_id("committee-table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Karim Belkacem")).to_be_visible()
    expect(coordination.get_by_test_id("committee-recused")).to_contain_text("Lise Tremblay")
    expect(coordination.get_by_test_id("committee-not-scored")).to_have_text("—")
    accessible(coordination, axe)
    camera(coordination, "coordination-comite", show=table)
