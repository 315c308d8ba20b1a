"""The envelope of one alliance is its own (issue 17, item 2): another alliance's coordinator gets 404 or 403 on
every page and changes nothing; each coordinator lists their alliance's money only; a closed plan's pages are read,
never written; the regional funder reads the figures and writes nothing; a partner reads its projects' budget in
each alliance, on that alliance's pages."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from budget import access
from budget.models import (
    Agreement,
    BudgetTarget,
    Commitment,
    CommitmentReduction,
    Disbursement,
    DisbursementCorrection,
    PlannedPayment,
    TargetMove,
)
from budget.services.ledger import commitment_create
from projects.models import ReportDeadline
from tests import factories as f
from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db
D = datetime.date
LEDGER = (
    Commitment,
    CommitmentReduction,
    Disbursement,
    DisbursementCorrection,
    Agreement,
    PlannedPayment,
    ReportDeadline,
    BudgetTarget,
    TargetMove,
)


@pytest.fixture
def world(db):
    return two_alliances()


def rows() -> dict:
    """Every row of money, with the states a write changes (a planned payment cancelled or paid)."""
    counted = {model.__name__: model.objects.count() for model in LEDGER}
    counted["planned-cancelled"] = PlannedPayment.objects.filter(cancelled_on__isnull=False).count()
    counted["planned-paid"] = PlannedPayment.objects.filter(disbursement__isnull=False).count()
    return counted


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def writes(side, target):
    """(page, its arguments, what a valid POST sends) for every write of the envelope, aimed at `target`'s objects
    (the same side, another alliance, or the closed plan) and `side`'s forms."""
    year = f.plan_year(target.plan if hasattr(target, "plan") else side.plan, 1)
    resolution = f.make_resolution(side.plan.alliance).pk  # the board's resolution each amount comes from
    return [
        (
            "budget:commitment-create",
            (),
            {
                "source": target.source.pk,
                "project": target.awaiting.pk,
                "plan_year": year.pk,
                "amount": "100.00",
                "decided_on": "2014-06-10",
                "resolution": resolution,
            },
        ),
        ("budget:disbursement-create", (target.commitment.pk,), {"amount": "10.00", "paid_on": "2014-08-01"}),
        (
            "budget:commitment-reduce",
            (target.commitment.pk,),
            {"amount": "10.00", "reduced_on": "2014-08-01", "reason": "Moins d'ateliers", "resolution": resolution},
        ),
        ("budget:targets", (), {f"year_{f.plan_year(side.plan, 3).pk}": "1000.00"}),
        (
            "budget:target-move",
            (),
            {
                "kind": "reallocation",
                "from_target": side.year_targets[0].pk,
                "to_target": side.year_targets[1].pk,
                "amount": "10.00",
                "moved_on": "2014-08-01",
                "reason": "Priorité revue",
                "resolution": resolution,
            },
        ),
        ("budget:agreement-create", (), {"project": target.awaiting.pk, "signed_on": "2014-08-01"}),
        ("budget:report-deadline-add", (target.agreement.pk,), {"kind": "progress", "due_on": "2015-06-01"}),
        (
            "budget:planned-payment-add",
            (target.agreement.pk,),
            {"commitment": target.commitment.pk, "due_on": "2015-06-01", "amount": "100.00"},
        ),
        (
            "budget:planned-payment-cancel",
            (target.agreement.pk, target.planned.pk),
            {"on": "2014-08-01", "reason": "Plus nécessaire"},
        ),
        ("budget:planned-payment-release", (target.agreement.pk, target.planned.pk), {"paid_on": "2014-08-01"}),
        (
            "budget:disbursement-correct",
            (target.disbursement.pk,),
            {"delta": "-1.00", "corrected_on": "2014-08-01", "reason": "Frais bancaires"},
        ),
    ]


READS = [
    ("budget:envelope", ()),
    ("budget:targets", ()),
    ("budget:history", ()),
    ("budget:agreement-detail", ("agreement",)),
    ("budget:project-budget", ("funded",)),
]


def read_args(side, args):
    return tuple(getattr(side, name).pk for name in args)


# ---------------------------------------------------------------- another alliance's coordinator


def test_another_alliances_coordinator_reads_none_of_the_envelopes_pages(client, world):
    north, south = world.north, world.south
    client.force_login(south.coordinator)
    for name, args in READS:
        response = client.get(url(north, name, *read_args(north, args)))
        assert response.status_code in (403, 404), name
    # on their own alliance's address, Nord's objects are unknown
    for name, args in READS[3:]:
        assert client.get(url(south, name, *read_args(north, args))).status_code == 404, name
    # the agreements list is anyone's who signs in (partners read their own): Nord's are not in it
    response = client.get(url(north, "budget:agreement-list"))
    assert response.status_code == 200 and "Projet financé Nord" not in text(response)


def test_another_alliances_coordinator_changes_nothing_on_any_write(client, world):
    north, south = world.north, world.south
    client.force_login(south.coordinator)
    before = rows()
    for name, args, data in writes(north, north):
        assert client.get(url(north, name, *args)).status_code in (403, 404, 405), name
        assert client.post(url(north, name, *args), data).status_code in (403, 404), name
        # on Sud's address, Nord's objects are unknown (404) and Nord's choices not offered (the form refuses)
        assert client.post(url(south, name, *args), data).status_code in (200, 404), name
    assert rows() == before
    assert Commitment.objects.filter(source=north.source).count() == 1
    assert Disbursement.objects.filter(commitment__source=north.source).count() == 1
    assert ReportDeadline.objects.filter(project=north.funded).count() == 1
    assert PlannedPayment.objects.get(pk=north.planned.pk).cancelled_on is None
    assert BudgetTarget.objects.filter(plan=north.plan).count() == 3
    assert not TargetMove.objects.filter(from_target__plan=north.plan).exists()


def test_a_coordinator_reaches_no_object_of_another_alliance_from_their_own_address(client, world):
    north, south = world.north, world.south
    client.force_login(north.coordinator)
    before = rows()
    for name, args, data in writes(north, south):
        response = client.post(url(north, name, *args), data)
        if args:  # another alliance's commitment, payment or agreement: unknown here
            assert response.status_code == 404, name
        elif name in ("budget:commitment-create", "budget:agreement-create"):
            # Sud's project and source are no choice of Nord's forms: a French error, nothing saved
            assert response.status_code == 200, name
            assert "Sélectionnez un choix valide" in text(response), name
    after = rows()
    # what passed is Nord's own: the target of its third year and the move between its own years
    assert {key: after[key] - before[key] for key in before if after[key] != before[key]} == {
        "BudgetTarget": 1,
        "TargetMove": 1,
    }
    assert not Commitment.objects.filter(project=south.awaiting).exists()
    assert not Agreement.objects.filter(project=south.awaiting).exists()


def test_the_ledger_refuses_a_commitment_to_another_alliances_project(world):
    north, south = world.north, world.south
    with pytest.raises(ValidationError) as refused:
        commitment_create(
            source=north.source,
            project=south.awaiting,
            plan_year=f.plan_year(north.plan, 1),
            amount="100.00",
            decided_on=D(2014, 6, 10),
            resolution=f.board(north.source),
        )
    assert refused.value.message_dict["project"] == ["Ce projet n'appartient pas à l'alliance de cette source."]
    assert not Commitment.objects.filter(project=south.awaiting).exists()
    north.source.refresh_from_db()
    assert str(north.source.committed_total) == "20000.00"


# ---------------------------------------------------------------- each alliance lists its own


@pytest.mark.parametrize(
    "name",
    [
        "budget:envelope",
        "budget:commitments",
        "budget:payments",
        "budget:charts",
        "budget:agreement-list",
        "budget:history",
        "budget:targets",
    ],
)
def test_each_coordinator_lists_their_alliances_money_only(client, world, name):
    for mine, theirs in ((world.north, world.south), (world.south, world.north)):
        client.force_login(mine.coordinator)
        response = client.get(url(mine, name))
        assert response.status_code == 200
        page = text(response)
        if name in ("budget:commitments", "budget:payments", "budget:agreement-list", "budget:history"):
            assert f"Projet financé {mine.name}" in page
        assert f"Projet financé {theirs.name}" not in page and f"Enjeu {theirs.name}" not in page
        assert f"FQIS {theirs.name}" not in page


def test_the_envelope_sums_the_alliances_current_plan_only(client, world):
    client.force_login(world.north.coordinator)
    response = client.get(url(world.north, "budget:envelope"))
    assert (response.context["plan"], str(response.context["committed"])) == (world.north.plan, "20000.00")
    assert "Projet Nord au Sud" not in text(response)  # Sud's money, though Nord's organisation leads it


# ---------------------------------------------------------------- a closed plan


def test_a_closed_plans_envelope_is_read_without_its_write_buttons(client, world):
    north = world.north
    client.force_login(north.coordinator)
    for name in ("budget:envelope", "budget:commitments", "budget:payments", "budget:charts"):
        response = client.get(url(north, name, plan=north.past.plan))
        assert response.status_code == 200 and response.context["plan"] == north.past.plan
        page = response.content.decode()
        if name in ("budget:commitments", "budget:payments"):
            assert "Projet financé 2010" in text(response)
        assert url(north, "budget:commitment-create", plan=north.past.plan) not in page
        assert "/versements/nouveau/" not in page and "/reduire/" not in page and "/corriger/" not in page
        assert "/verser/" not in page
    # its targets and agreements are read, without inputs or buttons
    targets = client.get(url(north, "budget:targets", plan=north.past.plan))
    assert targets.status_code == 200 and 'name="theme_' not in targets.content.decode()
    detail = client.get(url(north, "budget:agreement-detail", north.past.agreement.pk))
    assert detail.status_code == 200 and "Prévoir un versement" not in text(detail)
    agreements = client.get(url(north, "budget:agreement-list", plan=north.past.plan))
    assert "Signer la convention" not in text(agreements) and "Projet financé 2010" in text(agreements)
    # the current plan's pages keep theirs
    assert "Engager un montant" in text(client.get(url(north, "budget:envelope")))


def test_every_write_of_a_closed_plan_is_refused_and_saves_nothing(client, world):
    north = world.north
    client.force_login(north.coordinator)
    before = rows()
    for name, args, data in writes(north, north.past):
        if args:  # the closed plan's commitment, payment or agreement, from the current plan's address
            assert client.post(url(north, name, *args), data).status_code == 403, name
        # any write on the closed plan's address
        assert client.post(url(north, name, *args, plan=north.past.plan), data).status_code == 403, name
    assert rows() == before


def test_the_refusal_says_why_in_french(world):
    north = world.north
    request = RequestFactory().post("/")
    request.alliance, request.plan_slug, request.user = north.alliance, north.past.plan.slug, north.coordinator
    north.coordinator.bind_alliance(north.alliance)
    with pytest.raises(PermissionDenied, match="Ce plan est terminé : ses pages se consultent, elles ne se modifient"):
        access.plan_for(request, write=True)
    request.plan_slug = None
    with pytest.raises(PermissionDenied, match="Ce plan est terminé"):
        access.get_commitment(request, north.past.commitment.pk, write=True)
    assert access.plan_for(request, write=True) == north.plan


# ---------------------------------------------------------------- the regional funder


@pytest.mark.parametrize("name, args", [*READS[:2], ("budget:agreement-list", ()), *READS[3:]])
def test_the_funder_reads_the_figures_of_the_alliance_it_funds(client, world, name, args):
    north = world.north
    client.force_login(world.funder)
    response = client.get(url(north, name, *read_args(north, args)))
    assert response.status_code == 200
    page = text(response)
    for button in (
        "Engager un montant",
        "Verser",
        "Corriger",
        "Fixer ces cibles",
        "Réaffecter",
        "Signer la convention",
    ):
        assert button not in page, button
    assert 'name="theme_' not in page and "Prévoir un versement" not in page and "Ajouter une échéance" not in page
    assert "Projet financé Sud" not in page


def test_the_funder_reads_no_names_and_no_other_alliance(client, world):
    client.force_login(world.funder)
    # the ledger's history names who wrote each entry: not the funder's
    assert client.get(url(world.north, "budget:history")).status_code == 403
    assert client.get(url(world.south, "budget:envelope")).status_code == 403
    assert client.get(url(world.north, "budget:agreement-detail", world.south.agreement.pk)).status_code == 404


def test_the_funder_writes_nothing(client, world):
    client.force_login(world.funder)
    before = rows()
    for name, args, data in writes(world.north, world.north):
        assert client.post(url(world.north, name, *args), data).status_code == 403, name
    assert rows() == before


# ---------------------------------------------------------------- a partner in two alliances


def test_a_partner_reads_its_projects_budget_on_each_alliances_pages(client, world):
    north, south = world.north, world.south
    client.force_login(north.partner)
    assert client.get(url(north, "budget:project-budget", north.funded.pk)).status_code == 200
    assert client.get(url(south, "budget:project-budget", north.in_south.pk)).status_code == 200
    # each project on its own alliance's pages only; another organisation's, nowhere
    assert client.get(url(north, "budget:project-budget", north.in_south.pk)).status_code == 404
    assert client.get(url(south, "budget:project-budget", north.funded.pk)).status_code == 404
    assert client.get(url(south, "budget:project-budget", south.funded.pk)).status_code == 404
    assert client.get(url(north, "budget:envelope")).status_code == 403
