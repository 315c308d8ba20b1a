"""The agreement pages: who may read and write (the role matrix for every URL), the forms through
the services with their French errors, planned against actual to the cent, bounded queries."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Agreement, Disbursement, PlannedPayment
from budget.services.agreements import (
    agreement_create,
    planned_payment_add,
    planned_payment_release,
    report_deadline_add,
)
from budget.services.ledger import disbursement_create
from projects.models import ProgressReport, ProjectPartner, ProjectStatus, ReportDeadline
from projects.services.reports import deadlines_filed_update
from tests import factories as f

pytestmark = pytest.mark.django_db
CAST = ["anonymous", "alice", "bob", "charlie", "staff", "coordinator"]


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


@pytest.fixture
def source(plan):
    return f.make_source(plan, amount="100000.00", name="FQIS")


@pytest.fixture
def accepted(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisines collectives")


@pytest.fixture
def commitment(source, accepted):
    return f.commit(source=source, project=accepted, amount="20000.00")


@pytest.fixture
def agreement(accepted, commitment, cast):
    return agreement_create(
        project=accepted, signed_on=datetime.date(2014, 6, 15), reference="CONV-2014-03", note="", by=cast.coordinator
    )


@pytest.fixture
def deadline(agreement, cast):
    return report_deadline_add(
        agreement=agreement,
        kind="progress",
        due_on=datetime.date(2015, 1, 15),
        label="Mi-parcours",
        by=cast.coordinator,
    )


@pytest.fixture
def planned(agreement, commitment, deadline, cast):
    return planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2015, 2, 1),
        amount="5000.00",
        required_report=deadline,
        by=cast.coordinator,
    )


def file_report(deadline):
    report = ProgressReport.objects.create(
        project=deadline.project,
        deadline=deadline,
        period_start=datetime.date(2014, 7, 1),
        period_end=datetime.date(2014, 12, 31),
        percent_done=40,
    )
    deadlines_filed_update(deadline_ids={deadline.pk})  # as report_create: the deadline is answered
    return report


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("who, status", list(zip(CAST, [302, 200, 200, 200, 200, 200])))
def test_list_access(login, cast, agreement, who, status):
    response = login(getattr(cast, who)).get(reverse("budget:agreement-list"))
    assert response.status_code == status
    if status == 200:
        assert ("Cuisines collectives" in page(response)) == (who != "charlie")


@pytest.mark.parametrize("who, status", list(zip(CAST, [302, 200, 200, 404, 200, 200])))
def test_detail_access(login, cast, agreement, who, status):
    response = login(getattr(cast, who)).get(reverse("budget:agreement-detail", args=[agreement.pk]))
    assert response.status_code == status
    if status == 200:
        assert ("Prévoir un versement" in page(response)) == (who == "coordinator")


def test_a_partner_organisation_reads_the_agreement(login, cast, agreement):
    ProjectPartner.objects.create(project=agreement.project, organisation=cast.org_b)
    assert login(cast.charlie).get(reverse("budget:agreement-detail", args=[agreement.pk])).status_code == 200
    assert "Cuisines collectives" in page(login(cast.charlie).get(reverse("budget:agreement-list")))


@pytest.mark.parametrize("who, status", list(zip(CAST, [302, 403, 403, 403, 403, 200])))
def test_create_access(login, cast, accepted, who, status):
    assert login(getattr(cast, who)).get(reverse("budget:agreement-create")).status_code == status
    response = login(getattr(cast, who)).post(
        reverse("budget:agreement-create"), {"project": accepted.pk, "signed_on": "2014-06-15"}
    )
    assert response.status_code == (302 if who == "coordinator" else status)
    assert Agreement.objects.exists() == (who == "coordinator")


def write_urls(agreement, planned):
    return {
        "deadline": (
            reverse("budget:report-deadline-add", args=[agreement.pk]),
            {"kind": "final", "due_on": "2016-03-31"},
        ),
        "payment": (
            reverse("budget:planned-payment-add", args=[agreement.pk]),
            {"commitment": planned.commitment_id, "due_on": "2015-03-01", "amount": "100"},
        ),
        "cancel": (
            reverse("budget:planned-payment-cancel", args=[agreement.pk, planned.pk]),
            {"on": "2015-01-01", "reason": "Reporté"},
        ),
    }


@pytest.mark.parametrize("url", ["deadline", "payment", "cancel"])
@pytest.mark.parametrize("who, status", list(zip(CAST, [302, 403, 403, 404, 403, 200])))
def test_write_pages_access(login, cast, agreement, planned, url, who, status):
    path, data = write_urls(agreement, planned)[url]
    client = login(getattr(cast, who))
    assert client.get(path).status_code == status
    before = (
        ReportDeadline.objects.count(),
        PlannedPayment.objects.count(),
        PlannedPayment.objects.filter(cancelled_on__isnull=False).count(),
    )
    response = client.post(path, data)
    after = (
        ReportDeadline.objects.count(),
        PlannedPayment.objects.count(),
        PlannedPayment.objects.filter(cancelled_on__isnull=False).count(),
    )
    if who == "coordinator":
        assert response.status_code == 302 and after != before
    else:
        assert response.status_code == status and after == before


@pytest.mark.parametrize("who, status", list(zip(CAST, [302, 403, 403, 404, 403, 302])))
def test_release_access(login, cast, agreement, commitment, who, status):
    planned = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2015, 2, 1), amount="100", by=cast.coordinator
    )
    path = reverse("budget:planned-payment-release", args=[agreement.pk, planned.pk])
    response = login(getattr(cast, who)).post(path, {"paid_on": "2015-02-02"})
    assert response.status_code == status
    assert Disbursement.objects.exists() == (who == "coordinator")


def test_release_is_post_only(login, cast, planned):
    path = reverse("budget:planned-payment-release", args=[planned.agreement_id, planned.pk])
    assert login(cast.coordinator).get(path).status_code == 405


def test_a_planned_payment_of_another_agreement_is_404(login, cast, agreement, planned, source, theme):
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    f.commit(source=source, project=other, amount="100.00")
    other_agreement = agreement_create(
        project=other, signed_on=datetime.date(2014, 6, 1), reference="", note="", by=cast.coordinator
    )
    client = login(cast.coordinator)
    assert (
        client.get(reverse("budget:planned-payment-cancel", args=[other_agreement.pk, planned.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("budget:planned-payment-release", args=[other_agreement.pk, planned.pk]), {"paid_on": "2015-02-02"}
        ).status_code
        == 404
    )


# ---------------------------------------------------------------- signing


def test_sign_from_the_list_with_the_project_preselected(client, cast, accepted, theme):
    draft = f.make_project(lead=cast.org_a, theme=theme, title="Brouillon")
    signed = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Déjà signé")
    agreement_create(project=signed, signed_on=datetime.date(2014, 5, 1), reference="", note="", by=cast.coordinator)
    client.force_login(cast.coordinator)
    form = page(client.get(reverse("budget:agreement-create") + f"?projet={accepted.pk}"))
    assert f'<option value="{accepted.pk}" selected>' in form
    assert "Brouillon" not in form and "Déjà signé" not in form

    listing = page(client.get(reverse("budget:agreement-list")))
    assert "Projets acceptés sans convention" in listing
    assert f'{reverse("budget:agreement-create")}?projet={accepted.pk}"' in listing
    response = client.post(
        reverse("budget:agreement-create"),
        {"project": accepted.pk, "signed_on": "2014-06-15", "reference": "CONV-2014-03", "note": "Deux versements"},
    )
    agreement = Agreement.objects.get(project=accepted)
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert (agreement.reference, agreement.note, agreement.created_by) == (
        "CONV-2014-03",
        "Deux versements",
        cast.coordinator,
    )
    accepted.refresh_from_db()
    assert accepted.status == ProjectStatus.AGREEMENT_SIGNED
    assert "CONV-2014-03" in accepted.status_changes.last().comment
    assert "Projets acceptés sans convention" not in page(client.get(reverse("budget:agreement-list")))

    response = client.post(reverse("budget:agreement-create"), {"project": draft.pk, "signed_on": "2014-06-15"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in page(response)
    assert Agreement.objects.count() == 2


# ---------------------------------------------------------------- schedules


def test_add_deadlines_and_a_second_final_is_refused(client, cast, agreement):
    client.force_login(cast.coordinator)
    url = reverse("budget:report-deadline-add", args=[agreement.pk])
    assert client.post(url, {"kind": "progress", "due_on": "2015-01-15", "label": "Mi-parcours"}).status_code == 302
    assert client.post(url, {"kind": "final", "due_on": "2016-03-31"}).status_code == 302
    response = client.post(url, {"kind": "final", "due_on": "2016-04-30"})
    assert response.status_code == 200
    assert "Ce projet a déjà une échéance de rapport final." in page(response)
    assert agreement.project.report_deadlines.count() == 2
    detail = page(client.get(agreement.get_absolute_url()))
    assert "Mi-parcours" in detail and "Rapport final" in detail


def test_plan_a_payment_in_quebec_format_and_over_planning_is_refused(
    client, cast, agreement, commitment, deadline, source, theme
):
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    foreign = f.commit(source=source, project=other, amount="1000.00")
    client.force_login(cast.coordinator)
    url = reverse("budget:planned-payment-add", args=[agreement.pk])
    form = page(client.get(url))
    assert "reste à verser 20 000 $" in form and "Mi-parcours" in form
    response = client.post(
        url,
        {
            "commitment": commitment.pk,
            "due_on": "2015-02-01",
            "amount": "12 500,50",
            "required_report": deadline.pk,
            "note": "Deuxième",
        },
    )
    assert response.status_code == 302
    planned = PlannedPayment.objects.get()
    assert (planned.amount, planned.required_report, planned.note, planned.created_by) == (
        Decimal("12500.50"),
        deadline,
        "Deuxième",
        cast.coordinator,
    )

    response = client.post(url, {"commitment": commitment.pk, "due_on": "2015-06-01", "amount": "7 499,51"})
    assert response.status_code == 200
    assert "Il reste 7 499,50 $ à prévoir sur cet engagement" in page(response)
    response = client.post(url, {"commitment": foreign.pk, "due_on": "2015-06-01", "amount": "10"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in page(response)
    assert PlannedPayment.objects.count() == 1


def test_cancel_needs_a_reason(client, cast, planned):
    client.force_login(cast.coordinator)
    url = reverse("budget:planned-payment-cancel", args=[planned.agreement_id, planned.pk])
    response = client.post(url, {"on": "2015-01-10", "reason": ""})
    assert response.status_code == 200
    planned.refresh_from_db()
    assert planned.cancelled_on is None
    assert client.post(url, {"on": "2015-01-10", "reason": "Activité reportée"}).status_code == 302
    planned.refresh_from_db()
    assert (planned.cancelled_on, planned.cancel_reason) == (datetime.date(2015, 1, 10), "Activité reportée")
    assert "Activité reportée" in page(client.get(planned.agreement.get_absolute_url()))


def test_release_waits_for_the_report_then_pays(client, cast, planned, deadline, commitment):
    client.force_login(cast.coordinator)
    url = reverse("budget:planned-payment-release", args=[planned.agreement_id, planned.pk])
    detail = page(client.get(planned.agreement.get_absolute_url()))
    assert "Attend le rapport" in detail and url not in detail  # no « Verser » button while the report is missing

    response = client.post(url, {"paid_on": "2015-02-02", "reference": "Chèque 1201"}, follow=True)
    assert "Ce versement attend le rapport d'étape dû le 15 janvier 2015." in page(response)
    assert not Disbursement.objects.exists()

    file_report(deadline)
    detail = page(client.get(planned.agreement.get_absolute_url()))
    assert url in detail and "Déposé" in detail
    response = client.post(url, {"paid_on": "2015-02-02", "reference": "Chèque 1201"}, follow=True)
    assert "Versement de 5 000 $ enregistré le 2 février 2015." in page(response)
    disbursement = Disbursement.objects.get()
    assert (disbursement.amount, disbursement.reference, disbursement.created_by) == (
        Decimal("5000.00"),
        "Chèque 1201",
        cast.coordinator,
    )
    planned.refresh_from_db()
    assert planned.disbursement == disbursement

    response = client.post(url, {"paid_on": "2015-02-03"}, follow=True)
    assert "Ce versement a déjà été fait le 2 février 2015." in page(response)
    assert Disbursement.objects.count() == 1


def test_a_bad_release_date_is_refused_with_a_message(client, cast, agreement, commitment):
    planned = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2015, 2, 1), amount="100", by=cast.coordinator
    )
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("budget:planned-payment-release", args=[agreement.pk, planned.pk]), {"paid_on": "demain"}, follow=True
    )
    assert "Saisissez une date valide" in page(response)
    assert not Disbursement.objects.exists()


def test_planned_against_actual_to_the_cent(client, cast, agreement, commitment, deadline, source):
    second = f.commit(source=source, project=agreement.project, amount="3000.00", year=f.plan_year(source.plan, 2))
    by = cast.coordinator
    a = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2014, 7, 1), amount="7500.33", by=by
    )
    planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2015, 2, 1),
        amount="2499.67",
        required_report=deadline,
        by=by,
    )
    c = planned_payment_add(
        agreement=agreement, commitment=second, due_on=datetime.date(2015, 7, 1), amount="1000.10", by=by
    )
    d = planned_payment_add(
        agreement=agreement, commitment=second, due_on=datetime.date(2015, 8, 1), amount="999.00", by=by
    )
    planned_payment_release(planned=a, paid_on=datetime.date(2014, 7, 2), reference="", by=by)
    planned_payment_release(planned=c, paid_on=datetime.date(2015, 7, 3), reference="", by=by)
    from budget.services.agreements import planned_payment_cancel

    planned_payment_cancel(planned=d, on=datetime.date(2015, 7, 15), reason="Reporté", by=by)
    disbursement_create(commitment=second, amount="0.01", paid_on=datetime.date(2015, 7, 20))  # outside the schedule

    client.force_login(cast.staff)
    detail = page(client.get(agreement.get_absolute_url()))
    # planned: 7 500,33 + 2 499,67 + 1 000,10 (the cancelled 999,00 does not count) = 11 000,10
    assert 'data-testid="agreement-planned">11 000,10 $' in detail
    assert 'data-testid="schedule-planned">11 000,10 $' in detail
    # paid through the schedule: 7 500,33 + 1 000,10 = 8 500,43; outside: 0,01
    assert 'data-testid="agreement-paid">8 500,43 $' in detail
    assert 'data-testid="schedule-paid">8 500,43 $' in detail
    assert 'data-testid="agreement-paid-outside">0,01 $' in detail
    assert 'data-testid="agreement-committed">23 000 $' in detail
    # left to schedule: 23 000,00 − 8 500,44 paid − 2 499,67 planned and unpaid = 11 999,89
    assert 'data-testid="agreement-to-schedule">11 999,89 $' in detail
    assert "1 versement (2 499,67 $) attend un rapport." in detail

    row = (
        page(client.get(reverse("budget:agreement-list")))
        .split(f'data-testid="agreement-{agreement.pk}"')[1]
        .split("</tr>")[0]
    )
    assert "23 000 $" in row and "11 000,10 $" in row and "8 500,44 $" in row
    assert '2015-02-01 — <span class="money">2 499,67 $' in row
    assert '<span class="badge text-bg-warning">1</span>' in row


# ---------------------------------------------------------------- queries


def grow(cast, theme, source, count):
    """`count` signed agreements of two planned payments (one waiting for a report, one paid) each."""
    for i in range(count):
        project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
        commitment = f.commit(source=source, project=project, amount="1000.00")
        agreement = agreement_create(project=project, signed_on=datetime.date(2014, 6, 1), reference=f"C-{i}", note="")
        deadline = report_deadline_add(agreement=agreement, kind="progress", due_on=datetime.date(2015, 1, 1), label="")
        paid = planned_payment_add(
            agreement=agreement, commitment=commitment, due_on=datetime.date(2014, 7, 1), amount="400.00"
        )
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 2, 1),
            amount="600.00",
            required_report=deadline,
        )
        planned_payment_release(planned=paid, paid_on=datetime.date(2014, 7, 2), reference="")


# + 1 each since issue 17: the alliance of the address (alliances.middleware); + 1 for Coordination: the request's plan
# (where agreements are signed, and whether it is closed)
@pytest.mark.parametrize("who, queries", [("coordinator", 8), ("alice", 6)])
def test_list_queries_do_not_grow(client, cast, theme, source, who, queries, django_assert_num_queries):
    grow(cast, theme, source, 20)
    for _i in range(3):
        f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    client.force_login(getattr(cast, who))
    # 1 session, 1 user, 1 roles (groups and memberships, cached on the user),
    # 1 count for the paginator, 1 the page: agreements, projects, leads and every total as subqueries,
    # and for Coordination 1 the accepted projects still without an agreement, with their leads
    with django_assert_num_queries(queries):
        response = client.get(reverse("budget:agreement-list"))
    assert page(response).count("text-bg-warning") == 20


def test_detail_queries_do_not_grow(client, cast, agreement, commitment, deadline, django_assert_num_queries):
    for i in range(30):
        planned = planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=i),
            amount="100.00",
            required_report=deadline if i % 2 else None,
        )
        if i % 4 == 0:  # paid, with no report required
            planned_payment_release(planned=planned, paid_on=datetime.date(2015, 1, 2), reference="")
    client.force_login(cast.coordinator)
    # 1 session, 1 user, 1 roles (groups and memberships), 1 the agreement with its project, lead and theme,
    # 1 commitments with source and year, 1 report deadlines with their reports,
    # 1 the schedule with commitments, sources, years, required reports, their reports and payments,
    # 1 the alliance of the address (alliances.middleware, issue 17),
    # 1 its change requests (none: their moves and targets are not read), 1 its amendments (issue 20, part 4)
    with django_assert_num_queries(10):
        response = client.get(agreement.get_absolute_url())
    assert page(response).count('data-testid="planned-') == 30


def test_report_states_filed_due_late(agreement, commitment, deadline, cast):
    from budget.selectors.agreements import agreement_schedule

    later = report_deadline_add(
        agreement=agreement, kind="final", due_on=datetime.date(2016, 3, 31), label="", by=cast.coordinator
    )
    planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2016, 4, 15),
        amount="100",
        required_report=later,
        by=cast.coordinator,
    )
    schedule = agreement_schedule(agreement, today=datetime.date(2015, 6, 1))
    assert [d.state for d in schedule["deadlines"]] == ["late", "due"]
    assert [p.report_state for p in schedule["payments"]] == ["due"]
    file_report(deadline)
    schedule = agreement_schedule(agreement, today=datetime.date(2016, 4, 1))
    assert [d.state for d in schedule["deadlines"]] == ["filed", "late"]
    assert schedule["waiting"] == 1 and schedule["waiting_total"] == Decimal("100.00")
