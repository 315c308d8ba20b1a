from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from alliances.models import Alliance, AllianceRole
from alliances.selectors import role_in
from alliances.services import alliance_role_end
from budget.models import FundingSource
from budget.selectors.ledger import totals_mismatches
from chantiers.models import Meeting, Space
from organisations.models import Membership, Organisation, User
from organisations.roles import COORDINATION, PARTENAIRE
from plans.models import Theme
from projects.models import TRANSITIONS, ActionProject, ProgressReport, ProjectStatus
from tests.demo_snapshot import load_asis_and_demo

pytestmark = pytest.mark.django_db

PASSWORD = "demo-asis-2013"
LOGINS = ["coordination", "personnel", "partenaire", "partenaire2"]
S = ProjectStatus


def load_demo():
    with override_settings(DEBUG=True):
        call_command("load_demo")


@pytest.fixture
def demo():
    """The demo as `make run` loads it (its rows copied back after the first load: tests/demo_snapshot.py); the tests
    of the command itself (its output, a second run) call it."""
    load_asis_and_demo()


def row_counts() -> dict[str, int]:
    """How many rows each domain model (and the user model) holds."""
    models = [
        m
        for label in ("organisations", "alliances", "privacy", "plans", "chantiers", "projects", "budget")
        for m in apps.get_app_config(label).get_models()
    ]
    return {model._meta.label: model.objects.count() for model in models}


def organisation_of(username: str):
    return Membership.objects.get(user__username=username).organisation


def test_refuses_when_debug_is_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("load_demo")
    assert not User.objects.filter(username="coordination").exists()


def test_creates_four_logins_that_work(demo):
    for username in LOGINS:
        assert authenticate(RequestFactory().post("/connexion/"), username=username, password=PASSWORD) is not None, (
            username
        )

    coordination = User.objects.get(username="coordination")
    assert coordination.is_staff
    assert list(coordination.groups.values_list("name", flat=True)) == [COORDINATION]
    assert organisation_of("coordination").is_coordinating_body
    assert not User.objects.get(username="personnel").is_staff
    for username in ("partenaire", "partenaire2"):
        assert list(User.objects.get(username=username).groups.values_list("name", flat=True)) == [PARTENAIRE]
    assert organisation_of("partenaire") != organisation_of("partenaire2")


def test_partners_lead_projects_at_several_stages(demo):
    statuses_a = set(ActionProject.objects.filter(lead=organisation_of("partenaire")).values_list("status", flat=True))
    statuses_b = set(ActionProject.objects.filter(lead=organisation_of("partenaire2")).values_list("status", flat=True))
    assert len(statuses_a) >= 3 and {S.DRAFT, S.IN_PROGRESS} <= statuses_a
    assert len(statuses_b) >= 2 and statuses_b & {
        S.ACCEPTED,
        S.AGREEMENT_SIGNED,
        S.IN_PROGRESS,
        S.COMPLETED,
        S.FINAL_REPORT,
    }


def test_covers_the_whole_process_and_every_theme(demo):
    demo_projects = ActionProject.objects.filter(is_demo=True)
    assert set(demo_projects.values_list("status", flat=True)) == set(ProjectStatus.values)
    for theme in Theme.objects.all():
        assert theme.spaces.filter(is_demo=True).exists(), theme
        assert demo_projects.filter(theme=theme).exists(), theme
    assert set(Space.objects.filter(is_demo=True).values_list("kind", flat=True)) == set(Space.Kind.values)
    assert all("(démo)" in name for name in Organisation.objects.filter(is_demo=True).values_list("name", flat=True))
    assert Organisation.objects.filter(is_demo=True, status=Organisation.Status.PENDING).count() == 1
    assert Meeting.objects.filter(is_demo=True, date__gt=timezone.localdate()).count() == 2
    assert ProgressReport.objects.filter(project__status=S.FINAL_REPORT, is_final=True).exists()


def test_prints_the_demo_logins(capsys):
    load_demo()
    out = capsys.readouterr().out
    assert "Comptes de démonstration (mot de passe : demo-asis-2013)" in out
    assert "coordination (Coordination), personnel (Personnel), partenaire (Partenaire, " in out
    assert f"partenaire2 (Partenaire, {organisation_of('partenaire2').name})" in out


def test_running_twice_duplicates_nothing(demo):
    counts, totals = row_counts(), FundingSource.objects.totals()

    load_demo()

    assert row_counts() == counts
    assert FundingSource.objects.totals() == totals
    assert User.objects.filter(username__in=LOGINS).count() == 4


def test_rerun_resets_a_changed_password(demo):
    user = User.objects.get(username="partenaire")
    user.set_password("un-autre-mot-de-passe")
    user.save()

    load_demo()

    assert authenticate(RequestFactory().post("/connexion/"), username="partenaire", password=PASSWORD) is not None


def test_money_adds_up_within_the_envelope(demo):
    assert totals_mismatches() == []
    for source in FundingSource.objects.all():
        assert Decimal("0") < source.committed_total <= source.amount, source.code
        assert source.disbursed_total <= source.committed_total, source.code
    totals = FundingSource.objects.totals()
    assert Decimal("0.40") <= totals["committed"] / totals["envelope"] <= Decimal("0.60")


def test_every_project_history_is_a_valid_chain(demo):
    projects = ActionProject.objects.prefetch_related("status_changes")
    assert projects.count() >= 12
    for project in projects:
        changes = list(project.status_changes.all())
        assert changes[0].from_status == ""
        for previous, change in zip(changes, changes[1:]):
            assert change.from_status == previous.to_status, project
            assert change.to_status in TRANSITIONS[change.from_status], project
        assert changes[-1].to_status == project.status, project


@override_settings(DEBUG=True)
def test_demo_requested_amounts_are_spread_over_the_plan_years_to_the_cent():
    from django.db.models import Sum

    from projects.models import ActionProject

    call_command("load_demo", stdout=StringIO())
    for project in ActionProject.objects.filter(is_demo=True).annotate(by_year=Sum("year_amounts__amount")):
        if project.plan_years.exists() and project.amount_requested:
            assert project.by_year == project.amount_requested, project


def test_demo_citizens_consents_are_kept_as_law_25_asks(demo):
    """Each demo citizen who agreed to be contacted has a consent row: purpose, version of the text, date."""
    from organisations.models import Citizen
    from privacy.models import Consent, ConsentPurpose

    agreed = Citizen.objects.filter(is_demo=True, consent_to_contact=True)
    assert agreed.exists()
    for citizen in agreed:
        consent = Consent.objects.active().get(citizen=citizen, purpose=ConsentPurpose.CONTACT)
        assert consent.text_version and consent.text
        assert timezone.localdate(consent.given_at) == citizen.consent_given_on
    assert not Consent.objects.filter(citizen__is_demo=True, citizen__consent_to_contact=False).exists()


def test_coordination_and_personnel_hold_their_role_in_asis_alliance_and_a_rerun_restores_it(demo):
    alliance = Alliance.objects.get(acronym="ASIS")
    users = {name: User.objects.get(username=name) for name in LOGINS}
    assert role_in(users["coordination"], alliance) == AllianceRole.Role.COORDINATION
    assert role_in(users["personnel"], alliance) == AllianceRole.Role.PERSONNEL
    assert role_in(users["partenaire"], alliance) is None
    alliance_role_end(role=AllianceRole.objects.open().get(user=users["personnel"]), by=None)

    load_demo()

    assert role_in(users["personnel"], alliance) == AllianceRole.Role.PERSONNEL
    # The ended role is kept beside the new one.
    assert AllianceRole.objects.filter(user=users["personnel"]).count() == 2
    assert AllianceRole.objects.open().filter(alliance=alliance).exclude(role=AllianceRole.Role.FUNDER).count() == 2
