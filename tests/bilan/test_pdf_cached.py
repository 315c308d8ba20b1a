"""The bilan's PDF is built once for a state of the plan's data (bilan.documents.cached_pdf, asis.figures_cache): asked
again, it is served from the cache, without building it again; any write that changes the plan's data (a commitment,
a payment) builds it anew; a partner's PDF is never another reader's."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from bilan import documents
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = {"periode": "2014-2015"}


def text_of(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages).replace("\xa0", " ")


@pytest.fixture
def builds(monkeypatch):
    """How many PDFs were laid out (WeasyPrint)."""
    made = []
    real = documents.pdf_bytes

    def counted(bilan):
        made.append(bilan)
        return real(bilan)

    monkeypatch.setattr(documents, "pdf_bytes", counted)
    return made


@pytest.fixture
def funded(cast, plan, theme):
    source = f.make_source(plan, amount="50000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Jardin de A")
    f.commit(source=source, project=project, amount=Decimal("1000.25"), year=f.plan_year(plan, 2))
    return source, project


def test_asked_again_the_pdf_is_served_from_the_cache_without_building_it_again(
    client, cast, funded, builds, django_assert_max_num_queries
):
    f.plan_writes_committed()
    client.force_login(cast.staff)
    first = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert "1 000,25 $" in first and len(builds) == 1
    with django_assert_max_num_queries(6):  # the session, the user, the plan with its version: no bilan read
        second = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert second == first and len(builds) == 1
    # the coordination reads the same figures: the same PDF
    client.force_login(cast.coordinator)
    assert text_of(client.get(reverse("bilan:bilan-pdf"), YEAR)) == first and len(builds) == 1


def test_a_write_that_changes_the_data_builds_the_pdf_anew(client, cast, plan, funded, builds):
    source, project = funded
    f.plan_writes_committed()
    client.force_login(cast.staff)
    assert "1 000,25 $" in text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    f.commit(source=source, project=project, amount=Decimal("499.50"), year=f.plan_year(plan, 2))
    again = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert "1 499,75 $" in again and len(builds) == 2


def test_another_period_or_language_is_another_pdf(client, cast, funded, builds):
    client.force_login(cast.staff)
    french = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert "Bilan de l'Alliance — 2014-2015 — page 1" in french
    assert "Jardin de A" not in text_of(client.get(reverse("bilan:bilan-pdf"), {"periode": "2013-2014"}))
    client.cookies["django_language"] = "en"
    english = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert "Alliance report — 2014-2015 — page 1" in english
    assert len(builds) == 3


def test_a_partners_pdf_is_never_another_readers(client, cast, plan, theme, funded, builds):
    source, _project = funded
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Verger de B")
    f.commit(source=source, project=other, amount=Decimal("300.00"), year=f.plan_year(plan, 2))
    client.force_login(cast.staff)
    assert "Verger de B" in text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    client.force_login(cast.alice)
    alice = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert "Jardin de A" in alice and "Verger de B" not in alice
    client.force_login(cast.charlie)
    charlie = text_of(client.get(reverse("bilan:bilan-pdf"), YEAR))
    assert "Verger de B" in charlie and "Jardin de A" not in charlie
    assert len(builds) == 3
