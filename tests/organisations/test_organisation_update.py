"""Members edit the profile; the name and kind only while pending (coordination always)."""

import pytest
from django.urls import reverse

from organisations.models import Membership, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db


def form_data(org, **changes):
    data = {
        "name": org.name,
        "acronym": org.acronym,
        "kind": org.kind,
        "sector": org.sector,
        "description": "",
        "address": "",
        "city": org.city,
        "postal_code": "",
        "phone": "",
        "email": "",
        "website": "",
    }
    return {**data, **changes}


def test_a_member_edits_the_profile_but_not_the_name_once_approved(client, cast):
    client.force_login(cast.bob)
    url = reverse("organisations:organisation-update", args=[cast.org_a.pk])
    response = client.post(url, form_data(cast.org_a, name="Autre nom", kind="private", sector="Alimentation"))
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.sector == "Alimentation"
    assert cast.org_a.name == "Organisme A" and cast.org_a.kind == Organisation.Kind.COMMUNITY


def test_a_member_renames_a_pending_organisation(client, cast):
    pending = f.make_organisation(name="Brouillon", status=Organisation.Status.PENDING)
    denise = f.make_user("denise", organisation=pending, role=Membership.Role.RESPONSABLE)
    client.force_login(denise)
    url = reverse("organisations:organisation-update", args=[pending.pk])
    assert client.post(url, form_data(pending, name="Nom définitif")).status_code == 302
    pending.refresh_from_db()
    assert pending.name == "Nom définitif"


def test_coordination_renames_an_approved_organisation(client, cast):
    client.force_login(cast.coordinator)
    url = reverse("organisations:organisation-update", args=[cast.org_a.pk])
    assert client.post(url, form_data(cast.org_a, name="Organisme A renommé")).status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.name == "Organisme A renommé"
