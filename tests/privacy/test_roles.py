"""The privacy app's permissions in the three roles: as when its models were the organisations app's."""

import pytest
from django.contrib.auth.models import Group

from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL

pytestmark = pytest.mark.django_db

MODELS = ("consent", "privacyrequest", "privacyaction", "confidentialityincident")


def perms(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename"))


def test_coordination_manages_the_register_but_deletes_nothing_of_it():
    coordination = perms(COORDINATION)
    for model in MODELS:
        assert {("privacy", f"{action}_{model}") for action in ("add", "change", "view")} <= coordination
        assert ("privacy", f"delete_{model}") not in coordination
    assert not [codename for app, codename in coordination if app == "organisations" and codename.endswith(MODELS)]


def test_personnel_reads_the_register_and_partners_have_nothing():
    personnel = perms(PERSONNEL)
    assert {app_codename for app_codename in personnel if app_codename[0] == "privacy"} == {
        ("privacy", f"view_{model}") for model in MODELS
    }
    assert perms(PARTENAIRE) == set()
