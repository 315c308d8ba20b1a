from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from budget.models import FundingSource
from organisations.models import Organisation
from plans.models import MobilisationActivity, Plan, PlanYear, Principle, Theme

pytestmark = pytest.mark.django_db

THEMES = [
    "Bénévolat et entraide",
    "Emploi, main-d'œuvre et insertion socioprofessionnelle",
    "Logement et habitation",
    "Pauvreté et défavorisation",
    "Petite enfance et famille",
    "Vieillissement de la population",
]


def snapshot():
    """Every row of every domain model, as values: what 'the same rows' means."""
    rows = {}
    for app_label in ("organisations", "alliances", "privacy", "plans", "chantiers", "projects", "budget"):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label == "plans.PlanVersion":
                continue  # moved by every load (plans.versions.move_all), so that no cached figure outlives it
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("updated_at",)]
            rows[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return rows


def test_load_asis_loads_what_the_source_states(capsys):
    call_command("load_asis")

    assert list(Theme.objects.order_by("order").values_list("name", flat=True)) == THEMES
    sources = {s.code: s.amount for s in FundingSource.objects.all()}
    assert sources == {"fqis": Decimal("467136.00"), "ville-rn": Decimal("35000.00")}
    assert FundingSource.objects.totals()["envelope"] == Decimal("502136.00")
    rnvvs = Organisation.objects.get(is_coordinating_body=True)
    assert rnvvs.name == "Rouyn-Noranda, ville et villages en santé"
    assert rnvvs.acronym == "RNVVS"
    plan = Plan.objects.get()
    alliance = plan.alliance
    assert alliance.coordinating_organisation == rnvvs
    assert (alliance.name, alliance.acronym, alliance.slug) == (
        "Alliance pour la solidarité et l'inclusion sociale de Rouyn-Noranda",
        "ASIS",
        "rouyn-noranda",
    )
    assert (alliance.territory, alliance.region) == ("Rouyn-Noranda", "Abitibi-Témiscamingue")
    assert (alliance.mandated_by, alliance.mandate_date) == ("CRÉ de l'Abitibi-Témiscamingue", "Hiver 2012")
    assert list(alliance.funders.all()) == []  # the source names no funder as an organisation
    assert plan.status == Plan.Status.CURRENT
    assert (plan.mobilised_organisations, plan.mobilised_people) == (40, 60)
    assert Principle.objects.count() == 5
    assert "hyperconcertation" in Principle.objects.get(number=3).text
    assert "citoyen" in Principle.objects.get(number=5).text
    activities = list(MobilisationActivity.objects.all())
    assert len(activities) == 3
    # The source gives the period (March–September 2013), not each date nor attendance: nothing invented.
    assert all(
        a.period_start.isoformat() == "2013-03-01" and a.period_end.isoformat() == "2013-09-30" for a in activities
    )
    assert all(a.held_on is None and a.participants is None for a in activities)
    assert [y.label for y in PlanYear.objects.order_by("number")] == ["2013-2014", "2014-2015", "2015-2016"]
    assert "502 136 $" in capsys.readouterr().out.replace("\xa0", " ")


def test_load_asis_twice_leaves_the_same_rows():
    call_command("load_asis")
    first = snapshot()
    call_command("load_asis")
    assert snapshot() == first


def test_load_asis_keeps_plan_years_a_coordinator_changed():
    call_command("load_asis")
    year = PlanYear.objects.get(number=1)
    year.start_date = year.start_date.replace(month=7)
    year.save()
    call_command("load_asis")
    assert PlanYear.objects.get(number=1).start_date.month == 7
