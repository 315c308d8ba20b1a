"""Starting the next plan (succession.services.plan_next_start): what it carries, returns and ends, to the cent,
with the ledger balanced; and every refusal in French with nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from alliances.models import AllianceRole
from alliances.services import alliance_role_grant
from bilan.selectors.build import build_bilan
from bilan.selectors.period import period_of_plan
from budget.models import (
    Agreement,
    BudgetTarget,
    Commitment,
    CommitmentReduction,
    FundingSource,
    PlannedPayment,
)
from budget.selectors.ledger import totals_mismatches
from chantiers.models import Space
from plans.models import Objective, Plan, PlanAction, Theme
from projects.models import ActionProject, ProjectStatus, ReportDeadline, ReviewCriterion
from succession.services import plan_next_start
from tests import factories as f
from tests.succession.conftest import NEXT_START, carry_resolution, start_arguments

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def messages(error) -> str:
    return " ".join(error.value.messages).replace("\xa0", " ")


def whole_plan_bilan(plan, user):
    years = list(plan.years.order_by("number"))
    return build_bilan(
        user=user,
        period_start=years[0].start_date,
        period_end=years[-1].end_date,
        plan=plan,
        period=period_of_plan(years),
        years=years,
        page=None,
    )


def state() -> tuple:
    """The rows a refused start must leave as they were."""
    return (
        Plan.objects.count(),
        tuple(Plan.objects.order_by("pk").values_list("status", flat=True)),
        Theme.objects.count(),
        FundingSource.objects.count(),
        tuple(FundingSource.objects.order_by("pk").values_list("committed_total", "disbursed_total")),
        Commitment.objects.count(),
        CommitmentReduction.objects.count(),
        tuple(PlannedPayment.objects.order_by("pk").values_list("cancelled_on", flat=True)),
        ActionProject.objects.count(),
        ReviewCriterion.objects.count(),
        BudgetTarget.objects.count(),
        tuple(Space.objects.order_by("pk").values_list("status", flat=True)),
        AllianceRole.objects.open().count(),
    )


def test_a_carried_commitment_is_counted_once_to_the_cent(closed):
    old_bilan = whole_plan_bilan(closed.plan, closed.by)
    alliance_sources = FundingSource.objects.filter(plan__alliance=closed.plan.alliance)
    committed_before = alliance_sources.totals()["committed"]
    c1 = closed.c1
    assert c1.remaining == Decimal("6666.67") and closed.c2.remaining == Decimal("1500.25")

    started = plan_next_start(**start_arguments(closed))

    new = started.plan
    assert new.status == Plan.Status.CURRENT and new.slug == "2016-2019" and new.years.count() == 3
    assert started.carried == Decimal("6666.67") + Decimal("1500.25") + Decimal("4000.00")  # P1 (C1, C2) and P2
    c1.refresh_from_db()
    carried = Commitment.objects.get(carried_from=c1)
    # The old commitment drops by what was left: what stays committed there is what was paid.
    assert c1.current_amount == Decimal("3333.33") and c1.remaining == 0
    reduction = c1.reductions.get()
    assert reduction.amount == Decimal("6666.67") and reduction.reason == "Reporté au plan 2016-2019"
    # The new plan commits exactly that, in its source of the same funder, in its first year.
    assert carried.amount == Decimal("6666.67") and carried.source.plan == new and carried.source.funder == "MESS"
    assert carried.plan_year.number == 1 and carried.decided_on == NEXT_START
    # Both point to the board's resolution that decides the carry, as the money returned does.
    assert reduction.resolution == carried.resolution == carry_resolution(closed)
    assert CommitmentReduction.objects.get(commitment=closed.c4).resolution == carry_resolution(closed)
    # Old paid + new committed = the original commitment, to the cent.
    assert c1.disbursed_total + carried.amount == c1.amount == Decimal("10000.00")

    # The sources and the bilans of both plans count each dollar once.
    closed.fqis.refresh_from_db()
    new_fqis = FundingSource.objects.get(plan=new, code="fqis")
    assert new_fqis.committed_total == Decimal("6666.67") + Decimal("4000.00")
    new_bilan = whole_plan_bilan(new, closed.by)
    old_after = whole_plan_bilan(closed.plan, closed.by)
    assert new_bilan.committed == Decimal("12166.92")
    assert old_after.committed == old_bilan.committed - Decimal("12166.92") - Decimal("500.00")  # carried + returned
    assert old_after.committed == old_after.disbursed  # nothing left committed and unpaid in the closed plan
    assert old_after.committed + new_bilan.committed == old_bilan.committed - Decimal("500.00")
    # The alliance's sources over both plans (what a funder's totals sum): the carried money once, the returned gone.
    assert alliance_sources.totals()["committed"] == committed_before - Decimal("500.00")
    assert totals_mismatches() == []
    call_command("check_budget")


def test_the_project_continues_in_the_new_plan_and_the_old_one_stays(closed):
    started = plan_next_start(**start_arguments(closed))

    old = ActionProject.objects.get(pk=closed.p1.pk)
    assert old.status == ProjectStatus.IN_PROGRESS and old.theme == closed.t1 and old.commitments.count() == 2
    continuation = old.continuations.get()
    assert continuation.theme.plan == started.plan and continuation.theme.carried_from == closed.t1
    assert continuation.objective.theme == continuation.theme and continuation.objective.title == "Nourrir les familles"
    assert continuation.status == ProjectStatus.IN_PROGRESS
    assert (continuation.title, continuation.lead) == (old.title, old.lead)
    assert continuation.amount_requested == Decimal("8166.92")
    assert list(continuation.partnerships.values_list("organisation", "status")) == [(closed.p2.lead_id, "confirmed")]
    assert list(continuation.indicators.values_list("name", "target")) == [("Repas servis", Decimal("500.00"))]
    assert continuation.status_changes.get().comment == "Suite du projet du plan 2013-2016."
    # The completed project does not continue (only ongoing ones may).
    assert not closed.p3.continuations.exists()


def test_planned_payments_move_with_the_money(closed):
    plan_next_start(**start_arguments(closed))

    closed.planned.refresh_from_db()
    assert closed.planned.cancelled_on == timezone.localdate()
    assert closed.planned.cancel_reason == "Reporté au plan 2016-2019"
    carried = Commitment.objects.get(carried_from=closed.c1)
    moved = PlannedPayment.objects.get(commitment=carried)
    assert (moved.due_on, moved.amount) == (datetime.date(2016, 7, 15), Decimal("2000.00"))
    # under the continuation's agreement, waiting for its copy of the report not filed yet
    assert moved.agreement == Agreement.objects.get(project=carried.project)
    assert moved.agreement.signed_on == closed.agreement.signed_on
    assert moved.required_report.project == carried.project
    assert (moved.required_report.due_on, moved.required_report.label) == (
        datetime.date(2016, 6, 30),
        "Rapport de mi-parcours",
    )
    assert ReportDeadline.objects.filter(project=closed.p1).count() == 1  # the old one stays, as it was


def test_the_money_of_projects_not_carried_returns_to_the_source_with_the_reason(closed):
    fqis_before = closed.fqis.committed_total
    started = plan_next_start(**start_arguments(closed, carry_project_ids=[closed.p1.pk]))

    assert started.returned == Decimal("4000.00") + Decimal("500.00")  # P2 not carried; P3 completed
    for commitment, amount in ((closed.c3, Decimal("4000.00")), (closed.c4, Decimal("500.00"))):
        reduction = CommitmentReduction.objects.get(commitment=commitment)
        assert reduction.amount == amount and reduction.is_cancellation
        assert reduction.reason == "Fin du plan 2013-2016 : argent non utilisé"
    closed.fqis.refresh_from_db()
    assert closed.fqis.committed_total == fqis_before - Decimal("6666.67") - Decimal("4000.00") - Decimal("500.00")
    assert not Commitment.objects.filter(carried_from=closed.c3).exists()
    assert not closed.p2.continuations.exists()
    call_command("check_budget")


def test_themes_spaces_criteria_and_targets_are_carried(closed):
    started = plan_next_start(**start_arguments(closed, carry_space_ids=[closed.s1.pk]))
    new = started.plan

    t1, t2 = (Theme.objects.get(plan=new, carried_from=old) for old in (closed.t1, closed.t2))
    assert (t1.name, t1.slug, t1.order) == ("Sécurité alimentaire", "securite-alimentaire", 1)
    objective = Objective.objects.get(theme=t1)
    action = PlanAction.objects.get(objective=objective)
    assert action.title == "Cuisines collectives" and list(action.partners.all()) == [closed.p2.lead]
    # S1 goes on, linked to its old theme and to its new one; S2 is archived.
    closed.s1.refresh_from_db()
    closed.s2.refresh_from_db()
    assert set(closed.s1.themes.all()) == {closed.t1, t1} and closed.s1.status == Space.Status.ACTIVE
    assert closed.s2.status == Space.Status.ARCHIVED and started.spaces_archived == 1
    assert list(new.review_criteria.values_list("name", "max_score", "is_active")) == [
        ("Ancrage dans le milieu", 5, True)
    ]
    targets = {(t.theme_id, t.plan_year_id): t.amount for t in BudgetTarget.objects.filter(plan=new)}
    assert targets == {(t1.pk, None): Decimal("30000.00"), (None, new.years.get(number=1).pk): Decimal("40000.00")}


def test_a_target_that_does_not_fit_is_skipped_and_reported(closed):
    arguments = start_arguments(closed, carry_project_ids=[closed.p1.pk])
    arguments["carry_theme_ids"] = [closed.t1.pk]
    arguments["carry_space_ids"] = [closed.s1.pk]
    arguments["sources"] = [
        {"code": "fqis", "name": "FQIS", "funder": "MESS", "amount": "35000.00"},
        {"code": "ville", "name": "Ville", "funder": "Ville", "amount": "2000.00"},
    ]
    f.make_theme(closed.plan, name="Sans cible", order=3)  # (not carried: no target, nothing to skip)
    target_t2 = BudgetTarget.objects.create(plan=closed.plan, theme=closed.t2, amount=Decimal("1000.00"))

    started = plan_next_start(**arguments)

    assert started.targets == 1  # T1's 30 000,00 fits the 37 000,00 envelope; 2013-2014's 40 000,00 does not
    assert len(started.targets_skipped) == 2
    assert any("2013-2014" in why and "dépasserait l'enveloppe" in why for why in started.targets_skipped)
    assert any("Logement" in why and "n'est pas reporté" in why for why in started.targets_skipped)
    assert target_t2.pk  # the old targets stay as they were
    assert not BudgetTarget.objects.filter(plan=started.plan, plan_year__isnull=False).exists()


def test_roles_not_kept_are_ended(closed, cast):
    alliance = closed.plan.alliance
    staff_role = AllianceRole.objects.open().filter(user=cast.staff, alliance=alliance).first() or alliance_role_grant(
        user=cast.staff, alliance=alliance, role=AllianceRole.Role.PERSONNEL, by=None
    )
    kept = AllianceRole.objects.get(user=closed.by, alliance=alliance)

    started = plan_next_start(**start_arguments(closed, keep_role_ids=[kept.pk]))

    staff_role.refresh_from_db()
    kept.refresh_from_db()
    assert staff_role.ended_on == timezone.localdate() and started.roles_ended == 1
    assert kept.ended_on is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"start_date": datetime.date(2016, 3, 31)}, "doit commencer après la fin du plan précédent"),
        ({"start_date": datetime.date(2015, 4, 1)}, "doit commencer après la fin du plan précédent"),
        ({"carry_theme_ids": "only t2"}, "son enjeu « Sécurité alimentaire » n'est pas reporté"),
        ({"sources": "no ville"}, "le nouveau plan n'a aucune source du bailleur de fonds « Ville »"),
        ({"sources": "too small"}, "dépassent son montant"),
        ({"sources": []}, "Indiquez au moins une source de financement"),
        ({"sources": "same code"}, "Deux sources ont le code « fqis »"),
        ({"title": "  "}, "Indiquez le titre du nouveau plan"),
        ({"reason": ""}, "Indiquez le motif du retour à la source"),
        ({"carry_project_ids": "another plan's"}, "Projet inconnu"),
        ({"carry_space_ids": "s1 without its theme"}, "aucun de ses enjeux n'est reporté"),
        ({"resolution": None}, "Choisissez la résolution du conseil d'administration qui décide du report"),
        ({"resolution": "another alliance's"}, "Cette résolution est celle d'une autre alliance"),
    ],
)
def test_refusals_leave_nothing_saved(closed, cast, changes, message):
    arguments = start_arguments(closed)
    for name, value in changes.items():
        if value == "only t2":
            value = [closed.t2.pk]
            arguments["carry_space_ids"] = [closed.s2.pk]
        elif value == "no ville":
            value = [{"code": "fqis", "name": "FQIS", "funder": "MESS", "amount": "200000.00"}]
        elif value == "too small":
            value = [
                {"code": "fqis", "name": "FQIS", "funder": "MESS", "amount": "10000.00"},
                {"code": "ville", "name": "Ville", "funder": "Ville", "amount": "30000.00"},
            ]
        elif value == "same code":
            value = [
                {"code": "fqis", "name": "FQIS", "funder": "MESS", "amount": "200000.00"},
                {"code": "fqis", "name": "Ville", "funder": "Ville", "amount": "30000.00"},
            ]
        elif value == "another plan's":
            other = f.make_theme(f.make_plan(start_date=datetime.date(2013, 4, 1)))
            value = [f.make_project(lead=cast.org_a, theme=other, status=ProjectStatus.ACCEPTED).pk]
        elif value == "another alliance's":
            value = f.make_resolution(f.make_alliance(), "CA-2016-03")
        elif value == "s1 without its theme":
            value = [closed.s1.pk]
            arguments["carry_theme_ids"] = [closed.t2.pk]
            arguments["carry_project_ids"] = [closed.p2.pk]
        arguments[name] = value
    before = state()
    with pytest.raises(ValidationError) as error:
        plan_next_start(**arguments)
    assert message in messages(error)
    assert state() == before


def test_the_previous_plan_must_be_closed(world):
    before = state()
    with pytest.raises(ValidationError) as error:
        plan_next_start(**start_arguments(world))
    assert "est encore en cours : terminez-le avant de démarrer le suivant" in messages(error)
    assert state() == before


def test_a_second_start_is_refused(closed):
    plan_next_start(**start_arguments(closed))
    with pytest.raises(ValidationError) as error:
        plan_next_start(**start_arguments(closed, start_date=datetime.date(2019, 4, 1)))
    assert "est encore en cours" in messages(error)


def test_a_failure_midway_saves_nothing(closed, monkeypatch):
    """One transaction: a write that fails after the others leaves the database as it was."""
    from succession import services

    def broken(**kwargs):
        raise ValidationError("Panne au dernier moment.")

    monkeypatch.setattr(services, "alliance_role_end", broken)
    alliance = closed.plan.alliance
    alliance_role_grant(user=f.make_user(), alliance=alliance, role=AllianceRole.Role.PERSONNEL, by=None)
    before = state()
    kept = [AllianceRole.objects.get(user=closed.by, alliance=alliance).pk]
    with pytest.raises(ValidationError):
        plan_next_start(**start_arguments(closed, keep_role_ids=kept))
    assert state() == before
    assert totals_mismatches() == []


def test_the_shared_indicators_in_use_are_carried_without_their_targets(closed):
    from plans.models import SharedIndicator, SharedIndicatorMeasure

    reached = SharedIndicator.objects.create(
        theme=closed.t1,
        name="Repas servis",
        unit="repas",
        baseline=Decimal("100"),
        baseline_on=datetime.date(2013, 4, 1),
        target=Decimal("500"),
        target_on=datetime.date(2016, 3, 31),
        source="Rapports des projets",
    )
    population = SharedIndicator.objects.create(
        theme=closed.t1,
        name="Indice de défavorisation",
        kind=SharedIndicator.Kind.POPULATION,
        unit="indice",
        direction=SharedIndicator.Direction.LOWER,
        baseline=Decimal("0.30"),
        baseline_on=datetime.date(2012, 1, 1),
        target=Decimal("0.25"),
        source="INSPQ 2011",
        order=2,
    )
    SharedIndicatorMeasure.objects.create(
        indicator=population, measured_on=datetime.date(2014, 6, 1), value=Decimal("0.29"), source="INSPQ 2014"
    )
    SharedIndicatorMeasure.objects.create(
        indicator=population, measured_on=datetime.date(2015, 6, 1), value=Decimal("0.27"), source="INSPQ 2015"
    )
    SharedIndicator.objects.create(theme=closed.t1, name="Ancien indicateur", unit="ateliers", is_active=False)

    new = plan_next_start(**start_arguments(closed)).plan

    t1 = Theme.objects.get(plan=new, carried_from=closed.t1)
    carried = {s.name: s for s in SharedIndicator.objects.filter(theme=t1)}
    assert set(carried) == {"Repas servis", "Indice de défavorisation"}  # the archived one stays behind
    meals, index = carried["Repas servis"], carried["Indice de défavorisation"]
    assert (meals.unit, meals.baseline, meals.baseline_on, meals.source) == (
        "repas",
        Decimal("100.00"),
        datetime.date(2013, 4, 1),
        "Rapports des projets",
    )
    assert meals.target is None and meals.target_on is None  # the new plan sets its own
    # a population indicator goes on from its latest measure
    assert (index.kind, index.direction, index.baseline, index.baseline_on, index.source) == (
        SharedIndicator.Kind.POPULATION,
        SharedIndicator.Direction.LOWER,
        Decimal("0.27"),
        datetime.date(2015, 6, 1),
        "INSPQ 2015",
    )
    # the old plan's indicators and measures are as they were
    reached.refresh_from_db()
    assert reached.theme == closed.t1 and reached.target == Decimal("500.00")
    assert population.measures.count() == 2
