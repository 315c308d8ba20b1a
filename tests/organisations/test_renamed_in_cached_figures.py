"""A renamed organisation is named anew at once on the pages whose figures are cached (plans.versions): its seat on a
theme's page and the projects it leads, whether the rename went through its profile or through the admin."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory

from chantiers import services as space_services
from organisations.models import Organisation
from organisations.services import organisation_update
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)  # the versions move when the rename commits

SLUG = "logement-et-habitation"
URL = f"/enjeux/{SLUG}/"


@pytest.fixture
def seated(asis, cast):
    housing = asis.themes.get(slug=SLUG)
    space = space_services.space_create(
        themes=[housing], lead_organisation=cast.org_b, name="Chantier logement", kind="chantier"
    )
    space_services.space_seat_organisation(space=space, organisation=cast.org_a)
    f.make_project(lead=cast.org_a, theme=housing, status=ProjectStatus.IN_PROGRESS, title="Logements pour tous")
    return space


def shown(client) -> str:
    return client.get(URL).content.decode()


def test_a_rename_through_the_profile_shows_on_the_theme_page_at_once(client, seated, cast):
    assert shown(client).count("Organisme A") >= 2  # seated, and the lead of a project: now cached
    assert "Organisme A" in shown(client)  # the second request: from the cache

    organisation_update(organisation=cast.org_a, by=cast.coordinator, name="Maison Arc-en-ciel")

    page = shown(client)
    assert "Organisme A" not in page
    assert page.count("Maison Arc-en-ciel") >= 2


def test_an_acronym_given_in_the_admin_shows_on_the_theme_page_at_once(client, rf: RequestFactory, seated, cast):
    assert "Organisme A" in shown(client)
    model_admin = admin.site._registry[Organisation]
    organisation = Organisation.objects.get(pk=cast.org_a.pk)
    organisation.acronym = "MAC"
    form = type("Form", (), {"changed_data": ["acronym"]})()
    request = rf.post("/admin/")
    request.user = cast.coordinator
    with transaction.atomic():  # as the admin's change view
        model_admin.save_model(request, organisation, form, change=True)

    page = shown(client)
    assert "Organisme A" not in page
    assert "MAC, Organisme B" in page  # the seats, by short name
    assert "— MAC" in page  # the project's lead


def test_a_change_that_names_nothing_moves_no_version(client, seated, cast):
    from plans.models import PlanVersion

    before = dict(PlanVersion.objects.values_list("plan_id", "version"))
    organisation_update(organisation=cast.org_a, by=cast.coordinator, sector="Logement")
    assert dict(PlanVersion.objects.values_list("plan_id", "version")) == before
