"""Correcting a disbursement in the portal: Coordination only, French errors on the field, nothing saved on error."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Disbursement, DisbursementCorrection
from budget.services.ledger import disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def disbursement(plan, cast, theme):
    source = f.make_source(plan, amount="10000.00")
    project = f.make_project(
        lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Cuisines collectives"
    )
    commitment = f.commit(source=source, project=project, amount="1000.00")
    return disbursement_create(
        commitment=commitment, amount="600.00", paid_on=datetime.date(2014, 9, 1), reference="Chèque 7"
    )


def url(disbursement):
    return reverse("budget:disbursement-correct", args=[disbursement.pk])


def state(disbursement):
    d = Disbursement.objects.select_related("commitment__source").get(pk=disbursement.pk)
    return (
        d.correction_total,
        d.commitment.disbursed_total,
        d.commitment.source.disbursed_total,
        DisbursementCorrection.objects.count(),
    )


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403), ("coordinator", 200)]
)
def test_correct_access(client, login, cast, disbursement, who, status):
    c = login(getattr(cast, who))
    assert c.get(url(disbursement)).status_code == status
    response = c.post(url(disbursement), {"delta": "10", "corrected_on": "2014-10-01", "reason": "Essai"})
    assert response.status_code == (302 if who == "coordinator" else status)
    assert DisbursementCorrection.objects.count() == (1 if who == "coordinator" else 0)


def test_a_correction_through_the_portal(client, cast, disbursement):
    client.force_login(cast.coordinator)
    response = client.post(
        url(disbursement), {"new_amount": "575,50", "corrected_on": "2014-10-01", "reason": "Frais bancaires"}
    )
    assert response.status_code == 302
    assert state(disbursement) == (Decimal("-24.50"), Decimal("575.50"), Decimal("575.50"), 1)
    correction = DisbursementCorrection.objects.get()
    assert (correction.delta, correction.reason, correction.created_by) == (
        Decimal("-24.50"),
        "Frais bancaires",
        cast.coordinator,
    )
    envelope = page(client.get(reverse("budget:payments")))
    assert "corrigé : 575,50 $" in envelope
    assert url(disbursement) in envelope  # the « Corriger » link
    form = page(client.get(url(disbursement)))
    assert "Frais bancaires" in form and "575,50 $" in form


def test_the_envelope_offers_corriger_to_coordination_only(client, cast, disbursement):
    client.force_login(cast.staff)
    assert url(disbursement) not in page(client.get(reverse("budget:payments")))


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"delta": "400,01"},
            "delta",
            "Il reste 400 $ à verser sur cet engagement : impossible d'ajouter 400,01 $ à ce versement.",
        ),
        (
            {"delta": "-600,01"},
            "delta",
            "Ce versement est de 600 $ : une correction ne peut pas retirer 600,01 $, il deviendrait négatif.",
        ),
        ({"new_amount": "-1"}, "new_amount", "Un versement ne peut pas être négatif."),
        ({"new_amount": "600"}, "new_amount", "Cette correction ne change rien : le versement est déjà de 600 $."),
        ({}, "new_amount", "Indiquez le montant réellement versé, ou l'écart à corriger."),
        (
            {"new_amount": "500", "delta": "-100"},
            "delta",
            "Indiquez le montant réellement versé ou l'écart, pas les deux.",
        ),
        (
            {"delta": "abc"},
            "delta",
            "« abc » n'est pas un montant valide. Écrivez-le en chiffres, par exemple 1 250,50.",
        ),
        ({"delta": "10", "reason": ""}, "reason", "Ce champ est obligatoire."),
        ({"delta": "10", "reason": "   "}, "reason", "Ce champ est obligatoire."),
    ],
)
def test_refusals_show_on_the_field_and_save_nothing(client, cast, disbursement, data, field, message):
    client.force_login(cast.coordinator)
    before = state(disbursement)
    response = client.post(url(disbursement), {"corrected_on": "2014-10-01", "reason": "Erreur de saisie", **data})
    assert response.status_code == 200
    assert message in page(response)
    assert message in [m.replace("\xa0", " ") for m in response.context["form"].errors[field]]
    assert state(disbursement) == before


def test_an_unknown_disbursement_is_404(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(reverse("budget:disbursement-correct", args=[999999])).status_code == 404
