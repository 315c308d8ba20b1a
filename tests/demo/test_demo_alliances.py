"""load_demo's second alliance (« Alliance du Témiscamingue (démo) »): its closed and current plans, its coordinator
`coordination2`, the regional funder `region`, and `partenaire2`'s organisation working in both alliances."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from alliances.addresses import alliance_reverse
from alliances.models import Alliance, AllianceRole
from alliances.selectors import alliances_coordinated_by, alliances_read_by, role_in
from alliances.services import alliance_role_end
from budget.models import Commitment, Disbursement, FundingSource
from budget.selectors.ledger import totals_mismatches
from chantiers.models import Meeting, Space
from organisations.models import Membership, User
from organisations.roles import COORDINATION, PERSONNEL
from plans.models import Plan
from projects.models import ActionProject, ProgressReport, ProjectPartner, ProjectStatus
from tests.demo_snapshot import load_asis_and_demo

pytestmark = pytest.mark.django_db

PASSWORD = "demo-asis-2013"
S = ProjectStatus
FINISHED = {S.FINAL_REPORT, S.COMPLETED, S.REFUSED, S.WITHDRAWN}


def load_demo() -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    load_asis_and_demo()  # as `make run` loads it (copied back after the first load: tests/demo_snapshot.py)
    return {
        "asis": Alliance.objects.get(slug="rouyn-noranda"),
        "second": Alliance.objects.get(slug="temiscamingue"),
        "coordination2": User.objects.get(username="coordination2"),
        "region": User.objects.get(username="region"),
    }


def can_log_in(username: str) -> bool:
    return authenticate(RequestFactory().post("/connexion/"), username=username, password=PASSWORD) is not None


def test_asis_stays_the_first_alliance_and_the_second_has_its_own_coordinating_organisation(demo):
    asis, second = demo["asis"], demo["second"]
    assert Alliance.objects.default() == asis
    assert Plan.objects.current() == asis.current_plan()
    assert asis.plans.count() == 1
    assert second.name == "Alliance du Témiscamingue (démo)"
    assert (second.territory, second.region) == ("Témiscamingue", "Abitibi-Témiscamingue")
    assert second.mandated_by and second.mandate_date
    assert second.coordinating_organisation != asis.coordinating_organisation
    assert second.coordinating_organisation.is_demo and not second.coordinating_organisation.is_coordinating_body
    assert second.funders.filter(kind="municipal").exists()


def test_the_second_alliance_has_a_closed_plan_then_a_current_plan_each_with_its_work(demo):
    asis, second = demo["asis"], demo["second"]
    closed, current = second.plans.order_by("start_date")
    assert (closed.slug, closed.status, closed.is_archived) == ("2010-2013", Plan.Status.CLOSED, True)
    assert (current.slug, current.status, current.is_archived) == ("2013-2016", Plan.Status.CURRENT, False)
    assert second.current_plan() == current
    # closed as a coordinator closes a plan: its final bilan frozen, by the second alliance's coordinator
    assert closed.frozen_bilan.closed_by == demo["coordination2"] and closed.frozen_bilan.pdf_sha256
    assert closed.years.order_by("number").last().end_date < current.start_date
    for plan in (closed, current):
        assert 1 <= plan.themes.count() < asis.current_plan().themes.count()
        assert set(plan.funding_sources.values_list("code", flat=True)) == {"fqis", "mrc"}
        spaces = Space.objects.filter(themes__plan=plan, is_demo=True).distinct()
        assert spaces.exists()
        assert Meeting.objects.filter(space__in=spaces).count() >= 2
        projects = ActionProject.objects.filter(theme__plan=plan, is_demo=True)
        assert 4 <= projects.count() <= 6
        assert len(set(projects.values_list("status", flat=True))) >= 4
        assert Commitment.objects.filter(source__plan=plan).exists()
        assert Disbursement.objects.filter(commitment__source__plan=plan).exists()
        assert ProgressReport.objects.filter(project__theme__plan=plan).exists()
    # The closed plan's projects are finished and its money paid; the current plan still has work under way.
    assert set(ActionProject.objects.filter(theme__plan=closed).values_list("status", flat=True)) <= FINISHED
    for source in closed.funding_sources.all():
        assert source.disbursed_total == source.committed_total > 0
    assert ActionProject.objects.filter(theme__plan=current, status=S.IN_PROGRESS).exists()
    # Its meetings are all past: the two meetings still to come stay ASIS's.
    assert not Meeting.objects.filter(space__themes__plan__alliance=second, date__gt=timezone.localdate()).exists()


def test_coordination2_coordinates_the_second_alliance_only(demo, client):
    asis, second, user = demo["asis"], demo["second"], demo["coordination2"]
    assert can_log_in("coordination2")
    assert role_in(user, second) == AllianceRole.Role.COORDINATION
    assert role_in(user, asis) is None
    assert list(alliances_coordinated_by(user)) == [second]
    # No global group: Coordination or Personnel would reach every alliance.
    assert not user.groups.filter(name__in=[COORDINATION, PERSONNEL]).exists()
    assert not user.is_coordinator and not user.sees_everything
    assert user.is_staff == User.objects.get(username="coordination").is_staff
    assert Membership.objects.get(user=user).organisation == second.coordinating_organisation

    # ASIS's envelope takes no commitment from them.
    client.force_login(user)
    project = ActionProject.objects.get(title="Stages d'insertion dans les entreprises locales", is_demo=True)
    before = Commitment.objects.count()
    response = client.post(
        alliance_reverse(asis, "budget:commitment-create"), {"project": project.pk, "amount": "100,00"}
    )
    assert response.status_code == 403
    assert Commitment.objects.count() == before


def test_region_is_the_funder_of_both_alliances_and_writes_nothing(demo, client):
    asis, second, user = demo["asis"], demo["second"], demo["region"]
    assert can_log_in("region")
    assert role_in(user, asis) == role_in(user, second) == AllianceRole.Role.FUNDER
    assert set(alliances_read_by(user)) == {asis, second}
    assert not alliances_coordinated_by(user).exists()
    # A member of the regional funder's organisation, listed among each alliance's funders.
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.MEMBER
    assert membership.organisation in asis.funders.all()
    assert membership.organisation in second.funders.all()
    # Writes nothing: no group, no permission, no admin, leads no project.
    assert not user.groups.exists() and user.get_all_permissions() == set()
    assert not (user.is_staff or user.is_superuser or user.is_coordinator or user.is_personnel)
    assert not ActionProject.objects.filter(lead=membership.organisation).exists()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login
    before = Commitment.objects.count()
    project = ActionProject.objects.get(title="Maison des jeunes ouverte l'été", is_demo=True)
    response = client.post(
        alliance_reverse(second, "budget:commitment-create"), {"project": project.pk, "amount": "100,00"}
    )
    assert response.status_code == 403
    assert Commitment.objects.count() == before


def test_partenaire2s_organisation_leads_a_project_and_is_partner_of_another_in_the_second_alliance(demo):
    asis, second = demo["asis"], demo["second"]
    organisation = Membership.objects.get(user__username="partenaire2").organisation
    assert ActionProject.objects.filter(lead=organisation, theme__plan__alliance=asis).exists()
    led = ActionProject.objects.filter(lead=organisation, theme__plan__alliance=second)
    assert led.filter(status=S.IN_PROGRESS).exists()
    partnered = ProjectPartner.objects.filter(organisation=organisation, project__theme__plan__alliance=second)
    assert partnered.exclude(project__lead=organisation).exists()
    # One organisation, one membership: the same people work in both territories.
    assert Membership.objects.filter(user__username="partenaire2").count() == 1


def test_check_budget_is_clean_over_both_alliances(demo):
    out = StringIO()
    call_command("check_budget", stdout=out)
    assert "Tous les soldes correspondent" in out.getvalue()
    assert totals_mismatches() == []
    for source in FundingSource.objects.filter(plan__alliance=demo["second"]):
        assert 0 < source.disbursed_total <= source.committed_total <= source.amount, source


def test_a_second_run_duplicates_nothing_and_restores_the_new_logins(demo):
    second, user = demo["second"], demo["coordination2"]
    alliance_role_end(role=AllianceRole.objects.open().get(user=user, alliance=second), by=None)
    rows = {
        "alliances": Alliance.objects.count(),
        "plans": Plan.objects.count(),
        "projects": ActionProject.objects.count(),
        "commitments": Commitment.objects.count(),
        "funders": second.funders.count(),
    }

    load_demo()

    assert rows == {
        "alliances": Alliance.objects.count(),
        "plans": Plan.objects.count(),
        "projects": ActionProject.objects.count(),
        "commitments": Commitment.objects.count(),
        "funders": second.funders.count(),
    }
    assert role_in(user, second) == AllianceRole.Role.COORDINATION
    assert AllianceRole.objects.filter(user=user).count() == 2  # the ended role kept beside the new one
    assert can_log_in("coordination2") and can_log_in("region")


def test_prints_the_two_new_logins():
    out = load_demo()
    assert "coordination2 (Coordination, Alliance du Témiscamingue (démo))" in out
    assert "region (Bailleur de fonds régional, ASIS et Alliance du Témiscamingue (démo))" in out
