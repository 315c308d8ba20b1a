"""The progress import reads numbers by the portal's one rule (asis.money.parse_number): `1e30` made
quantize() raise decimal.InvalidOperation (a 500), `1e999999999` an id of a billion digits, `1_000` and
other scripts' digits were taken as numbers (issue 15, break 4)."""

import pytest
from django.urls import reverse

from projects.models import IndicatorValue, ProgressReport
from tests.bilan.test_progress_import import IMPORT_SESSION_KEY, PERIOD, edit, exported

NOT_A_NUMBER = "Feuille Indicateurs, ligne 2 : « {} » n'est pas un nombre."


@pytest.mark.parametrize(
    "sheet, header, value, message",
    [
        ("Indicateurs", "Valeur", "1e30", NOT_A_NUMBER.format("1e30")),
        ("Indicateurs", "Valeur", "9" * 40, NOT_A_NUMBER.format("9" * 40)),
        ("Indicateurs", "Valeur", "1_000", NOT_A_NUMBER.format("1_000")),
        ("Indicateurs", "Valeur", "١٢٣", NOT_A_NUMBER.format("١٢٣")),
        ("Indicateurs", "Valeur", 1e300, NOT_A_NUMBER.format("1e+300")),
        (
            "Indicateurs",
            "ID indicateur",
            "1e999999999",
            "Feuille Indicateurs, ligne 2 : l'identifiant du projet ou de l'indicateur est manquant ou invalide.",
        ),
        (
            "Projets",
            "ID projet",
            "9" * 40,
            "Feuille Projets, ligne 2 : l'identifiant du projet est manquant ou invalide.",
        ),
        (
            "Projets",
            "Avancement (%)",
            "1_0",
            "Feuille Projets, ligne 2 : l'avancement doit être un nombre entier de 0 à 100.",
        ),
    ],
)
def test_a_number_that_cannot_be_read_for_sure_is_refused_with_its_line(
    client, cast, projects, sheet, header, value, message
):
    client.force_login(cast.coordinator)
    first_key = projects["a"].pk if sheet == "Projets" else projects["participants"].pk
    upload = edit(exported(client), {(sheet, header, first_key): value})
    before = (ProgressReport.objects.count(), IndicatorValue.objects.count())
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **PERIOD})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert IMPORT_SESSION_KEY not in client.session
    assert (ProgressReport.objects.count(), IndicatorValue.objects.count()) == before
