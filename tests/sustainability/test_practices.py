"""The public register of practices: the lead publishes its project's practice after the final report; everyone
reads the published ones of the alliance; unpublished, it leaves the register (never deleted)."""

import pytest
from django.urls import reverse

from projects.models import ProjectStatus
from sustainability.models import Practice
from tests import factories as f
from tests.sustainability.conftest import page

DATA = {
    "title": "Cuisines collectives de quartier",
    "summary": "Des groupes cuisinent ensemble une fois par mois.",
    "reuse": "Le guide d'animation et la grille des coûts.",
    "contact_role": "Coordonnatrice",
    "publish": "on",
}


def _edit(project):
    return reverse("sustainability:practice-edit", kwargs={"pk": project.pk})


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 403), ("staff", 403)]
)
def test_practice_edit_access(login, cast, finished, who, status):
    # a completed project is public: charlie and staff see it, and write nothing of it
    assert login(getattr(cast, who)).get(_edit(finished.project_a)).status_code == status


def test_the_lead_publishes_and_the_public_reads_it(login, cast, finished, client):
    response = login(cast.alice).post(_edit(finished.project_a), DATA, follow=True)
    practice = Practice.objects.get(project=finished.project_a)
    assert practice.published and practice.organisation == cast.org_a and practice.published_at
    assert "La pratique est publiée dans le registre." in page(response)
    client.logout()
    listed = page(client.get(reverse("sustainability:practice-list")))
    assert "Cuisines collectives de quartier" in listed and "Organisme A" in listed
    detail = client.get(practice.get_absolute_url())
    assert detail.status_code == 200 and "Le guide d'animation" in page(detail)


def test_unpublished_it_leaves_the_register_but_stays(login, cast, finished, client):
    login(cast.alice).post(_edit(finished.project_a), DATA)
    practice = Practice.objects.get(project=finished.project_a)
    assert (
        login(cast.charlie)
        .post(reverse("sustainability:practice-publish", kwargs={"pk": practice.pk}), {"publier": "0"})
        .status_code
        == 403
    )  # charlie is of another organisation
    login(cast.alice).post(reverse("sustainability:practice-publish", kwargs={"pk": practice.pk}), {"publier": "0"})
    practice.refresh_from_db()
    assert not practice.published
    client.logout()
    assert "Cuisines collectives de quartier" not in page(client.get(reverse("sustainability:practice-list")))
    assert client.get(practice.get_absolute_url()).status_code == 404
    # its organisation still reads it, marked unpublished, and publishes it again
    assert "n'est pas publiée" in page(login(cast.alice).get(practice.get_absolute_url()))
    assert Practice.objects.filter(pk=practice.pk).exists()


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("title", "", "Donnez un titre à la pratique."),
        ("reuse", "", "Dites ce que d'autres organisations peuvent reprendre."),
        ("contact_role", "Marie, marie@example.org", "sans courriel ni numéro de téléphone"),
        ("contact_role", "819 555-0101", "sans courriel ni numéro de téléphone"),
    ],
)
def test_bad_input_is_a_french_error_and_saves_nothing(login, cast, finished, field, value, error):
    response = login(cast.alice).post(_edit(finished.project_a), {**DATA, field: value})
    assert response.status_code == 200 and error in page(response)
    assert not Practice.objects.exists()


def test_no_practice_before_the_final_report(login, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    response = login(cast.alice).post(_edit(project), DATA)
    assert "une fois son rapport final remis" in page(response)
    assert not Practice.objects.exists()


def test_the_project_page_offers_it_to_the_lead_only(login, cast, finished):
    url = finished.project_a.get_absolute_url()
    assert 'data-testid="practice-edit"' in page(login(cast.alice).get(url))
    assert 'data-testid="practice-edit"' not in page(login(cast.coordinator).get(url))


def test_practice_list_queries(login, cast, finished, client, django_assert_num_queries):
    login(cast.alice).post(_edit(finished.project_a), DATA)
    login(cast.charlie).post(_edit(finished.project_b), {**DATA, "title": "Jardins partagés"})
    client.logout()
    url = reverse("sustainability:practice-list")
    client.get(url)
    with django_assert_num_queries(3):
        # 1 the alliance (middleware), 2 the practices counted (paginator), 3 the page of practices with their
        # organisations and projects (whatever their number)
        response = client.get(url)
    assert page(response).count('data-testid="practice"') == 2


def test_practice_detail_queries(login, cast, finished, client, django_assert_num_queries):
    login(cast.alice).post(_edit(finished.project_a), DATA)
    practice = Practice.objects.get()
    client.logout()
    client.get(practice.get_absolute_url())
    with django_assert_num_queries(2):
        # 1 the alliance (middleware), 2 the practice with its organisation and project
        response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
