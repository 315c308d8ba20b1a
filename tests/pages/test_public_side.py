"""The public side (issue 23, item 6): « L'argent public » in the menu, theme pages link their projects, the public
home shows no placeholder titles nor the coordination's working note on dates."""

import datetime
import html

import pytest
from django.urls import reverse

from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_the_menu_offers_the_public_money_to_everyone(client, asis):
    page = text(client.get("/"))
    assert f'href="{reverse("bilan:open-data")}">L\'argent public</a>' in page


def test_the_public_home_shows_the_mobilisation_without_placeholders_nor_the_working_note(client, asis):
    page = text(client.get("/"))
    assert "3 activités de mobilisation, de mars 2013 à septembre 2013." in page
    assert "Activité de mobilisation 1" not in page
    assert asis.dates_note and asis.dates_note not in page


def test_the_coordination_reads_the_working_note_on_dates(client, asis, cast):
    client.force_login(cast.coordinator)
    assert asis.dates_note in text(client.get(reverse("overview")))  # the public overview, as they see it


def test_a_dated_activity_is_listed_by_name(client, asis):
    activity = asis.mobilisation_activities.get(number=2)
    activity.title = "Forum citoyen"
    activity.held_on = datetime.date(2013, 5, 15)
    activity.participants = 42
    activity.save()
    page = text(client.get("/"))
    assert "Forum citoyen — 15 mai 2013 (42 participants)" in page
    assert "Activité de mobilisation 1" not in page


def test_a_theme_page_links_its_projects(client, cast, plan, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Jardin partagé")
    page = text(client.get(reverse("theme-detail", args=[theme.slug])))
    assert f'<a href="{project.get_absolute_url()}">Jardin partagé</a>' in page
