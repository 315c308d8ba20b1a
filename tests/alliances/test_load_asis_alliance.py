"""load_asis creates ASIS's alliance once; a second run changes nothing, and it gives a migrated alliance its slug."""

from io import StringIO

import pytest
from django.core.management import call_command

from alliances.models import Alliance
from plans.models import Plan

pytestmark = pytest.mark.django_db


def load_asis():
    call_command("load_asis", stdout=StringIO())


def test_load_asis_twice_leaves_one_alliance_and_one_current_plan():
    load_asis()
    load_asis()
    alliance = Alliance.objects.get()
    assert alliance.slug == "rouyn-noranda" and alliance.coordinating_organisation.acronym == "RNVVS"
    assert alliance.history.count() == 1  # created once, never changed
    assert alliance.current_plan() == Plan.objects.get() == Plan.objects.current()


def test_load_asis_keeps_a_plan_closed_by_the_coordinators_and_the_facts_of_the_source():
    load_asis()
    alliance = Alliance.objects.get()
    Alliance.objects.filter(pk=alliance.pk).update(slug="alliance-pour-la-solidarite", territory="")
    Plan.objects.update(status=Plan.Status.CLOSED)
    load_asis()
    alliance.refresh_from_db()
    assert (alliance.slug, alliance.territory) == ("rouyn-noranda", "Rouyn-Noranda")
    assert Plan.objects.get().status == Plan.Status.CLOSED
