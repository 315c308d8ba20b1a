"""Comments by Coordination and the organisations named on a project."""

import pytest
from django.urls import reverse

from projects.models import ProjectComment
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


def test_a_partner_organisation_comments(client, cast, projects):
    project = projects["draft_a"]
    project.partnerships.create(organisation=cast.org_b)
    client.force_login(cast.charlie)
    response = client.post(
        reverse("projects:project-comment-create", args=[project.pk]), {"text": "  On embarque.  "}, follow=True
    )
    comment = ProjectComment.objects.get()
    assert (comment.author, comment.organisation, comment.text) == (cast.charlie, cast.org_b, "On embarque.")
    assert "On embarque." in page(response)


def test_coordination_comments(client, cast, projects):
    client.force_login(cast.coordinator)
    client.post(
        reverse("projects:project-comment-create", args=[projects["submitted_a"].pk]), {"text": "Précisez le budget."}
    )
    assert ProjectComment.objects.get().organisation is None


def test_an_empty_comment_is_refused_in_french(client, cast, projects):
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-comment-create", args=[projects["draft_a"].pk]), {"text": "   "})
    assert response.status_code == 400
    assert "Écrivez un commentaire" in page(response)
    assert not ProjectComment.objects.exists()


def test_comments_and_history_are_hidden_from_outsiders(client, cast, projects):
    project = projects["accepted_b"]
    client.force_login(cast.charlie)
    client.post(reverse("projects:project-comment-create", args=[project.pk]), {"text": "Note interne"})
    url = reverse("projects:project-detail", args=[project.pk])
    assert "Note interne" in page(client.get(url))
    client.logout()
    text = page(client.get(url))
    assert "Note interne" not in text and "Historique du statut" not in text
    client.force_login(cast.alice)
    text = page(client.get(url))
    assert "Note interne" not in text and "Publier le commentaire" not in text
