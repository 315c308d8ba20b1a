"""Break 6 of issue 15: the leverage (effet de levier) counts a partner's contribution once the partner
confirmed it; a pending or declined one is only the lead's word. To the cent, on the envelope and on one
project's budget."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.figures_check import figures_rewrite
from budget.models import FundingSource
from budget.selectors import envelope as envelope_selectors
from budget.selectors import project_budget as project_budget_selectors
from projects.models import OtherFunding, ProjectPartner, ProjectStatus
from projects.services.filing import project_partner_answer
from tests import factories as f

pytestmark = pytest.mark.django_db
Status = ProjectPartner.Status


@pytest.fixture
def funded(asis, cast):
    """A project in progress with 3 000 $ committed, 1 000,01 $ of other funding and three partners, each
    declaring a contribution: one confirmed (1 500,49 $), one pending (9 999 999 $), one declined (700 $)."""
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=1), status=ProjectStatus.IN_PROGRESS, title="Levier"
    )
    f.commit(source=fqis, project=project, amount="3000.00")
    OtherFunding.objects.create(
        project=project, kind=OtherFunding.Kind.OWN, source_name="Mise de fonds", amount=Decimal("1000.01")
    )
    ProjectPartner.objects.create(
        project=project, organisation=cast.org_b, contribution_value=Decimal("1500.49"), status=Status.CONFIRMED
    )
    ProjectPartner.objects.create(
        project=project,
        organisation=f.make_organisation(name="Organisme C"),
        contribution_value=Decimal("9999999.00"),
    )
    ProjectPartner.objects.create(
        project=project,
        organisation=f.make_organisation(name="Organisme D"),
        contribution_value=Decimal("700.00"),
        status=Status.DECLINED,
    )
    figures_rewrite()  # the partners' answers written directly: the kept totals summed from the rows
    return project


def test_the_envelope_counts_only_the_confirmed_contribution(asis, funded):
    overview = envelope_selectors.envelope_overview(asis)
    row = next(r for r in overview["by_theme"] if r["theme"].pk == funded.theme_id)
    assert row["other"] == Decimal("2500.50")  # 1 000,01 + 1 500,49; not 9 999 999,00, not 700,00
    assert row["leverage"] == Decimal("0.83")  # 2 500,50 / 3 000,00 = 0,8335
    assert overview["other_total"] == Decimal("2500.50")
    assert overview["leverage"] == Decimal("0.83")


def test_a_partner_confirming_moves_the_leverage(asis, cast, funded):
    pending = funded.partnerships.get(status=Status.PENDING)
    responsable = f.make_user("cora", organisation=pending.organisation, role="responsable")
    project_partner_answer(partnership=pending, by=responsable, accept=True)
    assert envelope_selectors.envelope_overview(asis)["other_total"] == Decimal(
        "10002499.50"
    )  # 1 000,01 + 1 500,49 + 9 999 999,00


def test_one_projects_budget_counts_only_the_confirmed_contribution_and_marks_the_others(client, cast, funded):
    budget = project_budget_selectors.project_budget(funded)
    assert budget["partners_confirmed"] == Decimal("1500.49")
    assert budget["leverage"] == Decimal("0.83")
    client.force_login(cast.coordinator)
    text = client.get(reverse("budget:project-budget", args=[funded.pk])).content.decode().replace("\xa0", " ")
    rows = text.split('data-testid="partner"')[1:]
    marks = {
        name: ("(non confirmé)" in r, "a décliné" in r)
        for r in rows
        for name in ("Organisme B", "Organisme C", "Organisme D")
        if name in r
    }
    assert marks == {"Organisme B": (False, False), "Organisme C": (True, False), "Organisme D": (False, True)}
    assert "0,83 $ d'autres sources" in text.replace("&#x27;", "'")
