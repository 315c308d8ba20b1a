"""The bilan's money by day (figures.ThemeMoney), kept by the writes of money: a commitment on the day it was
decided (a reduction on that same day), a payment on the day it was made, a correction on its own day. The bilan of
any period of a plan or of a theme sums these rows, and shows to the cent what its commitments and payments say;
check_figures recomputes them."""

import datetime
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from bilan.selectors import build as bilan_build
from bilan.selectors.build import build_bilan
from bilan.selectors.figures import money_rows_of
from budget.services import ledger
from figures.models import ThemeMoney
from projects.models import ProjectStatus
from tests import factories as f

DECIDED, PAID, CORRECTED = datetime.date(2014, 6, 1), datetime.date(2014, 9, 1), datetime.date(2015, 1, 15)


@pytest.fixture
def money(plan, cast, theme):
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=source, project=project, amount="3000.00", decided_on=DECIDED)
    ledger.commitment_reduce(
        commitment=commitment, amount="0.10", reduced_on=CORRECTED, reason="Revu", resolution=f.board(commitment)
    )
    payment = ledger.disbursement_create(commitment=commitment, amount="1000.05", paid_on=PAID)
    ledger.disbursement_correct(disbursement=payment, delta="-0.05", corrected_on=CORRECTED, reason="Erreur")
    return SimpleNamespace(source=source, project=project, commitment=commitment, payment=payment)


def _days(theme):
    return {row.date: (row.committed, row.paid) for row in ThemeMoney.objects.filter(theme=theme)}


def _bilan(user, plan, start, end, **filters):
    bilan = build_bilan(user=user, plan=plan, period_start=start, period_end=end, **filters)
    return bilan.committed, bilan.disbursed, {line.key: (line.committed, line.disbursed) for line in bilan.by_source}


@pytest.mark.django_db
def test_each_write_of_money_counts_on_the_day_the_bilan_dates_it(money, theme):
    assert _days(theme) == {
        DECIDED: (Decimal("2999.90"), Decimal("0.00")),  # the reduction counts on the day of the commitment
        PAID: (Decimal("0.00"), Decimal("1000.05")),
        CORRECTED: (Decimal("0.00"), Decimal("-0.05")),  # the correction on its own day
    }
    call_command("check_figures", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "committed", "paid"),
    [
        (datetime.date(2013, 4, 1), datetime.date(2016, 3, 31), "2999.90", "1000.00"),  # the whole plan
        (DECIDED, DECIDED, "2999.90", "0.00"),  # the day of the commitment alone
        (PAID, CORRECTED - datetime.timedelta(days=1), "0.00", "1000.05"),  # paid, not yet corrected
        (CORRECTED, datetime.date(2016, 3, 31), "0.00", "-0.05"),  # the correction alone
    ],
    ids=["plan", "decided", "paid-before-correction", "correction"],
)
def test_the_bilan_of_a_period_shows_its_days_money_to_the_cent(money, plan, theme, cast, start, end, committed, paid):
    expected = (Decimal(committed), Decimal(paid), {money.source.code: (Decimal(committed), Decimal(paid))})
    assert _bilan(cast.staff, plan, start, end) == expected
    assert _bilan(cast.staff, plan, start, end, theme=theme) == expected
    other = f.make_theme(plan, name="Autre enjeu", slug="autre")
    assert _bilan(cast.staff, plan, start, end, theme=other)[:2] == (Decimal("0.00"), Decimal("0.00"))


@pytest.mark.django_db
def test_the_kept_days_give_what_the_commitments_and_payments_give_for_any_period(money, plan, theme, cast):
    """Commitments of two sources and two years, payments on many days: the kept rows read by the bilan and the
    commitments and payments summed one by one agree for periods cut anywhere, the source's « reste » included."""
    second = f.make_source(plan, amount="5000.00")
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    for n in range(6):
        commitment = f.commit(
            source=(money.source, second)[n % 2],
            project=(money.project, other)[n % 2],
            amount=f"{100 + n}.{n}7",
            year=f.plan_year(plan, n % 3 + 1),
            decided_on=DECIDED + datetime.timedelta(days=40 * n),
        )
        ledger.disbursement_create(
            commitment=commitment, amount=f"{n}.33", paid_on=PAID + datetime.timedelta(days=35 * n)
        )
    years = list(plan.years.all())
    for start, end in [
        (datetime.date(2013, 4, 1), datetime.date(2016, 3, 31)),
        (datetime.date(2014, 7, 1), datetime.date(2014, 12, 31)),
        (datetime.date(2015, 2, 3), datetime.date(2015, 2, 28)),
        (datetime.date(2010, 1, 1), datetime.date(2030, 1, 1)),
    ]:
        scope = bilan_build._scope(
            user=cast.staff,
            period_start=start,
            period_end=end,
            theme=None,
            space=None,
            organisation=None,
            status=None,
            plan=plan,
            period=None,
            years=years,
            themes=None,
        )
        kept = bilan_build._money(scope)
        computed = list(money_rows_of(scope.named.values("pk"), start=scope.start, end=scope.end))
        by_source = {}
        for source, _year, _theme, kind, total in computed:
            by_source[source, kind == 1] = by_source.get((source, kind == 1), Decimal("0")) + total
        for line, source in ((kept["by_source"][0], money.source), (kept["by_source"][1], second)):
            assert line.committed == by_source.get((source.pk, True), Decimal("0.00"))
            assert line.disbursed == by_source.get((source.pk, False), Decimal("0.00"))


@pytest.mark.django_db
def test_a_partner_s_bilan_and_a_filtered_one_still_count_their_own_projects(money, plan, theme, cast):
    """The kept days are the whole plan's or a theme's: a partner sees its own projects' money only, and a bilan
    of one organisation or status counts the money of those projects alone."""
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS)
    f.commit(source=money.source, project=other, amount="500.00", decided_on=DECIDED)
    start, end = datetime.date(2013, 4, 1), datetime.date(2016, 3, 31)
    assert _bilan(cast.staff, plan, start, end)[0] == Decimal("3499.90")
    assert _bilan(cast.charlie, plan, start, end)[0] == Decimal("500.00")  # org_b's partner: its project only
    assert _bilan(cast.staff, plan, start, end, organisation=cast.org_a)[0] == Decimal("2999.90")
    assert _bilan(cast.staff, plan, start, end, status=ProjectStatus.ACCEPTED)[0] == Decimal("0.00")


@pytest.mark.django_db
def test_a_project_moved_to_another_theme_takes_its_days_with_it(money, plan, theme, cast, rf):
    from django.contrib.admin.sites import site

    from projects.models import ActionProject

    other = f.make_theme(plan, name="Autre enjeu", slug="autre")
    request = rf.post("/")
    request.user = cast.coordinator
    project = money.project
    project.theme = other
    site._registry[ActionProject].save_model(request, project, SimpleNamespace(cleaned_data={}), change=True)
    assert _days(other) == {
        DECIDED: (Decimal("2999.90"), Decimal("0.00")),
        PAID: (Decimal("0.00"), Decimal("1000.05")),
        CORRECTED: (Decimal("0.00"), Decimal("-0.05")),
    }
    assert set(_days(theme).values()) == {(Decimal("0.00"), Decimal("0.00"))}  # rows are never deleted
    call_command("check_figures", stdout=StringIO())
    whole = (datetime.date(2013, 4, 1), datetime.date(2016, 3, 31))
    assert _bilan(cast.staff, plan, *whole, theme=other)[:2] == (Decimal("2999.90"), Decimal("1000.00"))
    assert _bilan(cast.staff, plan, *whole, theme=theme)[:2] == (Decimal("0.00"), Decimal("0.00"))


@pytest.mark.django_db
def test_check_figures_finds_a_changed_day_and_fix_rewrites_it(money, theme):
    ThemeMoney.objects.filter(theme=theme, date=PAID).update(paid=Decimal("7.00"))  # behind the services' back
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert "ThemeMoney" in err.getvalue() and "paid 7.00 != 1000.05" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert _days(theme)[PAID] == (Decimal("0.00"), Decimal("1000.05"))
