"""Shared indicators per theme (issue 21, part 1): Coordination lists, creates, edits, archives them and measures a
population one; staff and partners read the list; another alliance's are never found; bad input is refused in
French with nothing saved; a project's indicator links to one of its theme, in the same unit."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from alliances.addresses import alliance_reverse
from plans import services
from plans.models import SharedIndicator, SharedIndicatorMeasure
from projects.models import Indicator
from projects.services.filing import project_save_draft
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def people(theme):
    return services.shared_indicator_create(
        theme=theme, name="Personnes rejointes", unit="personnes", baseline=Decimal("0"), baseline_on=D(2014, 4, 1)
    )


@pytest.fixture
def index(theme):
    return services.shared_indicator_create(
        theme=theme,
        name="Indice de défavorisation",
        unit="indice",
        kind=SharedIndicator.Kind.POPULATION,
        category=SharedIndicator.Category.BETTER_OFF,
        direction=SharedIndicator.Direction.LOWER,
        source="INSPQ",
    )


def _valid(theme):
    return {
        "theme": theme.pk,
        "name": "Ménages accompagnés",
        "kind": "projects",
        "category": "how_well",
        "unit": "ménages",
        "direction": "higher",
        "baseline": "10",
        "baseline_on": "2014-04-01",
        "target": "1 250,5",
        "target_on": "2016-03-31",
        "source": "Rapports des projets",
    }


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("bob", 200), ("charlie", 200), ("staff", 200), ("coordinator", 200)]
)
def test_who_reads_the_list(client, cast, people, who, status):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = client.get(reverse("plans:shared-indicator-list"))
    assert response.status_code == status
    if status == 200:
        assert "Personnes rejointes" in response.content.decode()
        assert ("Nouvel indicateur partagé" in response.content.decode()) is (who == "coordinator")


def test_someone_of_no_organisation_and_no_role_may_not_read_it(client, cast, people):
    client.force_login(f.make_user("personne-seule"))
    assert client.get(reverse("plans:shared-indicator-list")).status_code == 403


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403), ("coordinator", 302)])
def test_only_coordination_creates_one(client, cast, theme, who, status):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = client.post(reverse("plans:shared-indicator-create"), _valid(theme))
    assert response.status_code == status
    created = SharedIndicator.objects.filter(name="Ménages accompagnés").first()
    assert (created is not None) is (who == "coordinator")
    if created:
        assert (created.target, created.baseline_on, created.category) == (
            Decimal("1250.50"),
            D(2014, 4, 1),
            "how_well",
        )


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": ""}, "name", "Nommez l'indicateur."),
        ({"unit": ""}, "unit", "Indiquez l'unité"),
        ({"baseline_on": ""}, "baseline_on", "Datez la valeur de départ."),
        ({"target": "beaucoup"}, "target", ""),
        ({"target_on": "2013-01-01"}, "target_on", "La cible se fixe après la date de la valeur de départ."),
        ({"kind": "population", "source": ""}, "source", "Un indicateur de population cite sa source"),
        ({"theme": "999999"}, "theme", "Choisissez un enjeu du plan."),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(client, cast, theme, change, field, message):
    client.force_login(cast.coordinator)
    response = client.post(reverse("plans:shared-indicator-create"), {**_valid(theme), **change})
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert errors and message in " ".join(errors)
    assert not SharedIndicator.objects.exists()


def test_a_name_twice_in_a_theme_is_refused(client, cast, theme, people):
    client.force_login(cast.coordinator)
    response = client.post(reverse("plans:shared-indicator-create"), {**_valid(theme), "name": "Personnes rejointes"})
    assert response.status_code == 400
    assert "Cet enjeu a déjà un indicateur partagé de ce nom." in response.content.decode()
    assert SharedIndicator.objects.count() == 1


def test_coordination_edits_archives_and_restores_never_deletes(client, cast, people):
    client.force_login(cast.coordinator)
    data = {**_valid(people.theme), "name": "Personnes rejointes (total)", "unit": "personnes"}
    assert client.post(reverse("plans:shared-indicator-update", args=[people.pk]), data).status_code == 302
    people.refresh_from_db()
    assert people.name == "Personnes rejointes (total)" and people.theme_id == data["theme"]
    assert client.post(reverse("plans:shared-indicator-archive", args=[people.pk])).status_code == 302
    people.refresh_from_db()
    assert not people.is_active
    assert client.get(reverse("plans:shared-indicator-archive", args=[people.pk])).status_code == 405
    assert client.post(reverse("plans:shared-indicator-restore", args=[people.pk])).status_code == 302
    people.refresh_from_db()
    assert people.is_active


def test_the_unit_stays_that_of_the_linked_projects(client, cast, theme, people):
    project = f.make_project(lead=cast.org_a, theme=theme)
    Indicator.objects.create(project=project, name="Participants", unit="personnes", shared=people)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("plans:shared-indicator-update", args=[people.pk]), {**_valid(theme), "unit": "ménages"}
    )
    assert response.status_code == 400
    assert "Des indicateurs de projets y sont liés en « personnes »" in response.content.decode()
    people.refresh_from_db()
    assert people.unit == "personnes" and people.name == "Personnes rejointes"


def test_coordination_measures_a_population_indicator_only(client, cast, people, index):
    client.force_login(cast.coordinator)
    url = reverse("plans:shared-indicator-measure", args=[index.pk])
    bad = client.post(url, {"measured_on": "", "value": "abc", "source": ""})
    assert bad.status_code == 400 and not SharedIndicatorMeasure.objects.exists()
    assert "Datez la mesure." in bad.content.decode() and "Citez la source de la mesure." in bad.content.decode()
    good = client.post(url, {"measured_on": "2016-05-10", "value": "0,39", "source": "INSPQ 2016"})
    assert good.status_code == 302
    assert SharedIndicatorMeasure.objects.get().value == Decimal("0.39")
    again = client.post(url, {"measured_on": "2016-05-10", "value": "0,38", "source": "INSPQ 2016"})
    assert again.status_code == 400 and SharedIndicatorMeasure.objects.count() == 1
    assert client.get(reverse("plans:shared-indicator-measure", args=[people.pk])).status_code == 404
    listed = client.get(reverse("plans:shared-indicator-list")).content.decode()
    assert "Dernière mesure : 0,39" in listed and "INSPQ 2016" in listed


def test_another_alliances_indicators_are_never_found_nor_listed(client, cast, plan, people):
    other_theme = f.make_theme(f.make_plan())
    theirs = services.shared_indicator_create(theme=other_theme, name="Leur indicateur", unit="personnes")
    client.force_login(cast.coordinator)  # Coordination of both alliances: at this one's address, only its own
    listed = client.get(alliance_reverse(plan.alliance, "plans:shared-indicator-list")).content.decode()
    assert "Personnes rejointes" in listed and "Leur indicateur" not in listed
    for name in ("shared-indicator-update", "shared-indicator-archive", "shared-indicator-measure"):
        assert client.post(alliance_reverse(plan.alliance, f"plans:{name}", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_the_list_costs_the_same_with_many_indicators(client, cast, plan, theme, django_assert_num_queries):
    client.force_login(cast.staff)
    url = reverse("plans:shared-indicator-list")
    client.get(url)
    for i in range(12):
        indicator = services.shared_indicator_create(
            theme=f.make_theme(plan) if i % 4 == 0 else theme, name=f"Indicateur {i}", unit="personnes"
        )
        Indicator.objects.create(
            project=f.make_project(lead=cast.org_a, theme=indicator.theme), name="x", unit="personnes", shared=indicator
        )
    # session, user, the alliance of the address, the roles, the plan, the indicators with their themes, links and
    # latest measure (one query, whatever their number)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count('data-testid="shared-indicator"') == 12


# ---------------------------------------------------------------- a project's indicator linked to one


def test_a_project_indicator_links_to_a_shared_one_of_its_theme_in_its_unit(cast, theme, people):
    project = f.make_project(lead=cast.org_a, theme=theme)
    project_save_draft(
        by=cast.alice,
        project=project,
        indicators=[{"name": "Participants", "unit": "", "target": None, "shared": people}],
    )
    linked = project.indicators.get()
    assert (linked.shared, linked.unit) == (people, "personnes")  # no unit of its own: the shared one's


@pytest.mark.parametrize("unit", ["ménages", "repas"])
def test_another_unit_is_refused_and_nothing_saved(cast, theme, people, unit):
    from django.core.exceptions import ValidationError

    project = f.make_project(lead=cast.org_a, theme=theme)
    Indicator.objects.create(project=project, name="Ancien", unit="personnes")
    with pytest.raises(ValidationError) as refused:
        project_save_draft(
            by=cast.alice, project=project, indicators=[{"name": "Participants", "unit": unit, "shared": people}]
        )
    assert "les unités doivent concorder" in " ".join(refused.value.messages)
    assert list(project.indicators.values_list("name", flat=True)) == ["Ancien"]


def test_a_shared_indicator_of_another_theme_is_refused(cast, plan, theme, people):
    from django.core.exceptions import ValidationError

    project = f.make_project(lead=cast.org_a, theme=f.make_theme(plan))
    with pytest.raises(ValidationError) as refused:
        project_save_draft(
            by=cast.alice, project=project, indicators=[{"name": "Participants", "unit": "personnes", "shared": people}]
        )
    assert "d'un autre enjeu que celui du projet" in " ".join(refused.value.messages)
    assert not project.indicators.exists()


def test_the_project_form_offers_its_plans_shared_indicators_only(client, cast, plan, theme, people):
    other = services.shared_indicator_create(theme=f.make_theme(f.make_plan()), name="Leur indicateur", unit="x")
    project = f.make_project(lead=cast.org_a, theme=theme)
    client.force_login(cast.alice)
    url = alliance_reverse(plan.alliance, "projects:project-update", args=[project.pk])
    page = client.get(url).content.decode()
    assert "Personnes rejointes" in page and "Leur indicateur" not in page
    form = {
        "indicateurs-TOTAL_FORMS": "1",
        "indicateurs-INITIAL_FORMS": "0",
        "indicateurs-0-name": "Participants",
        "indicateurs-0-unit": "personnes",
        "indicateurs-0-shared": str(other.pk),
    }
    response = client.post(url, form)
    assert "Choisissez un indicateur partagé des enjeux du plan." in response.content.decode()
    assert not project.indicators.exists()
