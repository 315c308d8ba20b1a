"""The full project form (create and update): drafts with partial data, formsets, amounts, bad input, similar projects."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import ActionProject, ProjectStatus
from projects.services.filing import project_create
from tests import factories as f
from tests.projects.conftest import page, project_form_data

pytestmark = pytest.mark.django_db


def test_a_draft_saves_with_only_a_title_and_a_theme(client, cast, theme):
    client.force_login(cast.bob)
    response = client.post(reverse("projects:project-create"), project_form_data(theme=theme.pk))
    project = ActionProject.objects.get(title="Cuisines collectives")
    assert response.status_code == 302 and response["Location"] == reverse(
        "projects:project-application", args=[project.pk]
    )
    assert (
        project.lead == cast.org_a
        and project.status == ProjectStatus.DRAFT
        and project.amount_requested == Decimal("0")
    )


def test_the_title_and_the_theme_are_required(client, cast, theme):
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-create"), project_form_data(title=""))
    assert response.status_code == 200
    assert not ActionProject.objects.exists()


def test_the_full_form_with_formsets_and_amounts_summed_to_the_cent(client, cast, theme, plan):
    y1, y2, _y3 = plan.years.order_by("number")
    objective = theme.objectives.create(title="Nourrir")
    space = f.make_space(themes=[theme], name="Table alimentaire")
    client.force_login(cast.alice)
    data = project_form_data(
        theme=theme.pk,
        objective=objective.pk,
        space=space.pk,
        summary="Résumé",
        description="Description",
        objectives="Nos objectifs",
        target_population="Familles",
        area_served="Rouyn-Noranda",
        start_date="2014-05-01",
        end_date="2015-03-31",
        plan_years=[y1.pk, y2.pk],
        **{f"amount_{y1.pk}": "1 250,50", f"amount_{y2.pk}": "2 000,25"},
        **{
            "partenaires-0-organisation": cast.org_b.pk,
            "partenaires-0-contribution_kind": "services",
            "partenaires-0-contribution_value": "500",
            "partenaires-0-contribution_description": "Animation",
            "indicateurs-0-name": "Familles rejointes",
            "indicateurs-0-unit": "familles",
            "indicateurs-0-target": "40",
            "financement-0-kind": "funder",
            "financement-0-source_name": "Centraide",
            "financement-0-amount": "3 000,00",
        },
    )
    assert client.post(reverse("projects:project-create"), data).status_code == 302
    project = ActionProject.objects.get()
    assert project.amount_requested == Decimal("3250.75")
    assert project.objectives == "Nos objectifs" and project.space == space and project.objective == objective
    assert set(project.plan_years.all()) == {y1, y2}
    assert project.partnerships.get().contribution_value == Decimal("500.00")
    assert project.indicators.get().target == Decimal("40")
    assert project.other_funding.get().amount == Decimal("3000.00")

    # The edit page shows what was saved, and saving it again keeps it.
    edit = reverse("projects:project-update", args=[project.pk])
    text = page(client.get(edit))
    assert "Centraide" in text and "Familles rejointes" in text
    data.update(
        {
            "partenaires-INITIAL_FORMS": "1",
            "indicateurs-INITIAL_FORMS": "1",
            "financement-INITIAL_FORMS": "1",
            f"amount_{y2.pk}": "0,01",
        }
    )
    assert client.post(edit, data).status_code == 302
    project.refresh_from_db()
    assert project.amount_requested == Decimal("1250.51")
    assert project.partnerships.count() == 1 and project.other_funding.count() == 1


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"amount_YEAR": "-5"}, "amount_YEAR", "Le montant ne peut pas être négatif."),
        (
            {"start_date": "2015-01-01", "end_date": "2014-01-01"},
            "end_date",
            "La date de fin doit suivre la date de début.",
        ),
        ({"objective": "OTHER"}, "objective", "Cet objectif appartient à un autre enjeu."),
        (
            {"financement-0-source_name": "Centraide", "financement-0-amount": "-1", "financement-0-kind": "funder"},
            None,
            "Le montant ne peut pas être négatif.",
        ),
    ],
)
def test_bad_input_gives_a_french_error_on_the_field_and_saves_nothing(
    client, cast, theme, plan, fields, field, message
):
    year = plan.years.first()
    other_objective = f.make_theme(plan).objectives.create(title="Ailleurs")
    fields = {
        key.replace("YEAR", str(year.pk)): (other_objective.pk if value == "OTHER" else value)
        for key, value in fields.items()
    }
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-create"), project_form_data(theme=theme.pk, **fields))
    assert response.status_code == 200
    assert not ActionProject.objects.exists()
    if field:
        assert message in response.context["form"].errors[field.replace("YEAR", str(year.pk))]
    else:
        assert message in page(response)


def test_an_intention_becomes_a_draft_with_the_full_form_action(client, cast, theme):
    project = project_create(lead=cast.org_a, theme=theme, title="Intention", status=ProjectStatus.INTENTION)
    client.force_login(cast.alice)
    url = reverse("projects:project-update", args=[project.pk])
    assert "Rédiger le projet complet" in page(client.get(url))
    client.post(url, project_form_data(title="Intention", theme=theme.pk, action="rediger"))
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert list(project.status_changes.values_list("to_status", flat=True)) == ["intention", "draft"]


def test_coordination_edits_a_submitted_project(client, cast, projects, theme):
    client.force_login(cast.coordinator)
    project = projects["submitted_a"]
    response = client.post(
        reverse("projects:project-update", args=[project.pk]), project_form_data(title="Titre corrigé", theme=theme.pk)
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Titre corrigé" and project.status == ProjectStatus.SUBMITTED and project.lead == cast.org_a


def test_similar_projects_of_other_organisations_on_the_create_form_and_after_saving(client, cast, theme):
    space = f.make_space(themes=[theme], name="Table alimentaire")
    f.make_project(
        lead=cast.org_b, theme=theme, title="Cuisines collectives de B", space=space, status=ProjectStatus.ACCEPTED
    )
    f.make_project(lead=cast.org_b, theme=theme, title="Projet retiré de B", status=ProjectStatus.WITHDRAWN)
    f.make_project(lead=cast.org_a, theme=theme, title="Autre projet de A")
    client.force_login(cast.alice)
    text = page(client.get(reverse("projects:project-create") + f"?enjeu={theme.slug}"))
    assert "Cuisines collectives de B" in text and "Organisme B" in text and "Table alimentaire" in text
    assert "Projet retiré de B" not in text and "Autre projet de A" not in text
    assert "Unir nos forces" not in page(client.get(reverse("projects:project-create")))

    response = client.post(reverse("projects:project-create"), project_form_data(theme=theme.pk), follow=True)
    assert "Cuisines collectives de B" in page(response)


def test_a_member_of_several_organisations_chooses_the_lead(client, cast, theme):
    from organisations.models import Membership

    Membership.objects.create(user=cast.alice, organisation=cast.org_b)
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-create"), project_form_data(theme=theme.pk, lead=cast.org_b.pk))
    assert response.status_code == 302
    assert ActionProject.objects.get().lead == cast.org_b
