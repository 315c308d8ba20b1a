"""The demo's change requests (issue 20, part 4): `partenaire`'s project under agreement has an amendment (an
accepted request: the agreement's version 2) and a request waiting for Coordination; check_budget finds nothing;
loading again adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from budget.models import AgreementAmendment, ChangeRequest
from budget.selectors.changes import amendments_mismatches
from projects.selectors.budget_lines import budget_lines_mismatches
from tests.demo_snapshot import load_asis_and_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_amendment_and_a_pending_request(client):
    load_asis_and_demo()
    statuses = sorted(ChangeRequest.objects.filter(project__is_demo=True).values_list("status", flat=True))
    assert statuses == ["accepted", "pending"]
    amendment = AgreementAmendment.objects.get()
    assert amendment.version == 2 and amendment.terms_before["total"] == amendment.terms_after["total"]
    assert amendments_mismatches() == [] and budget_lines_mismatches() == []
    call_command("check_budget", stdout=io.StringIO(), stderr=io.StringIO())
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert ChangeRequest.objects.count() == 2 and AgreementAmendment.objects.count() == 1
