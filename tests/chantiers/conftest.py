"""Projects every action-project test can use: a draft and a submitted project of A, an accepted one of B."""

import pytest

from chantiers.models import ProjectStatus
from tests import factories as f


@pytest.fixture
def projects(cast, theme):
    return {
        "draft_a": f.make_project(lead=cast.org_a, theme=theme, title="Brouillon de A"),
        "submitted_a": f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Déposé de A"),
        "accepted_b": f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title="Accepté de B"),
    }


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def formset_management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def project_form_data(**fields):
    """POST data for the project form: empty formsets unless rows are given (`partenaires-0-organisation`, ...)."""
    data = {"title": "Cuisines collectives", **formset_management("partenaires"), **formset_management("indicateurs"),
            **formset_management("financement")}
    for prefix in ("partenaires", "indicateurs", "financement"):
        rows = {key for key in fields if key.startswith(prefix + "-")}
        if rows:
            data[f"{prefix}-TOTAL_FORMS"] = str(1 + max(int(key.split("-")[1]) for key in rows))
    data.update({key: value for key, value in fields.items() if value is not None})
    return data
