"""Bulk progress import: the bilan's own XLSX, edited and uploaded by a coordinator; a preview,
then new progress reports; a bad row is refused with its line number and nothing changes."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from bilan.views import IMPORT_SESSION_KEY
from projects.models import IndicatorValue, ProgressReport

pytestmark = pytest.mark.django_db
D = datetime.date
PERIOD = {"period_start": "2015-01-01", "period_end": "2015-03-31"}


def exported(client) -> io.BytesIO:
    response = client.get(reverse("bilan:bilan-xlsx"), {"periode": "2014-2015"})
    assert response.status_code == 200
    return io.BytesIO(b"".join(response.streaming_content))


def edit(workbook_bytes, changes: dict[tuple[str, str, int], object]) -> SimpleUploadedFile:
    """changes: (sheet, column header, id in the first ID column) -> new value."""
    workbook = load_workbook(workbook_bytes)
    for (sheet_name, header, key), value in changes.items():
        sheet = workbook[sheet_name]
        headers = [c.value for c in sheet[1]]
        key_column = headers.index("ID indicateur" if sheet_name == "Indicateurs" else "ID projet")
        for row in sheet.iter_rows(min_row=2):
            if row[key_column].value == key:
                row[headers.index(header)].value = value
                break
        else:
            raise AssertionError(f"{key} not in {sheet_name}")
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(
        "bilan.xlsx", out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403), ("coordinator", 200)])
def test_only_coordination_imports(client, login, cast, plan, who, status):
    assert login(getattr(cast, who)).get(reverse("bilan:progress-import")).status_code == status
    assert login(getattr(cast, who)).post(reverse("bilan:progress-import-apply")).status_code == (
        302 if status == 200 else status
    )


def test_preview_then_apply_creates_reports(client, cast, projects):
    client.force_login(cast.coordinator)
    upload = edit(
        exported(client),
        {
            ("Projets", "Avancement (%)", projects["a"].pk): 75,
            ("Projets", "Avancement (%)", projects["b"].pk): 10,
            ("Indicateurs", "Valeur", projects["participants"].pk): "55,5",
            ("Indicateurs", "Valeur", projects["meals"].pk): 60,  # unchanged: not in the preview
        },
    )
    before = ProgressReport.objects.count()
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert ProgressReport.objects.count() == before, "the preview writes nothing"
    changes = {c.title: c for c in preview.changes}
    assert set(changes) == {"Projet A", "Projet B"}
    assert (changes["Projet A"].percent_before, changes["Projet A"].percent_after) == (40, 75)
    assert [(i.name, i.before, i.after) for i in changes["Projet A"].indicators] == [("Participants", "20.00", "55.50")]
    assert (changes["Projet B"].percent_before, changes["Projet B"].percent_after) == (None, 10)
    assert "Participants" in response.content.decode()

    response = client.post(reverse("bilan:progress-import-apply"))
    assert response.status_code == 302
    assert IMPORT_SESSION_KEY not in client.session
    new = ProgressReport.objects.filter(submitted_by=cast.coordinator).order_by("project__title")
    assert [(r.project.title, r.percent_done, r.period_start, r.period_end) for r in new] == [
        ("Projet A", 75, D(2015, 1, 1), D(2015, 3, 31)),
        ("Projet B", 10, D(2015, 1, 1), D(2015, 3, 31)),
    ]
    a_report = new[0]
    assert (a_report.people_reached, a_report.citizens_reached) == (30, 4)  # carried over
    assert list(a_report.indicator_values.values_list("indicator__name", "value")) == [
        ("Participants", Decimal("55.50"))
    ]
    # The bilan now reads the new values
    bilan = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"}).context["bilan"]
    line = next(p for p in bilan.projects if p.title == "Projet A")
    assert line.percent_done == 75
    assert [i.value for i in line.indicators] == [Decimal("55.50"), Decimal("60.00")]
    # Applying twice does nothing more
    client.post(reverse("bilan:progress-import-apply"))
    assert ProgressReport.objects.count() == before + 2


@pytest.mark.parametrize(
    "sheet, header, value, message",
    [
        (
            "Projets",
            "Avancement (%)",
            150,
            "Feuille Projets, ligne 2 : l'avancement doit être un nombre entier de 0 à 100.",
        ),
        (
            "Projets",
            "Avancement (%)",
            "beaucoup",
            "Feuille Projets, ligne 2 : l'avancement doit être un nombre entier de 0 à 100.",
        ),
        ("Projets", "ID projet", 999999, "Feuille Projets, ligne 2 : aucun projet n'a l'identifiant 999999."),
        ("Indicateurs", "Valeur", "douze", "Feuille Indicateurs, ligne 2 : « douze » n'est pas un nombre."),
        (
            "Indicateurs",
            "ID indicateur",
            999999,
            "Feuille Indicateurs, ligne 2 : aucun indicateur n'a l'identifiant 999999.",
        ),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_nothing_changes(client, cast, projects, sheet, header, value, message):
    client.force_login(cast.coordinator)
    first_key = projects["a"].pk if sheet == "Projets" else projects["participants"].pk
    changes = {("Projets", "Avancement (%)", projects["b"].pk): 90}  # a good row beside the bad one
    changes[(sheet, header, first_key)] = value
    upload = edit(exported(client), changes)
    before = (ProgressReport.objects.count(), IndicatorValue.objects.count())
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert IMPORT_SESSION_KEY not in client.session
    assert client.post(reverse("bilan:progress-import-apply")).status_code == 302
    assert (ProgressReport.objects.count(), IndicatorValue.objects.count()) == before


def test_a_file_that_is_not_a_workbook_is_refused(client, cast, projects):
    client.force_login(cast.coordinator)
    upload = SimpleUploadedFile("bilan.xlsx", b"pas un classeur", content_type="application/octet-stream")
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert "Ce fichier n&#x27;est pas un classeur XLSX lisible." in response.content.decode()
    response = client.post(
        reverse("bilan:progress-import"), {"file": SimpleUploadedFile("bilan.csv", b"a,b"), **PERIOD}
    )
    assert "Déposez un fichier .xlsx" in response.content.decode()


def test_the_export_uploaded_unchanged_changes_nothing(client, cast, projects):
    client.force_login(cast.coordinator)
    upload = SimpleUploadedFile("bilan.xlsx", exported(client).getvalue())
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert response.context["preview"].changes == []
    assert "Rien ne change" in response.content.decode()


def test_a_zip_bomb_dressed_as_the_workbook_is_refused_before_openpyxl_opens_it(client, cast, projects, monkeypatch):
    """An XLSX is a ZIP: a sheet that declares 64 MiB compressed a thousand to one is refused from the central
    directory (issue 15), without openpyxl decompressing it."""
    import zipfile

    import openpyxl

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(64):
                member.write(b" " * (1024 * 1024))
    assert len(buffer.getvalue()) < 200_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a refused file")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    client.force_login(cast.coordinator)
    upload = SimpleUploadedFile("bilan.xlsx", buffer.getvalue())
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert response.status_code == 200 and response.context["preview"] is None
    assert "« bilan.xlsx » est refusé : une fois décompressé" in response.content.decode().replace("\xa0", " ")
    assert IMPORT_SESSION_KEY not in client.session


def test_the_import_size_bound_comes_from_the_settings(client, cast, projects, settings):
    settings.PROGRESS_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(cast.coordinator)
    upload = SimpleUploadedFile("bilan.xlsx", b"PK\x03\x04" + b"0" * (1024 * 1024))
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert "Le fichier dépasse 1 Mo." in response.content.decode()
