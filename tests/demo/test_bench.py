"""demo/bench.py: what `make bench` measures for targets 3 and 4, on a small current plan grown by
generate_volume --into-current (the figures themselves are for docs/benchmarks.md, not for the suite)."""

from io import StringIO

import pytest
from django.core.management import call_command

from alliances.addresses import alliance_reverse
from demo import bench
from plans.models import Plan
from projects.models import ActionProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(db):
    call_command("load_asis", stdout=StringIO())
    call_command("generate_volume", scale=0.1, into_current=True, stdout=StringIO())
    return Plan.objects.current()


def test_the_admin_and_the_project_list_are_measured_at_the_same_page_size(grown):
    measured = bench.admin_against_list(repeat=1)
    assert measured["page_size"] == 25
    # at the alliance's own address: with two alliances, the bare /projets/ only redirects there
    assert measured["project_list"]["url"] == alliance_reverse(grown.alliance, "projects:project-list")
    assert measured["admin"]["url"] == "/admin/projects/actionproject/"
    assert measured["project_list"]["queries"] <= 15 and measured["admin"]["queries"] > 0


def test_the_yardstick_exports_the_rows_of_the_bilan(grown):
    pytest.importorskip("import_export")  # make bench only (requirements-bench.txt)

    rows = bench.bilan_rows()
    assert rows.count() > 0 and not rows.exclude(theme__plan=grown).exists()
    measured = bench.xlsx_import_export()
    assert measured["rows"] == rows.count() == ActionProject.objects.filter(pk__in=rows.values("pk")).count()
    assert measured["bytes"] > 0 and measured["peak_rss_mb"] > 0


def test_the_bilan_export_is_consumed_whole(grown):
    measured = bench.xlsx_bilan()
    assert measured["bytes"] > 1000
    assert measured["peak_rss_mb"] >= measured["rss_before_mb"] > 0
