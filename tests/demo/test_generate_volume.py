"""generate_volume: proportional counts, balanced ledger, every model rule, same seed → same data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F

from alliances.models import Alliance, AllianceRole
from alliances.selectors import alliances_coordinated_by, alliances_read_by, role_in
from budget.models import Commitment, Disbursement, FundingSource, PlannedPayment
from chantiers.models import Attendance, Meeting, Space
from demo.volume import (
    PAST_PER_UNIT,
    PER_UNIT,
    REGIONAL_FUNDER_USERNAME,
    expected_counts,
    generated_alliances,
    generated_plans,
    generated_sources,
)
from organisations.models import Citizen, Organisation, User
from plans.models import Plan
from projects.models import ActionProject, ProgressReport, ProjectStatus, ReportDeadline
from projects.selectors.reports import late_reports

pytestmark = pytest.mark.django_db

SCALE = 0.1
COUNTED = {
    "organisations": lambda plans: Organisation.objects.filter(memberships__user__username__startswith="vol"),
    "spaces": lambda plans: Space.objects.filter(themes__plan__in=plans).distinct(),
    "projects": lambda plans: ActionProject.objects.filter(theme__plan__in=plans),
    "reports": lambda plans: ProgressReport.objects.filter(project__theme__plan__in=plans),
    "meetings": lambda plans: Meeting.objects.filter(space__themes__plan__in=plans).distinct(),
    "attendances": lambda plans: Attendance.objects.filter(
        meeting__space__in=Space.objects.filter(themes__plan__in=plans)
    ),
    "commitments": lambda plans: Commitment.objects.filter(source__plan__in=plans),
    "disbursements": lambda plans: Disbursement.objects.filter(commitment__source__plan__in=plans),
}


def generate(scale=SCALE, seed=2013, **options):
    out = StringIO()
    call_command("generate_volume", scale=scale, seed=seed, stdout=out, **options)
    return out.getvalue()


def fingerprint():
    """The generated data by natural keys (primary keys and creation times differ between databases and runs)."""
    return {
        "organisations": list(Organisation.objects.order_by("name").values_list("name", "kind", "phone")),
        "citizens": list(Citizen.objects.order_by("pk").values_list("first_name", "last_name", "consent_given_on")),
        "spaces": list(Space.objects.order_by("name").values_list("name", "lead_organisation__name")),
        "seats": sorted(Space.objects.values_list("name", "memberships__organisation__name")),
        "meetings": list(
            Meeting.objects.order_by("space__name", "date", "start_time", "pk").values_list(
                "space__name", "date", "start_time", "duration_minutes"
            )
        ),
        "attendance": sorted(
            Attendance.objects.values_list(
                "meeting__space__name",
                "meeting__date",
                "user__username",
                "citizen__last_name",
                "organisation__name",
                "present",
            ),
            key=str,
        ),
        "projects": list(
            ActionProject.objects.order_by("title").values_list(
                "title",
                "lead__name",
                "theme__slug",
                "status",
                "amount_requested",
                "start_date",
                "end_date",
                "space__name",
            )
        ),
        "reports": list(
            ProgressReport.objects.order_by("project__title", "period_start").values_list(
                "project__title",
                "period_start",
                "period_end",
                "percent_done",
                "people_reached",
                "citizens_reached",
                "expenses",
            )
        ),
        "sources": list(
            # A closed plan and the current one hold sources of the same codes: the plan's start breaks the tie,
            # which PostgreSQL otherwise hands back in any order.
            FundingSource.objects.order_by("plan__alliance__acronym", "plan__start_date", "code").values_list(
                "plan__alliance__acronym", "plan__start_date", "code", "amount", "committed_total", "disbursed_total"
            )
        ),
        "commitments": list(
            Commitment.objects.order_by("project__title", "pk").values_list(
                "project__title", "source__code", "plan_year__number", "amount", "disbursed_total", "decided_on"
            )
        ),
        "disbursements": list(
            Disbursement.objects.order_by("commitment__project__title", "paid_on", "pk").values_list(
                "commitment__project__title", "amount", "paid_on"
            )
        ),
    }


def test_counts_are_proportional_to_the_scale(asis):
    citizens_before = Citizen.objects.count()
    output = generate()
    expected = expected_counts(SCALE)
    plans = generated_plans()
    assert generated_alliances().count() == expected["alliances"] == 1
    assert plans.count() == 2 * expected["alliances"]  # a closed plan and a current one each
    assert Plan.objects.current() == asis  # the ASIS plan stays the one the portal shows
    # Each generated alliance is a real alliance with its own current plan; ASIS's alliance stays the default.
    generated = Alliance.objects.filter(plans__in=plans).distinct()
    assert generated.count() == expected["alliances"]
    assert all(alliance.current_plan().alliance_id == alliance.pk for alliance in generated)
    assert sorted(plans.values_list("status", flat=True)) == [Plan.Status.CLOSED, Plan.Status.CURRENT]
    assert Alliance.objects.default() == asis.alliance
    assert Organisation.objects.filter(spaces__themes__plan__in=plans).exists()
    for key in COUNTED:
        assert COUNTED[key](plans).count() == expected[key], key
    assert Citizen.objects.count() - citizens_before == expected["citizens"]
    assert expected["projects"] == round((PER_UNIT["projects"] + PAST_PER_UNIT["projects"]) * SCALE) == 25
    assert "25 projects" in output


def test_expected_counts_scale_linearly():
    per_alliance = {key: value + PAST_PER_UNIT.get(key, 0) for key, value in PER_UNIT.items()}
    assert expected_counts(100) == {**{key: value * 100 for key, value in per_alliance.items()}, "alliances": 100}
    assert expected_counts(100, into_current=True)["projects"] == PER_UNIT["projects"] * 100
    assert expected_counts(1)["organisations"] == 40
    assert expected_counts(0.02)["organisations"] == 3  # the least an alliance needs


def test_check_budget_passes_and_model_rules_hold(asis):
    generate()
    call_command("check_budget", stdout=StringIO())
    # the kept figures too (the plan's totals, each project's committed total, each report's plan)
    call_command("check_figures", stdout=StringIO())
    for source in FundingSource.objects.all():
        assert 0 <= source.disbursed_total <= source.committed_total <= source.amount
    assert not Commitment.objects.filter(disbursed_total__gt=F("amount") - F("reduced_total")).exists()
    assert not ProgressReport.objects.filter(citizens_reached__gt=F("people_reached")).exists()
    assert not ProgressReport.objects.filter(period_end__lt=F("period_start")).exists()
    assert not ActionProject.objects.filter(end_date__lt=F("start_date")).exists()
    # Money only on projects the board accepted, paid only once the agreement is signed.
    funded = Commitment.objects.values_list("project__status", flat=True).distinct()
    assert set(funded) <= {
        ProjectStatus.ACCEPTED,
        ProjectStatus.AGREEMENT_SIGNED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.COMPLETED,
        ProjectStatus.FINAL_REPORT,
    }
    assert not Disbursement.objects.filter(commitment__project__status=ProjectStatus.ACCEPTED).exists()
    # Meetings' durations are those save() would compute.
    for meeting in Meeting.objects.all()[:50]:
        assert meeting.duration_minutes == meeting.compute_duration_minutes()
    # Every model's full_clean on a sample (validators, choices, constraints).
    for model in (
        Organisation,
        Citizen,
        Space,
        Meeting,
        ActionProject,
        ProgressReport,
        FundingSource,
        Commitment,
        Disbursement,
        ReportDeadline,
        PlannedPayment,
    ):
        for row in model.objects.order_by("-pk")[:5]:
            row.full_clean()


def test_agreements_have_their_report_deadlines_and_planned_payments(asis):
    """The pages that read deadlines and planned payments (late reports, « À traiter », the envelope's payments to
    plan) are measured against rows: every report answers a deadline, running projects await their next report,
    finished ones their final report, and what a running project's commitment has not paid is planned."""
    output = generate()
    plans = generated_plans()
    deadlines = ReportDeadline.objects.filter(project__theme__plan__in=plans)
    reports = ProgressReport.objects.filter(project__theme__plan__in=plans)
    assert reports.filter(deadline__isnull=True).count() == 0
    assert deadlines.filter(filed=True).count() == reports.count()
    assert not deadlines.filter(project__status__in=(ProjectStatus.ACCEPTED, ProjectStatus.SUBMITTED)).exists()
    running = ActionProject.objects.filter(
        theme__plan__in=plans, status__in=(ProjectStatus.IN_PROGRESS, ProjectStatus.AGREEMENT_SIGNED)
    )
    assert running.exists()
    for project in running:  # each awaits exactly one progress report, after its last one
        awaited = project.report_deadlines.filter(filed=False)
        assert awaited.count() == 1
        assert awaited.get().kind == ReportDeadline.Kind.PROGRESS
        last = project.reports.order_by("-period_end").first()
        assert last is None or awaited.get().due_on > last.period_end
    completed = ActionProject.objects.filter(theme__plan__in=plans, status=ProjectStatus.COMPLETED)
    assert all(p.report_deadlines.filter(filed=False, kind=ReportDeadline.Kind.FINAL).count() == 1 for p in completed)
    # Today is years after the plans' dates: what is awaited is past due, on the coordinators' list.
    late = late_reports(plans)["late"]
    assert len(late) == deadlines.filter(filed=False).exclude(project__status=ProjectStatus.WITHDRAWN).count() > 0
    # What is planned is what each running commitment has left to pay, waiting for the project's awaited report.
    planned = PlannedPayment.objects.filter(agreement__project__theme__plan__in=plans)
    assert planned.exists()
    for payment in planned.select_related("commitment", "required_report", "agreement"):
        assert payment.amount == payment.commitment.amount - payment.commitment.disbursed_total
        assert payment.required_report.project_id == payment.agreement.project_id == payment.commitment.project_id
        assert not payment.required_report.filed and payment.disbursement_id is None
        assert payment.due_on > payment.required_report.due_on
    # one planned payment per running project; its other commitments with money left are paid outside a schedule
    assert planned.count() == planned.values("agreement_id").distinct().count()
    unscheduled = Commitment.objects.filter(source__plan__in=plans, amount__gt=F("disbursed_total")).exclude(
        planned_payments__in=planned
    )
    assert unscheduled.filter(project__status=ProjectStatus.IN_PROGRESS).exists()
    assert f"{planned.count()} planned_payments" in output
    call_command("check_figures", stdout=StringIO())  # every deadline's `filed` flag agrees with its reports


def test_refuses_a_second_run_unless_forced(asis):
    generate()
    with pytest.raises(CommandError, match="--force"):
        generate()
    generate(force=True)
    assert generated_alliances().count() == 2
    # The next alliances are funded by the same regional funder's account.
    assert alliances_read_by(User.objects.get(username=REGIONAL_FUNDER_USERNAME)).count() == 2
    call_command("check_budget", stdout=StringIO())


FINISHED = {ProjectStatus.FINAL_REPORT, ProjectStatus.COMPLETED, ProjectStatus.REFUSED, ProjectStatus.WITHDRAWN}


def test_each_alliance_has_its_coordinator_a_closed_plan_and_a_current_plan(asis):
    generate(scale=2)
    alliances = list(generated_alliances().order_by("pk"))
    assert len(alliances) == 2
    funder = User.objects.get(username=REGIONAL_FUNDER_USERNAME)
    for alliance in alliances:
        closed, current = alliance.plans.order_by("start_date")
        assert (closed.status, current.status) == (Plan.Status.CLOSED, Plan.Status.CURRENT)
        assert alliance.current_plan() == current
        assert closed.years.order_by("number").last().end_date < current.start_date
        for plan in (closed, current):
            assert plan.themes.exists() and plan.funding_sources.count() == 2
            assert ActionProject.objects.filter(theme__plan=plan).exists()
            assert Commitment.objects.filter(source__plan=plan).exists()
            assert Disbursement.objects.filter(commitment__source__plan=plan).exists()
        assert set(ActionProject.objects.filter(theme__plan=closed).values_list("status", flat=True)) <= FINISHED
        # Its coordinator coordinates it, and it alone; the account has no password of its own.
        coordinator = User.objects.get(username=f"coordination-{alliance.slug}")
        assert list(alliances_coordinated_by(coordinator)) == [alliance]
        assert not coordinator.has_usable_password() and not coordinator.groups.exists()
        assert coordinator.organisation_ids() == {alliance.coordinating_organisation_id}
        # The regional funder funds it.
        assert role_in(funder, alliance) == AllianceRole.Role.FUNDER
        assert alliance.funders.filter(memberships__user=funder).exists()
    assert set(alliances_read_by(funder)) == set(alliances)
    assert role_in(funder, asis.alliance) is None
    assert not funder.has_usable_password() and not alliances_coordinated_by(funder).exists()
    call_command("check_budget", stdout=StringIO())


def test_refuses_without_reference_data(db):
    with pytest.raises(CommandError, match="load_asis"):
        generate()


def test_same_seed_same_data(asis):
    prints = []
    for seed in (2013, 2013, 7):
        with transaction.atomic():
            generate(seed=seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]
    assert prints[0]["disbursements"] and prints[0]["attendance"]


# ---------------------------------------------------------------- --into-current: one very large current plan


def test_into_current_grows_the_current_plan(asis):
    plans_before, sources_before = Plan.objects.count(), set(asis.funding_sources.values_list("code", flat=True))
    plans = Plan.objects.filter(pk=asis.pk)
    kinds = ("spaces", "projects", "reports", "meetings", "attendances", "commitments", "disbursements")
    before = {key: COUNTED[key](plans).count() for key in kinds}
    citizens_before = Citizen.objects.count()
    output = generate(into_current=True)
    expected = expected_counts(SCALE, into_current=True)
    assert expected["projects"] == 20 and expected["alliances"] == 1
    assert Plan.objects.count() == plans_before and not generated_plans().exists()  # no other alliance
    assert Plan.objects.current() == asis
    for key in kinds:
        assert COUNTED[key](plans).count() - before[key] == expected[key], key
    assert Citizen.objects.count() - citizens_before == expected["citizens"]
    assert ActionProject.objects.filter(theme__plan=asis, title__contains="volume 1").count() == expected["projects"]
    # One generated source, large enough for what it commits; nothing over-committed.
    new = asis.funding_sources.exclude(code__in=sources_before)
    assert [source.code for source in new] == ["vol-001"]
    assert set(generated_sources().values_list("code", flat=True)) == {"vol-001"}
    assert Commitment.objects.filter(project__title__contains="volume 1").exclude(source__code="vol-001").count() == 0
    call_command("check_budget", stdout=StringIO())
    for source in asis.funding_sources.all():
        assert 0 <= source.disbursed_total <= source.committed_total <= source.amount
    assert f"{expected['projects']} projects" in output


def test_into_current_refuses_a_second_run_unless_forced(asis):
    generate(into_current=True)
    with pytest.raises(CommandError, match="--force"):
        generate(into_current=True)
    generate(into_current=True, force=True)
    assert sorted(generated_sources().values_list("code", flat=True)) == ["vol-001", "vol-002"]
    call_command("check_budget", stdout=StringIO())


def test_into_current_same_seed_same_data(asis):
    prints = []
    for seed in (2013, 2013, 7):
        with transaction.atomic():
            generate(seed=seed, into_current=True)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1] != prints[2]
