"""The forecast on /enveloppe/: the pace so far, carried to the end of each plan year, checked
against amounts computed by hand for a fixed day (ASIS: 502 136 $, 2013-04-01 to 2016-03-31,
1 096 days)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import FundingSource
from budget.selectors import targets as target_selectors
from budget.services import ledger as ledger_services
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

ENVELOPE = Decimal("502136.00")


def forecast(plan, today, committed="100000.00", paid="36500.00"):
    return target_selectors.forecast(
        plan, envelope=ENVELOPE, committed=Decimal(committed), paid=Decimal(paid), today=today
    )


def test_one_year_in_at_a_slow_pace(asis):
    result = forecast(asis, datetime.date(2014, 3, 31))
    assert (result["total_days"], result["elapsed_days"], result["remaining_days"]) == (1096, 365, 731)
    assert result["committed_per_day"] == Decimal("273.97")  # 100 000 / 365 = 273,972…
    assert result["paid_per_day"] == Decimal("100.00")  # 36 500 / 365
    rows = [(r["label"], r["finished"], r["committed"], r["paid"]) for r in result["rows"]]
    assert rows == [
        ("2013-2014", False, Decimal("100000.00"), Decimal("36500.00")),  # ends today: 365 days
        ("2014-2015", False, Decimal("200000.00"), Decimal("73000.00")),  # 730 days
        (
            "2015-2016",
            False,
            Decimal("300273.97"),
            Decimal("109600.00"),
        ),  # 1 096 days: 100 000 × 1 096 / 365 = 300 273,972…
    ]
    assert result["projected_committed"] == Decimal("300273.97")
    assert result["uncommitted"] == Decimal("201862.03")  # 502 136,00 − 300 273,97
    assert result["unspent"] == Decimal("392536.00")  # 502 136,00 − 109 600,00
    assert result["unspent_percent"] == Decimal("78.17")
    assert result["threshold"] == Decimal("25106.80")  # 5 % of the envelope
    assert result["warning"] is True


def test_finished_years_get_no_projection(asis):
    result = forecast(asis, datetime.date(2015, 3, 31), committed="480000.00", paid="300000.00")
    assert result["elapsed_days"] == 730
    assert [r["finished"] for r in result["rows"]] == [True, False, False]
    assert result["rows"][0]["committed"] is None
    assert result["rows"][1]["paid"] == Decimal("300000.00")
    assert result["projected_paid"] == Decimal("450410.96")  # 300 000 × 1 096 / 730 = 450 410,958…
    assert result["unspent"] == Decimal("51725.04")
    assert result["projected_committed"] == ENVELOPE  # 720 657,53 at this pace: never more than the envelope
    assert result["uncommitted"] == Decimal("0.00")
    assert result["warning"] is True


def test_no_warning_when_the_pace_spends_the_envelope(asis):
    result = forecast(asis, datetime.date(2015, 3, 31), committed="480000.00", paid="480000.00")
    assert result["unspent"] == Decimal("0.00") and result["warning"] is False


def test_no_warning_under_five_percent(asis):
    # 460 000 × 1 096 / 1 000 = 504 160 → capped; 435 000 × 1,096 = 476 760,00 → 25 376,00 unspent (> 25 106,80)
    today = datetime.date(2013, 4, 1) + datetime.timedelta(days=999)  # 1 000 days elapsed
    assert forecast(asis, today, committed="480000", paid="435000.00")["unspent"] == Decimal("25376.00")
    assert forecast(asis, today, committed="480000", paid="435000.00")["warning"] is True
    # 435 250 × 1,096 = 477 034,00 → 25 102,00 unspent: under 5 %, no warning
    assert forecast(asis, today, committed="480000", paid="435250.00")["unspent"] == Decimal("25102.00")
    assert forecast(asis, today, committed="480000", paid="435250.00")["warning"] is False


@pytest.mark.parametrize(
    "today, remaining, warning",
    [
        (datetime.date(2015, 12, 31), 91, True),
        (datetime.date(2016, 1, 1), 90, False),  # 90 days left: no longer "more than 90"
        (datetime.date(2016, 1, 15), 76, False),
    ],
)
def test_the_warning_needs_more_than_90_days_left(asis, today, remaining, warning):
    result = forecast(asis, today)
    assert result["remaining_days"] == remaining
    assert result["warning"] is warning


def test_the_last_months_still_project(asis):
    result = forecast(asis, datetime.date(2016, 1, 15))
    assert result["elapsed_days"] == 1020
    assert result["projected_paid"] == Decimal("39219.61")  # 36 500 × 1 096 / 1 020 = 39 219,607…
    assert result["unspent"] == Decimal("462916.39")


def test_once_the_plan_is_over_what_is_left_is_left(asis):
    result = forecast(asis, datetime.date(2016, 4, 1))
    assert result["over"] is True and result["warning"] is False and result["remaining_days"] == 0
    assert (result["uncommitted"], result["unspent"]) == (Decimal("402136.00"), Decimal("465636.00"))
    assert all(r["finished"] for r in result["rows"])


def test_no_forecast_before_the_plan_starts(asis):
    assert forecast(asis, datetime.date(2013, 3, 31)) is None


def test_the_first_day_counts(asis):
    result = forecast(asis, datetime.date(2013, 4, 1), committed="1000.00", paid="0.00")
    assert result["elapsed_days"] == 1
    assert result["projected_committed"] == Decimal("502136.00")  # 1 096 000 capped
    assert result["projected_paid"] == Decimal("0.00")


def test_the_page_shows_the_warning_and_the_method(asis, cast, client, monkeypatch):
    """From real commitments and payments, with the day fixed at 2014-03-31."""
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(lead=cast.org_a, theme=asis.themes.get(order=2), status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=fqis, project=project, amount="100000.00")
    ledger_services.disbursement_create(commitment=commitment, amount="36500.00", paid_on=datetime.date(2013, 9, 1))
    monkeypatch.setattr(target_selectors, "forecast_day", lambda: datetime.date(2014, 3, 31))
    client.force_login(cast.staff)
    response = client.get(reverse("budget:charts"))
    text = response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")
    assert response.context["forecast"]["unspent"] == Decimal("392536.00")
    assert "Au rythme actuel, il resterait 392 536 $ non dépensés au 31 mars 2016 (78 % de l'enveloppe)." in text
    assert "divisé par les 365 jours écoulés du plan (sur 1 096)" in text
    assert "il resterait 201 862,03 $ non engagés et 392 536 $ non versés" in text


def test_no_warning_on_the_page_once_the_plan_is_over(asis, cast, client, monkeypatch):
    monkeypatch.setattr(target_selectors, "forecast_day", lambda: datetime.date(2016, 6, 1))
    client.force_login(cast.coordinator)
    response = client.get(reverse("budget:charts"))
    assert response.context["forecast"]["over"] is True
    assert 'data-testid="forecast-warning"' not in response.content.decode()
    assert "Le plan est terminé" in response.content.decode()
