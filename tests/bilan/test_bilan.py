"""The bilan page and build_bilan: who sees what, periods and filters, the money rule, meetings,
citizens, indicators and their roll-ups, highlights."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from alliances.addresses import alliance_reverse
from bilan.selectors.build import build_bilan
from budget.models import (
    Commitment,
    FundingSource,
)
from budget.services import ledger as ledger_services
from chantiers.models import Attendance
from projects.models import Indicator, IndicatorValue, ProgressReport, ProjectPartner, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
S = ProjectStatus


@pytest.fixture
def world(cast, plan, theme):
    """A (org A, in progress), B (org B, accepted), C (org B with org A as partner), P (another
    organisation's public project), all of 2014-2015, in one space; money on each."""
    other_theme = f.make_theme(plan, name="Logement")
    space = f.make_space(themes=[theme], name="Chantier test")
    other = f.make_organisation(name="Organisme public")
    source = f.make_source(plan, amount="100000.00", code="fqis", name="FQIS")
    dates = {"start_date": D(2014, 5, 1), "end_date": D(2015, 3, 31)}
    a = f.make_project(lead=cast.org_a, theme=theme, status=S.IN_PROGRESS, title="Projet A", space=space, **dates)
    b = f.make_project(lead=cast.org_b, theme=theme, status=S.ACCEPTED, title="Projet B", space=space, **dates)
    c = f.make_project(lead=cast.org_b, theme=other_theme, status=S.ACCEPTED, title="Projet C", **dates)
    ProjectPartner.objects.create(project=c, organisation=cast.org_a)
    p = f.make_project(lead=other, theme=theme, status=S.ACCEPTED, title="Projet public", **dates)
    year2 = f.plan_year(plan, 2)
    for project, amount in ((a, "10000.00"), (b, "20000.50"), (c, "5000.25"), (p, "7000.00")):
        f.commit(source=source, project=project, amount=Decimal(amount), year=year2, decided_on=D(2014, 6, 1))
    return {
        "a": a,
        "b": b,
        "c": c,
        "p": p,
        "space": space,
        "theme": theme,
        "other_theme": other_theme,
        "source": source,
        "year2": year2,
        "plan": plan,
    }


def bilan_for(user, start=datetime.date(2014, 4, 1), end=datetime.date(2015, 3, 31), **filters):
    return build_bilan(user=user, period_start=start, period_end=end, **filters)


def titles(bilan) -> set[str]:
    return {p.title for p in bilan.projects}


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 200), ("staff", 200), ("coordinator", 200)],
)
def test_bilan_access(client, login, cast, plan, who, status):
    response = login(getattr(cast, who)).get(reverse("bilan:bilan"))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))


def test_a_partner_sees_only_its_organisations_projects(cast, world):
    assert titles(bilan_for(cast.alice)) == {"Projet A", "Projet C"}  # lead of A, partner of C; not the public P
    assert titles(bilan_for(cast.bob)) == {"Projet A", "Projet C"}
    assert titles(bilan_for(cast.charlie)) == {"Projet B", "Projet C"}
    assert (
        titles(bilan_for(cast.staff))
        == titles(bilan_for(cast.coordinator))
        == {"Projet A", "Projet B", "Projet C", "Projet public"}
    )
    assert bilan_for(cast.alice).committed == Decimal("15000.25")
    assert bilan_for(cast.staff).committed == Decimal("42000.75")
    assert bilan_for(cast.alice).partial and not bilan_for(cast.staff).partial


def test_the_page_of_a_partner_names_only_its_projects(client, cast, world):
    client.force_login(cast.alice)
    text = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"}).content.decode().replace("\xa0", " ")
    assert "Projet A" in text and "Projet C" in text
    assert "Projet B" not in text and "Projet public" not in text
    assert "15 000,25 $" in text
    assert "Du 1er avril 2014 au 31 mars 2015." in text  # the period, each date without a second article


def test_filters(cast, world):
    staff = cast.staff
    assert titles(bilan_for(staff, theme=world["other_theme"])) == {"Projet C"}
    assert titles(bilan_for(staff, space=world["space"])) == {"Projet A", "Projet B"}
    assert titles(bilan_for(staff, organisation=cast.org_a)) == {"Projet A", "Projet C"}
    assert titles(bilan_for(staff, status=S.IN_PROGRESS)) == {"Projet A"}
    assert bilan_for(staff, theme=world["other_theme"]).committed == Decimal("5000.25")


def test_filters_through_the_page(client, cast, world):
    client.force_login(cast.staff)
    response = client.get(
        reverse("bilan:bilan"), {"periode": "2014-2015", "enjeu": world["other_theme"].slug, "statut": S.ACCEPTED}
    )
    assert [p.title for p in response.context["bilan"].projects] == ["Projet C"]
    csv_body = b"".join(
        client.get(
            reverse("bilan:bilan-csv", args=["projets"]), {"periode": "2014-2015", "lieu": world["space"].pk}
        ).streaming_content
    ).decode()
    assert "Projet A" in csv_body and "Projet B" in csv_body and "Projet C" not in csv_body


@pytest.mark.parametrize(
    "params, message",
    [
        ({"periode": "dates", "du": "2015-01-01", "au": "2014-01-01"}, "La date de début doit précéder la date de fin"),
        ({"periode": "dates", "au": "2014-01-01"}, "Indiquez la date de début de la période."),
        ({"periode": "dates", "du": "2014-01-01"}, "Indiquez la date de fin de la période."),
        ({"periode": "1999-2000"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_period_is_explained_in_french(client, cast, plan, params, message):
    client.force_login(cast.staff)
    response = client.get(reverse("bilan:bilan"), params)
    assert response.status_code == 200
    assert response.context["bilan"] is None
    assert message in response.content.decode().replace("&#x27;", "'")


def test_periods_year_plan_and_dates(client, cast, world):
    client.force_login(cast.staff)
    assert client.get(reverse("bilan:bilan"), {"periode": "2013-2014"}).context["bilan"].committed == Decimal("0.00")
    whole = client.get(reverse("bilan:bilan"), {"periode": "plan"}).context["bilan"]
    assert (whole.period.start, whole.period.end, whole.period.label) == (D(2013, 4, 1), D(2016, 3, 31), "2013-2016")
    assert whole.committed == Decimal("42000.75")
    dates = client.get(reverse("bilan:bilan"), {"periode": "dates", "du": "2014-06-01", "au": "2014-06-01"}).context[
        "bilan"
    ]
    assert dates.committed == Decimal("42000.75")
    assert dates.period.slug == "2014-06-01-2014-06-01"
    # No period given: the plan year of today, or the whole plan outside it
    assert client.get(reverse("bilan:bilan")).status_code == 200


def test_money_rule_reductions_and_corrections(cast, world):

    commitment = Commitment.objects.get(project=world["a"])
    ledger_services.commitment_reduce(
        commitment=commitment,
        amount=Decimal("1000.00"),
        reduced_on=D(2015, 6, 1),
        reason="Moins de participants",
        by=cast.coordinator,
        resolution=f.board(commitment),
    )
    paid = ledger_services.disbursement_create(
        commitment=commitment, amount=Decimal("4000.00"), paid_on=D(2015, 3, 1), by=cast.coordinator
    )
    # A correction dated in the next year counts in the next year, not in the year of the payment.
    ledger_services.disbursement_correct(
        disbursement=paid, delta=Decimal("-250.50"), corrected_on=D(2015, 4, 10), reason="Trop versé"
    )
    year2 = bilan_for(cast.staff)
    year3 = bilan_for(cast.staff, start=D(2015, 4, 1), end=D(2016, 3, 31))
    assert year2.committed == Decimal("41000.75")  # the reduction counts against its commitment
    assert year2.disbursed == Decimal("4000.00")
    assert year3.disbursed == Decimal("-250.50")
    assert year3.committed == Decimal("0.00")
    assert "Projet A" in titles(year3)  # money moved in the period: in the bilan
    line = next(p for p in year2.projects if p.title == "Projet A")
    assert (line.committed, line.disbursed) == (Decimal("9000.00"), Decimal("4000.00"))
    assert next(s for s in year2.by_source if s.key == "fqis").left == Decimal("100000.00") - Decimal("41000.75")
    assert [y.committed for y in year2.by_year] == [Decimal("0.00"), Decimal("41000.75"), Decimal("0.00")]


def test_meetings_and_citizens_of_the_period(cast, world):
    space = world["space"]
    citizen, other = f.make_citizen(), f.make_citizen()
    m1 = f.make_meeting(space, date=D(2014, 5, 1))
    m2 = f.make_meeting(space, date=D(2014, 9, 1))
    outside = f.make_meeting(space, date=D(2013, 9, 1))
    Attendance.objects.create(meeting=m1, citizen=citizen)
    Attendance.objects.create(meeting=m2, citizen=citizen)
    Attendance.objects.create(meeting=m2, citizen=other, present=False)
    Attendance.objects.create(meeting=m2, user=cast.alice, organisation=cast.org_a)
    Attendance.objects.create(meeting=outside, citizen=other)
    bilan = bilan_for(cast.staff)
    assert bilan.meetings_held == 2
    assert (bilan.citizens, bilan.citizen_attendances, bilan.attendances) == (1, 2, 3)
    assert [(m.name, m.meetings, m.citizens) for m in bilan.meetings] == [("Chantier test", 2, 1)]
    # a partner whose organisation does not sit in the space sees no meeting of it
    assert bilan_for(cast.charlie).meetings_held == 0


def report(project, end, percent, *, people=0, citizens=0, highlights="", values=()):
    r = ProgressReport.objects.create(
        project=project,
        period_start=end.replace(day=1),
        period_end=end,
        percent_done=percent,
        people_reached=people,
        citizens_reached=citizens,
        highlights=highlights,
    )
    for indicator, value in values:
        IndicatorValue.objects.create(report=r, indicator=indicator, value=Decimal(value))
    return r


def test_latest_reports_indicators_rollups_and_highlights(cast, world):
    a, b = world["a"], world["b"]
    a_people = Indicator.objects.create(project=a, name="Participants", unit="personnes", target=Decimal("50"))
    a_meals = Indicator.objects.create(project=a, name="Repas", unit="repas", target=Decimal("100"))
    b_people = Indicator.objects.create(project=b, name="Participants", unit="Personnes", target=Decimal("30"))
    report(
        a,
        D(2014, 10, 31),
        40,
        people=30,
        citizens=5,
        highlights="Premier atelier.",
        values=[(a_people, "20"), (a_meals, "120")],
    )
    report(a, D(2015, 2, 28), 70, people=60, citizens=12, highlights="Deuxième atelier.", values=[(a_people, "55")])
    report(a, D(2015, 6, 30), 100, people=90, citizens=20, highlights="Après la période.", values=[(a_people, "80")])
    report(b, D(2014, 8, 31), 10, people=10, values=[(b_people, "12")])
    bilan = bilan_for(cast.staff)
    line = next(p for p in bilan.projects if p.title == "Projet A")
    assert (line.percent_done, line.people_reached, line.citizens_reached) == (70, 60, 12)
    assert [(i.name, i.value, i.on_track) for i in line.indicators] == [
        ("Participants", Decimal("55.00"), True),
        ("Repas", Decimal("120.00"), True),
    ]
    assert line.on_track is True
    assert [h.text for h in line.highlights] == ["Premier atelier.", "Deuxième atelier."]
    assert bilan.citizens_reached == 12 and bilan.people_reached == 70
    space = next(r for r in bilan.space_rollups if r.name == "Chantier test")
    people = next(u for u in space.units if u.unit.lower() == "personnes")
    assert (people.value, people.target, people.indicators) == (Decimal("67.00"), Decimal("80"), 2)  # same unit: summed
    assert [u.unit for u in space.units] == ["personnes", "repas"]
    assert (space.projects, space.on_track) == (2, 1)  # B is below its target
    theme = next(r for r in bilan.theme_rollups if r.name == world["theme"].name)
    assert (theme.projects, theme.on_track) == (2, 1)


def test_the_page_shows_rollups_with_their_targets_and_downloads(client, cast, world):
    Indicator.objects.create(project=world["a"], name="Participants", unit="personnes", target=Decimal("50"))
    client.force_login(cast.coordinator)
    response = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"})
    text = response.content.decode()
    assert "Cumul par lieu de concertation" in text and "Cumul par enjeu" in text
    assert reverse("bilan:bilan-xlsx") + "?periode=2014-2015" in text
    assert reverse("bilan:bilan-csv", args=["rencontres"]) + "?periode=2014-2015" in text
    assert "<caption" in text and 'scope="col"' in text and 'scope="row"' in text
    assert reverse("bilan:progress-import") in text  # Coordination imports
    client.force_login(cast.staff)
    assert reverse("bilan:progress-import") not in client.get(reverse("bilan:bilan")).content.decode()


def test_sources_envelope_is_the_sum_of_the_sources(cast, world):
    bilan = bilan_for(cast.staff)
    assert bilan.envelope == sum((s.amount for s in FundingSource.objects.all()), Decimal("0"))


def test_a_title_that_looks_like_a_formula_stays_text(client, cast, world):
    import io

    from openpyxl import load_workbook

    world["a"].title = '=HYPERLINK("http://example.org","clic")'
    world["a"].save(update_fields=["title"])
    client.force_login(cast.staff)
    body = b"".join(
        client.get(reverse("bilan:bilan-csv", args=["projets"]), {"periode": "2014-2015"}).streaming_content
    ).decode()
    assert "'=HYPERLINK" in body  # neutralised for spreadsheets
    response = client.get(reverse("bilan:bilan-xlsx"), {"periode": "2014-2015"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Projets"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == world["a"].pk)
    assert cell.data_type == "s" and cell.value == world["a"].title


def test_a_partner_filters_only_by_its_own_organisations(client, cast, world):
    client.force_login(cast.alice)
    form = client.get(reverse("bilan:bilan")).context["form"]
    assert list(form.fields["organisation"].queryset) == [cast.org_a]
    response = client.get(reverse("bilan:bilan"), {"periode": "2014-2015", "organisation": cast.org_b.pk})
    assert response.context["bilan"] is None  # not a valid choice for alice


def test_dates_of_a_plan_year_or_of_the_plan_are_named_so(cast, world):
    assert bilan_for(cast.staff).period.label == "2014-2015"
    assert bilan_for(cast.staff, start=D(2013, 4, 1), end=D(2016, 3, 31)).period.label == "2013-2016"
    assert bilan_for(cast.staff, start=D(2014, 4, 2), end=D(2015, 3, 31)).period.kind == "dates"


def test_the_filters_offer_the_spaces_and_organisations_of_the_plan_only(client, cast, world, plan):
    """Other alliances' spaces and organisations are not offered (issue 7: thousands at province scale)."""
    other_plan = f.make_plan(title="Autre alliance")
    other_theme = f.make_theme(plan=other_plan)
    elsewhere = f.make_organisation(name="Organisme d'ailleurs")
    f.make_project(lead=elsewhere, theme=other_theme, space=f.make_space(name="Lieu d'ailleurs", themes=[other_theme]))
    client.force_login(cast.staff)
    response = client.get(alliance_reverse(plan.alliance, "bilan:bilan"))  # two alliances: the address says which
    form = response.context["form"]
    assert elsewhere not in form.fields["organisation"].queryset
    assert not form.fields["lieu"].queryset.filter(name="Lieu d'ailleurs").exists()
    assert form.fields["organisation"].queryset.exists() and form.fields["lieu"].queryset.exists()
    html = response.content.decode()
    assert "Organisme d&#x27;ailleurs" not in html and "Lieu d&#x27;ailleurs" not in html
    for organisation in form.fields["organisation"].queryset:
        assert f'<option value="{organisation.pk}">' in html


def test_the_fast_select_writes_the_same_html_as_djangos(cast, world, plan):
    from django import forms as django_forms
    from django.test.html import parse_html

    from bilan.forms import BilanForm

    form = BilanForm({"periode": "plan", "organisation": str(cast.org_a.pk)}, plan=plan, user=cast.staff)
    assert form.is_valid(), form.errors
    for name in ("lieu", "organisation"):
        field = form.fields[name]
        value = form[name].value()
        django_html = django_forms.Select(choices=field.choices).render(name, value, attrs={"id": f"id_{name}"})
        fast_html = field.widget.render(name, value, attrs={"id": f"id_{name}"})
        assert parse_html(fast_html) == parse_html(django_html)
        assert fast_html.count("<option") == len(field.choices) > 1
