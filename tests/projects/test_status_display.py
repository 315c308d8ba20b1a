"""A project's status label (ActionProject.get_status_display) is Django's, in French and in English, at a
fraction of its cost: every page listing projects shows it."""

import pytest
from django.utils import translation

from projects.models import ActionProject, ProjectStatus


@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_every_status_shows_the_label_django_would_show(language):
    with translation.override(language):
        for value, label in ProjectStatus.choices:
            project = ActionProject(status=value)
            assert project.get_status_display() == str(label)
            assert isinstance(project.get_status_display(), str)
    with translation.override("en"):
        assert (
            ActionProject(status=ProjectStatus.ACCEPTED).get_status_display()
            != ActionProject(status=ProjectStatus.REFUSED).get_status_display()
        )


def test_a_value_that_is_not_a_status_shows_itself():
    assert ActionProject(status="inconnu").get_status_display() == "inconnu"
