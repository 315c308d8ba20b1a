"""The bilan's PDF timed through its view, cold, kept, after a write and kept again (docs/benchmarks.md, « The
bilan's PDF »): `BENCH_PDF=100 .venv/bin/pytest tests/bilan/test_pdf_timing.py -s` (the number of projects). Skipped
otherwise: a cold build of a large bilan takes tens of seconds."""

import os
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f
from tests.bilan.test_bilan_queries import grow

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("BENCH_PDF"), reason="BENCH_PDF=<projects> times the PDF"),
]


def test_time_the_pdf_cold_kept_and_after_a_write(client, cast, plan, theme):
    projects = int(os.environ.get("BENCH_PDF", "0"))
    grow(cast, plan, theme, projects=projects, reports=projects, meetings=5)
    client.force_login(cast.staff)
    times, lines = {}, []
    for step in ("cold", "kept", "after a write", "kept again"):
        if step == "after a write":
            project = f.make_project(lead=cast.org_a, theme=theme, status=f.ProjectStatus.IN_PROGRESS)
            source = f.make_source(plan, amount="1000.00")
            f.commit(source=source, project=project, amount=Decimal("10.00"), year=f.plan_year(plan, 2))
        start = time.perf_counter()
        response = client.get(reverse("bilan:bilan-pdf"), {"periode": "2014-2015"})
        size = len(b"".join(response.streaming_content))
        times[step] = time.perf_counter() - start
        lines.append(f"{step} {times[step]:.2f} s ({size // 1024} Kio)")
    print(f"\nPDF of {projects} projects: " + ", ".join(lines))  # noqa: T201 (the figures of docs/benchmarks.md)
    assert times["kept"] < 1 and times["kept again"] < 1
