"""The envelope in the portal: who may see it, commitments and disbursements through the service, sums to the cent."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asis import figures_cache
from budget.models import Commitment, Disbursement, FundingSource
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def accepted(asis, cast):
    return f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=3), status=ProjectStatus.ACCEPTED, title="Logements"
    )


def commit(client, plan, project, amount, source="fqis"):
    return client.post(
        reverse("budget:commitment-create"),
        {
            "source": FundingSource.objects.get(code=source).pk,
            "project": project.pk,
            "plan_year": plan.years.get(number=1).pk,
            "amount": amount,
            "decided_on": "2014-06-10",
            "resolution": f.make_resolution(plan.alliance, number="CA-2014-07").pk,
        },
    )


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)]
)
def test_envelope_access(asis, client, login, cast, who, status):
    assert login(getattr(cast, who)).get(reverse("budget:envelope")).status_code == status


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403)])
def test_only_coordination_commits(asis, client, login, cast, accepted, who, status):
    assert commit(login(getattr(cast, who)), asis, accepted, "1000").status_code == status
    assert not Commitment.objects.exists()


def test_a_commitment_lowers_the_remaining_envelope_to_the_cent(asis, client, cast, accepted):
    client.force_login(cast.coordinator)
    before = page(client.get(reverse("budget:envelope")))
    assert "502 136 $" in before
    response = commit(client, asis, accepted, "12 500,50")
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.amount, commitment.reference, commitment.created_by) == (
        Decimal("12500.50"),
        "CA-2014-07",
        cast.coordinator,
    )
    after = page(client.get(reverse("budget:envelope")))
    assert "489 635,50 $" in after  # 502 136,00 − 12 500,50
    assert FundingSource.objects.totals()["remaining"] == Decimal("489635.50")


def test_over_committing_is_refused_with_a_clear_message(asis, client, cast, accepted):
    client.force_login(cast.coordinator)
    commit(client, asis, accepted, "30000", source="ville-rn")
    response = commit(client, asis, accepted, "5000,01", source="ville-rn")
    assert response.status_code == 200
    assert "Il reste 5 000 $ dans la source « Contribution de la Ville de Rouyn-Noranda »" in page(response)
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    "amount, message",
    [
        ("0", "supérieur à zéro"),
        ("-10", "supérieur à zéro"),
        ("abc", "pas un montant valide"),
        ("10,0001", "deux décimales"),
        ("10,001", "Montant ambigu"),
    ],
)
def test_bad_amounts_get_a_french_error(asis, client, cast, accepted, amount, message):
    client.force_login(cast.coordinator)
    response = commit(client, asis, accepted, amount)
    assert response.status_code == 200
    assert message in page(response)
    assert not Commitment.objects.exists()


def test_a_draft_project_is_not_offered_and_cannot_be_forced(asis, client, cast):
    draft = f.make_project(lead=cast.org_a, theme=asis.themes.first(), title="Brouillon")
    client.force_login(cast.coordinator)
    assert "Brouillon" not in page(client.get(reverse("budget:commitment-create")))
    response = commit(client, asis, draft, "100")
    assert response.status_code == 200 and not Commitment.objects.exists()


def test_a_disbursement_through_the_portal(asis, client, cast, accepted):
    commitment = f.commit(source=FundingSource.objects.get(code="fqis"), project=accepted, amount="1000.00")
    client.force_login(cast.coordinator)
    url = reverse("budget:disbursement-create", args=[commitment.pk])
    response = client.post(url, {"amount": "400,25", "paid_on": "2014-09-01", "reference": "Chèque 88"})
    assert response.status_code == 302
    response = client.post(url, {"amount": "600,00", "paid_on": "2014-10-01"})
    assert response.status_code == 200
    assert "Il reste 599,75 $ à verser" in page(response)
    assert Disbursement.objects.count() == 1
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("400.25")


def test_envelope_queries_do_not_grow(asis, client, cast, django_assert_max_num_queries):
    """Intended to prevent an n+1 issue: 40 commitments, 60 disbursements, targets for 6 themes and
    3 years and 10 moves cost the same queries as 2 commitments and no target."""
    from budget.services.ledger import disbursement_create
    from budget.services.targets import target_move, targets_set

    client.force_login(cast.coordinator)
    fqis = FundingSource.objects.get(code="fqis")

    def grow(n):
        for i in range(n):
            project = f.make_project(
                lead=cast.org_a, theme=asis.themes.get(order=1 + i % 6), status=ProjectStatus.IN_PROGRESS
            )
            commitment = f.commit(source=fqis, project=project, amount="100.00", year=asis.years.get(number=1 + i % 3))
            disbursement_create(commitment=commitment, amount="50.00", paid_on=datetime.date(2013 + i % 3, 9, 1))
            if i % 2:
                disbursement_create(commitment=commitment, amount="10.00", paid_on=datetime.date(2014, 1 + i % 12, 1))

    grow(2)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("budget:envelope"))
    grow(38)
    targets = targets_set(
        plan=asis,
        themes={t: Decimal("80000.00") for t in asis.themes.all()},
        years={y: Decimal("160000.00") for y in asis.years.all()},
    )
    themes, years = targets[:6], targets[6:]
    for i in range(10):
        pair = (themes[i % 6], themes[(i + 1) % 6]) if i < 8 else (years[0], years[1])
        target_move(
            kind="reallocation",
            from_target=pair[0],
            to_target=pair[1],
            amount="10.00",
            moved_on=datetime.date(2014, 5, 1),
            reason=f"Motif {i}",
            resolution=f.board(pair[0]),
        )
    assert Commitment.objects.count() == 40 and Disbursement.objects.count() == 60
    # session, user, groups, plan, sources, committed and paid per (theme, year), themes, their other funding (the
    # kept rows), plan years; then (issue 5) the targets, paid per quarter, the moves out of
    # the targets (none read without targets: one query less on the small plan); (issue 17) the alliance of the
    # address (alliances.middleware); (issue 23, the overview of the money workspace) how many projects wait for a
    # commitment, how many planned payments wait to be made (the pages of projects, commitments and payments moved
    # to the sub-pages)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("budget:envelope"))
    assert response.status_code == 200
    figures_cache.clear()  # measured cold again: the figures were cached by the request above
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("budget:envelope"))
    assert len(large) == len(small) + 1 == 15  # the moves, read once whatever their number
    assert "4 000 $" in page(response)  # 40 commitments of 100 $
    assert len(response.context["moves"]) == 10
    # Until the next write the sums over the plan are cached (asis.figures_cache): session, user, groups, plan (with
    # its version), the two counts of what waits; the alliance of the address.
    f.plan_writes_committed()
    client.get(reverse("budget:envelope"))  # cached under the plan's version once its writes have committed
    with CaptureQueriesContext(connection) as warm:
        again = client.get(reverse("budget:envelope"))
    assert len(warm) == 7
    assert "4 000 $" in page(again) and again.context["by_theme"] == response.context["by_theme"]


def test_check_budget_catches_a_balance_changed_behind_its_back(asis, accepted, capsys):
    fqis = FundingSource.objects.get(code="fqis")
    f.commit(source=fqis, project=accepted, amount="1000.00")
    call_command("check_budget")
    assert "correspondent" in capsys.readouterr().out
    FundingSource.objects.filter(pk=fqis.pk).update(committed_total=Decimal("999.99"))
    with pytest.raises(CommandError):
        call_command("check_budget")
    assert "fqis: committed_total 999.99 != 1000.00" in capsys.readouterr().err


def test_the_leverage_is_other_money_per_envelope_dollar(asis, client, cast, accepted):
    from projects.models import OtherFunding
    from projects.services.filing import project_save_draft

    def funding(project, *rows):  # the funding package, as the project's form saves it
        project_save_draft(
            by=None,
            project=project,
            other_funding=[
                {"kind": kind, "source_name": name, "amount": Decimal(amount)} for kind, name, amount in rows
            ],
        )

    funding(
        accepted,
        (OtherFunding.Kind.OWN, "Mise de fonds", "3000.00"),
        (OtherFunding.Kind.IN_KIND, "Local prêté", "1000.00"),
    )
    draft = f.make_project(lead=cast.org_b, theme=asis.themes.first())
    funding(draft, (OtherFunding.Kind.OWN, "Pas encore", "99999.00"))
    f.commit(source=FundingSource.objects.get(code="fqis"), project=accepted, amount="3000.00")
    client.force_login(cast.staff)
    text = page(client.get(reverse("budget:envelope")))
    # 4 000 $ from elsewhere for 3 000 $ committed: 1,33 $ per dollar (the draft's money does not count).
    assert "mobilisent 4 000 $ d'autres sources" in text.replace("&#x27;", "'")
    assert "soit 1,33 $ pour chaque dollar" in text


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403)])
def test_only_coordination_pays_or_reduces(asis, client, login, cast, accepted, who, status):
    commitment = f.commit(source=FundingSource.objects.get(code="fqis"), project=accepted, amount="1000.00")
    c = login(getattr(cast, who))
    assert (
        c.post(
            reverse("budget:disbursement-create", args=[commitment.pk]), {"amount": "10", "paid_on": "2014-09-01"}
        ).status_code
        == status
    )
    assert c.get(reverse("budget:commitment-reduce", args=[commitment.pk])).status_code == status
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("0.00") and commitment.reduced_total == Decimal("0.00")
