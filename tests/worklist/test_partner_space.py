"""« Mon espace » (issue 23, item 2): a partner's home lists their organisations' projects, each with its path,
« À faire maintenant » (who acts, by when, the button when it is theirs), the next report and the next payment with
what it waits for; never another organisation's or another alliance's. Anonymous visitors, Coordination, staff and
the regional funder keep their own home."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from alliances.models import AllianceRole
from budget.services.agreements import agreement_create, planned_payment_add, report_deadline_add
from organisations.models import Membership, Organisation
from organisations.roles import PARTENAIRE
from organisations.services import membership_request_create
from projects.models import BoardDecision, ProjectPartner, ProjectStatus
from projects.services.filing import project_create
from projects.services.review import board_decision_record, project_request_changes
from projects.services.status import project_change_status
from tests import factories as f
from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
S = ProjectStatus


def day(value: datetime.date) -> str:
    """A date as the page writes it after « le » (« 15 mars 2015 », non-breaking spaces as plain ones)."""
    from asis.templatetags.asis_format import day_date

    return day_date(value)


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def running(*, lead, theme, source, title, by, amount="20000.00"):
    """A project accepted by the board, its agreement signed and its work under way, with `amount` committed."""
    project = f.make_project(lead=lead, theme=theme, status=S.ACCEPTED, title=title)
    commitment = f.commit(source=source, project=project, amount=amount, by=by)
    agreement = agreement_create(project=project, signed_on=datetime.date(2014, 7, 1), by=by)
    project_change_status(project=project, to_status=S.IN_PROGRESS, by=by)
    project.refresh_from_db()
    return project, agreement, commitment


@pytest.fixture
def space(cast, current, theme, today):
    """Organisation A's projects at every stage, one of B's naming A as partner, B's own: built through the services."""
    by = cast.coordinator
    source = f.make_source(current, amount="900000.00")
    s = SimpleNamespace(plan=current, source=source)
    # Under way: a progress report late by 10 days, the 13 500,50 $ payment that waits for it, a later report
    s.running, agreement, commitment = running(lead=cast.org_a, theme=theme, source=source, title="Cuisine A", by=by)
    s.late = report_deadline_add(
        agreement=agreement, kind="progress", due_on=today - 10 * DAY, label="Mi-parcours", by=by
    )
    report_deadline_add(agreement=agreement, kind="final", due_on=today + 200 * DAY, by=by)
    s.payment = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=today + 5 * DAY,
        amount="13500.50",
        required_report=s.late,
        by=by,
    )
    planned_payment_add(agreement=agreement, commitment=commitment, due_on=today + 90 * DAY, amount="1000.00", by=by)
    # Under way too, its next report in 20 days: nothing late
    s.on_time, agreement2, _c = running(lead=cast.org_a, theme=theme, source=source, title="Bibliothèque A", by=by)
    s.on_time_deadline = report_deadline_add(agreement=agreement2, kind="progress", due_on=today + 20 * DAY, by=by)
    # Before the board
    s.intention = project_create(lead=cast.org_a, theme=theme, status=S.INTENTION, title="Idée A")
    s.draft = f.make_project(lead=cast.org_a, theme=theme, title="Halte A")
    s.submitted = f.make_project(lead=cast.org_a, theme=theme, status=S.SUBMITTED, title="Dépôt A")
    s.sent_back = f.make_project(lead=cast.org_a, theme=theme, status=S.SUBMITTED, title="Renvoyé A")
    project_request_changes(project=s.sent_back, by=by, comment="Précisez le budget des ateliers.")
    s.recommended = f.make_project(lead=cast.org_a, theme=theme, status=S.RECOMMENDED, title="Au conseil A")
    s.refused = f.make_project(lead=cast.org_a, theme=theme, status=S.RECOMMENDED, title="Refusé A")
    board_decision_record(
        project=s.refused,
        outcome=BoardDecision.Outcome.REFUSED,
        resolution_number="CA-1",
        decided_on=today - 30 * DAY,
        by=by,
    )
    s.withdrawn = f.make_project(lead=cast.org_a, theme=theme, status=S.SUBMITTED, title="Retiré A")
    project_change_status(project=s.withdrawn, to_status=S.WITHDRAWN, by=cast.alice)
    # B's: one names A as partner (not answered yet), one is B's alone, under way with a late report
    s.naming_a = f.make_project(lead=cast.org_b, theme=theme, status=S.SUBMITTED, title="Partenariat B")
    ProjectPartner.objects.create(project=s.naming_a, organisation=cast.org_a)
    s.of_b, agreement_b, _cb = running(lead=cast.org_b, theme=theme, source=source, title="Jardin B", by=by)
    report_deadline_add(agreement=agreement_b, kind="progress", due_on=today - 3 * DAY, by=by)
    return s


def panels(response) -> dict:
    return {p.project.title: p for p in response.context["panels"]}


# ---------------------------------------------------------------- who lands where


def test_a_partner_lands_on_their_space_with_their_organisations_projects_only(client, cast, space):
    client.force_login(cast.alice)
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.templates[0].name == "worklist/partner.html"
    assert set(panels(response)) == {
        "Cuisine A",
        "Bibliothèque A",
        "Idée A",
        "Halte A",
        "Dépôt A",
        "Renvoyé A",
        "Au conseil A",
        "Refusé A",
        "Retiré A",
        "Partenariat B",  # names A as partner
    }
    page = text(response)
    assert "Jardin B" not in page
    assert '<h1 class="h2">Mon espace</h1>' in page


def test_another_organisations_partner_sees_only_theirs(client, cast, space):
    client.force_login(cast.charlie)
    assert set(panels(client.get(reverse("home")))) == {"Partenariat B", "Jardin B"}


def test_a_declined_partnership_leaves_the_space(client, cast, space):
    ProjectPartner.objects.filter(project=space.naming_a).update(status=ProjectPartner.Status.DECLINED)
    client.force_login(cast.alice)
    assert "Partenariat B" not in panels(client.get(reverse("home")))


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", "pages/home.html"),
        ("coordinator", "worklist/coordination.html"),
        ("staff", "worklist/staff.html"),
        ("alice", "worklist/partner.html"),
        ("bob", "worklist/partner.html"),
    ],
)
def test_each_role_keeps_its_home(client, login, cast, space, who, expected):
    response = login(getattr(cast, who)).get(reverse("home"))
    assert response.status_code == 200 and response.templates[0].name == expected


def test_the_regional_funder_keeps_the_public_overview(client, space):
    funder = f.make_user("region", alliances=[])
    f.grant_role(funder, space.plan.alliance, AllianceRole.Role.FUNDER)
    client.force_login(funder)
    assert client.get(reverse("home")).templates[0].name == "pages/home.html"


def test_the_menu_names_the_partners_home_mon_espace(client, cast, space):
    client.force_login(cast.alice)
    page = text(client.get(reverse("home")))
    assert re.search(r'<a class="nav-link active" aria-current="page" href="/">Mon espace</a>', page)
    client.force_login(cast.coordinator)
    assert ">Mon espace</a>" not in text(client.get(reverse("home")))
    client.logout()
    assert ">Mon espace</a>" not in text(client.get(reverse("home")))


def test_the_other_alliances_partner_sees_none_of_this_alliances_projects():
    world = two_alliances()
    client = Client()
    client.force_login(world.south.partner)
    response = client.get(url(world.north, "home"))
    assert response.templates[0].name == "worklist/partner.html"
    assert panels(response) == {}
    assert "Projet financé Nord" not in text(response)
    # Nord's partner, whose organisation also works in Sud, reads only Sud's project of theirs at Sud's address
    client.force_login(world.north.partner)
    assert set(panels(client.get(url(world.south, "home")))) == {"Projet Nord au Sud"}
    assert set(panels(client.get(url(world.north, "home")))) == {"Projet financé Nord", "Projet accepté Nord"}


# ---------------------------------------------------------------- what each card says


def test_the_payment_line_shows_the_amount_to_the_cent_and_the_report_it_waits_for(client, cast, space, today):
    client.force_login(cast.alice)
    response = client.get(reverse("home"))
    running_panel = panels(response)["Cuisine A"]
    assert running_panel.payment.amount == Decimal("13500.50")
    assert running_panel.payment.waits_for == space.late
    page = text(response)
    assert "13 500,50 $" in page
    assert f"Attend votre rapport d'étape dû le {day(space.late.due_on)}." in page
    # the other project's payment waits for nothing
    assert panels(response)["Bibliothèque A"].payment is None


def test_a_late_report_comes_first_and_only_late_is_red(client, cast, space, today):
    client.force_login(cast.alice)
    response = client.get(reverse("home"))
    ordered = [p.project.title for p in response.context["panels"]]
    assert ordered[0] == "Cuisine A"  # yours, late
    first = response.context["panels"][0]
    assert first.todo.yours and first.todo.overdue and first.todo.when == space.late.due_on
    assert first.todo.what == "Produire le rapport d'étape"
    assert first.todo.action.url == reverse("projects:report-create", args=[space.running.pk])
    assert first.report.deadline == space.late and first.report.overdue and first.report.days == 10
    # yours before the Coordination's and the board's turn, the closed ones last
    groups = [p.rank[0] for p in response.context["panels"]]
    assert groups == sorted(groups)
    assert {p.project.title for p in response.context["panels"][-2:]} == {"Refusé A", "Retiré A"}
    # the report due in 20 days: yours, not late, nothing red on its card
    on_time = panels(response)["Bibliothèque A"]
    assert on_time.todo.yours and not on_time.todo.overdue and not on_time.report.overdue
    cards = text(response).split('data-testid="project-card"')[1:]
    red = [card for card in cards if "text-danger" in card]
    assert len(red) == 1 and "Cuisine A" in red[0]
    assert "en retard de 10 jours" in red[0]


def test_who_acts_at_each_stage(client, cast, space):
    client.force_login(cast.alice)
    by_title = panels(client.get(reverse("home")))
    assert by_title["Idée A"].todo.who == "Vous" and by_title["Idée A"].todo.action.label == "Rédiger le projet"
    assert by_title["Halte A"].todo.who == "Vous"
    assert by_title["Halte A"].todo.action.url == reverse("projects:project-application", args=[space.draft.pk])
    assert by_title["Dépôt A"].todo.who == "La Coordination" and by_title["Dépôt A"].todo.action is None
    assert by_title["Au conseil A"].todo.who == "Le conseil d'administration"
    assert by_title["Au conseil A"].todo.action is None
    sent_back = by_title["Renvoyé A"].todo
    assert sent_back.who == "Vous" and "demandes de changements" in sent_back.what
    assert sent_back.detail == "Précisez le budget des ateliers."
    # A named partner's responsable answers; the lead's name says who leads it
    partnership = by_title["Partenariat B"].todo
    assert partnership.who == "Vous" and "Organisme A" in partnership.what
    assert partnership.action.url.endswith(f"/projets/{space.naming_a.pk}/#partenaires")


def test_bob_a_member_without_the_responsable_role_does_not_answer_for_the_organisation(client, cast, space):
    client.force_login(cast.bob)
    todo = panels(client.get(reverse("home")))["Partenariat B"].todo
    assert todo.who == "La Coordination" and todo.action is None


def test_the_path_marks_the_current_step_and_a_refused_project_ends_there(client, cast, space):
    client.force_login(cast.alice)
    response = client.get(reverse("home"))
    by_title = panels(response)

    def current(title):
        return [step.label for step in by_title[title].steps if step.is_current]

    assert current("Idée A") == ["Intention"]
    assert current("Halte A") == ["Proposition en rédaction"]
    assert current("Dépôt A") == ["Déposée"]
    assert current("Au conseil A") == ["Décision du conseil"]
    assert current("Cuisine A") == ["Versements"]  # under way, nothing paid yet
    refused = by_title["Refusé A"]
    assert [step.label for step in refused.steps][-2:] == ["En analyse", "Refusé par le conseil"]
    assert refused.steps[-1].state == "stopped" and refused.todo is None and "refusé" in refused.closed
    withdrawn = by_title["Retiré A"]
    assert [step.label for step in withdrawn.steps][-1] == "Retiré" and len(withdrawn.steps) == 3
    page = text(response)
    assert page.count('aria-current="step"') == len(by_title)
    assert "(étape actuelle)" in page and "(fin du parcours)" in page  # said in words, not colour alone


def test_an_organisation_awaiting_approval_is_told_what_it_may_do(client, cast, current):
    pending = f.make_organisation(name="Organisme en attente", status=Organisation.Status.PENDING)
    dana = f.make_user("dana", organisation=pending, role=Membership.Role.RESPONSABLE, group=PARTENAIRE)
    client.force_login(dana)
    page = text(client.get(reverse("home")))
    assert "« Organisme en attente » attend l'approbation de la Coordination." in page
    assert f'href="{reverse("projects:project-intention-create")}"' in page and "Nouvelle intention de projet" in page


def test_someone_without_an_organisation_is_told_how_to_join_one(client, cast, current):
    eve = f.make_user("eve", group=PARTENAIRE)
    client.force_login(eve)
    page = text(client.get(reverse("home")))
    assert "Votre compte n'est rattaché à aucune organisation." in page
    assert "Nouvelle intention de projet" not in page
    membership_request_create(user=eve, organisation=cast.org_a)
    page = text(client.get(reverse("home")))
    assert "Votre demande pour joindre « Organisme A »" in page


def test_the_action_leads_to_the_report_form(client, cast, space):
    client.force_login(cast.alice)
    panel = panels(client.get(reverse("home")))["Cuisine A"]
    form = client.get(panel.todo.action.url)
    assert form.status_code == 200 and form.templates[0].name == "projects/report_form.html"


def test_nothing_to_do_on_a_closed_plans_project(client, cast, space):
    from plans.models import Plan

    Plan.objects.filter(pk=space.plan.pk).update(status=Plan.Status.CLOSED)
    client.force_login(cast.alice)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "worklist/partner.html"
    assert all(p.todo is None and p.closed for p in response.context["panels"])
    assert "Ce projet appartient à un plan terminé : il se consulte, plus rien ne s&#x27;y fait." in text(response)
    assert "Nouvelle intention de projet" not in text(response)


# ---------------------------------------------------------------- the project's page opens on the same panel


def test_the_project_page_opens_on_the_panel_for_its_people(client, cast, space):
    detail = reverse("projects:project-detail", args=[space.running.pk])
    client.force_login(cast.alice)
    page = text(client.get(detail))
    assert 'data-testid="project-panel"' in page
    assert page.index('data-testid="project-panel"') < page.index('id="montants"')  # near the top
    assert "13 500,50 $" in page and f"Attend votre rapport d'étape dû le {day(space.late.due_on)}." in page
    # one button in the panel to produce the late report: « À faire maintenant »'s, not a second one beside it
    panel = page.split('data-testid="project-panel"')[1].split("</section>")[0]
    assert panel.count(f'href="{reverse("projects:report-create", args=[space.running.pk])}"') == 1


def test_the_coordination_reads_the_panel_with_its_own_action(client, cast, space):
    client.force_login(cast.coordinator)
    page = text(client.get(reverse("projects:project-detail", args=[space.running.pk])))
    assert 'data-testid="project-panel"' in page
    assert f"Attend le rapport d'étape dû le {day(space.late.due_on)}." in page  # not « votre »
    assert 'data-testid="todo-who">Qui : Organisme A<' in page
    submitted = text(client.get(reverse("projects:project-detail", args=[space.submitted.pk])))
    assert f'action="{reverse("projects:review-open", args=[space.submitted.pk])}"' in submitted
    assert "Ouvrir l'analyse" in submitted


@pytest.mark.parametrize("who", ["anonymous", "charlie"])
def test_the_panel_is_not_shown_to_outsiders_of_a_public_project(client, login, cast, space, who):
    response = login(getattr(cast, who)).get(reverse("projects:project-detail", args=[space.running.pk]))
    assert response.status_code == 200
    assert 'data-testid="project-panel"' not in text(response)
