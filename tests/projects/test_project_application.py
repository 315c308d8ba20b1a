"""The project application as a task list, saved as you go (issue 23, item 4): the task list, a short form per
section, « Vérifier et déposer ». Who may open each page (both alliances), what a section saves and refuses, the
status of each section, the filing refused while something is missing, the task list's query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliances.addresses import alliance_reverse
from organisations.roles import COORDINATION, PARTENAIRE
from plans.models import Plan
from projects.models import ActionProject, Indicator, OtherFunding, ProjectPartner, ProjectStatus, ProjectYearAmount
from projects.selectors.application import application_sections
from projects.services.filing import project_create, project_save_draft
from tests import factories as f
from tests.projects.conftest import formset_management, page

pytestmark = pytest.mark.django_db

SECTIONS = ("projet", "partenaires", "personnes-rejointes", "budget", "resultats")


@pytest.fixture
def draft(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, title="Cuisines collectives", summary="Cuisiner ensemble")


@pytest.fixture
def other_alliance(db):
    """A second alliance with its own current plan, coordinator and partner's draft."""
    sud = f.make_alliance(name="Alliance du sud", slug="sud")
    plan = f.make_plan(alliance=sud, title="Plan du sud", status=Plan.Status.CURRENT)
    org = f.make_organisation(name="Organisme du sud")
    return {
        "alliance": sud,
        "coordinator": f.make_user("coord_sud", group=COORDINATION, alliances=[sud]),
        "partner": f.make_user("dora", organisation=org, group=PARTENAIRE),
        "draft": f.make_project(lead=org, theme=f.make_theme(plan), title="Brouillon du sud"),
    }


def _urls(project):
    return {
        "task list": reverse("projects:project-application", args=[project.pk]),
        "review": reverse("projects:project-application-review", args=[project.pk]),
        **{
            f"section {slug}": reverse("projects:project-application-section", args=[project.pk, slug])
            for slug in SECTIONS
        },
    }


def _url(project, section):
    return reverse("projects:project-application-section", args=[project.pk, section])


def _state(project):
    """What a section could write: the project's fields and its rows."""
    project = ActionProject.objects.get(pk=project.pk)
    return (
        [getattr(project, name) for name in ("title", "description", "target_population", "area_served", "status")],
        (project.start_date, project.end_date, project.amount_requested, project.objectives),
        sorted(ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")),
        sorted(ProjectPartner.objects.filter(project=project).values_list("organisation_id", "contribution_value")),
        sorted(OtherFunding.objects.filter(project=project).values_list("source_name", "amount")),
        sorted(Indicator.objects.filter(project=project).values_list("name", "target")),
    )


# ---------------------------------------------------------------- who may open each page


@pytest.mark.parametrize(
    "who, status",
    [("alice", 200), ("bob", 200), ("charlie", 404), ("coordinator", 200), ("staff", 403), ("anonymous", 302)],
)
def test_every_page_of_a_draft_s_application_by_role(login, cast, draft, who, status):
    client = login(getattr(cast, who))
    for name, url in _urls(draft).items():
        response = client.get(url)
        assert response.status_code == status, (name, who)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("who", ["alice", "coordinator", "charlie"])
def test_another_alliance_s_project_is_not_found_at_this_alliance_s_address(login, cast, draft, other_alliance, who):
    client = login(getattr(cast, who))
    for name in ("projects:project-application", "projects:project-application-review"):
        url = alliance_reverse(draft.theme.plan.alliance, name, args=[other_alliance["draft"].pk])
        assert client.get(url).status_code == 404, name
    url = alliance_reverse(
        draft.theme.plan.alliance, "projects:project-application-section", args=[other_alliance["draft"].pk, "projet"]
    )
    assert client.get(url).status_code == 404


def test_the_other_alliance_s_coordinator_and_partner_get_nothing_of_this_alliance_s_draft(
    client, draft, other_alliance
):
    home = draft.theme.plan.alliance
    for who in ("coordinator", "partner"):
        client.force_login(other_alliance[who])
        for name in ("projects:project-application", "projects:project-application-review"):
            assert client.get(alliance_reverse(home, name, args=[draft.pk])).status_code == 404, (who, name)
        section = alliance_reverse(home, "projects:project-application-section", args=[draft.pk, "projet"])
        assert client.get(section).status_code == 404, who
        before = _state(draft)
        assert client.post(section, {"title": "Pris", "theme": draft.theme_id}).status_code == 404, who
        assert _state(draft) == before
    # and on their own alliance's address, their own coordinator reads their own partner's draft
    client.force_login(other_alliance["coordinator"])
    own = alliance_reverse(
        other_alliance["alliance"], "projects:project-application", args=[other_alliance["draft"].pk]
    )
    assert client.get(own).status_code == 200


def test_an_unknown_section_is_not_found(login, cast, draft):
    assert login(cast.alice).get(_url(draft, "verifier-tout")).status_code == 404


def test_after_filing_the_application_is_read_and_its_sections_refused(login, cast, theme):
    filed = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Déposé")
    client = login(cast.alice)
    text = page(client.get(reverse("projects:project-application", args=[filed.pk])))
    assert "sa demande se consulte, elle ne se modifie plus" in text
    assert _url(filed, "projet") not in text  # no link to a form
    response = client.get(_url(filed, "projet"))
    assert response.status_code == 403 and "il ne se modifie plus" in page(response)
    before = _state(filed)
    assert client.post(_url(filed, "projet"), {"title": "Changé", "theme": theme.pk}).status_code == 403
    assert _state(filed) == before
    # Coordination still corrects a filed project (as with the project's full form)
    assert login(cast.coordinator).get(_url(filed, "projet")).status_code == 200


# ---------------------------------------------------------------- saving a section


def _project_section(theme, plan, **overrides):
    start = plan.start_date
    data = {
        "title": "Cuisines collectives du quartier",
        "theme": theme.pk,
        "summary": "Cuisiner ensemble",
        "description": "Des ateliers de cuisine chaque semaine.",
        "start_date": (start + datetime.timedelta(days=30)).isoformat(),
        "end_date": (start + datetime.timedelta(days=300)).isoformat(),
        "plan_years": [plan.years.first().pk],
        "action": "continuer",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_saving_a_section_keeps_its_values_and_goes_on_to_the_next(login, cast, draft, plan, theme):
    client = login(cast.alice)
    response = client.post(_url(draft, "projet"), _project_section(theme, plan))
    assert response.status_code == 302 and response["Location"] == _url(draft, "partenaires")
    draft.refresh_from_db()
    assert draft.title == "Cuisines collectives du quartier"
    assert draft.description == "Des ateliers de cuisine chaque semaine."
    assert draft.start_date == plan.start_date + datetime.timedelta(days=30)
    assert list(draft.plan_years.all()) == [plan.years.first()]
    # the form opened again shows what was saved
    text = page(client.get(_url(draft, "projet")))
    assert "Des ateliers de cuisine chaque semaine." in text and "Cuisines collectives du quartier" in text


def test_the_budget_section_saves_amounts_to_the_cent_and_other_funding(login, cast, draft, plan):
    years = list(plan.years.order_by("number"))
    data = {
        f"amount_{years[0].pk}": "12 500,50",
        f"amount_{years[1].pk}": "1 000,25",
        **formset_management("financement", total=1),
        "financement-0-kind": OtherFunding.Kind.OTHER_FUNDER,
        "financement-0-source_name": "Centraide",
        "financement-0-amount": "2 000",
        "action": "continuer",
    }
    response = login(cast.alice).post(_url(draft, "budget"), data)
    assert response.status_code == 302 and response["Location"] == _url(draft, "resultats")
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("13500.75")
    assert {row.plan_year_id: row.amount for row in draft.year_amounts.all()} == {
        years[0].pk: Decimal("12500.50"),
        years[1].pk: Decimal("1000.25"),
    }
    assert list(draft.other_funding.values_list("source_name", "amount")) == [("Centraide", Decimal("2000.00"))]


def test_the_partners_section_names_a_partner_and_refuses_the_lead_itself(login, cast, draft):
    client = login(cast.alice)
    data = {
        **formset_management("partenaires", total=1),
        "partenaires-0-organisation": cast.org_b.pk,
        "partenaires-0-contribution_kind": ProjectPartner.Contribution.SERVICES,
        "partenaires-0-contribution_value": "1 500",
        "action": "continuer",
    }
    response = client.post(_url(draft, "partenaires"), data)
    assert response["Location"] == _url(draft, "personnes-rejointes")
    assert list(draft.partnerships.values_list("organisation_id", "contribution_value")) == [
        (cast.org_b.pk, Decimal("1500.00"))
    ]
    # the lead as its own partner: refused in French, nothing saved
    before = _state(draft)
    response = client.post(_url(draft, "partenaires"), {**data, "partenaires-0-organisation": cast.org_a.pk})
    assert response.status_code == 200
    assert _state(draft) == before


def test_bad_input_is_refused_in_french_and_saves_nothing_of_the_section(login, cast, draft, plan, theme):
    client = login(cast.alice)
    client.post(_url(draft, "personnes-rejointes"), {"target_population": "Les familles", "action": "continuer"})
    before = _state(draft)
    start = plan.start_date
    bad = _project_section(
        theme,
        plan,
        title="Titre qui ne doit pas rester",
        start_date=(start + datetime.timedelta(days=300)).isoformat(),
        end_date=(start + datetime.timedelta(days=30)).isoformat(),
    )
    for action in ("continuer", "plus-tard"):
        response = client.post(_url(draft, "projet"), {**bad, "action": action})
        assert response.status_code == 200
        text = page(response)
        assert "Il y a un problème" in text and "La date de fin doit suivre la date de début." in text
        assert _state(draft) == before  # nothing of the section, and the other section is untouched
    draft.refresh_from_db()
    assert draft.target_population == "Les familles"
    # a negative amount: the same
    negative = {f"amount_{plan.years.first().pk}": "-5", **formset_management("financement"), "action": "plus-tard"}
    response = client.post(_url(draft, "budget"), negative)
    assert response.status_code == 200 and "Le montant ne peut pas être négatif." in page(response)
    assert _state(draft) == before


def test_continue_asks_for_what_the_section_requires_later_keeps_what_is_typed(login, cast, draft, plan, theme):
    client = login(cast.alice)
    partial = _project_section(theme, plan, description="", end_date="", summary="Résumé gardé")
    response = client.post(_url(draft, "projet"), partial)
    assert response.status_code == 200
    text = page(response)
    assert "Décrivez le projet." in text and "Indiquez la date de fin du projet." in text
    draft.refresh_from_db()
    assert draft.summary == "Cuisiner ensemble"  # nothing saved
    response = client.post(_url(draft, "projet"), {**partial, "action": "plus-tard"})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:project-application", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.summary == "Résumé gardé" and draft.description == "" and draft.end_date is None
    # the budget asks for at least one year's amount
    response = client.post(_url(draft, "budget"), {**formset_management("financement"), "action": "continuer"})
    assert "Indiquez un montant demandé pour au moins une année du plan." in page(response)


def test_an_intention_becomes_a_draft_when_a_section_is_saved(login, cast, theme, plan):
    intention = project_create(
        by=cast.alice, lead=cast.org_a, theme=theme, status=ProjectStatus.INTENTION, title="Idée"
    )
    client = login(cast.alice)
    assert "devient un brouillon de projet dès la première section" in page(
        client.get(reverse("projects:project-application", args=[intention.pk]))
    )
    client.post(_url(intention, "personnes-rejointes"), {"target_population": "Les aînés", "action": "plus-tard"})
    intention.refresh_from_db()
    assert intention.status == ProjectStatus.DRAFT
    change = intention.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == ("intention", "draft", cast.alice)


# ---------------------------------------------------------------- status of each section


def _statuses(project):
    project = ActionProject.objects.get(pk=project.pk)
    return {state.section.slug: state.status_label for state in application_sections(project)}


def test_each_section_s_status_follows_what_it_holds(cast, draft, plan):
    assert _statuses(draft) == {
        "projet": "En cours",  # a title and a theme, not yet a description nor dates
        "partenaires": "Facultatif",
        "personnes-rejointes": "À faire",
        "budget": "À faire",
        "resultats": "Facultatif",
    }
    project_save_draft(by=cast.alice, project=draft, area_served="Rouyn-Noranda")
    project_save_draft(by=cast.alice, project=draft, other_funding=[{"kind": "own", "source_name": "A", "amount": 5}])
    project_save_draft(by=cast.alice, project=draft, objectives="Rejoindre 40 familles")
    assert _statuses(draft) == {
        "projet": "En cours",
        "partenaires": "Facultatif",
        "personnes-rejointes": "En cours",
        "budget": "En cours",
        "resultats": "Terminé",
    }
    project_save_draft(
        by=cast.alice,
        project=draft,
        description="Des ateliers",
        start_date=plan.start_date,
        end_date=plan.start_date + datetime.timedelta(days=90),
        target_population="Les familles",
        year_amounts={plan.years.first(): Decimal("0.01")},
        partners=[{"organisation": cast.org_b}],
    )
    assert set(_statuses(draft).values()) == {"Terminé"}


def test_the_task_list_shows_each_status_in_words(login, cast, draft):
    response = login(cast.alice).get(reverse("projects:project-application", args=[draft.pk]))
    text = page(response)
    for slug in SECTIONS:
        assert _url(draft, slug) in text
    assert "Sections obligatoires terminées : 0 sur 3." in text
    assert text.count(">À faire<") == 2 and text.count(">En cours<") == 1 and text.count(">Facultatif<") == 2
    assert "Pas encore possible" in text


# ---------------------------------------------------------------- « Vérifier et déposer »


def test_the_review_lists_what_is_missing_and_offers_no_filing(login, cast, draft):
    text = page(login(cast.alice).get(reverse("projects:project-application-review", args=[draft.pk])))
    assert "Avant de déposer, il manque encore" in text
    for missing in ("la description", "les dates de début et de fin", "la population visée", "un montant demandé"):
        assert missing in text
    assert reverse("projects:project-submit", args=[draft.pk]) not in text


def test_filing_an_incomplete_application_is_refused_and_goes_back_to_the_review(login, cast, draft):
    review = reverse("projects:project-application-review", args=[draft.pk])
    response = login(cast.alice).post(reverse("projects:project-submit", args=[draft.pk]), {"next": review})
    assert response.status_code == 302 and response["Location"] == review
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT


def test_a_complete_application_is_reviewed_with_every_answer_then_filed(login, cast, draft, plan, theme):
    client = login(cast.alice)
    client.post(_url(draft, "projet"), _project_section(theme, plan))
    client.post(_url(draft, "personnes-rejointes"), {"target_population": "Les familles", "action": "continuer"})
    client.post(
        _url(draft, "budget"),
        {f"amount_{plan.years.first().pk}": "7 250,75", **formset_management("financement"), "action": "continuer"},
    )
    review = reverse("projects:project-application-review", args=[draft.pk])
    text = page(client.get(review))
    assert "il manque encore" not in text
    for answer in ("Des ateliers de cuisine chaque semaine.", "Les familles", "7 250,75 $", "Cuisines collectives"):
        assert answer in text
    assert f"{_url(draft, 'budget')}#id_amount_{plan.years.first().pk}" in text  # « Modifier » lands on the field
    assert f"{_url(draft, 'personnes-rejointes')}#id_target_population" in text
    response = client.post(reverse("projects:project-submit", args=[draft.pk]), {"next": review})
    assert response["Location"] == reverse("projects:project-detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.SUBMITTED


# ---------------------------------------------------------------- where the partner lands


def test_an_intention_lands_on_its_task_list(login, cast, theme):
    response = login(cast.alice).post(
        reverse("projects:project-intention-create"), {"title": "Épicerie solidaire", "theme": theme.pk}
    )
    project = ActionProject.objects.get(title="Épicerie solidaire")
    assert response["Location"] == reverse("projects:project-application", args=[project.pk])


def test_the_project_page_leads_the_partner_to_the_task_list_and_coordination_to_the_full_form(login, cast, draft):
    detail = reverse("projects:project-detail", args=[draft.pk])
    text = page(login(cast.alice).get(detail))
    assert reverse("projects:project-application", args=[draft.pk]) in text
    assert reverse("projects:project-application-review", args=[draft.pk]) in text
    assert reverse("projects:project-update", args=[draft.pk]) not in text
    text = page(login(cast.coordinator).get(detail))
    assert reverse("projects:project-update", args=[draft.pk]) in text


# ---------------------------------------------------------------- queries


def _fill(cast, draft, plan, rows):
    organisations = [f.make_organisation(name=f"Partenaire {i}") for i in range(rows)]
    project_save_draft(
        by=cast.alice,
        project=draft,
        year_amounts={year: Decimal("1000.00") for year in plan.years.all()},
        partners=[{"organisation": org} for org in organisations],
        indicators=[{"name": f"Indicateur {i}", "target": i} for i in range(rows)],
        other_funding=[{"kind": "own", "source_name": f"Source {i}", "amount": 10} for i in range(rows)],
    )


@pytest.mark.parametrize("rows", [1, 8])
def test_the_task_list_and_review_read_in_constant_queries(login, cast, draft, plan, rows):
    _fill(cast, draft, plan, rows)
    client = login(cast.alice)
    counts = {}
    for name in ("projects:project-application", "projects:project-application-review"):
        url = reverse(name, args=[draft.pk])
        client.get(url)  # the session and roles warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    # both: the request's alliance, session, user, the user's groups and memberships (roles), the project (lead,
    # theme, plan, objective, space), its partners (organisations), year amounts (years), indicators, other
    # funding, plan years, budget lines (categories, years): 11, whatever the number of rows; the task list also reads
    # the look-alike projects
    assert counts == {"projects:project-application": 12, "projects:project-application-review": 11}
