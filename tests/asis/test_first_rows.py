"""asis.first_rows.FirstOfEach: the first rows of each group, in each group's own order, on SQLite and PostgreSQL."""

import pytest

from asis.first_rows import FirstOfEach
from projects.models import ActionProject
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_first_projects_of_each_theme_in_title_order(plan, cast):
    busy, quiet, empty = (f.make_theme(plan, name=name) for name in ("Emploi", "Logement", "Transport"))
    for title in ("Delta", "Alpha", "Echo", "Charlie", "Bravo"):
        f.make_project(lead=cast.org_a, theme=busy, title=title)
    f.make_project(lead=cast.org_a, theme=quiet, title="Zoulou")
    first = FirstOfEach(
        ActionProject.objects.filter(theme=theme).order_by("title", "pk").values("pk")[:3]
        for theme in (busy, quiet, empty)
    )
    titles = sorted(ActionProject.objects.filter(pk__in=first).values_list("title", flat=True))
    assert titles == ["Alpha", "Bravo", "Charlie", "Zoulou"]
