"""Closing a plan (succession.services.plan_close): the plan closes and its final bilan is frozen as a dated
document whose page and PDF, XLSX and DOCX do not move when the data changes afterwards."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from bilan import documents
from bilan.selectors.build import build_bilan
from bilan.selectors.period import period_of_plan
from budget.services import ledger as ledger_services
from plans.models import Plan
from succession import services
from succession.models import FrozenBilan, sha256
from succession.selectors import frozen_bilan_of

pytestmark = pytest.mark.django_db


def messages(error) -> str:
    return " ".join(error.value.messages).replace("\xa0", " ")


def test_closing_freezes_the_whole_plan_as_coordination_sees_it(world):
    frozen = services.plan_close(plan=world.plan, closed_by=world.by, note="Résolution CA-2016-03")

    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.CLOSED and world.plan.is_archived
    frozen = FrozenBilan.objects.get(pk=frozen.pk)
    assert frozen.plan == world.plan and frozen.closed_by == world.by and frozen.note == "Résolution CA-2016-03"
    assert frozen.period_label == "2013-2016"
    # every project of the plan, whatever its status, with the whole plan's money
    for project in (world.p1, world.p2, world.p3):
        assert project.title in frozen.html
    assert "17\xa0500,50\xa0$" in frozen.html  # committed: 10 000,00 + 1 500,50 + 4 000,00 + 2 000,00
    # its links lead to the closed plan's own pages
    assert f'href="/{world.plan.alliance.slug}/2013-2016/projets/{world.p1.pk}/"' in frozen.html
    assert frozen.document("pdf").startswith(b"%PDF")
    assert zipfile.is_zipfile(io.BytesIO(frozen.document("xlsx")))
    assert zipfile.is_zipfile(io.BytesIO(frozen.document("docx")))
    for extension in ("pdf", "xlsx", "docx"):
        assert getattr(frozen, f"{extension}_sha256") == sha256(frozen.document(extension))
    assert frozen.file_name("pdf") == f"bilan-{world.plan.alliance.acronym.lower()}-2013-2016.pdf"
    assert "Cuisines collectives" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(frozen.pdf)).pages)


def live_bilan(plan, user):
    years = list(plan.years.order_by("number"))
    return build_bilan(
        user=user,
        period_start=years[0].start_date,
        period_end=years[-1].end_date,
        plan=plan,
        period=period_of_plan(years),
        years=years,
        page=None,
    )


def test_the_frozen_bilan_does_not_move_when_the_data_changes(closed):
    frozen = FrozenBilan.objects.get(plan=closed.plan)
    stored = {extension: frozen.document(extension) for extension in ("pdf", "xlsx", "docx")}
    html = frozen.html
    before = live_bilan(closed.plan, closed.by)

    # Later writes to the closed plan's data: a payment, a renamed project.
    ledger_services.disbursement_create(commitment=closed.c3, amount="1234.56", paid_on=datetime.date(2015, 1, 5))
    closed.p2.title = "Logements de transition (renommé)"
    closed.p2.save()
    after = live_bilan(closed.plan, closed.by)
    assert after.disbursed == before.disbursed + Decimal("1234.56")  # the live bilan moves
    assert "Logements de transition (renommé)" in {line.title for line in after.lines()}

    again = FrozenBilan.objects.get(pk=frozen.pk)
    assert again.html == html
    assert "renommé" not in again.html
    for extension, data in stored.items():
        assert again.document(extension) == data
        assert getattr(again, f"{extension}_sha256") == sha256(data)


def test_closing_twice_is_refused_and_changes_nothing(closed):
    with pytest.raises(ValidationError) as error:
        services.plan_close(plan=closed.plan, closed_by=closed.by)
    assert "est déjà terminé" in messages(error)
    assert FrozenBilan.objects.count() == 1


def test_only_the_current_plan_closes(plan, cast):
    # The cast's plan is in preparation.
    with pytest.raises(ValidationError) as error:
        services.plan_close(plan=plan, closed_by=cast.coordinator)
    assert "Seul le plan en cours peut être terminé" in messages(error)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PREPARATION and not FrozenBilan.objects.exists()


@pytest.mark.parametrize("builder", ["pdf_file", "docx_file"])
def test_a_document_that_fails_saves_nothing_and_the_plan_stays_current(world, monkeypatch, builder):
    def broken(report):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(documents, builder, broken)
    with pytest.raises(RuntimeError):
        services.plan_close(plan=world.plan, closed_by=world.by)
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.CURRENT
    assert not FrozenBilan.objects.exists()


def test_frozen_bilan_of_reads_nothing_for_a_plan_not_closed(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert frozen_bilan_of(world.plan) is None
        assert frozen_bilan_of(None) is None


def test_frozen_bilan_of_a_closed_plan(closed):
    assert frozen_bilan_of(closed.plan) == FrozenBilan.objects.get(plan=closed.plan)


def test_a_frozen_bilan_is_never_deleted(closed):
    from django.db import models

    from organisations.roles import NEVER_DELETED

    assert "frozenbilan" in NEVER_DELETED
    for name in ("plan", "closed_by"):
        assert FrozenBilan._meta.get_field(name).remote_field.on_delete is models.PROTECT
