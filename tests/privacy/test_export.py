"""Everything held about one person, as JSON and CSV: parsed back, accents intact, every action logged."""

import csv
import io
import json

from django.urls import reverse
from django.utils import timezone

from privacy import policy, services
from privacy.models import PrivacyAction
from tests.privacy.privacy_helpers import person_kwargs


def _tables(data):
    return {table["table"]: table["rows"] for table in data["tables"]}


def test_the_json_export_of_a_citizen_holds_profile_seats_attendance_and_consents(login, cast, trail):
    request = services.privacy_request_create(
        person=trail.citizen, kind="access", by=cast.coordinator, received_on=timezone.localdate()
    )
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, "citizen")), {"request": request.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["kind"] == "citizen"
    assert (data["person"]["first_name"], data["person"]["last_name"]) == ("Réjeanne", "Côté")
    assert (data["person"]["email"], data["person"]["neighbourhood"]) == ("rejeanne@example.org", "Évain")
    tables = _tables(data)
    assert len(tables["chantiers.attendance"]) == 3
    assert tables["chantiers.spacecitizen"][0]["space"].startswith("Chantier logement")
    assert [row["purpose"] for row in tables["privacy.consent"]] == ["contact"]
    assert tables["privacy.consent"][0]["text_version"] == policy.PURPOSES["contact"].version
    assert len(tables["privacy.privacyrequest"]) == 1
    entry = PrivacyAction.objects.get(action=PrivacyAction.Action.EXPORT_JSON)
    assert (entry.citizen, entry.by, entry.request) == (trail.citizen, cast.coordinator, request)


def test_the_json_export_of_a_partner_holds_memberships_attendance_and_the_report_they_wrote(login, cast, trail):
    response = login(cast.coordinator).post(reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, "user")))
    data = json.loads(response.content)
    assert data["person"]["username"] == "alice" and data["person"]["last_name"] == "Bélanger"
    assert "password" not in data["person"] and "calendar_token" not in data["person"]
    assert data["person"]["groups"] == ["Partenaire"]
    tables = _tables(data)
    assert tables["organisations.membership"][0]["organisation"].startswith("Organisme A")
    assert len(tables["chantiers.attendance"]) == 3
    assert [row["narrative"] for row in tables["projects.progressreport"]] == ["Douze ateliers."]
    assert tables["privacy.consent"][0]["purpose"] == "nouvelles"


def test_the_csv_export_reads_back_with_its_accents(login, cast, trail):
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-export-csv", kwargs=person_kwargs(trail, "citizen"))
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")  # with a BOM, so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(text)))
    profile = {row["champ"]: row["valeur"] for row in rows if row["table"] == "profil"}
    assert (profile["first_name"], profile["last_name"], profile["neighbourhood"]) == ("Réjeanne", "Côté", "Évain")
    assert profile["notes"] == "Préfère les rencontres du soir."
    attendance = {row["ligne"] for row in rows if row["table"] == "chantiers.attendance"}
    assert attendance == {"1", "2", "3"}
    assert {row["relation"] for row in rows if row["table"] == "chantiers.attendance"} == {"citizen"}
    assert PrivacyAction.objects.filter(action=PrivacyAction.Action.EXPORT_CSV, citizen=trail.citizen).count() == 1


def test_an_export_for_another_persons_request_is_refused(login, cast, trail):
    other = services.privacy_request_create(
        person=trail.user, kind="access", by=cast.coordinator, received_on=timezone.localdate()
    )
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, "citizen")), {"request": other.pk}
    )
    assert response.status_code == 404
    assert not PrivacyAction.objects.filter(action=PrivacyAction.Action.EXPORT_JSON).exists()


def test_a_csv_cell_that_looks_like_a_formula_is_not_run(login, cast, trail):
    trail.citizen.notes = '=HYPERLINK("http://exemple.org","clic")'
    trail.citizen.save()
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-export-csv", kwargs=person_kwargs(trail, "citizen"))
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    notes = next(row["valeur"] for row in rows if row["table"] == "profil" and row["champ"] == "notes")
    assert notes == "'" + trail.citizen.notes


def test_opening_the_export_address_writes_nothing(login, cast, trail):
    """A GET (a prefetch, a crawler, a reopened tab) neither exports nor logs: only the page's button does."""
    client = login(cast.coordinator)
    for name in ("privacy:privacy-export-json", "privacy:privacy-export-csv"):
        response = client.get(reverse(name, kwargs=person_kwargs(trail, "citizen")))
        assert response.status_code == 405
    assert not PrivacyAction.objects.filter(action__startswith="export").exists()
    page = client.get(reverse("privacy:privacy-person-detail", kwargs=person_kwargs(trail, "citizen"))).content.decode()
    export_url = reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, "citizen"))
    assert f'<form method="post" action="{export_url}">' in page and f'href="{export_url}' not in page


def test_the_export_needs_the_csrf_token(cast, trail):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    response = client.post(reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, "citizen")))
    assert response.status_code == 403
    assert not PrivacyAction.objects.filter(action__startswith="export").exists()


def test_the_request_page_exports_for_its_request(login, cast, trail):
    request = services.privacy_request_create(
        person=trail.citizen, kind="access", by=cast.coordinator, received_on=timezone.localdate()
    )
    page = login(cast.coordinator).get(request.get_absolute_url()).content.decode()
    assert f'name="request" value="{request.pk}"' in page
