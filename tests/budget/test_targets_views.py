"""/enveloppe/cibles/ and /enveloppe/cibles/deplacer/: only Coordination writes; the overview shows
targets, moves and the charts' tables to the cent, as the database has them."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import BudgetTarget, FundingSource, TargetMove
from budget.services import ledger as ledger_services
from budget.services import targets as target_services
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'").replace("&quot;", '"')


def money(value: str) -> Decimal:
    return Decimal(value.replace("\xa0", "").replace(" ", "").replace("$", "").replace(",", "."))


@pytest.fixture
def targets(asis):
    target_services.targets_set(
        plan=asis,
        themes={t: Decimal("80000.00") for t in asis.themes.all()},
        years={y: Decimal("160000.00") for y in asis.years.all()},
    )
    return {
        (t.theme.order if t.theme_id else f"y{t.plan_year.number}"): t
        for t in BudgetTarget.objects.select_related("theme", "plan_year")
    }


def move_data(targets, **over):
    return {
        "kind": "reallocation",
        "from_target": targets[1].pk,
        "to_target": targets[2].pk,
        "amount": "1 250,50",
        "moved_on": "2014-05-01",
        "reason": "Besoin plus grand",
        "resolution": f.make_resolution(targets[1].plan.alliance).pk,
        **over,
    }


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)]
)  # staff read the targets (issue 17: so does the regional funder); only Coordination sets them
def test_targets_page_access(asis, client, login, cast, who, status):
    assert login(getattr(cast, who)).get(reverse("budget:targets")).status_code == status


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_sets_targets(asis, client, login, cast, who, status):
    theme = asis.themes.get(order=1)
    assert (
        login(getattr(cast, who)).post(reverse("budget:targets"), {f"theme_{theme.pk}": "1000"}).status_code == status
    )
    assert not BudgetTarget.objects.exists()


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_moves(targets, client, login, cast, who, status):
    c = login(getattr(cast, who))
    assert c.get(reverse("budget:target-move")).status_code == status
    assert c.post(reverse("budget:target-move"), move_data(targets)).status_code == status
    assert not TargetMove.objects.exists()


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)]
)
def test_the_overview_with_targets_reads_for_staff_and_coordination(targets, client, login, cast, who, status):
    response = login(getattr(cast, who)).get(reverse("budget:targets"))
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="targets-by-theme"' in text(response)
        assert ("Réaffecter ou reporter un montant" in text(response)) is (who == "coordinator")


def test_the_move_pages_refuse_other_methods(asis, client, cast):
    client.force_login(cast.coordinator)
    assert client.put(reverse("budget:targets")).status_code == 405
    assert client.delete(reverse("budget:target-move")).status_code == 405


# ---------------------------------------------------------------- setting targets through the page


def test_set_targets_through_the_page(asis, client, cast):
    client.force_login(cast.coordinator)
    themes = list(asis.themes.order_by("order"))
    years = list(asis.years.order_by("number"))
    data = {f"theme_{themes[0].pk}": "85 000,50", f"theme_{themes[1].pk}": "1250.25", f"year_{years[0].pk}": "150 000"}
    response = client.post(reverse("budget:targets"), data)
    assert response.status_code == 302
    assert {(t.theme_id, t.plan_year_id, t.amount, t.created_by) for t in BudgetTarget.objects.all()} == {
        (themes[0].pk, None, Decimal("85000.50"), cast.coordinator),
        (themes[1].pk, None, Decimal("1250.25"), cast.coordinator),
        (None, years[0].pk, Decimal("150000.00"), cast.coordinator),
    }
    page = text(client.get(reverse("budget:targets")))
    # A set target is read-only: no input for it, its value and a link to the move form instead.
    assert f'name="theme_{themes[0].pk}"' not in page and f'name="theme_{themes[2].pk}"' in page
    assert (
        "85 000,50 $" in page
        and f"/enveloppe/cibles/deplacer/?de={BudgetTarget.objects.get(theme=themes[0]).pk}" in page
    )
    assert "Reste à répartir" in page and "415 885,25 $" in page  # 502 136,00 − 85 000,50 − 1 250,25
    assert "352 136 $" in page  # years: 502 136,00 − 150 000,00


def test_targets_over_the_envelope_show_the_excess_and_save_nothing(asis, client, cast):
    client.force_login(cast.coordinator)
    themes = list(asis.themes.order_by("order"))
    response = client.post(
        reverse("budget:targets"), {f"theme_{themes[0].pk}": "500 000", f"theme_{themes[1].pk}": "2 136,01"}
    )
    assert response.status_code == 200
    assert "La somme des cibles par enjeu (502 136,01 $) dépasserait l'enveloppe (502 136 $) de 0,01 $." in text(
        response
    )
    assert not BudgetTarget.objects.exists()


def test_an_existing_target_cannot_be_overwritten_by_a_forged_post(targets, client, cast):
    client.force_login(cast.coordinator)
    response = client.post(reverse("budget:targets"), {f"theme_{targets[1].theme_id}": "1"})
    assert response.status_code == 200  # the field is not on the form: nothing to set
    assert "Indiquez au moins une cible." in text(response)
    assert BudgetTarget.objects.get(pk=targets[1].pk).amount == Decimal("80000.00")


@pytest.mark.parametrize(
    "amount, message",
    [
        ("abc", "pas un montant valide"),
        ("-5", "supérieure ou égale à 0"),
        ("10,0001", "deux décimales"),
        ("10,001", "Montant ambigu"),
    ],
)
def test_bad_target_amounts_get_a_french_error(asis, client, cast, amount, message):
    client.force_login(cast.coordinator)
    response = client.post(reverse("budget:targets"), {f"theme_{asis.themes.first().pk}": amount})
    assert response.status_code == 200 and message in text(response)
    assert not BudgetTarget.objects.exists()


# ---------------------------------------------------------------- moves through the page


def test_a_reallocation_through_the_page(targets, client, cast):
    client.force_login(cast.coordinator)
    assert client.get(reverse("budget:target-move") + f"?de={targets[1].pk}").status_code == 200
    response = client.post(reverse("budget:target-move"), move_data(targets))
    assert response.status_code == 302
    move = TargetMove.objects.get()
    assert (move.amount, move.reason, move.created_by, move.kind) == (
        Decimal("1250.50"),
        "Besoin plus grand",
        cast.coordinator,
        "reallocation",
    )
    overview = text(client.get(reverse("budget:targets")))
    assert "78 749,50 $" in overview and "81 250,50 $" in overview  # 80 000 ∓ 1 250,50
    assert "fixée à 80 000 $" in overview
    assert "Besoin plus grand" in overview


@pytest.mark.parametrize(
    "over, message",
    [
        ({"reason": ""}, "Ce champ est obligatoire."),
        ({"amount": "80 000,01"}, "n'est plus que de 80 000 $ : impossible d'en déplacer 80 000,01 $."),
        ({"to_target": "y2"}, "jamais de l'un vers l'autre"),
        (
            {"kind": "carry_over", "from_target": "y1", "to_target": "y3"},
            "Un report va de l'année 2013-2014 à l'année suivante seulement.",
        ),
    ],
)
def test_refused_moves_through_the_page(targets, client, cast, over, message):
    client.force_login(cast.coordinator)
    over = {k: (targets[v].pk if isinstance(v, str) and v.startswith("y") else v) for k, v in over.items()}
    response = client.post(reverse("budget:target-move"), move_data(targets, **over))
    assert response.status_code == 200
    assert message in text(response)
    assert not TargetMove.objects.exists()


# ---------------------------------------------------------------- the overview, to the cent


def test_overview_sums_match_the_database_to_the_cent(targets, client, cast):
    fqis = FundingSource.objects.get(code="fqis")
    asis = fqis.plan
    amounts = [("12345.67", 1, 1), ("2500.01", 1, 2), ("999.99", 3, 2), ("40000.00", 6, 3)]
    for amount, theme_order, year_number in amounts:
        project = f.make_project(
            lead=cast.org_a, theme=asis.themes.get(order=theme_order), status=ProjectStatus.ACCEPTED
        )
        commitment = f.commit(source=fqis, project=project, amount=amount, year=asis.years.get(number=year_number))
        ledger_services.disbursement_create(commitment=commitment, amount="100.10", paid_on=datetime.date(2014, 7, 15))
    target_services.target_move(
        kind="carry_over",
        from_target=targets["y1"],
        to_target=targets["y2"],
        amount="5000.00",
        moved_on=datetime.date(2014, 3, 31),
        reason="Reste de la première année",
        resolution=f.board(targets["y1"]),
    )
    client.force_login(cast.staff)
    response = client.get(reverse("budget:targets"))
    page = text(response)

    def table(testid):
        body = page.split(f'data-testid="{testid}"')[1].split("</table>")[0]
        rows = {}
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = [
                re.sub(r"<[^>]+>", " ", c).split("  ")[0].strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
            rows[cells[0]] = cells[1:]
        return rows

    by_theme = table("targets-by-theme")
    theme1 = asis.themes.get(order=1).name
    # Theme 1: target 80 000,00; committed 12 345,67 + 2 500,01; paid 2 × 100,10.
    assert [money(by_theme[theme1][i]) for i in (0, 1, 2, 4)] == [
        Decimal("80000.00"),
        Decimal("14845.68"),
        Decimal("65154.32"),
        Decimal("200.20"),
    ]
    assert by_theme[theme1][3] == "19 %"  # 14 845,68 / 80 000 = 18,56 %
    assert money(by_theme["Total"][1]) == Decimal("55845.67") == sum(Decimal(a) for a, _t, _y in amounts)
    by_year = table("targets-by-year")
    assert money(by_year["2013-2014"][0]) == Decimal("155000.00") and money(by_year["2014-2015"][0]) == Decimal(
        "165000.00"
    )
    assert money(by_year["2014-2015"][1]) == Decimal("3500.00")
    assert money(by_year["Total"][0]) == Decimal("480000.00")
    moves = table("target-moves")
    assert any("Reste de la première année" in cells for cells in moves.values())
    # The context holds the same figures as the database.
    context = response.context
    assert context["targets"]["themes_total"]["committed"] == FundingSource.objects.totals()["committed"]
    context = client.get(reverse("budget:charts")).context  # the payments per quarter: « Graphiques »
    assert (
        sum((q["paid"] for q in context["quarters"]), Decimal("0"))
        == Decimal("400.40")
        == FundingSource.objects.totals()["disbursed"]
    )
    assert next(q for q in context["quarters"] if q["label"] == "2014-2015 T2")["paid"] == Decimal("400.40")


def test_the_charts_are_images_named_by_their_captions_with_tables(targets, client, cast):
    client.force_login(cast.staff)
    page = text(client.get(reverse("budget:charts")))
    for testid, caption in (
        ("chart-sources", "graphique-sources"),
        ("chart-themes", "graphique-enjeux"),
        ("chart-quarters", "graphique-versements"),
    ):
        figure = page.split(f'data-testid="{testid}"')[1].split("</figure>")[0]
        assert f'<figcaption id="{caption}"' in figure
        assert f'role="img" aria-labelledby="{caption}"' in figure
        assert "<table" in figure and "<caption" in figure
    assert " style=" not in page  # the CSP forbids inline style
    assert "<script>" not in page
    assert re.search(
        r'<rect x="0" y="\d+" width="480\.0" height="12" class="chart-target"/>', page
    )  # every theme at 80 000: full width


def test_a_carry_over_through_the_page_is_listed_with_its_reason(targets, client, cast):
    client.force_login(cast.coordinator)
    data = move_data(
        targets,
        kind="carry_over",
        from_target=targets["y1"].pk,
        to_target=targets["y2"].pk,
        amount="20 000",
        reason="Non engagé en 2013-2014",
    )
    assert client.post(reverse("budget:target-move"), data).status_code == 302
    overview = text(client.get(reverse("budget:targets")))
    moves = overview.split('data-testid="target-moves"')[1].split("</table>")[0]
    assert "Report à l'année suivante" in moves and "Non engagé en 2013-2014" in moves and "20 000 $" in moves
    assert "140 000 $" in overview and "180 000 $" in overview  # 160 000 ∓ 20 000
