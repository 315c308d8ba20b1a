"""Identifiers printed by templates are never localised: with the thousands separator on (fr-CA:
« 1 234 »), `{{ project.pk }}` would print « 1 234 » and break every link or anchor past the
999th row (found on PostgreSQL, whose ids keep growing)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from projects.models import ActionProject, ProjectStatus

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# a form field's auto_id (« id_title ») is a string, never a number
RAW_ID = re.compile(r"\{\{ *(?![a-z_.]*\.auto_id\b)[a-z_.]*(?:\.pk|\.id|_id|_pk) *\}\}")


def test_no_template_prints_a_raw_identifier():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match}"
        for path in TEMPLATES.rglob("*.html")
        for match in RAW_ID.findall(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "use {{ x.pk|unlocalize }} (load l10n): " + ", ".join(found)


@pytest.mark.django_db
def test_links_hold_large_identifiers(client, cast, theme):
    ActionProject.objects.create(
        id=12345, lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Projet 12345"
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("budget:agreement-list")).content.decode()
    assert f'{reverse("budget:agreement-create")}?projet=12345"' in page
    page = client.get(reverse("projects:project-detail", args=[12345])).content.decode()
    assert f'{reverse("budget:agreement-create")}?projet=12345"' in page
