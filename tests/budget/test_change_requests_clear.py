"""A change request may remove what the agreement set (issue 20, part 4): the project's end date, an indicator's
target. Asked with « Retirer », carried through the acceptance into the amendment, whose versions read « (aucune) »;
what cannot be removed (the start date of a project under agreement, an end date there is not) is refused in French,
nothing saved."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budget.models import AgreementAmendment, ChangeRequest
from budget.services.changes import change_request_create
from projects.models import ActionProject, Indicator
from tests.budget.changes_fixtures import under_agreement

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def setup(cast, theme):
    return under_agreement(cast, theme)


def _form(agreement, **data):
    """The form as the lead posts it: the dates and targets prefilled with the current ones."""
    indicator = Indicator.objects.get(project=agreement.project)
    return {
        "reason": "Le projet se poursuit sans date de fin; l'indicateur ne se mesure plus.",
        "new_start_date": "2014-05-01",
        "new_end_date": "2015-03-31",
        "new_scope": agreement.project.description,
        f"target_{indicator.pk}": "40",
        **data,
    }


def test_the_lead_removes_the_end_date_and_a_target_coordination_accepts(login, client, cast, setup):
    agreement, _categories, _years = setup
    indicator = Indicator.objects.get(project=agreement.project)
    client = login(cast.alice)
    form = page(client.get(reverse("budget:change-request-create", args=[agreement.pk])))
    assert "Retirer la date de fin (le projet n'en aura plus)" in form
    assert "Retirer la cible de « Personnes rejointes » (plus de cible)" in form
    response = client.post(
        reverse("budget:change-request-create", args=[agreement.pk]),
        _form(agreement, clear_end_date="on", **{f"clear_target_{indicator.pk}": "on"}),
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and change.is_pending
    assert change.clear_end_date and change.new_end_date is None
    assert change.targets.get().new_target is None
    detail = page(client.get(change.get_absolute_url()))
    assert "retirée (aucune)" in detail and "Personnes rejointes : 40 → (aucune)" in detail
    project = ActionProject.objects.get(pk=agreement.project_id)
    assert project.end_date == datetime.date(2015, 3, 31)  # nothing changes until accepted
    client.logout()
    client = login(cast.coordinator)
    response = client.post(
        reverse("budget:change-request-decide", args=[change.pk]), {"reason": "D'accord.", "decision": "accept"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    indicator.refresh_from_db()
    assert project.end_date is None and indicator.target is None
    amendment = AgreementAmendment.objects.get()
    assert amendment.terms_before["end_date"] == "2015-03-31" and amendment.terms_after["end_date"] is None
    assert amendment.terms_before["targets"] == [["Personnes rejointes", "40.00"]]
    assert amendment.terms_after["targets"] == [["Personnes rejointes", None]]
    assert "Fin : retirée (aucune)." in amendment.summary
    assert "Cible de « Personnes rejointes » : retirée (aucune)." in amendment.summary
    versions = page(client.get(agreement.get_absolute_url()))
    current = versions.split("Version 2 (en vigueur)")[1].split("<details")[0]
    assert 'data-testid="terms-end">(aucune)' in current and "Personnes rejointes : (aucune)" in current
    assert 'data-testid="terms-end">2015-03-31' in versions.split("Version 1 : la convention signée le")[1]


def test_removing_and_changing_at_once_is_refused_in_french_nothing_saved(login, cast, setup):
    agreement, _categories, _years = setup
    indicator = Indicator.objects.get(project=agreement.project)
    client = login(cast.alice)
    url = reverse("budget:change-request-create", args=[agreement.pk])
    for data in (
        _form(agreement, clear_end_date="on", new_end_date="2015-06-30"),
        _form(agreement, **{f"clear_target_{indicator.pk}": "on", f"target_{indicator.pk}": "55"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        body = page(response)
        assert "ou indiquez-en une nouvelle, pas les deux." in body
    assert not ChangeRequest.objects.exists()


def test_what_cannot_be_removed_is_refused_in_french(cast, setup):
    agreement, _categories, _years = setup
    with pytest.raises(ValidationError) as error:
        change_request_create(agreement=agreement, by=cast.alice, reason="Sans début.", clear_start_date=True)
    assert "garde sa date de début" in " ".join(error.value.messages)
    ActionProject.objects.filter(pk=agreement.project_id).update(end_date=None)
    with pytest.raises(ValidationError) as error:
        change_request_create(agreement=agreement, by=cast.alice, reason="Sans fin.", clear_end_date=True)
    assert "Le projet n'a pas de date de fin : il n'y a rien à retirer." in error.value.messages
    assert not ChangeRequest.objects.exists()


def test_a_project_without_end_date_or_target_offers_nothing_to_remove(login, cast, setup):
    agreement, _categories, _years = setup
    ActionProject.objects.filter(pk=agreement.project_id).update(end_date=None)
    Indicator.objects.filter(project=agreement.project).update(target=None)
    form = page(login(cast.alice).get(reverse("budget:change-request-create", args=[agreement.pk])))
    assert "Retirer la date de fin" not in form and "Retirer la cible" not in form
