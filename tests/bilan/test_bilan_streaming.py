"""Exports stream: the bilan reads its projects a chunk at a time and keeps only one page of them,
so the exports hold every project, in order, with the database's totals, while memory stays flat
as the number of projects grows; the page shows its projects page by page."""

import csv
import datetime
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bilan import export_rows, exports
from bilan.selectors import lines
from bilan.selectors.build import build_bilan
from projects.models import ActionProject
from tests.bilan.test_bilan_queries import grow

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = {"periode": "2014-2015"}


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 projects, so a few dozen projects cross several chunk boundaries."""
    monkeypatch.setattr(lines, "CHUNK", 7)
    monkeypatch.setattr(lines._each_built, "__kwdefaults__", {"chunk": 7})


def expected_order(plan) -> list[int]:
    return list(
        ActionProject.objects.filter(theme__plan=plan)
        .order_by("theme__order", "title", "pk")
        .values_list("pk", flat=True)
    )


def test_every_project_crosses_the_chunks_in_order_with_the_totals(client, cast, plan, theme, small_chunks):
    grow(cast, plan, theme, projects=40, reports=60, meetings=3)  # 40 projects: 6 chunks of 7
    client.force_login(cast.staff)

    workbook = load_workbook(io.BytesIO(b"".join(client.get(reverse("bilan:bilan-xlsx"), YEAR).streaming_content)))
    sheet = list(workbook["Projets"].iter_rows(values_only=True))
    assert [row[0] for row in sheet[1:]] == expected_order(plan)
    assert sum(Decimal(str(row[10])) for row in sheet[1:]) == Decimal("40000.00")  # 40 × 1 000 $ committed
    assert sum(Decimal(str(row[11])) for row in sheet[1:]) == Decimal("20000.00")  # 40 × 500 $ paid
    assert len(list(workbook["Indicateurs"].iter_rows(values_only=True))) == 1 + 80  # two indicators each
    assert workbook["Projets"].auto_filter.ref == "A1:N41"  # the filter covers every row written

    body = b"".join(
        part if isinstance(part, bytes) else part.encode()
        for part in client.get(reverse("bilan:bilan-csv", args=["projets"]), YEAR).streaming_content
    )
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8")[1:])))
    assert [int(row["ID projet"]) for row in rows] == expected_order(plan)

    # The headline figures, summed chunk by chunk, are the same as with one chunk.
    summed = build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)
    assert (summed.project_count, summed.committed, summed.disbursed) == (40, Decimal("40000.00"), Decimal("20000.00"))
    assert (
        summed.lead_organisations == 2
        and summed.partner_organisations == 2
        and summed.partners_per_project == Decimal("1.0")
    )
    assert summed.people_reached == 40 * 10 and summed.citizens_reached == 40 * 2
    (rollup,) = summed.theme_rollups
    assert (rollup.projects, rollup.on_track, rollup.units[0].indicators) == (40, 40, 80)


def test_the_page_shows_its_projects_page_by_page(client, cast, plan, theme):
    grow(cast, plan, theme, projects=60, reports=5, meetings=1)
    client.force_login(cast.staff)
    order = expected_order(plan)
    titles = dict(ActionProject.objects.values_list("pk", "title"))

    first = client.get(reverse("bilan:bilan"), YEAR)
    assert [p.pk for p in first.context["bilan"].projects] == order[:50]
    assert "Projets 1 à 50 sur 60" in first.content.decode()
    assert "Page 1 sur 2" in first.content.decode()
    second = client.get(reverse("bilan:bilan"), {**YEAR, "page": "2"})
    assert [p.pk for p in second.context["bilan"].projects] == order[50:]
    assert titles[order[55]] in second.content.decode()
    assert second.context["bilan"].project_count == 60  # the figures are those of every project
    assert second.context["bilan"].committed == Decimal("60000.00")
    beyond = client.get(reverse("bilan:bilan"), {**YEAR, "page": "999999999999"})
    assert [p.pk for p in beyond.context["bilan"].projects] == order[50:]  # the last page
    for odd in ("abc", "-3", "0", "9" * 5000):
        response = client.get(reverse("bilan:bilan"), {**YEAR, "page": odd})
        assert response.status_code == 200
        assert [p.pk for p in response.context["bilan"].projects] == order[:50]


def peak_while_exporting(plan, user, *, hold: bool = False) -> int:
    """Peak bytes allocated while every row of the bilan's two long tables is read, as the CSV and
    XLSX writers read them (the bilan itself, built before, keeps one page of lines); with `hold`,
    while they are kept in memory instead, as a writer that does not stream would."""
    report = build_bilan(
        user=user, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan, page=None
    )  # as the exports
    assert not report.projects
    parts = exports.tables(report)
    tracemalloc.start()
    try:
        kept = []
        for slug in ("projets", "indicateurs"):
            for row in parts[slug].iter_rows():
                if hold:
                    kept.append(row)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_when_the_projects_grow_tenfold(cast, plan, theme, monkeypatch):
    monkeypatch.setattr(lines, "CHUNK", 25)  # beyond one chunk the bilan keeps no line for the exports
    monkeypatch.setattr(lines._each_built, "__kwdefaults__", {"chunk": 25})
    monkeypatch.setattr(export_rows, "CHUNK", 25)  # the exports read their rows 25 projects at a time too
    grow(cast, plan, theme, projects=50, reports=50, meetings=1)
    small = peak_while_exporting(plan, cast.staff)
    grow(cast, plan, theme, projects=450, reports=450, meetings=1)  # 500 projects, 1 000 indicators
    large = peak_while_exporting(plan, cast.staff)
    held = peak_while_exporting(plan, cast.staff, hold=True)
    # The peak is that of the busiest chunk of 25 projects (measured: 0.28 to 0.43 Mo at 50, 500,
    # 1 000 and 2 000 projects), not of the number of projects; holding the rows costs more, and grows with them.
    assert large < small * 2, (small, large)
    assert large * 2 < held, (large, held)  # measured: 0.43 against 1.07 Mo at 500 projects


def test_a_bilan_of_one_chunk_is_read_once_for_every_export(cast, plan, theme, django_assert_num_queries):
    """Up to CHUNK projects the lines read for the figures are kept: the XLSX reads no project twice."""
    grow(cast, plan, theme, projects=12, reports=6, meetings=1)
    report = build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)
    order = expected_order(plan)
    with django_assert_num_queries(0):
        assert [line.pk for line in report.lines()] == order
        assert len(list(exports.tables(report)["indicateurs"].iter_rows())) == 24


def test_two_highlights_of_one_project_on_the_same_day_are_both_kept(cast, plan, theme):
    """Two reports of one project ending the same day, each with highlights: both are listed (no tie breaks the sort)."""
    from projects.models import ProgressReport

    grow(cast, plan, theme, projects=1, reports=0, meetings=0)
    project = ActionProject.objects.get(theme__plan=plan)
    for text in ("Premier fait", "Second fait"):
        ProgressReport.objects.create(
            project=project,
            period_start=D(2014, 4, 1),
            period_end=D(2014, 9, 30),
            percent_done=40,
            highlights=text,
        )
    report = build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), plan=plan)
    assert report.highlight_count == 2
    assert sorted(h.text for h in report.highlights) == ["Premier fait", "Second fait"]
