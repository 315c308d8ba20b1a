"""The bilan's figures are SQL aggregates (issue 7): they equal, to the cent, what summing every
project line in Python gives — the way the bilan computed them before — across statuses, spaces,
themes, units written differently, commitments reduced, payments corrected, reports before and in
the period; and a page builds only its own lines, at a cost that does not grow with the projects."""

import datetime
import heapq
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asis import figures_cache
from bilan.selectors import build, figures, lines
from bilan.selectors._common import PER_PAGE
from bilan.selectors.build import build_bilan
from budget.figures_check import figures_rewrite
from budget.models import Commitment, Disbursement, DisbursementCorrection
from projects.models import (
    ActionProject,
    Indicator,
    IndicatorValue,
    ProgressReport,
    ProjectPartner,
    ProjectStatus,
)
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
ZERO, CENT = Decimal("0.00"), Decimal("0.01")
STATUSES = [ProjectStatus.IN_PROGRESS, ProjectStatus.ACCEPTED, ProjectStatus.COMPLETED, ProjectStatus.AGREEMENT_SIGNED]
UNITS = ["personnes", "Personnes", " personnes ", "repas", "", "Repas", "ménages"]


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 projects, so that the exports' lines cross several chunk boundaries."""
    monkeypatch.setattr(lines, "CHUNK", 7)
    monkeypatch.setattr(lines._each_built, "__kwdefaults__", {"chunk": 7})


def varied(cast, plan, theme, *, projects: int = 40, tag: str = ""):
    """Projects spread over 4 statuses, 2 themes, 3 spaces (and none), with partners, indicators in
    units written differently (some without target, some never measured), reports before and in
    2014-2015 with highlights (some blank), commitments reduced, payments corrected."""
    themes = [theme, f.make_theme(plan, name=f"Logement{tag}")]
    spaces = [f.make_space(themes=[theme], name=f"Lieu {k}{tag}") for k in (3, 1, 2)] + [None]
    sources = [f.make_source(plan, amount="250000.00", code=f"s{k}{tag}", name=f"Source {k}{tag}") for k in (1, 2)]
    years = [f.plan_year(plan, 1), f.plan_year(plan, 2)]
    orgs = [cast.org_a, cast.org_b] + [f.make_organisation(name=f"Organisme {k}{tag}") for k in range(3)]
    made = ActionProject.objects.bulk_create(
        ActionProject(
            title=f"Projet {i % 13:02d}",
            lead=orgs[i % 5],
            theme=themes[i % 2],
            space=spaces[i % 4],
            status=STATUSES[i % 4],
            start_date=D(2014, 5, 1) if i % 6 else None,
            end_date=D(2015, 3, 1) if i % 6 else None,
        )
        for i in range(projects)
    )
    ProjectPartner.objects.bulk_create(
        # every answer a partner gives: only confirmed partners count in the bilan's figures
        ProjectPartner(project=p, organisation=orgs[(i + k) % 5], status=PARTNER_ANSWERS[(i + k) % 3])
        for i, p in enumerate(made)
        for k in range(1, 1 + i % 3)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            project=p,
            name=f"Indicateur {k}",
            unit=UNITS[(i + k) % len(UNITS)],
            order=3 - k,
            target=None if (i + k) % 5 == 0 else Decimal(f"{10 + i % 7}.{k}5"),
        )
        for i, p in enumerate(made)
        for k in range(i % 4)
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            project=p,
            period_start=D(2013, 10, 1) + datetime.timedelta(days=40 * k),
            period_end=D(2014, 2, 1) + datetime.timedelta(days=70 * k + i),
            percent_done=min(10 * k + i % 10, 100),
            people_reached=5 * k + i,
            citizens_reached=k + i % 3,
            highlights=["", "  \n ", f"Fait {i}-{k}", f"  Atelier {k} "][(i + k) % 4],
        )
        for i, p in enumerate(made)
        for k in range(i % 5)
    )
    by_project = defaultdict(list)
    for indicator in indicators:
        by_project[indicator.project_id].append(indicator)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(report=r, indicator=ind, value=Decimal(f"{(r.pk * 7 + ind.pk) % 25}.{r.pk % 10}3"))
        for r in reports
        for n, ind in enumerate(by_project[r.project_id])
        if (r.pk + n) % 4
    )
    resolution = f.make_resolution(sources[0].plan.alliance)
    commitments = Commitment.objects.bulk_create(
        Commitment(
            resolution=resolution,
            source=sources[(i + k) % 2],
            project=p,
            plan_year=years[k % 2],
            amount=Decimal(f"{1000 + 37 * i}.{(i * 13 + k) % 100:02d}"),
            reduced_total=Decimal(f"{(i * 7) % 50}.{k}1") if i % 3 == 0 else ZERO,
            decided_on=D(2014, 3, 20) + datetime.timedelta(days=50 * k + i),
        )
        for i, p in enumerate(made)
        if i % 7
        for k in range(1 + i % 3)
    )
    disbursements = Disbursement.objects.bulk_create(
        Disbursement(
            commitment=c,
            amount=Decimal(f"{200 + n % 90}.{n % 100:02d}"),
            paid_on=D(2014, 3, 1) + datetime.timedelta(days=23 * n % 420),
            correction_total=Decimal("-1.07") if n % 4 == 0 else ZERO,
        )
        for n, c in enumerate(commitments)
    )
    DisbursementCorrection.objects.bulk_create(
        DisbursementCorrection(
            disbursement=d,
            delta=Decimal("-1.07"),
            corrected_on=D(2014, 1, 1) + datetime.timedelta(days=31 * n % 500),
            reason="Erreur",
        )
        for n, d in enumerate(disbursements)
        if n % 4 == 0
    )
    figures_rewrite()  # the rows were bulk-created: the kept totals are summed from them once (as demo loads)
    return made


PARTNER_ANSWERS = [ProjectPartner.Status.CONFIRMED, ProjectPartner.Status.PENDING, ProjectPartner.Status.DECLINED]


def q(value) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def summed_from_lines(report, *, start, end):
    """The figures as the bilan summed them before issue 7: every line read in Python."""
    lines = list(report.lines())
    projects = {
        p.pk: p
        for p in ActionProject.objects.filter(pk__in=[line.pk for line in lines]).select_related("theme", "space")
    }
    partners = list(
        ProjectPartner.objects.confirmed().filter(project__in=projects).values_list("project", "organisation")
    )
    money = defaultdict(lambda: ZERO)  # (axis, key, committed or disbursed) -> amount
    rows = (
        [
            (c.source_id, c.plan_year_id, c.project.theme_id, "c", c.amount - c.reduced_total)
            for c in Commitment.objects.filter(project__in=projects, decided_on__range=(start, end)).select_related(
                "project"
            )
        ]
        + [
            (d.commitment.source_id, d.commitment.plan_year_id, d.commitment.project.theme_id, "d", d.amount)
            for d in Disbursement.objects.filter(
                commitment__project__in=projects, paid_on__range=(start, end)
            ).select_related("commitment__project")
        ]
        + [
            (
                x.disbursement.commitment.source_id,
                x.disbursement.commitment.plan_year_id,
                x.disbursement.commitment.project.theme_id,
                "d",
                x.delta,
            )
            for x in DisbursementCorrection.objects.filter(
                disbursement__commitment__project__in=projects, corrected_on__range=(start, end)
            ).select_related("disbursement__commitment__project")
        ]
    )
    for source, year, theme, kind, amount in rows:
        for axis, key in (("source", source), ("year", year), ("theme", theme), ("all", None)):
            money[(axis, key, kind)] += amount

    def rollups(key_of, name_of, order_of):
        tallies = {}
        for line in lines:
            key = key_of(projects[line.pk])
            if key is None:
                continue
            tally = tallies.setdefault(key, {"units": {}, "projects": 0, "on_track": 0})
            for i in line.indicators:
                if i.unit.strip() and i.target is not None:
                    unit = tally["units"].setdefault(i.unit.strip().lower(), [i.unit.strip(), ZERO, ZERO, 0])
                    unit[1] += i.value or ZERO
                    unit[2] += i.target
                    unit[3] += 1
            if line.on_track is not None:
                tally["projects"] += 1
                tally["on_track"] += 1 if line.on_track else 0
        return [
            (
                name_of(key),
                [(label, value, target, n) for _u, (label, value, target, n) in sorted(t["units"].items())],
                t["projects"],
                t["on_track"],
            )
            for key, t in sorted(tallies.items(), key=lambda item: order_of(item[0]))
            if t["units"] or t["projects"]
        ]

    latest, counter = [], 0
    for line in lines:
        for h in line.highlights:
            counter += 1
            heapq.heappush(latest, (h.period_end, h.project_title, -h.project_pk, counter, h))
    by_status = defaultdict(int)
    for p in projects.values():
        by_status[p.status] += 1
    names = {p.space_id: p.space.name for p in projects.values() if p.space_id}
    themes = {p.theme_id: p.theme for p in projects.values()}
    return {
        "count": len(lines),
        "by_status": dict(by_status.items()),
        "leads": len({p.lead_id for p in projects.values()}),
        "partner_orgs": len({org for _p, org in partners}),
        "per_project": (Decimal(len(partners)) / len(lines)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        "people": sum(line.people_reached or 0 for line in lines),
        "citizens": sum(line.citizens_reached or 0 for line in lines),
        "money": {key: q(amount) for key, amount in money.items()},
        "space_rollups": rollups(lambda p: p.space_id, names.get, lambda key: names[key]),
        "theme_rollups": rollups(
            lambda p: p.theme_id, lambda key: themes[key].name, lambda key: (themes[key].order, key)
        ),
        "highlights": [item[-1] for item in heapq.nlargest(figures.HIGHLIGHTS_SHOWN, latest)],
        "highlight_count": counter,
    }


def as_rollups(rollups):
    return [
        (r.name, [(u.unit, u.value, u.target, u.indicators) for u in r.units], r.projects, r.on_track) for r in rollups
    ]


@pytest.mark.parametrize(
    "start, end", [(D(2014, 4, 1), D(2015, 3, 31)), (D(2014, 6, 15), D(2014, 12, 31)), (D(2013, 4, 1), D(2016, 3, 31))]
)
def test_the_sql_figures_are_those_of_every_line_summed(cast, plan, theme, small_chunks, start, end):
    varied(cast, plan, theme)
    report = build_bilan(user=cast.staff, period_start=start, period_end=end, plan=plan, per_page=10, page=2)
    expected = summed_from_lines(report, start=start, end=end)

    assert report.project_count == expected["count"] > 20
    assert {t.key: t.count for t in report.projects_by_status} == expected["by_status"]
    assert sum(t.count for t in report.projects_by_theme) == expected["count"]
    assert (report.lead_organisations, report.partner_organisations, report.partners_per_project) == (
        expected["leads"],
        expected["partner_orgs"],
        expected["per_project"],
    )
    assert (report.people_reached, report.citizens_reached) == (expected["people"], expected["citizens"])
    money = expected["money"]
    assert (report.committed, report.disbursed) == (
        money.get(("all", None, "c"), ZERO),
        money.get(("all", None, "d"), ZERO),
    )
    assert report.committed == sum((line.committed for line in report.lines()), ZERO)  # the lines add up to the total
    for axis, money_lines, keys in (
        ("source", report.by_source, plan.funding_sources.order_by("order")),
        ("year", report.by_year, plan.years.all()),
        ("theme", report.by_theme, plan.themes.order_by("order")),
    ):
        assert [(line.committed, line.disbursed) for line in money_lines] == [
            (money.get((axis, key.pk, "c"), ZERO), money.get((axis, key.pk, "d"), ZERO)) for key in keys
        ], axis
    assert as_rollups(report.space_rollups) == expected["space_rollups"]
    assert as_rollups(report.theme_rollups) == expected["theme_rollups"]
    assert [
        u.unit for r in report.space_rollups for u in r.units
    ]  # units written differently are summed under the first one
    assert report.highlights == tuple(expected["highlights"])
    assert report.highlight_count == expected["highlight_count"]
    assert [line.pk for line in report.projects] == [line.pk for line in report.lines()][10:20]  # page 2 of 10 lines
    targets = dict(Indicator.objects.values_list("pk", "target"))
    shown = [(str(i.target), str(targets[i.pk])) for line in report.lines() for i in line.indicators]
    assert shown and all(a == b for a, b in shown)  # as read from their field (« 10.15 », not « 10.1500000000000 »)


def test_the_page_costs_the_same_and_builds_only_its_lines_with_10_or_80_projects(
    client, cast, plan, theme, django_assert_num_queries, monkeypatch
):
    """15 queries for the page whatever the number of projects (with the alliance of the address since issue 17;
    the durability is read with the tallies, the board resolutions with the lines' details, issue 20); only the
    page's lines are built."""
    built = []
    chunk_lines = lines.chunk_lines
    counted = lambda projects, **kw: built.append(len(projects)) or chunk_lines(projects, **kw)  # noqa: E731
    monkeypatch.setattr(build, "chunk_lines", counted)  # the page's lines
    monkeypatch.setattr(lines, "chunk_lines", counted)  # every line, chunk by chunk (the exports)
    client.force_login(cast.staff)
    url = reverse("bilan:bilan")
    varied(cast, plan, theme, projects=10)
    client.get(url, {"periode": "2014-2015"})  # the session and the roles, once
    figures_cache.clear()  # measured cold: the figures were cached by the request above
    with django_assert_num_queries(15):
        small = client.get(url, {"periode": "2014-2015"})
    varied(cast, plan, theme, projects=70, tag=" bis")
    f.plan_writes_committed()
    with django_assert_num_queries(15):
        large = client.get(url, {"periode": "2014-2015"})
    # Until the next write, coordination and staff read the cached bilan (asis.figures_cache): no aggregate again.
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url, {"periode": "2014-2015"})
    # session, user, plan years (with the plan's version), themes (the form's), roles; the alliance of the address;
    # the first names of the lists of spaces and organisations (one query, read for each view since issue 18)
    assert len(warm) == 7
    assert again.context["bilan"].project_count == large.context["bilan"].project_count
    assert small.context["bilan"].project_count < PER_PAGE < large.context["bilan"].project_count
    assert built[-1] == PER_PAGE  # one page of lines, not every project


def test_the_tables_by_space_show_the_first_50_spaces_and_the_exports_every_one(client, cast, plan, theme):
    spaces = [f.make_space(themes=[theme], name=f"Lieu {k:02d}") for k in range(55)]
    made = ActionProject.objects.bulk_create(
        ActionProject(
            title=f"Projet {k}",
            lead=cast.org_a,
            theme=theme,
            space=space,
            status=ProjectStatus.IN_PROGRESS,
            start_date=D(2014, 5, 1),
            end_date=D(2015, 3, 1),
        )
        for k, space in enumerate(spaces)
    )
    Indicator.objects.bulk_create(
        Indicator(project=p, name="Participants", unit="personnes", target=Decimal("5")) for p in made
    )
    for space in spaces:
        f.make_meeting(space, date=D(2014, 6, 2))
    client.force_login(cast.staff)
    response = client.get(reverse("bilan:bilan"), {"periode": "2014-2015"})
    html = response.content.decode()
    # the rollups, the meetings and the contribution per space (every space stays in the filter)
    assert html.count(">Lieu 49</th>") == 3 and ">Lieu 50</th>" not in html
    assert html.count("Les 50 premiers lieux sur 55") == 3  # roll-ups, meetings and contribution by space
    report = response.context["bilan"]
    assert (len(report.space_rollups), len(report.meetings), report.meetings_held) == (55, 55, 55)
    sheet = client.get(reverse("bilan:bilan-csv", args=["rencontres"]), {"periode": "2014-2015"})
    assert b"Lieu 54" in b"".join(
        part if isinstance(part, bytes) else part.encode() for part in sheet.streaming_content
    )
