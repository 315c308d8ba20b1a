"""The alliance's categories of expenses (issue 20, part 3): Coordination adds, renames, orders and archives them
(never deletes), Personnel reads them, nobody else; another alliance's are out of reach; French errors, nothing
saved."""

import pytest
from django.urls import reverse

from alliances.addresses import alliance_reverse
from organisations.roles import COORDINATION
from projects.models import ExpenseCategory
from tests import factories as f
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, list_status, create_status",
    [("coordinator", 200, 200), ("staff", 200, 403), ("alice", 403, 403), ("anonymous", 302, 302)],
)
def test_who_reads_and_manages_the_categories(login, cast, plan, who, list_status, create_status):
    client = login(getattr(cast, who))
    assert client.get(reverse("projects:expense-category-list")).status_code == list_status
    assert client.get(reverse("projects:expense-category-create")).status_code == create_status
    category = ExpenseCategory.objects.for_alliance(plan.alliance_id).first()
    before = ExpenseCategory.objects.count()
    response = client.post(reverse("projects:expense-category-create"), {"name": "Formation", "order": "7"})
    assert response.status_code == (302 if who == "coordinator" else create_status)
    assert ExpenseCategory.objects.count() == before + (1 if who == "coordinator" else 0)
    update = reverse("projects:expense-category-update", args=[category.pk])
    assert client.get(update).status_code == create_status


def test_the_list_counts_queries_whatever_the_categories(login, cast, plan, django_assert_num_queries):
    for i in range(10):
        ExpenseCategory.objects.create(alliance=plan.alliance, name=f"Catégorie {i}", order=10 + i, archived=i % 2)
    client = login(cast.staff)
    client.get(reverse("projects:expense-category-list"))
    # 1 session, 2 user, 3 roles, 4 the alliance of the address, 5 the categories with their lines counted
    with django_assert_num_queries(5):
        response = client.get(reverse("projects:expense-category-list"))
    text = page(response)
    assert "Participation citoyenne" in text and "Archivées" in text


def test_coordination_renames_and_archives_a_category(login, cast, plan):
    category = ExpenseCategory.objects.for_alliance(plan.alliance_id).get(name="Loyer")
    client = login(cast.coordinator)
    response = client.post(
        reverse("projects:expense-category-update", args=[category.pk]),
        {"name": "Loyer et locaux", "order": "3", "archived": "on"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.archived) == ("Loyer et locaux", True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "order": "1"}, "Donnez un nom à la catégorie."),
        ({"name": "salaires", "order": "1"}, "Cette alliance a déjà une catégorie « salaires »."),
        ({"name": "Formation", "order": "-1"}, "supérieure ou égale à 0"),
    ],
)
def test_a_bad_category_is_refused_in_french(login, cast, plan, data, message):
    before = list(ExpenseCategory.objects.values_list("pk", "name", "order"))
    response = login(cast.coordinator).post(reverse("projects:expense-category-create"), data)
    assert response.status_code == 400
    assert message in page(response)
    assert list(ExpenseCategory.objects.values_list("pk", "name", "order")) == before


def test_another_alliances_category_is_out_of_reach(login, cast, plan):
    other = f.make_plan()
    theirs = ExpenseCategory.objects.for_alliance(other.alliance_id).first()
    coordinator = f.make_user("coord_autre", group=COORDINATION, alliances=[other.alliance])
    ours = alliance_reverse(plan.alliance, "projects:expense-category-update", args=[theirs.pk])
    response = login(cast.coordinator).post(ours, {"name": "Pris", "order": "1"})
    assert response.status_code == 404  # at our address, their category does not exist
    mine = ExpenseCategory.objects.for_alliance(plan.alliance_id).first()
    response = login(coordinator).post(
        alliance_reverse(plan.alliance, "projects:expense-category-update", args=[mine.pk]), {"name": "Pris"}
    )
    assert response.status_code == 403  # their coordinator is no coordinator of ours
    assert not ExpenseCategory.objects.filter(name="Pris").exists()
