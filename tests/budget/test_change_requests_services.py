"""Change requests through budget.services.changes: every rule, each refusal in French with nothing saved, the
threshold that accepts small moves without review, the amendment that keeps the earlier version readable."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import AgreementAmendment, ChangeRequest, ChangeRequestMove
from budget.services.changes import change_request_create, change_request_decide, change_settings_save
from projects.models import ActionProject, Indicator, ProjectBudgetLine, ProjectYearAmount
from projects.selectors.budget_lines import budget_lines_mismatches
from tests.budget.changes_fixtures import move, under_agreement

pytestmark = pytest.mark.django_db


def messages(error) -> str:
    return " ".join(error.value.messages).replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def setup(cast, theme):
    return under_agreement(cast, theme)


def lines(project):
    return sorted(
        ProjectBudgetLine.objects.filter(project=project).values_list("category__name", "plan_year__number", "amount")
    )


def test_a_pending_request_changes_nothing_until_accepted(cast, setup):
    agreement, categories, years = setup
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Le local coûte moins cher que prévu.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "500.00")],
        new_end_date=datetime.date(2015, 6, 30),
    )
    assert request.status == ChangeRequest.Status.PENDING
    assert lines(agreement.project) == [
        ("Matériel", 1, Decimal("2000.00")),
        ("Salaires", 1, Decimal("6000.00")),
        ("Salaires", 2, Decimal("2000.00")),
    ]
    assert not AgreementAmendment.objects.exists()


def test_accepting_amends_the_agreement_as_version_2(cast, setup):
    agreement, categories, years = setup
    indicator = Indicator.objects.get(project=agreement.project)
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Plus de salaires, un trimestre de plus.",
        moves=[
            move(categories, years, ("Matériel", 0), ("Salaires", 0), "500.00"),
            move(categories, years, ("Salaires", 1), ("Transport", 1), "250.50"),
        ],
        new_end_date=datetime.date(2015, 6, 30),
        new_scope="Des cuisines collectives dans quatre quartiers.",
        targets={indicator: Decimal("60")},
    )
    change_request_decide(request=request, accept=True, reason="Justifié.", by=cast.coordinator)
    project = ActionProject.objects.get(pk=agreement.project_id)
    assert lines(project) == [
        ("Matériel", 1, Decimal("1500.00")),
        ("Salaires", 1, Decimal("6500.00")),
        ("Salaires", 2, Decimal("1749.50")),
        ("Transport", 2, Decimal("250.50")),
    ]
    assert project.amount_requested == Decimal("10000.00")
    assert sorted(ProjectYearAmount.objects.filter(project=project).values_list("plan_year__number", "amount")) == [
        (1, Decimal("8000.00")),
        (2, Decimal("2000.00")),
    ]
    assert project.end_date == datetime.date(2015, 6, 30)
    assert project.description == "Des cuisines collectives dans quatre quartiers."
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("60")
    amendment = AgreementAmendment.objects.get()
    assert (amendment.number, amendment.version) == (1, 2)
    assert amendment.terms_before["end_date"] == "2015-03-31"
    assert amendment.terms_after["end_date"] == "2015-06-30"
    assert ["2013-2014", "Matériel", "2000.00"] in amendment.terms_before["lines"]
    assert ["2013-2014", "Matériel", "1500.00"] in amendment.terms_after["lines"]
    assert amendment.terms_before["total"] == amendment.terms_after["total"] == "10000.00"
    assert "500 $ de « Matériel » (2013-2014) vers « Salaires » (2013-2014)." in amendment.summary.replace("\xa0", " ")
    assert "Cible de « Personnes rejointes » : 60." in amendment.summary
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.ACCEPTED
    assert request.decided_by == cast.coordinator
    assert budget_lines_mismatches() == []
    # the project's history shows the change
    assert project.history.filter(end_date=datetime.date(2015, 6, 30)).exists()
    assert project.history.filter(end_date=datetime.date(2015, 3, 31)).exists()


def test_a_second_amendment_is_number_2(cast, setup):
    agreement, categories, years = setup
    for amount in ("100.00", "200.00"):
        request = change_request_create(
            agreement=agreement,
            by=cast.alice,
            reason="Ajustement.",
            moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), amount)],
        )
        change_request_decide(request=request, accept=True, reason="D'accord.", by=cast.coordinator)
    assert list(AgreementAmendment.objects.values_list("number", flat=True)) == [1, 2]
    first, second = AgreementAmendment.objects.order_by("number")
    assert first.terms_after == second.terms_before


def test_refusing_changes_nothing(cast, setup):
    agreement, categories, years = setup
    before = lines(agreement.project)
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Ajustement.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "100.00")],
    )
    change_request_decide(request=request, accept=False, reason="Pas maintenant.", by=cast.coordinator)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.REFUSED
    assert request.decision_reason == "Pas maintenant."
    assert lines(agreement.project) == before
    assert not AgreementAmendment.objects.exists()
    with pytest.raises(ValidationError) as error:
        change_request_decide(request=request, accept=True, reason="Finalement oui.", by=cast.coordinator)
    assert "déjà été traitée" in messages(error)


@pytest.mark.parametrize(
    "moves, message",
    [
        ([("Matériel", 0, "Salaires", 0, "2000.01")], "n'a que 2 000 $ : impossible d'en retirer 2 000,01 $"),
        ([("Matériel", 0, "Salaires", 0, "0.00")], "supérieur à zéro"),
        ([("Matériel", 0, "Salaires", 0, "10.001")], "au plus en cents"),
        ([("Transport", 0, "Salaires", 0, "10.00")], "pas de ligne « Transport »"),
        ([("Salaires", 0, "Salaires", 0, "10.00")], "d'une ligne à une autre"),
        # year 1 keeps at least its 5 000 $ committed: 8 000 − 3 000,01 is below it
        ([("Salaires", 0, "Salaires", 1, "3000.01")], "5 000 $ sont engagés pour"),
        # a sequence: the second move finds the line emptied by the first
        ([("Matériel", 0, "Salaires", 0, "1500.00"), ("Matériel", 0, "Loyer", 0, "500.01")], "n'a que 500 $"),
    ],
)
def test_bad_moves_are_refused_in_french_nothing_saved(cast, setup, moves, message):
    agreement, categories, years = setup
    before = lines(agreement.project)
    with pytest.raises(ValidationError) as error:
        change_request_create(
            agreement=agreement,
            by=cast.alice,
            reason="Ajustement.",
            moves=[move(categories, years, (a, b), (c, d), x) for a, b, c, d, x in moves],
        )
    assert message in messages(error)
    assert lines(agreement.project) == before
    assert not ChangeRequest.objects.exists() and not ChangeRequestMove.objects.exists()


def test_a_move_across_years_down_to_what_is_committed_is_allowed(cast, setup):
    agreement, categories, years = setup
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Décaler.",
        moves=[move(categories, years, ("Salaires", 0), ("Salaires", 1), "3000.00")],
    )
    change_request_decide(request=request, accept=True, reason="Oui.", by=cast.coordinator)
    assert sorted(
        ProjectYearAmount.objects.filter(project=agreement.project).values_list("plan_year__number", "amount")
    ) == [(1, Decimal("5000.00")), (2, Decimal("5000.00"))]


def test_other_refusals(cast, setup, plan):
    agreement, categories, years = setup
    with pytest.raises(ValidationError) as error:
        change_request_create(agreement=agreement, by=cast.alice, reason="", new_end_date=datetime.date(2015, 6, 30))
    assert "motif" in messages(error)
    with pytest.raises(ValidationError) as error:
        change_request_create(agreement=agreement, by=cast.alice, reason="Rien.")
    assert "ne change rien" in messages(error)
    with pytest.raises(ValidationError) as error:
        change_request_create(
            agreement=agreement, by=cast.alice, reason="Dates.", new_end_date=datetime.date(2014, 1, 1)
        )
    assert "ne peut pas précéder son début" in messages(error)
    indicator = Indicator.objects.get(project=agreement.project)
    with pytest.raises(ValidationError) as error:
        change_request_create(agreement=agreement, by=cast.alice, reason="Cible.", targets={indicator: Decimal("-1")})
    assert "négative" in messages(error)
    assert not ChangeRequest.objects.exists()


def test_acceptance_checks_the_moves_again(cast, setup):
    """Two requests each fine alone: once the first is accepted, the second would empty a line below zero."""
    agreement, categories, years = setup
    first, second = (
        change_request_create(
            agreement=agreement,
            by=cast.alice,
            reason="Ajustement.",
            moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "1500.00")],
        )
        for _ in range(2)
    )
    change_request_decide(request=first, accept=True, reason="Oui.", by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        change_request_decide(request=second, accept=True, reason="Oui.", by=cast.coordinator)
    assert "n'a que 500 $" in messages(error)
    second.refresh_from_db()
    assert second.status == ChangeRequest.Status.PENDING
    assert AgreementAmendment.objects.count() == 1


def test_small_moves_are_accepted_without_review_under_the_threshold(cast, setup):
    agreement, categories, years = setup
    change_settings_save(alliance=agreement.project.theme.plan.alliance, auto_accept_percent=Decimal("10"))
    # 10 % of 10 000 $: 1 000 $ moves at once
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Petit ajustement.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "1000.00")],
    )
    assert request.status == ChangeRequest.Status.AUTO_ACCEPTED
    assert request.decided_by is None and "sans examen" in request.decision_reason
    assert ("Matériel", 1, Decimal("1000.00")) in lines(agreement.project)
    assert AgreementAmendment.objects.get().change_request == request
    # 1 000,01 $ is over: reviewed
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Un peu plus.",
        moves=[move(categories, years, ("Salaires", 0), ("Matériel", 0), "1000.01")],
    )
    assert request.status == ChangeRequest.Status.PENDING
    # moves with anything else: reviewed
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Et la fin.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "1.00")],
        new_end_date=datetime.date(2015, 6, 30),
    )
    assert request.status == ChangeRequest.Status.PENDING


def test_zero_threshold_reviews_every_move(cast, setup):
    agreement, categories, years = setup
    change_settings_save(alliance=agreement.project.theme.plan.alliance, auto_accept_percent=Decimal("0"))
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Un cent.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "0.01")],
    )
    assert request.status == ChangeRequest.Status.PENDING


def test_threshold_bounds(cast, setup):
    agreement, _categories, _years = setup
    with pytest.raises(ValidationError) as error:
        change_settings_save(alliance=agreement.project.theme.plan.alliance, auto_accept_percent=Decimal("100.01"))
    assert "entre 0 et 100" in messages(error)


def test_check_budget_finds_an_amendment_that_does_not_add_up(cast, setup):
    from django.core.management import CommandError, call_command

    from budget.selectors.changes import amendments_mismatches

    agreement, categories, years = setup
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Ajustement.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "100.00")],
    )
    change_request_decide(request=request, accept=True, reason="Oui.", by=cast.coordinator)
    assert amendments_mismatches() == []
    amendment = AgreementAmendment.objects.get()
    amendment.terms_after = {**amendment.terms_after, "total": "10000.01"}
    amendment.save()
    problems = amendments_mismatches()
    assert any("total changed" in p for p in problems) and any("lines after" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("check_budget")


def test_a_line_a_move_empties_stays_at_zero_with_its_history(cast, setup):
    """The move names the line it empties: the line is kept, at zero (its history shows the change), never deleted;
    the project's form saved without it later keeps it so."""
    from projects.services.filing import project_save_draft

    agreement, categories, years = setup
    request = change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Le matériel est donné.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "2000.00")],
    )
    change_request_decide(request=request, accept=True, reason="Justifié.", by=cast.coordinator)
    project = ActionProject.objects.get(pk=agreement.project_id)
    emptied = ProjectBudgetLine.objects.get(project=project, category__name="Matériel", plan_year__number=1)
    assert emptied.amount == Decimal("0.00")
    assert [h.history_type for h in emptied.history.order_by("history_date", "history_id")] == ["+", "~"]
    assert project.amount_requested == Decimal("10000.00")
    lines_now = {
        (line.category, line.plan_year): line.amount for line in ProjectBudgetLine.objects.filter(project=project)
    }
    project_save_draft(
        by=cast.alice, project=project, budget_lines={**lines_now, (emptied.category, emptied.plan_year): None}
    )
    assert ProjectBudgetLine.objects.filter(pk=emptied.pk, amount=0).exists()
    assert budget_lines_mismatches() == []
