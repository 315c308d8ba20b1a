import pytest

from tests import factories as f


@pytest.fixture
def plan(request, db):
    """The cast's test plan. With the ASIS reference data loaded too, a plan of ASIS's alliance (in preparation:
    ASIS's plan stays the current one), so the instance keeps one alliance and today's addresses serve it
    (alliances.middleware); otherwise a plan of an alliance of its own, as tests/conftest.py makes it."""
    if "asis" in request.fixturenames:
        return f.make_plan(alliance=request.getfixturevalue("asis").alliance)
    return f.make_plan()
