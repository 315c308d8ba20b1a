"""The pages « Terminer le plan » and « Démarrer le plan suivant »: Coordination of the plan's alliance only, a GET
changes nothing, the next plan is started after a confirmation step that shows what is carried and returned."""

import html
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from organisations.roles import COORDINATION
from plans.models import Plan
from succession import views
from succession.models import FrozenBilan
from tests import factories as f
from tests.succession.conftest import NEW_SOURCES, carry_resolution
from tests.succession.test_plan_next_start import state

pytestmark = pytest.mark.django_db


def addresses(plan) -> SimpleNamespace:
    """The pages at the plan's alliance's addresses (/<alliance>/plan/terminer/), where they stay when a test makes
    a second alliance."""
    return SimpleNamespace(**{key: alliance_reverse(plan.alliance, name) for key, name in URL_NAMES.items()})


URL_NAMES = {"close": "succession:plan-close", "next": "succession:plan-next", "plan": "plan"}


@pytest.fixture
def url(current):
    return addresses(current)


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


class Inputs(HTMLParser):
    """The named inputs of a page's last POST form, as a browser would send them (buttons aside)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append([])
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") != "submit":
            self.forms[-1].append((attrs["name"], attrs.get("value", "")))


def posted_by_the_confirmation(response) -> dict:
    parser = Inputs()
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.forms[-1]:
        data.setdefault(name, []).append(value)
    return data


def other_alliance_coordinator():
    other = f.make_plan(start_date=f.datetime.date(2013, 4, 1))
    return f.make_user(group=COORDINATION, alliances=[other.alliance])


@pytest.mark.parametrize("page", ["close", "next"])
@pytest.mark.parametrize("who", ["anonymous", "alice", "bob", "charlie", "staff", "other alliance", "group only"])
def test_only_coordination_of_the_alliance(client, cast, world, page, who):
    if who == "group only":
        # Coordination's group, without a role in this alliance
        user = f.make_user(group=COORDINATION, alliances=[])
    elif who == "other alliance":
        user = other_alliance_coordinator()
    else:
        user = getattr(cast, who)
    if user.is_authenticated:
        client.force_login(user)
    before = state()
    address = getattr(addresses(world.plan), page)
    for response in (client.get(address), client.post(address, {"note": "", "confirm": "on", "etape": "apercu"})):
        if who == "anonymous":
            assert response.status_code == 302 and reverse("login") in response.url
        else:
            assert response.status_code == 403
    assert state() == before and not FrozenBilan.objects.exists()


def test_coordination_and_a_superuser_open_the_close_page(client, world, url):
    client.force_login(world.by)
    before = state()
    response = client.get(url.close)
    assert response.status_code == 200
    assert "Terminer le plan et figer son bilan" in text(response)
    assert state() == before  # a GET changes nothing
    client.force_login(f.make_user(is_superuser=True))
    assert client.get(url.close).status_code == 200


def test_closing_through_the_page(client, world, url):
    client.force_login(world.by)
    response = client.post(url.close, {"note": "Résolution CA-2016-03"})
    assert response.status_code == 200 and "Cochez la case pour confirmer" in text(response)
    assert not FrozenBilan.objects.exists()

    response = client.post(url.close, {"note": "Résolution CA-2016-03", "confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == url.next
    assert "est terminé; son bilan 2013-2016 est figé" in text(response)
    world.plan.refresh_from_db()
    assert world.plan.status == Plan.Status.CLOSED
    assert FrozenBilan.objects.get(plan=world.plan).note == "Résolution CA-2016-03"
    # Closed: the page says so and closes nothing more.
    response = client.post(url.close, {"confirm": "on"})
    assert response.status_code == 200 and "déjà terminé" in text(response)
    assert FrozenBilan.objects.count() == 1


def test_the_next_plan_page_of_a_current_plan_asks_to_close_it_first(client, world, url):
    client.force_login(world.by)
    response = client.get(url.next)
    assert response.status_code == 200 and "terminez-le d'abord" in text(response)


def the_form(closed) -> dict:
    return {
        "etape": "apercu",
        "title": "Plan d'action 2016-2019",
        "start_date": "2016-04-01",
        "themes": [closed.t1.pk, closed.t2.pk],
        "spaces": [closed.s1.pk],
        "criteria": "on",
        "targets": "on",
        "projects": [closed.p1.pk],
        "reason": "Fin du plan : argent non utilisé",
        "resolution": carry_resolution(closed).pk,
        "roles": list(AllianceRole.objects.open().values_list("pk", flat=True)),
        "sources-TOTAL_FORMS": "3",
        "sources-INITIAL_FORMS": "2",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "20",
        **{
            f"sources-{i}-{name}": source[name]
            for i, source in enumerate(NEW_SOURCES)
            for name in ("code", "name", "funder", "amount")
        },
    }


def test_the_next_plan_form_begins_with_everything_ticked(client, closed, url):
    client.force_login(closed.by)
    before = state()
    response = client.get(url.next)
    assert response.status_code == 200
    page = text(response)
    form = response.context["form"]
    assert form["themes"].value() == [closed.t1.pk, closed.t2.pk]
    assert form["spaces"].value() == [closed.s1.pk, closed.s2.pk]
    assert form["projects"].value() == [closed.p1.pk, closed.p2.pk]  # ongoing: P3 is completed
    assert form["criteria"].value() and form["targets"].value()
    assert form["start_date"].value().isoformat() == "2016-04-01"
    for pk in (closed.t1.pk, closed.s2.pk, closed.p2.pk):
        assert f'value="{pk}"' in page
    assert page.count("checked") >= 2 + 2 + 2 + 1 + 2  # themes, spaces, projects, role, criteria and targets
    assert "6 666,67 $" in page and "1 500,25 $" in page and "500 $" in page  # what is left, per commitment
    assert "reste 8 166,92 $" in page  # per project
    assert state() == before


def test_starting_the_next_plan_through_the_confirmation(client, closed, url):
    client.force_login(closed.by)
    before = state()
    response = client.post(url.next, the_form(closed))
    assert response.status_code == 200, response.context["form"].errors
    page = text(response)
    assert "Confirmer le plan suivant" in page
    assert "8 166,92 $" in page  # carried: P1's two commitments
    assert "4 500 $" in page  # returned: P2 (not carried) and P3 (completed)
    assert "Table logement" in page  # archived
    assert state() == before  # nothing yet

    data = posted_by_the_confirmation(response)
    data["etape"] = "confirmer"
    response = client.post(url.next, data, follow=True)
    assert response.redirect_chain[-1][0] == url.plan
    assert "a démarré : 1 projets continuent avec 8 166,92 $; 4 500 $ retournent" in text(response)
    new = Plan.objects.get(alliance=closed.plan.alliance, status=Plan.Status.CURRENT)
    assert new.title == "Plan d'action 2016-2019" and new.funding_sources.count() == 2
    assert closed.p1.continuations.get().theme.plan == new


def test_the_money_moves_only_by_a_resolution_of_the_alliance(client, closed, url):
    """Carrying and returning the money left is the board's decision: the form lists the alliance's resolutions
    (not another alliance's), refuses without one in French, and the confirmation names the one chosen."""
    client.force_login(closed.by)
    other = f.make_resolution(f.make_alliance(), "CA-AUTRE-99")
    page = text(client.get(url.next))
    assert "CA-2016-03" not in page  # not recorded yet
    carry_resolution(closed)
    page = text(client.get(url.next))
    assert "CA-2016-03 — 15 mars 2016" in page and "CA-AUTRE-99" not in page
    before = state()
    for chosen in ("", other.pk):
        data = the_form(closed)
        data["resolution"] = chosen
        response = client.post(url.next, data)
        assert response.status_code == 200 and "Confirmer le plan suivant" not in text(response)
        assert response.context["form"].errors["resolution"] == [
            "Choisissez la résolution du conseil d'administration qui décide du report de l'argent restant et de "
            "son retour aux sources."
            if chosen == ""
            else "Cette résolution n'est pas une résolution de votre alliance."
        ]
        data["etape"] = "confirmer"  # straight to the start: refused the same, nothing carried
        client.post(url.next, data)
        assert state() == before
    response = client.post(url.next, the_form(closed))
    assert "Report et retour décidés par la résolution CA-2016-03 du 15 mars 2016" in text(response)


def test_modifying_the_choices_goes_back_to_the_form_with_them(client, closed, url):
    client.force_login(closed.by)
    data = posted_by_the_confirmation(client.post(url.next, the_form(closed)))
    data["etape"] = "modifier"
    response = client.post(url.next, data)
    assert response.status_code == 200 and "Voir ce qui sera reporté" in text(response)
    assert response.context["form"]["spaces"].value() == [str(closed.s1.pk)]


def test_a_refused_start_shows_why_and_saves_nothing(client, closed, url):
    client.force_login(closed.by)
    data = the_form(closed)
    data["themes"] = [closed.t2.pk]  # P1 continues without its theme
    data["etape"] = "confirmer"
    before = state()
    response = client.post(url.next, data)
    assert response.status_code == 200
    assert "son enjeu « Sécurité alimentaire » n'est pas reporté" in text(response)
    assert state() == before


def test_a_source_row_cleared_is_not_taken(client, closed, url):
    client.force_login(closed.by)
    data = the_form(closed)
    for name in ("code", "name", "funder", "amount"):
        data[f"sources-1-{name}"] = ""  # the Ville source is not taken: P1's Ville money cannot be carried
    response = client.post(url.next, data)
    assert response.status_code == 200 and "Voir ce qui sera reporté" not in text(response)
    assert [s["code"] for s in response.context["summary"].sources] == ["fqis"]
    data = posted_by_the_confirmation(response)
    data["etape"] = "confirmer"
    before = state()
    response = client.post(url.next, data)
    assert "aucune source du bailleur de fonds « Ville »" in text(response)
    assert state() == before


def test_bad_input_is_refused_in_french(client, closed, url):
    client.force_login(closed.by)
    data = the_form(closed)
    data["start_date"] = "9999-01-01"
    data["sources-0-amount"] = "1e30"
    data["projects"] = ["999999999999999999999"]
    before = state()
    response = client.post(url.next, data)
    assert response.status_code == 200 and "Voir ce qui sera reporté" in text(response)
    assert state() == before


def test_the_view_takes_the_request_plan_when_the_middleware_sets_one(rf, closed, url):
    """The lead's middleware sets request.plan: the pages use it rather than the current plan."""
    request = rf.get(url.next)
    request.user = closed.by
    request.plan = closed.plan
    assert views._plan_of_coordination(request) == closed.plan
    request.user = AnonymousUser()
    with pytest.raises(views.PermissionDenied):
        views._plan_of_coordination(request)
