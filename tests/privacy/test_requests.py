"""A person's requests: logged by Coordination, due 30 days after receipt, overdue ones flagged, closed with an answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy import services
from privacy.models import PrivacyAction, PrivacyRequest
from tests import factories as f
from tests.privacy.privacy_helpers import person_kwargs


def test_the_due_date_is_thirty_days_after_receipt(cast, trail):
    received = timezone.localdate() - datetime.timedelta(days=3)
    request = services.privacy_request_create(
        person=trail.citizen, kind=PrivacyRequest.Kind.ACCESS, received_on=received, by=cast.coordinator
    )
    assert request.due_on == received + datetime.timedelta(days=30)
    assert not request.is_overdue()
    assert request.is_overdue(today=received + datetime.timedelta(days=31))
    assert not request.is_overdue(today=received + datetime.timedelta(days=30))


def test_a_coordinator_logs_a_request_from_the_person_page(login, cast, trail):
    client = login(cast.coordinator)
    received = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        reverse("privacy:privacy-request-create", kwargs=person_kwargs(trail, "citizen")),
        {"kind": "erasure", "received_on": received.isoformat(), "details": "Appel au bureau."},
    )
    request = PrivacyRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    assert (request.citizen, request.kind, request.due_on) == (
        trail.citizen,
        "erasure",
        received + datetime.timedelta(days=30),
    )
    entry = PrivacyAction.objects.get(action=PrivacyAction.Action.REQUEST)
    assert (entry.by, entry.request, entry.citizen) == (cast.coordinator, request, trail.citizen)
    page = client.get(request.get_absolute_url()).content.decode()
    assert (received + datetime.timedelta(days=30)).isoformat() in page


@pytest.mark.parametrize(
    "received_on, message",
    [
        ("", "Ce champ est obligatoire."),
        ("2099-01-01", "La date de réception ne peut pas être dans le futur."),
        ("pas une date", "Saisissez une date valide."),
    ],
)
def test_a_bad_receipt_date_is_refused_in_french_and_nothing_is_saved(login, cast, trail, received_on, message):
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-request-create", kwargs=person_kwargs(trail, "user")),
        {"kind": "access", "received_on": received_on},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PrivacyRequest.objects.exists()
    assert not PrivacyAction.objects.filter(action=PrivacyAction.Action.REQUEST).exists()


def test_the_list_flags_overdue_requests_first(login, cast, trail):
    today = timezone.localdate()
    late = services.privacy_request_create(
        person=trail.citizen, kind="access", by=cast.coordinator, received_on=today - datetime.timedelta(days=45)
    )
    recent = services.privacy_request_create(
        person=trail.user, kind="portability", by=cast.coordinator, received_on=today - datetime.timedelta(days=1)
    )
    page = login(cast.coordinator).get(reverse("privacy:privacy-request-list")).content.decode()
    assert 'data-testid="overdue-count"' in page
    assert page.index(late.get_absolute_url()) < page.index(recent.get_absolute_url())
    assert "1 en retard" in page
    assert page.count('class="badge text-bg-danger">En retard') == 1  # the late one only
    assert list(PrivacyRequest.objects.overdue()) == [late]


def test_closing_a_request_needs_an_answer(login, cast, trail):
    request = services.privacy_request_create(
        person=trail.citizen, kind="access", by=cast.coordinator, received_on=timezone.localdate()
    )
    client = login(cast.coordinator)
    response = client.post(request.get_absolute_url(), {"status": "done", "answer": ""})
    assert "Indiquez la réponse donnée à la personne." in response.content.decode()
    request.refresh_from_db()
    assert request.status == PrivacyRequest.Status.OPEN
    client.post(request.get_absolute_url(), {"status": "done", "answer": "Export remis en main propre."})
    request.refresh_from_db()
    assert (request.status, request.closed_on) == (PrivacyRequest.Status.DONE, timezone.localdate())
    assert request.actions.filter(action=PrivacyAction.Action.REQUEST_CLOSED, by=cast.coordinator).exists()

    # Sent again (a second tab, a double click): the page says it is closed; the first answer stays.
    again = client.post(request.get_absolute_url(), {"status": "refused", "answer": "Autre réponse"}, follow=True)
    assert "Cette demande est déjà fermée." in again.content.decode()
    request.refresh_from_db()
    assert (request.status, request.answer) == (PrivacyRequest.Status.DONE, "Export remis en main propre.")


def test_the_list_costs_the_same_queries_for_many_requests(login, cast, django_assert_max_num_queries):
    today = timezone.localdate()
    for i in range(30):
        person = f.make_citizen() if i % 2 else f.make_user()
        services.privacy_request_create(
            person=person, kind="access", by=cast.coordinator, received_on=today - datetime.timedelta(days=i * 2)
        )
    client = login(cast.coordinator)
    # session, user, roles; the requests with their person (one join); overdue, open and incident counts
    with django_assert_max_num_queries(8):
        response = client.get(reverse("privacy:privacy-request-list"))
    assert response.content.decode().count('data-testid="privacy-request"') == 30


def test_the_person_page_costs_the_same_queries_for_a_long_history(login, cast, trail, django_assert_max_num_queries):
    today = timezone.localdate()
    for i in range(15):
        request = services.privacy_request_create(
            person=trail.citizen, kind="access", by=cast.coordinator, received_on=today - datetime.timedelta(days=i)
        )
        services.person_export(person=trail.citizen, fmt="json", by=cast.coordinator, request=request)
        services.consents_set(
            person=trail.citizen, purposes=set() if i % 2 else {"nouvelles"}, source="coordination", by=cast.coordinator
        )
    client = login(cast.coordinator)
    url = reverse("privacy:privacy-person-detail", kwargs=person_kwargs(trail, "citizen"))
    # session, user, roles; the citizen; its consents with who recorded and withdrew them;
    # its requests; its log with who acted and for which request
    with django_assert_max_num_queries(7):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('data-testid="privacy-action"') == PrivacyAction.objects.filter(citizen=trail.citizen).count()
    assert page.count('data-testid="consent"') == trail.citizen.consents.count()


def test_the_incident_register_costs_the_same_queries_for_many_incidents(login, cast, django_assert_max_num_queries):
    for i in range(25):
        services.incident_record(
            by=cast.coordinator,
            information_involved=f"Liste {i}",
            circumstances="Envoi",
            people_affected=i,
            occurred_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
            discovered_on=datetime.date(2025, 2, 1) + datetime.timedelta(days=i),
            risk_assessment="Faible",
            measures_taken="Rappel",
        )
    client = login(cast.coordinator)
    # session, user, roles; the incidents
    with django_assert_max_num_queries(4):
        response = client.get(reverse("privacy:incident-list"))
    assert response.content.decode().count('data-testid="incident"') == 25
