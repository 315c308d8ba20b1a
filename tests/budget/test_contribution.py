"""Concertation as a contribution (issue 21, part 3): partner staff's hours at meetings valued at the alliance's hourly
rate (« Temps valorisé », in kind, never added to money), and the support paid to help citizens take part (no name,
never deleted: cancelled with a reason), in the bilan and on the envelope page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bilan.selectors.build import build_bilan
from budget.models import ContributionRate, ParticipationSupport
from budget.selectors.envelope import envelope_overview
from budget.services import contribution as services
from chantiers.services import attendance_record, facilitator_name, space_create, space_seat_organisation
from projects.models import ExpenseCategory
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig").replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def space(asis, cast):
    """A space of ASIS's first theme where organisations A and B sit."""
    space = space_create(themes=[asis.themes.get(order=1)], name="Table logement", lead_organisation=cast.org_a)
    space_seat_organisation(space=space, organisation=cast.org_b)
    return space


@pytest.fixture
def held(asis, cast, space):
    """Two meetings held: 90 minutes with alice, charlie and a citizen on 2014-05-01; 60 minutes with alice alone on
    2014-07-01. The rate is 40,00 $ from 2014-01-01, then 50,00 $ from 2014-06-01."""
    first = f.make_meeting(
        space, date=datetime.date(2014, 5, 1), start_time=datetime.time(13), end_time=datetime.time(14, 30)
    )
    second = f.make_meeting(
        space, date=datetime.date(2014, 7, 1), start_time=datetime.time(9), end_time=datetime.time(10)
    )
    attendance_record(meeting=first, users=[cast.alice, cast.charlie], citizens=[f.make_citizen()])
    attendance_record(meeting=second, users=[cast.alice])
    services.contribution_rate_set(
        alliance=asis.alliance, hourly_rate="40,00", valid_from=datetime.date(2014, 1, 1), by=cast.coordinator
    )
    services.contribution_rate_set(
        alliance=asis.alliance, hourly_rate="50", valid_from=datetime.date(2014, 6, 1), by=cast.coordinator
    )
    return first, second


def bilan_of(asis, user, **filters):
    return build_bilan(
        user=user, period_start=datetime.date(2014, 4, 1), period_end=datetime.date(2015, 3, 31), plan=asis, **filters
    )


def test_staff_hours_are_valued_at_the_rate_of_their_day_and_citizens_are_not(asis, cast, held):
    bilan = bilan_of(asis, cast.coordinator)
    # 2 × 1,5 h × 40 $ (a citizen present is not staff time) + 1 h × 50 $ (the rate changed in June)
    assert bilan.valued_time == Decimal("170.00")
    assert bilan.staff_hours == Decimal("4.00")
    (space_line,) = bilan.meetings
    assert space_line.valued_time == Decimal("170.00") and space_line.citizen_attendances == 1
    (theme_line,) = bilan.contribution_by_theme
    assert theme_line.name == asis.themes.get(order=1).name and theme_line.valued_time == Decimal("170.00")
    assert bilan.committed == Decimal("0.00")  # never money


def test_without_a_rate_nothing_is_valued(asis, cast, space):
    meeting = f.make_meeting(
        space, date=datetime.date(2014, 5, 1), start_time=datetime.time(13), end_time=datetime.time(14)
    )
    attendance_record(meeting=meeting, users=[cast.alice])
    bilan = bilan_of(asis, cast.coordinator)
    assert bilan.staff_hours == Decimal("1.00") and bilan.valued_time == Decimal("0.00")


def test_the_bilan_summary_labels_the_valued_time_apart_from_the_money(asis, cast, held):
    rows = {label: value for label, value, _kind in bilan_of(asis, cast.coordinator).summary_rows()}
    assert rows["Temps valorisé (contribution en nature, non monétaire)"] == Decimal("170.00")
    assert rows["Soutien à la participation citoyenne"] == Decimal("0.00")
    partner = {label for label, _value, _kind in bilan_of(asis, cast.alice).summary_rows()}
    assert "Temps valorisé (contribution en nature, non monétaire)" not in partner  # a partner's bilan: no figure


def test_the_envelope_shows_the_valued_time_beside_the_leverage(asis, client, cast, held):
    overview = envelope_overview(asis)
    assert overview["valued_time"] == Decimal("170.00")
    assert overview["envelope"] == sum((s.amount for s in overview["sources"]), Decimal("0"))  # not added
    client.force_login(cast.staff)
    html = page(client.get(reverse("budget:envelope")))
    assert (
        "Temps valorisé (contribution en nature, non monétaire) : 170 $ du temps du personnel des partenaires" in html
    )
    assert "pas de l'argent, ajouté à aucun total" in html


def test_support_is_counted_per_space_and_cancelled_support_is_not(asis, cast, space, held):
    support = services.participation_support_record(
        space=space,
        meeting=held[0],
        paid_on=datetime.date(2014, 5, 1),
        kind="transport",
        amount="45,50",
        people=3,
        by=cast.coordinator,
    )
    assert support.category.name == "Participation citoyenne"  # the alliance's own money, not the envelope
    services.participation_support_record(
        space=space, paid_on=datetime.date(2014, 7, 1), kind="meals", amount="20", people=2, by=cast.coordinator
    )
    bilan = bilan_of(asis, cast.coordinator)
    assert bilan.support_total == Decimal("65.50") and bilan.meetings[0].support == Decimal("65.50")
    assert bilan.contribution_by_theme[0].support == Decimal("65.50")
    services.participation_support_cancel(support=support, reason="Saisi deux fois", by=cast.coordinator)
    assert bilan_of(asis, cast.coordinator).support_total == Decimal("20.00")
    assert ParticipationSupport.objects.count() == 2  # kept, cancelled


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"amount": "0"}, "amount", "Le montant doit être plus grand que zéro."),
        ({"amount": "-5"}, "amount", "Le montant doit être plus grand que zéro."),
        ({"people": 0}, "people", "au moins une"),
        ({"paid_on": datetime.date.today() + datetime.timedelta(days=2)}, "paid_on", "future"),
    ],
)
def test_bad_support_is_refused_in_french_and_nothing_saved(asis, cast, space, data, field, message):
    arguments = {"space": space, "paid_on": datetime.date(2014, 5, 1), "kind": "transport", "amount": "10", "people": 1}
    with pytest.raises(ValidationError) as error:
        services.participation_support_record(by=cast.coordinator, **{**arguments, **data})
    assert message in " ".join(error.value.message_dict[field])
    assert not ParticipationSupport.objects.exists()


def test_a_category_or_meeting_of_elsewhere_is_refused(asis, cast, space):
    other = f.make_alliance(name="Autre alliance", acronym="AUT")
    elsewhere = ExpenseCategory.objects.filter(alliance=other).first() or ExpenseCategory.objects.create(
        alliance=other, name="X"
    )
    arguments = {"space": space, "paid_on": datetime.date(2014, 5, 1), "kind": "transport", "amount": "10", "people": 1}
    with pytest.raises(ValidationError, match="autre alliance"):
        services.participation_support_record(by=cast.coordinator, category=elsewhere, **arguments)
    other_space = space_create(themes=[asis.themes.get(order=2)], name="Autre lieu")
    meeting = f.make_meeting(other_space)
    with pytest.raises(ValidationError, match="autre lieu"):
        services.participation_support_record(by=cast.coordinator, meeting=meeting, **arguments)
    assert not ParticipationSupport.objects.exists()


@pytest.mark.parametrize("rate, message", [("0", "plus grand que zéro"), ("1500", "999,99"), ("12,345", "")])
def test_a_bad_rate_is_refused_and_nothing_saved(asis, client, cast, rate, message):
    client.force_login(cast.coordinator)
    response = client.post(reverse("budget:contribution-rate-set"), {"hourly_rate": rate, "valid_from": "2014-04-01"})
    assert response.status_code == 400 and message in page(response)
    assert not ContributionRate.objects.exists()


def test_a_rate_twice_the_same_day_is_refused(asis, client, cast):
    client.force_login(cast.coordinator)
    data = {"hourly_rate": "35,50", "valid_from": "2014-04-01"}
    assert client.post(reverse("budget:contribution-rate-set"), data).status_code == 302
    response = client.post(reverse("budget:contribution-rate-set"), {**data, "hourly_rate": "40"})
    assert response.status_code == 400 and "Un taux est déjà fixé à compter de cette date." in page(response)
    assert list(ContributionRate.objects.values_list("hourly_rate", flat=True)) == [Decimal("35.50")]


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)],
)
def test_page_access(asis, login, cast, who, status):
    assert login(getattr(cast, who)).get(reverse("budget:contribution")).status_code == status


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403), ("coordinator", 302)])
def test_only_coordination_sets_the_rate(asis, login, cast, who, status):
    response = login(getattr(cast, who)).post(
        reverse("budget:contribution-rate-set"), {"hourly_rate": "35", "valid_from": "2014-04-01"}
    )
    assert response.status_code == status
    assert ContributionRate.objects.exists() is (status == 302 and who == "coordinator")


def test_a_facilitator_records_and_cancels_their_space_support_only(asis, client, cast, space):
    facilitator_name(space=space, user=cast.alice, by=cast.coordinator)
    other = space_create(themes=[asis.themes.get(order=1)], name="Chantier emploi", lead_organisation=cast.org_a)
    client.force_login(cast.alice)
    html = page(client.get(reverse("budget:contribution")))
    assert "Vous voyez les soutiens des lieux que vous animez." in html and "Fixer ce taux" not in html
    data = {"paid_on": "2014-05-01", "kind": "childcare", "amount": "30,00", "people": "2"}
    refused = client.post(reverse("budget:participation-support-record"), {**data, "space": other.pk})
    assert refused.status_code == 400 and not ParticipationSupport.objects.exists()  # not their space
    assert client.post(reverse("budget:participation-support-record"), {**data, "space": space.pk}).status_code == 302
    theirs = ParticipationSupport.objects.get()
    assert theirs.amount == Decimal("30.00") and theirs.people == 2 and theirs.created_by == cast.alice
    elsewhere = services.participation_support_record(
        space=other, paid_on=datetime.date(2014, 5, 2), kind="meals", amount="5", people=1, by=cast.coordinator
    )
    cancel = reverse("budget:participation-support-cancel", args=[elsewhere.pk])
    assert client.post(cancel, {"reason": "Non"}).status_code == 403
    refused = client.post(reverse("budget:participation-support-cancel", args=[theirs.pk]), {"reason": ""})
    assert refused.status_code == 400 and "Donnez le motif de l&#x27;annulation." in refused.content.decode()
    theirs.refresh_from_db()
    assert not theirs.is_cancelled  # no reason: nothing changed
    client.post(reverse("budget:participation-support-cancel", args=[theirs.pk]), {"reason": "Erreur"})
    theirs.refresh_from_db()
    assert theirs.is_cancelled and theirs.cancel_reason == "Erreur" and theirs.cancelled_by == cast.alice


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("bob", 403), ("staff", 403), ("coordinator", 302)])
def test_who_records_support(asis, login, cast, space, who, status):
    data = {"space": space.pk, "paid_on": "2014-05-01", "kind": "transport", "amount": "12", "people": "1"}
    assert login(getattr(cast, who)).post(reverse("budget:participation-support-record"), data).status_code == status
    assert ParticipationSupport.objects.exists() is (status == 302 and who == "coordinator")


def test_the_page_shows_the_history_and_the_supports_in_a_fixed_number_of_queries(
    asis, client, cast, space, held, django_assert_num_queries
):
    for day in range(1, 6):
        services.participation_support_record(
            space=space, paid_on=datetime.date(2014, 5, day), kind="meals", amount="10", people=1, by=cast.coordinator
        )
    client.force_login(cast.coordinator)
    client.get(reverse("budget:contribution"))  # warm the session and the alliance
    # 1 session, 1 alliance, 1 user, 1 roles; 1 rates with who set them, 1 supports with their space, meeting and
    # category, 1 their totals; the support form's choices: 1 spaces, 1 meetings, 1 expense categories
    with django_assert_num_queries(10):
        response = client.get(reverse("budget:contribution"))
    html = page(response)
    assert "40 $" in html and "50 $" in html and "Repas" in html
    assert "5 soutiens, 50 $, pour 5 personnes aidées" in html


def test_the_bilan_page_and_its_csv_show_the_valued_time_labelled_as_in_kind(asis, client, cast, held):
    client.force_login(cast.staff)
    html = page(client.get(reverse("bilan:bilan"), {"periode": "2014-2015"}))
    assert "Temps valorisé (contribution en nature, non monétaire) : 170 $ pour 4,00 heures" in html
    assert "ce montant n'est ajouté ni à l'enveloppe" in html
    csv = page(client.get(reverse("bilan:bilan-csv", args=["rencontres"]), {"periode": "2014-2015"}))
    assert "Temps valorisé (contribution en nature, non monétaire)" in csv and "170.00" in csv
    summary = page(client.get(reverse("bilan:bilan-csv", args=["synthese"]), {"periode": "2014-2015"}))
    assert "Temps valorisé (contribution en nature, non monétaire)" in summary
    client.force_login(cast.alice)  # a partner's bilan: no valued time
    assert "Temps valorisé" not in page(client.get(reverse("bilan:bilan"), {"periode": "2014-2015"}))


# ---------------------------------------------------------------- two alliances (issue 17's isolation)


def test_each_alliance_keeps_its_rate_and_its_supports(client):
    from tests.alliance_money import two_alliances, url

    world = two_alliances()
    north, south = world.north, world.south
    services.contribution_rate_set(
        alliance=north.alliance, hourly_rate="30", valid_from=datetime.date(2013, 4, 1), by=north.coordinator
    )
    support = services.participation_support_record(
        space=north.space,
        paid_on=datetime.date(2014, 5, 1),
        kind="meals",
        amount="18,25",
        people=4,
        by=north.coordinator,
    )
    client.force_login(south.coordinator)
    # Nord's page and writes at Nord's address: not Sud's coordinator's
    assert client.get(url(north, "budget:contribution")).status_code == 403
    data = {"hourly_rate": "99", "valid_from": "2014-04-01"}
    assert client.post(url(north, "budget:contribution-rate-set"), data).status_code == 403
    cancel = {"reason": "Pas à moi"}
    assert client.post(url(north, "budget:participation-support-cancel", support.pk), cancel).status_code == 403
    # at Sud's address, Nord's support is unknown and Nord's space not offered; Sud's page lists nothing of Nord
    assert client.post(url(south, "budget:participation-support-cancel", support.pk), cancel).status_code == 404
    record = {"space": north.space.pk, "paid_on": "2014-05-01", "kind": "meals", "amount": "5", "people": "1"}
    assert client.post(url(south, "budget:participation-support-record"), record).status_code == 400
    html = page(client.get(url(south, "budget:contribution")))
    assert "Chantier Nord" not in html and "30 $" not in html
    assert client.post(url(south, "budget:contribution-rate-set"), data).status_code == 302
    assert ContributionRate.objects.filter(alliance=north.alliance).count() == 1
    assert ParticipationSupport.objects.count() == 1 and not ParticipationSupport.objects.get().is_cancelled
    # the funder of Nord reads Nord's page, writes nothing
    client.force_login(world.funder)
    assert client.get(url(north, "budget:contribution")).status_code == 200
    assert client.post(url(north, "budget:contribution-rate-set"), data).status_code == 403
