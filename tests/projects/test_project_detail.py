"""The project page: everything the form holds, contributions always shown, history and comments for insiders."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.services.filing import project_comment_create, project_save_draft
from tests import factories as f
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


def _complete(cast, theme, plan, partners=1, indicators=1):
    y1, y2, _ = plan.years.order_by("number")
    project = project_save_draft(
        by=cast.alice,
        lead=cast.org_a,
        theme=theme,
        title="Complet",
        description="Quoi",
        target_population="Familles",
        objectives="Nos objectifs",
        start_date=datetime.date(2014, 5, 1),
        end_date=datetime.date(2015, 3, 31),
        year_amounts={y1: Decimal("1250.50"), y2: Decimal("2000.00")},
        partners=[
            {"organisation": f.make_organisation(), "contribution_kind": "cash", "contribution_value": Decimal("500")}
            for _ in range(partners)
        ],
        indicators=[{"name": f"Indicateur {i}", "target": Decimal("10")} for i in range(indicators)],
        other_funding=[{"kind": "funder", "source_name": "Centraide", "amount": Decimal("3000")}],
    )
    project_comment_create(project=project, author=cast.coordinator, text="Bien reçu.")
    return project


def test_the_page_shows_the_project_its_money_and_its_partners(client, cast, theme, plan):
    project = _complete(cast, theme, plan)
    client.force_login(cast.bob)
    text = page(client.get(reverse("projects:project-detail", args=[project.pk])))
    for expected in (
        "Nos objectifs",
        "Familles",
        "1 250,50 $",
        "2 000 $",
        "3 250,50 $",
        "500 $",
        "En argent",
        "Centraide",
        "Indicateur 0",
        "Bien reçu.",
        "Brouillon",
        "Historique du statut",
        "Publier le commentaire",
    ):
        assert expected in text, expected


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(client, cast, theme, plan):
    small = _complete(cast, theme, plan, partners=1, indicators=1)
    large = _complete(cast, theme, plan, partners=12, indicators=12)
    for _ in range(10):
        project_comment_create(project=large, author=cast.alice, text="Encore")
    client.force_login(cast.alice)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("projects:project-detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("projects:project-detail", args=[large.pk]))
    # 1 session, 2 user, 3 groups and organisation ids, 4 project with lead, theme, objective and space,
    # 5 partners with their organisation, 6 indicators, 7 other funding, 8 plan years with the amounts by year
    # (one query for both, issue 20), 9 status history with who, 10 comments with author and organisation,
    # 11 the alliance of the address (AllianceMiddleware, issue 17)
    assert len(few) == len(many) == 11, [q["sql"] for q in many.captured_queries]


def test_anonymous_visitors_see_accepted_projects_without_comments_or_history(client, projects):
    text = page(client.get(reverse("projects:project-detail", args=[projects["accepted_b"].pk])))
    assert "Accepté de B" in text and "Historique du statut" not in text and "Commentaires" not in text
