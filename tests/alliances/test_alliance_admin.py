"""The alliance and the plan in the admin: Coordination's support tool; one plan in progress per alliance."""

import datetime
import html

import pytest

from alliances.models import Alliance
from plans.models import Plan

pytestmark = pytest.mark.django_db


def admin_urls(alliance):
    base = "/admin/alliances/alliance/"
    return [base, base + "add/", f"{base}{alliance.pk}/change/", f"{base}{alliance.pk}/history/"]


@pytest.mark.parametrize(
    "who, status", [("coordinator", 200), ("staff", 302), ("alice", 302), ("charlie", 302), ("anonymous", 302)]
)
def test_the_alliance_admin_opens_for_coordination_only(login, cast, plan, who, status):
    client = login(getattr(cast, who))
    for url in admin_urls(plan.alliance):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith("/admin/login/")


def test_coordination_cannot_delete_an_alliance(login, cast, plan):
    response = login(cast.coordinator).get(f"/admin/alliances/alliance/{plan.alliance.pk}/delete/")
    assert response.status_code == 403
    assert Alliance.objects.filter(pk=plan.alliance.pk).exists()


def test_coordination_adds_an_alliance_and_its_history_starts(login, cast):
    response = login(cast.coordinator).post(
        "/admin/alliances/alliance/add/",
        {
            "name": "Alliance du Témiscamingue",
            "acronym": "ATÉ",
            "slug": "temiscamingue",
            "territory": "Témiscamingue",
            "region": "Abitibi-Témiscamingue",
            "coordinating_organisation": cast.org_b.pk,
            "funders": [cast.org_a.pk],
            "roles-TOTAL_FORMS": 0,
            "roles-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    alliance = Alliance.objects.get(slug="temiscamingue")
    assert list(alliance.funders.all()) == [cast.org_a]
    assert alliance.history.count() == 1


def plan_form(plan, **changes):
    data = {
        "title": plan.title,
        "alliance": plan.alliance.pk,
        "status": plan.status,
        "start_date": plan.start_date.isoformat(),
        "meeting_threshold_per_month": plan.meeting_threshold_per_month,
    }
    for prefix in ("years", "principles"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return {**data, **changes}


def test_a_second_plan_in_progress_is_refused_in_french_and_nothing_is_saved(login, cast, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CURRENT)
    plan.refresh_from_db()
    client = login(cast.coordinator)
    data = plan_form(plan, title="Plan suivant", start_date="2016-04-01")
    response = client.post("/admin/plans/plan/add/", data)
    assert response.status_code == 200
    assert "Cette alliance a déjà un plan en cours : terminez-le d'abord." in html.unescape(response.content.decode())
    assert not Plan.objects.filter(title="Plan suivant").exists()
    # In preparation, it is saved; the plan in progress stays the current one.
    response = client.post("/admin/plans/plan/add/", {**data, "status": Plan.Status.PREPARATION})
    assert response.status_code == 302
    assert plan.alliance.current_plan() == plan
    assert Plan.objects.get(title="Plan suivant").start_date == datetime.date(2016, 4, 1)
