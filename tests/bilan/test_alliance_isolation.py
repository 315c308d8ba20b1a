"""The bilan, its exports, the progress import and the open data are one alliance's (issue 17, item 2): another
alliance's coordinator reads none of its projects and imports nothing into them; a closed plan's bilan is read,
its import refused; the regional funder reads the whole bilan and every export; open data is public and per
alliance."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from alliances.models import AllianceRole
from bilan.views import IMPORT_SESSION_KEY
from projects.models import ProgressReport
from tests import factories as f
from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db
YEAR = "?periode=2014-2015"
PERIOD = {"period_start": "2015-01-01", "period_end": "2015-03-31"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(db):
    return two_alliances()


def streamed(response) -> bytes:
    return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)


def body(response) -> bytes:
    return streamed(response) if response.streaming else b"".join(response)


def csv_titles(response) -> set[str]:
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    return {row[1] for row in rows[1:] if len(row) > 1}  # the second column: the project's title


def xlsx_text(response) -> str:
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    return " ".join(str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c)


# ---------------------------------------------------------------- the bilan and its exports


def test_each_coordinator_reads_their_alliances_bilan_only(client, world):
    for mine, theirs in ((world.north, world.south), (world.south, world.north)):
        client.force_login(mine.coordinator)
        response = client.get(url(mine, "bilan:bilan", query=YEAR))
        assert response.status_code == 200 and response.context["bilan"].partial is False
        page = response.content.decode()
        assert f"Projet financé {mine.name}" in page and f"Projet financé {theirs.name}" not in page
        assert f"FQIS {theirs.name}" not in page and f"Chantier {theirs.name}" not in page
        # another alliance's bilan is, for them, that of a signed-in person with no project there: nothing of it
        other = client.get(url(theirs, "bilan:bilan", query=YEAR))
        assert other.status_code == 200 and other.context["bilan"].partial is True
        assert (
            other.context["bilan"].project_count == 0 and f"Projet financé {theirs.name}" not in other.content.decode()
        )
        assert "Importer l'avancement" not in other.content.decode()


def test_the_bilans_filters_offer_the_alliances_spaces_and_organisations_only(client, world):
    client.force_login(world.north.coordinator)
    form = client.get(url(world.north, "bilan:bilan", query=YEAR)).context["form"]
    assert list(form.fields["lieu"].queryset) == [world.north.space]
    assert world.south.org not in form.fields["organisation"].queryset
    # Sud's space is no valid choice on Nord's bilan
    refused = client.get(url(world.north, "bilan:bilan", query=f"{YEAR}&lieu={world.south.space.pk}"))
    assert refused.context["bilan"] is None


@pytest.mark.parametrize("export", ["csv", "xlsx", "pdf", "docx"])
def test_the_exports_hold_the_alliances_projects_only(client, world, export):
    north, south = world.north, world.south
    client.force_login(north.coordinator)
    name, args = ("bilan:bilan-csv", ("projets",)) if export == "csv" else (f"bilan:bilan-{export}", ())
    response = client.get(url(north, name, *args, query=YEAR))
    assert response.status_code == 200
    if export in ("csv", "xlsx"):  # (a streamed response is read once)
        content = csv_titles(response) if export == "csv" else xlsx_text(response)
        assert "Projet financé Nord" in content and "Projet financé Sud" not in content
    # Sud's coordinator exports nothing of Nord's
    client.force_login(south.coordinator)
    theirs = client.get(url(north, name, *args, query=YEAR))
    assert theirs.status_code == 200
    if export == "csv":
        assert not csv_titles(theirs)
    elif export == "xlsx":
        assert "Projet financé Nord" not in xlsx_text(theirs)


@pytest.mark.parametrize(
    "name, args",
    [
        ("bilan:bilan", ()),
        ("bilan:bilan-csv", ("projets",)),
        ("bilan:bilan-csv", ("budget",)),
        ("bilan:bilan-xlsx", ()),
        ("bilan:bilan-pdf", ()),
        ("bilan:bilan-docx", ()),
    ],
)
def test_the_funder_reads_the_whole_bilan_and_every_export(client, world, name, args):
    client.force_login(world.funder)
    response = client.get(url(world.north, name, *args, query=YEAR))
    assert response.status_code == 200
    if name == "bilan:bilan":
        report = response.context["bilan"]
        assert report.partial is False and report.project_count == 1  # Nord's project funded in 2014-2015
        assert "Importer l'avancement" not in response.content.decode()
    elif args == ("projets",):
        titles = csv_titles(response)  # (a streamed response is read once)
        assert "Projet financé Nord" in titles and "Projet financé Sud" not in titles


def test_the_funder_sees_the_same_bilan_as_coordination(client, world):
    client.force_login(world.north.coordinator)
    coordination = client.get(url(world.north, "bilan:bilan", query=YEAR)).context["bilan"]
    client.force_login(world.funder)
    funder = client.get(url(world.north, "bilan:bilan", query=YEAR)).context["bilan"]
    assert (funder.project_count, funder.committed, funder.disbursed, funder.meetings_held) == (
        coordination.project_count,
        coordination.committed,
        coordination.disbursed,
        coordination.meetings_held,
    )
    # and nothing of an alliance it does not fund
    client.force_login(world.funder)
    assert client.get(url(world.south, "bilan:bilan", query=YEAR)).context["bilan"].project_count == 0


# ---------------------------------------------------------------- a closed plan's bilan


def test_a_closed_plans_bilan_is_read_and_its_import_refused(client, world):
    north = world.north
    client.force_login(north.coordinator)
    response = client.get(url(north, "bilan:bilan", plan=north.past.plan, query="?periode=plan"))
    assert response.status_code == 200 and response.context["form"].plan == north.past.plan
    page = response.content.decode()
    assert "Projet financé 2010" in page and "Projet financé Nord" not in page
    assert "Importer l'avancement" not in page
    assert "Importer l'avancement" in client.get(url(north, "bilan:bilan", query=YEAR)).content.decode()
    before = ProgressReport.objects.count()
    assert client.get(url(north, "bilan:progress-import", plan=north.past.plan)).status_code == 403
    assert client.post(url(north, "bilan:progress-import", plan=north.past.plan), PERIOD).status_code == 403
    assert client.post(url(north, "bilan:progress-import-apply", plan=north.past.plan)).status_code == 403
    assert ProgressReport.objects.count() == before


# ---------------------------------------------------------------- the progress import


def _exported_by(client, side, user=None) -> bytes:
    client.force_login(user or side.coordinator)
    response = client.get(url(side, "bilan:bilan-xlsx", query=YEAR))
    assert response.status_code == 200
    return body(response)


def _with_percent(workbook_bytes: bytes, percent: int) -> SimpleUploadedFile:
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    sheet = workbook["Projets"]
    column = [c.value for c in sheet[1]].index("Avancement (%)")
    for row in sheet.iter_rows(min_row=2):
        row[column].value = percent
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("bilan.xlsx", out.getvalue(), content_type=XLSX)


def test_an_import_reaches_no_project_of_another_alliance(client, world):
    north, south = world.north, world.south
    theirs = _with_percent(_exported_by(client, south), 90)  # Sud's workbook: Sud's project ids
    client.force_login(north.coordinator)
    before = ProgressReport.objects.count()
    response = client.post(url(north, "bilan:progress-import"), {"file": theirs, **PERIOD})
    assert response.status_code == 200 and response.context["preview"] is None
    assert f"aucun projet n'a l'identifiant {south.funded.pk}" in response.content.decode().replace("&#x27;", "'")
    assert IMPORT_SESSION_KEY not in client.session
    assert ProgressReport.objects.count() == before


def test_a_preview_made_on_one_alliance_applies_nothing_on_another(client, world):
    """A person coordinating both alliances previews Nord's workbook, then applies it on Sud's address."""
    north, south = world.north, world.south
    f.grant_role(south.coordinator, north.alliance, AllianceRole.Role.COORDINATION)  # Sud's coordinator, in Nord too
    mine = _with_percent(_exported_by(client, north, south.coordinator), 80)
    response = client.post(url(north, "bilan:progress-import"), {"file": mine, **PERIOD})
    assert response.context["preview"].changes, "Nord's projects are previewed on Nord's address"
    before = ProgressReport.objects.count()
    applied = client.post(url(south, "bilan:progress-import-apply"))
    assert applied.status_code == 302
    assert ProgressReport.objects.count() == before  # Nord's projects are unknown on Sud's pages


@pytest.mark.parametrize("who", ["other", "funder", "partner"])
def test_only_the_alliances_coordination_imports(client, world, who):
    north = world.north
    user = {"other": world.south.coordinator, "funder": world.funder, "partner": north.partner}[who]
    client.force_login(user)
    before = ProgressReport.objects.count()
    assert client.get(url(north, "bilan:progress-import")).status_code == 403
    assert client.post(url(north, "bilan:progress-import"), PERIOD).status_code == 403
    assert client.post(url(north, "bilan:progress-import-apply")).status_code == 403
    assert ProgressReport.objects.count() == before


# ---------------------------------------------------------------- open data


def test_open_data_is_public_and_per_alliance(client, world):
    north, south = world.north, world.south
    for mine, theirs in ((north, south), (south, north)):
        page = client.get(url(mine, "bilan:open-data"))
        assert page.status_code == 200
        text = page.content.decode()
        assert f"Projet financé {mine.name}" in text and f"Projet financé {theirs.name}" not in text
        titles = csv_titles(client.get(url(mine, "bilan:open-data-csv")))
        assert f"Projet financé {mine.name}" in titles and f"Projet financé {theirs.name}" not in titles
        data = json.loads(streamed(client.get(url(mine, "bilan:open-data-json"))))
        assert {p["titre"] for p in data["projets"]} == titles
    # Nord's open data: its plans' public projects (the closed plan's too); its closed plan's address, that plan's
    assert "Projet financé 2010" in client.get(url(north, "bilan:open-data")).content.decode()
    past = client.get(url(north, "bilan:open-data", plan=north.past.plan)).content.decode()
    assert "Projet financé 2010" in past and "Projet financé Nord<" not in past


def test_open_data_totals_are_the_alliances(client, world):
    data = json.loads(streamed(client.get(url(world.south, "bilan:open-data-json"))))
    # Sud's funded project (20 000,00) and the project of Nord's organisation in Sud (3 000,00)
    assert (data["total_engage"], data["total_verse"]) == ("23000.00", "1000.00")
