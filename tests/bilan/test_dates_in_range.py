"""The bilan's dates within a sane range (issue 15, break 7): a French error, never a 500 nor a guess.

`?du=…&au=…` take any date from 2000 to 2100 (asis.forms), in the page and in every export; the progress
import's period falls within the plan's years, give or take a year (plans.models.plan_date_bounds)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asis.templatetags.asis_format import day_text
from plans.models import plan_date_bounds
from projects.models import ProgressReport

pytestmark = pytest.mark.django_db

WIDE = "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100."


def page(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("\xa0", " ")


@pytest.mark.parametrize(
    "params",
    [
        {"du": "2014-01-01", "au": "9999-12-31"},
        {"du": "0001-01-01", "au": "2014-01-01"},
        {"du": "1900-01-01", "au": "9999-11-15"},
    ],
)
def test_the_bilans_dates_answer_a_french_error_for_an_absurd_date(client, cast, plan, params):
    client.force_login(cast.staff)
    response = client.get(reverse("bilan:bilan"), {"periode": "dates", **params})
    assert response.status_code == 200 and response.context["bilan"] is None
    text = page(response)
    assert WIDE in text
    assert "Indiquez la date" not in text  # one message per field: the range, not « missing »
    assert client.get(reverse("bilan:bilan-csv", args=["projets"]), {"periode": "dates", **params}).status_code == 400
    assert client.get(reverse("bilan:bilan-xlsx"), {"periode": "dates", **params}).status_code == 400


def test_dates_in_range_still_make_a_bilan(client, cast, plan):
    client.force_login(cast.staff)
    response = client.get(reverse("bilan:bilan"), {"periode": "dates", "du": "2000-01-01", "au": "2100-12-31"})
    assert response.status_code == 200 and response.context["bilan"] is not None


@pytest.mark.parametrize(
    "period",
    [
        {"period_start": "2015-01-01", "period_end": "9999-12-31"},
        {"period_start": "1900-01-01", "period_end": "2015-03-31"},
    ],
)
def test_the_progress_imports_period_is_within_the_plans_range(client, cast, plan, period):
    first, last = plan_date_bounds()
    client.force_login(cast.coordinator)
    upload = SimpleUploadedFile("bilan.xlsx", b"PK\x03\x04", content_type="application/octet-stream")
    response = client.post(reverse("bilan:progress-import"), {"file": upload, **period})
    assert response.status_code == 200
    assert f"La date doit être entre le {day_text(first)} et le {day_text(last)}." in page(response)
    assert not ProgressReport.objects.exists()
