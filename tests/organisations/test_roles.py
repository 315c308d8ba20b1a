"""The three roles as Django groups, created with the schema."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from organisations.models import Citizen, Organisation
from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL

pytestmark = pytest.mark.django_db


def perms(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename"))


def test_the_three_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {COORDINATION, PERSONNEL, PARTENAIRE}


def test_coordination_manages_everything_but_never_deletes_money_or_history():
    coordination = perms(COORDINATION)
    assert ("budget", "add_commitment") in coordination
    assert ("projects", "change_actionproject") in coordination
    assert ("budget", "manage_envelope") in coordination
    for model in ("commitment", "disbursement", "fundingsource"):
        assert ("budget", f"delete_{model}") not in coordination
    for model in ("actionproject", "projectstatuschange", "progressreport"):
        assert ("projects", f"delete_{model}") not in coordination
    for model in ("meeting", "space"):
        assert ("chantiers", f"delete_{model}") not in coordination
    assert ("organisations", "delete_organisation") not in coordination


def test_personnel_reads_and_exports_but_changes_nothing():
    personnel = perms(PERSONNEL)
    assert ("projects", "export_reports") in personnel
    assert ("projects", "view_all_projects") in personnel
    assert ("budget", "view_commitment") in personnel
    assert not [codename for _app, codename in personnel if codename.split("_")[0] in ("add", "change", "delete")]


def test_partners_have_no_global_permission():
    assert perms(PARTENAIRE) == set()


def test_a_consent_to_be_contacted_carries_its_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.create(first_name="Jeanne", last_name="Roy", consent_to_contact=True)
    citizen = Citizen.objects.create(
        first_name="Jeanne", last_name="Roy", consent_to_contact=True, consent_given_on=datetime.date(2013, 5, 2)
    )
    assert citizen.consent_given_on.year == 2013


def test_only_one_coordinating_body():
    Organisation.objects.create(name="RNVVS", kind=Organisation.Kind.COMMUNITY, is_coordinating_body=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Autre", kind=Organisation.Kind.COMMUNITY, is_coordinating_body=True)


def test_organisation_status_moves_forward():
    org = Organisation(name="X", kind=Organisation.Kind.COMMUNITY)
    assert org.status == Organisation.Status.PENDING
    assert org.can_become(Organisation.Status.APPROVED)
    org.status = Organisation.Status.APPROVED
    assert not org.can_become(Organisation.Status.PENDING)
