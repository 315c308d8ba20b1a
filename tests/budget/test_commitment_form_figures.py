"""The commitment form (issue 23, item 3): beside its fields, what is left to commit in each source and against
each target, to the cent, and what the board granted the project (the amount starts at the balance); once done it
goes back where it was opened from (a path of the portal only), and bad input saves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Commitment
from budget.services.targets import targets_set
from projects.models import ProjectStatus
from tests import factories as f
from tests.budget.test_money_workspace import grant, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(plan, cast, theme):
    a = f.make_source(plan, amount="10000.00", name="Source A", order=1)
    b = f.make_source(plan, amount="5000.50", name="Source B", order=2)
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisines")
    grant(project, "6000.75")
    f.commit(source=a, project=project, amount="2500.25")
    f.commit(source=b, project=project, amount="1000.00")
    return type("Setting", (), {"plan": plan, "a": a, "b": b, "project": project, "theme": theme})


def post(client, setting, amount, *, next_="", source=None):
    return client.post(
        reverse("budget:commitment-create"),
        {
            "source": (source or setting.a).pk,
            "project": setting.project.pk,
            "plan_year": setting.plan.years.get(number=1).pk,
            "amount": amount,
            "decided_on": "2014-06-10",
            "resolution": f.make_resolution(setting.plan.alliance).pk,
            "next": next_,
        },
    )


def test_the_form_shows_what_is_left_per_source_and_the_projects_balance(client, cast, setting):
    client.force_login(cast.coordinator)
    response = client.get(reverse("budget:commitment-create") + f"?projet={setting.project.pk}")
    text = page(response)
    per_source = text.split('data-testid="left-per-source"')[1].split("</table>")[0]
    assert "Source A" in per_source and "7 499,75 $" in per_source  # 10 000,00 − 2 500,25
    assert "Source B" in per_source and "4 000,50 $" in per_source  # 5 000,50 − 1 000,00
    assert "11 500,25 $" in per_source  # in all
    granted = text.split('data-testid="granted"')[1].split("</dl>")[0]
    assert "6 000,75 $" in granted and "3 500,25 $" in granted and "2 500,50 $" in granted
    form = response.context["form"]
    assert form.initial["project"] == setting.project.pk
    assert form.initial["amount"] == Decimal("2500.50")  # granted − already committed


def test_the_targets_left_are_shown_when_set(client, cast, setting):
    targets_set(plan=setting.plan, themes={setting.theme: Decimal("4000.00")}, years={})
    client.force_login(cast.coordinator)
    text = page(client.get(reverse("budget:commitment-create")))
    targets = text.split('data-testid="left-per-target"')[1].split("</table>")[0]
    assert "4 000 $" in targets and "499,75 $" in targets  # 4 000,00 − 3 500,25 committed


def test_it_goes_back_where_it_was_opened(client, cast, setting):
    client.force_login(cast.coordinator)
    back = setting.project.get_absolute_url()
    opened = page(client.get(reverse("budget:commitment-create") + f"?projet={setting.project.pk}&next={back}"))
    assert f'name="next" value="{back}"' in opened and f'href="{back}">Annuler' in opened
    response = post(client, setting, "100,00", next_=back)
    assert response.status_code == 302 and response["Location"] == back
    assert Commitment.objects.count() == 3


@pytest.mark.parametrize("next_", ["https://ailleurs.example/", "//ailleurs.example/", "budget:envelope", ""])
def test_another_site_or_a_bare_word_is_not_followed(client, cast, setting, next_):
    client.force_login(cast.coordinator)
    response = post(client, setting, "100,00", next_=next_)
    assert response.status_code == 302 and response["Location"] == reverse("budget:commitments")


def test_worklist_next_is_kept(client, cast, setting):
    client.force_login(cast.coordinator)
    home = reverse("home")
    response = post(client, setting, "100,00", next_=home)
    assert response["Location"] == home


@pytest.mark.parametrize(
    "amount, message", [("abc", "pas un montant valide"), ("0", "supérieur à zéro"), ("7 499,76", "Il reste")]
)
def test_bad_input_or_over_commitment_saves_nothing(client, cast, setting, amount, message):
    client.force_login(cast.coordinator)
    response = post(client, setting, amount, next_=setting.project.get_absolute_url())
    assert response.status_code == 200
    assert message in page(response)
    assert Commitment.objects.count() == 2
    assert 'data-testid="left-per-source"' in page(response)  # the figures stay beside the errors


def test_a_payment_form_opened_from_a_project_goes_back_to_it(client, cast, setting):
    commitment = Commitment.objects.filter(source=setting.a).get()
    client.force_login(cast.coordinator)
    back = setting.project.get_absolute_url()
    url = reverse("budget:disbursement-create", args=[commitment.pk])
    assert f'name="next" value="{back}"' in page(client.get(url + f"?next={back}"))
    response = client.post(url, {"amount": "100,00", "paid_on": "2014-07-01", "next": back})
    assert response["Location"] == back
    response = client.post(url, {"amount": "100,00", "paid_on": "2014-07-01"})
    assert response["Location"] == reverse("budget:payments")
    assert datetime.date(2014, 7, 1) == commitment.disbursements.first().paid_on
