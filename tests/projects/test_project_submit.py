"""Filing a draft: the lead organisation's member, an approved organisation, a complete project."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisations.models import Organisation
from projects.models import ProjectStatus
from projects.services.filing import project_save_draft, project_submit
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete_draft(cast, theme, plan):
    return project_save_draft(
        by=cast.alice,
        lead=cast.org_a,
        theme=theme,
        title="Complet",
        description="Quoi",
        target_population="Qui",
        start_date=datetime.date(2014, 5, 1),
        end_date=datetime.date(2015, 3, 31),
        year_amounts={plan.years.first(): Decimal("1000.00")},
    )


def test_the_lead_member_submits_a_complete_draft(client, cast, complete_draft):
    client.force_login(cast.bob)
    response = client.post(reverse("projects:project-submit", args=[complete_draft.pk]), follow=True)
    complete_draft.refresh_from_db()
    assert complete_draft.status == ProjectStatus.SUBMITTED
    change = complete_draft.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "submitted", cast.bob)
    assert "Projet déposé" in page(response)
    # Now read-only to the partner.
    assert client.get(reverse("projects:project-update", args=[complete_draft.pk])).status_code == 403


def test_a_pending_organisation_may_not_submit(client, cast, complete_draft):
    Organisation.objects.filter(pk=cast.org_a.pk).update(status=Organisation.Status.PENDING)
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-submit", args=[complete_draft.pk]), follow=True)
    complete_draft.refresh_from_db()
    assert complete_draft.status == ProjectStatus.DRAFT
    assert "pas encore approuvée" in page(response)


def test_missing_content_is_listed_in_french(client, cast, theme):
    draft = project_save_draft(by=cast.alice, lead=cast.org_a, theme=theme, title="Incomplet")
    client.force_login(cast.alice)
    text = page(client.post(reverse("projects:project-submit", args=[draft.pk]), follow=True))
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    for missing in ("la description", "la population visée", "les dates de début et de fin", "un montant demandé"):
        assert missing in text


def test_an_amount_of_zero_does_not_count(cast, complete_draft, plan):
    project_save_draft(by=cast.alice, project=complete_draft, year_amounts={plan.years.first(): Decimal("0")})
    with pytest.raises(ValidationError, match="montant demandé"):
        project_submit(project=complete_draft, by=cast.alice)


def test_an_intention_is_not_filed_directly(cast, theme):
    from projects.services.filing import project_create

    intention = project_create(lead=cast.org_a, theme=theme, title="Intention", status=ProjectStatus.INTENTION)
    with pytest.raises(ValidationError, match="Seul un brouillon"):
        project_submit(project=intention, by=cast.alice)
