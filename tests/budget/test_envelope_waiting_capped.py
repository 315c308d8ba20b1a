"""The envelope's « Ce qui attend » counts stop at the cap (asis.counts, as « À traiter »): past it the overview says
« 100 et plus », and the count reads at most COUNT_CAP + 1 projects however many wait."""

import html

import pytest
from django.urls import reverse

from asis.counts import COUNT_CAP
from projects.models import ActionProject, ProjectStatus
from tests import factories as f


def _accepted(theme, lead, count):
    ActionProject.objects.bulk_create(
        ActionProject(
            theme=theme, lead=lead, title=f"Projet {i:03d}", status=ProjectStatus.ACCEPTED, amount_requested=500
        )
        for i in range(count)
    )


def _text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "waiting, shown",
    [
        (COUNT_CAP, "100 projets acceptés ne sont pas entièrement engagés"),
        (COUNT_CAP + 1, "100 projets acceptés et plus ne sont pas entièrement engagés"),
    ],
)
def test_the_projects_to_commit_are_counted_up_to_the_cap(client, cast, plan, theme, waiting, shown):
    f.make_source(plan, amount="100000.00")
    _accepted(theme, cast.org_a, waiting)
    client.force_login(cast.coordinator)
    text = _text(client.get(reverse("budget:envelope")))
    assert shown in text
