"""People and citizens reached, other funding and partners' contributions kept per theme and status (figures,
ThemeProjects) by the writes themselves: after every kind of write `check_figures` finds no difference, and the
funder's comparison shows the new figures (money to the cent); a write of one alliance changes its row alone."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from alliances.models import AllianceRole
from asis.templatetags.asis_format import format_money
from budget.selectors.envelope import LEVERAGE_STATUSES, leverage
from figures.models import ThemeProjects
from organisations.models import Membership
from plans.models import Plan
from projects.models import ActionProject, OtherFunding, ProgressReport, ProjectPartner, ProjectStatus
from projects.services import continuation, filing, reports, status
from tests import factories as f
from tests.figures.test_check_figures import assert_figures_kept

pytestmark = pytest.mark.django_db
D = datetime.date
ZERO = Decimal("0.00")


START = D(2014, 4, 1)


def _report(project, by, *, end, people, citizens=0, start=START, **fields):
    return reports.report_create(
        project=project,
        by=by,
        period_start=start,
        period_end=end,
        percent_done=40,
        people_reached=people,
        citizens_reached=citizens,
        **fields,
    )


def _alliance(name, slug, lead):
    alliance = f.make_alliance(name=name, slug=slug)
    plan = f.make_plan(alliance=alliance, title=f"Plan {name}", status=Plan.Status.CURRENT)
    theme = f.make_theme(plan, name="Logement")
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=lead, theme=theme, status=ProjectStatus.IN_PROGRESS)
    f.commit(source=source, project=project, amount="10000.00")
    return SimpleNamespace(alliance=alliance, plan=plan, theme=theme, source=source, project=project)


@pytest.fixture
def world(cast):
    """North: a project under way (committed 10 000,00) with a report (30 people, 12 citizens), other funding of
    2 500,25 and a partner's confirmed 1 000,50. South: a project under way with a report (20 people, 5 citizens).
    A funder of both."""
    north = _alliance("Alliance du Nord", "nord", cast.org_a)
    south = _alliance("Alliance du Sud", "sud", cast.org_b)
    _report(north.project, cast.alice, end=D(2014, 9, 30), people=30, citizens=12)
    filing.project_save_draft(
        by=cast.alice,
        project=north.project,
        other_funding=[{"kind": "funder", "source_name": "Centraide", "amount": Decimal("2500.25")}],
        partners=[{"organisation": cast.org_b, "contribution_kind": "cash", "contribution_value": Decimal("1000.50")}],
    )
    filing.project_partner_answer(
        partnership=north.project.partnerships.get(), by=cast.charlie, accept=True
    )  # charlie answers for B
    _report(south.project, cast.charlie, end=D(2014, 12, 31), people=20, citizens=5)
    funder = f.make_user("bailleur")
    for side in (north, south):
        f.grant_role(funder, side.alliance, AllianceRole.Role.FUNDER)
    return SimpleNamespace(north=north, south=south, funder=funder, cast=cast)


def _latest(project):
    return max(project.reports.all(), key=lambda r: (r.period_end, r.submitted_at, r.pk), default=None)


def counted(plan) -> tuple[int, int, Decimal]:
    """(people, citizens, other funding and confirmed contributions) of the plan, summed here project by project."""
    people = citizens = 0
    other = ZERO
    for project in ActionProject.objects.filter(theme__plan=plan):
        latest = _latest(project)
        if latest is not None:
            people, citizens = people + latest.people_reached, citizens + latest.citizens_reached
        if project.status in LEVERAGE_STATUSES:
            other += sum((o.amount for o in project.other_funding.all()), ZERO)
            other += sum((p.contribution_value or ZERO for p in project.partnerships.confirmed()), ZERO)
    return people, citizens, other


def shown(client, world, side) -> tuple[int, int, Decimal]:
    """What the funder's comparison shows of `side`: people and citizens reached, other funding (to the cent), with
    the row of the page printing the same people, citizens and leverage."""
    client.force_login(world.funder)
    response = client.get(reverse("bilan:comparison"))
    assert response.status_code == 200
    (row,) = [r for r in response.context["comparison"].rows if r.alliance == side.alliance]
    html = response.content.decode()
    line = re.search(rf'<tr data-testid="row-{side.alliance.slug}">(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", line, re.S)]
    assert cells[-4:-2] == [str(row.people_reached), str(row.citizens_reached)]
    assert row.leverage == leverage(row.other_funding, row.committed)
    assert cells[-1] == (format_money(row.leverage) if row.leverage is not None else "—")  # none without money
    return row.people_reached, row.citizens_reached, row.other_funding


def _partner(world, name):
    """A new partner organisation, with a responsable to answer for it."""
    organisation = f.make_organisation(name=name)
    user = f.make_user(f"resp-{organisation.pk}", organisation=organisation, role=Membership.Role.RESPONSABLE)
    return organisation, user


def _partners_now(project):
    return [
        {
            "organisation": p.organisation,
            "contribution_kind": p.contribution_kind,
            "contribution_value": p.contribution_value,
        }
        for p in project.partnerships.not_declined()
    ]


def partner_confirmed(w):
    organisation, responsable = _partner(w, "Organisme C")
    project = w.north.project
    filing.project_save_draft(
        by=w.cast.alice,
        project=project,
        partners=[
            *_partners_now(project),
            {"organisation": organisation, "contribution_kind": "services", "contribution_value": Decimal("0.10")},
        ],
    )
    filing.project_partner_answer(
        partnership=project.partnerships.get(organisation=organisation), by=responsable, accept=True
    )


def partner_contribution_changed(w):
    """The lead changes a confirmed contribution: it no longer counts until the partner confirms it again."""
    project = w.north.project
    rows = _partners_now(project)
    rows[0]["contribution_value"] = Decimal("1200.75")
    filing.project_save_draft(by=w.cast.alice, project=project, partners=rows)
    assert counted(w.north.plan)[2] == Decimal("2500.25")


def partner_declined(w):
    filing.project_partner_answer(partnership=w.north.project.partnerships.get(), by=w.cast.charlie, accept=False)


def other_funding(amounts):
    def write(w):
        filing.project_save_draft(
            by=w.cast.alice,
            project=w.north.project,
            other_funding=[
                {"kind": "funder", "source_name": f"Source {i}", "amount": a} for i, a in enumerate(amounts)
            ],
        )

    return write


def draft_filed(w):
    project = w.north.project
    draft = reports.report_draft_save(project=project, is_final=False, answers={}, by=w.cast.alice)
    reports.report_draft_file(
        draft=draft,
        by=w.cast.alice,
        period_start=D(2014, 10, 1),
        period_end=D(2015, 3, 31),
        percent_done=60,
        people_reached=41,
        citizens_reached=13,
    )


def final_report(w):
    project = w.north.project
    status.project_change_status(project=project, to_status=ProjectStatus.COMPLETED)
    _report(project, w.cast.alice, end=D(2016, 3, 31), people=70, citizens=25, is_final=True)
    project.refresh_from_db()
    assert project.status == ProjectStatus.FINAL_REPORT


def continued(w):
    """The north's project continues in its alliance's next plan, which becomes the current one: the partners'
    confirmed contributions and the other funding it carries count there (its reports stay with the old one)."""
    nxt = f.make_plan(alliance=w.north.alliance, title="Plan suivant", start_date=D(2016, 4, 1))
    theme = f.make_theme(nxt, name="Logement")
    continuation.project_continue(project=w.north.project, theme=theme, comment="Suite")
    Plan.objects.filter(pk=w.north.plan.pk).update(status=Plan.Status.CLOSED)
    Plan.objects.filter(pk=nxt.pk).update(status=Plan.Status.CURRENT)
    w.north.plan = nxt


def _admin(model, user):
    request = SimpleNamespace(user=user, POST={}, GET={}, META={})
    return site._registry[model], request


def admin_report_changed(w):
    """Support corrects the people of the latest report in the admin."""
    admin, request = _admin(ProgressReport, w.cast.coordinator)
    report = _latest(w.north.project)
    report.people_reached, report.citizens_reached = 33, 14
    admin.save_model(request, report, SimpleNamespace(cleaned_data={}), change=True)


def admin_report_moved(w):
    """Support moves a report to the project it belongs to, in the other alliance: both rows change."""
    admin, request = _admin(ProgressReport, w.cast.coordinator)
    report = _latest(w.north.project)
    report.project = w.south.project
    report.period_end = D(2015, 2, 28)
    admin.save_model(request, report, SimpleNamespace(cleaned_data={}), change=True)


def admin_other_funding_deleted(w):
    admin, request = _admin(OtherFunding, w.cast.coordinator)
    admin.delete_model(request, w.north.project.other_funding.get())


def admin_partners_deleted(w):
    admin, request = _admin(ProjectPartner, w.cast.coordinator)
    admin.delete_queryset(request, ProjectPartner.objects.filter(project=w.north.project))


def admin_inline_other_funding(w):
    """The project's admin page saves a row of other funding from its inline (save_related)."""

    class Inline:
        def save(self):
            OtherFunding.objects.create(
                project=w.north.project, kind="own", source_name="Fonds propres", amount=Decimal("99.99")
            )

    admin, request = _admin(ActionProject, w.cast.coordinator)
    form = SimpleNamespace(instance=w.north.project, save_m2m=lambda: None)
    admin.save_related(request, form, [Inline()], change=True)


def admin_theme_moved_to_another_plan(w):
    admin, request = _admin(ActionProject, w.cast.coordinator)
    project = w.north.project
    project.theme = w.south.theme
    admin.save_model(request, project, SimpleNamespace(cleaned_data={}), change=True)


def draft_theme_moved(w):
    """A draft with other funding moves to another theme: its funding goes with it (not in the leverage: a draft)."""
    draft = f.make_project(lead=w.cast.org_a, theme=w.north.theme)
    filing.project_save_draft(
        by=w.cast.alice,
        project=draft,
        other_funding=[{"kind": "own", "source_name": "Fonds propres", "amount": Decimal("300.00")}],
    )
    filing.project_save_draft(by=w.cast.alice, project=draft, theme=f.make_theme(w.north.plan, name="Autre"))
    assert ThemeProjects.objects.get(theme=w.north.theme, status=ProjectStatus.DRAFT).other_funding == ZERO


# write -> (people, citizens, other funding) the north's row shows after it
WRITES = {
    "later_report": (
        lambda w: _report(w.north.project, w.cast.alice, end=D(2015, 3, 31), people=45, citizens=20),
        (45, 20, Decimal("3500.75")),
    ),
    "earlier_period_filed_after_a_later_one": (
        lambda w: _report(w.north.project, w.cast.alice, start=D(2014, 4, 1), end=D(2014, 6, 30), people=5, citizens=1),
        (30, 12, Decimal("3500.75")),
    ),
    "report_past_the_plans_end": (  # the plan ends 2016-03-31: the comparison reads the latest figure reported
        lambda w: _report(w.north.project, w.cast.alice, end=D(2016, 9, 30), people=80, citizens=30),
        (80, 30, Decimal("3500.75")),
    ),
    "report_on_a_project_without_one": (
        lambda w: _report(
            f.make_project(lead=w.cast.org_a, theme=w.north.theme, status=ProjectStatus.IN_PROGRESS),
            w.cast.alice,
            end=D(2014, 9, 30),
            people=7,
            citizens=2,
        ),
        (37, 14, Decimal("3500.75")),
    ),
    "draft_filed": (draft_filed, (41, 13, Decimal("3500.75"))),
    "final_report": (final_report, (70, 25, Decimal("3500.75"))),
    "other_funding_added": (
        other_funding([Decimal("2500.25"), Decimal("0.01")]),
        (30, 12, Decimal("3500.76")),
    ),
    "other_funding_changed": (other_funding([Decimal("2499.99")]), (30, 12, Decimal("3500.49"))),
    "other_funding_removed": (other_funding([]), (30, 12, Decimal("1000.50"))),
    "partner_confirmed": (partner_confirmed, (30, 12, Decimal("3500.85"))),
    "partner_contribution_changed_then_confirmed": (
        lambda w: (
            partner_contribution_changed(w),
            filing.project_partner_answer(
                partnership=w.north.project.partnerships.get(), by=w.cast.charlie, accept=True
            ),
        ),
        (30, 12, Decimal("3701.00")),
    ),
    "partner_declined": (partner_declined, (30, 12, Decimal("2500.25"))),
    "status_withdrawn": (  # out of the leverage; what it reached still counts
        lambda w: status.project_change_status(project=w.north.project, to_status=ProjectStatus.WITHDRAWN),
        (30, 12, ZERO),
    ),
    "status_completed": (
        lambda w: status.project_change_status(project=w.north.project, to_status=ProjectStatus.COMPLETED),
        (30, 12, Decimal("3500.75")),
    ),
    "draft_theme_moved": (draft_theme_moved, (30, 12, Decimal("3500.75"))),
    "continuation": (continued, (0, 0, Decimal("3500.75"))),
    "admin_report_changed": (admin_report_changed, (33, 14, Decimal("3500.75"))),
    "admin_report_moved_to_another_alliance": (admin_report_moved, (0, 0, Decimal("3500.75"))),
    "admin_other_funding_deleted": (admin_other_funding_deleted, (30, 12, Decimal("1000.50"))),
    "admin_partners_deleted": (admin_partners_deleted, (30, 12, Decimal("2500.25"))),
    "admin_inline_other_funding": (admin_inline_other_funding, (30, 12, Decimal("3600.74"))),
    "admin_theme_moved_to_another_plan": (admin_theme_moved_to_another_plan, (0, 0, ZERO)),
}


def test_the_comparison_starts_from_the_kept_rows(client, world):
    assert_figures_kept()
    assert shown(client, world, world.north) == (30, 12, Decimal("3500.75")) == counted(world.north.plan)
    assert shown(client, world, world.south) == (20, 5, ZERO) == counted(world.south.plan)


@pytest.mark.parametrize("write", WRITES)
def test_after_each_kind_of_write_the_totals_are_kept_and_the_funder_sees_them(client, world, write):
    do, north_after = WRITES[write]
    do(world)
    assert_figures_kept()
    assert shown(client, world, world.north) == north_after == counted(world.north.plan)
    assert shown(client, world, world.south) == counted(world.south.plan)


@pytest.mark.parametrize(
    "write", ["later_report", "other_funding_changed", "partner_declined", "status_withdrawn", "admin_report_changed"]
)
def test_a_write_of_one_alliance_changes_its_row_alone(world, write):
    def rows(plan):
        return list(
            ThemeProjects.objects.filter(plan=plan)
            .order_by("pk")
            .values_list("status", "projects", "people_reached", "citizens_reached", "other_funding", "contributions")
        )

    south = rows(world.south.plan)
    north = rows(world.north.plan)
    WRITES[write][0](world)
    assert rows(world.south.plan) == south
    assert rows(world.north.plan) != north


def test_check_figures_repairs_the_reached_and_the_leverage(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    ThemeProjects.objects.filter(plan=world.north.plan).update(people_reached=1, contributions=Decimal("0.01"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert "people_reached 1 != 30" in err.getvalue() and "contributions 0.01 != 1000.50" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
