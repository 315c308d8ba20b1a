"""Two alliances on one instance (issue 17, item 2: isolation is the first requirement). Every address of the
projects app, for the coordinator of the other alliance, the regional funder, the partners; a closed plan's
pages are read, never changed.

Rouyn-Noranda runs its current plan (its rows' titles end in « Alpha ») and keeps a closed one (« Zoulou »);
Témiscamingue runs its own (« Bravo »). Organisation P leads projects in both (alice is its responsable); organisation Q is named partner of P's drafts
(quentin is its responsable) and leads look-alike intentions.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import get_resolver

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from organisations.models import Membership
from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL
from plans.models import Plan
from projects.models import (
    ActionProject,
    BoardDecision,
    CommitteeMember,
    ConflictDeclaration,
    ExpenseCategory,
    MemberScore,
    ProgressReport,
    ProjectComment,
    ProjectPartner,
    ProjectReview,
    ProjectStatus,
    ProjectStatusChange,
    ProjectYearAmount,
    ReportAttachment,
    ReportDeadline,
    ReportDraft,
    ReviewCriterion,
    ReviewScore,
)
from projects.services import committee as committee_services
from projects.services import filing as filing_services
from projects.services import reports as report_services
from projects.services import review as review_services
from tests import factories as f
from tests.projects.conftest import project_form_data
from tests.projects.report_helpers import PDF, page, report_fields, report_post, upload

pytestmark = pytest.mark.django_db
D = datetime.date
S = ProjectStatus
ARCHIVED = "Ce plan est terminé : ses pages se consultent, elles ne se modifient plus."


def _stock(theme, tag, *, org_p, org_q, alice, coordinator, member):
    """One plan's projects at each step of the review and of the reports, its grid, a late deadline."""
    plan = theme.plan
    criterion = ReviewCriterion.objects.create(plan=plan, name=f"Impact {tag}", max_score=10, order=1)
    # archived, never used: one to put back in use, one to delete (the grid in use is `criterion` alone)
    retired = ReviewCriterion.objects.create(plan=plan, name=f"Ancien {tag}", max_score=5, order=2, is_active=False)
    spare = ReviewCriterion.objects.create(plan=plan, name=f"Essai {tag}", max_score=5, order=3, is_active=False)

    def intention(title, lead):
        return filing_services.project_create(by=alice, status=S.INTENTION, lead=lead, theme=theme, title=title)

    stock = SimpleNamespace(
        plan=plan,
        theme=theme,
        criterion=criterion,
        spare=spare,
        retired=retired,
        intention=intention(f"Cuisine collective des familles {tag}", org_p),
        look_alike=intention(f"Cuisine collective des quartiers {tag}", org_q),
        draft=f.make_project(
            lead=org_p,
            theme=theme,
            title=f"Brouillon {tag}",
            description="Des ateliers.",
            target_population="Les familles.",
            start_date=plan.start_date,
            end_date=plan.start_date + datetime.timedelta(days=300),
        ),
        submitted=f.make_project(lead=org_p, theme=theme, status=S.SUBMITTED, title=f"Déposé {tag}"),
        analysed=f.make_project(lead=org_p, theme=theme, status=S.SUBMITTED, title=f"En analyse {tag}"),
        recommended=f.make_project(lead=org_p, theme=theme, status=S.SUBMITTED, title=f"Recommandé {tag}"),
        accepted=f.make_project(lead=org_p, theme=theme, status=S.ACCEPTED, title=f"Accepté {tag}"),
        in_progress=f.make_project(lead=org_p, theme=theme, status=S.IN_PROGRESS, title=f"En cours {tag}"),
    )
    ProjectYearAmount.objects.create(project=stock.draft, plan_year=f.plan_year(plan), amount=Decimal("5000.00"))
    stock.partnership = ProjectPartner.objects.create(project=stock.draft, organisation=org_q)
    analysis = review_services.review_open(project=stock.analysed, by=coordinator)
    review_services.review_save_scores(review=analysis, scores={criterion: (5, "")}, by=coordinator)
    # The alliance's committee (issue 20, part 1): the member (an account) declared no conflict and scored the grid;
    # and the alliance's categories of expenses (part 3). Both are the alliance's: a closed plan's stock shares them.
    stock.member, _created = CommitteeMember.objects.get_or_create(
        alliance=plan.alliance, user=member, defaults={"since": D(2013, 1, 1), "added_by": coordinator}
    )
    committee_services.conflict_declare(review=analysis, member=stock.member, in_conflict=False, by=member)
    committee_services.member_scores_save(review=analysis, member=stock.member, scores={criterion: (5, "")}, by=member)
    stock.category = ExpenseCategory.objects.filter(alliance=plan.alliance).order_by("pk").first()
    review = review_services.review_open(project=stock.recommended, by=coordinator)
    review_services.review_save_scores(review=review, scores={criterion: (7, "Solide")}, by=coordinator)
    review_services.review_recommend(review=review, recommendation="favorable", note="Solide", by=coordinator)
    for name in ("analysed", "recommended"):
        getattr(stock, name).refresh_from_db()
    stock.late = f.make_deadline(stock.in_progress, due_on=D(2014, 9, 30))  # late: nothing filed for it
    stock.report = report_services.report_create(project=stock.in_progress, by=alice, **report_fields())
    (stock.attachment,) = report_services.report_attachments_add(
        report=stock.report, files=[upload("facture.pdf", PDF)], by=alice
    )
    return stock


@pytest.fixture
def world(db):
    nord = f.make_alliance(name="Alliance de Rouyn-Noranda", slug="rouyn-noranda", territory="Rouyn-Noranda")
    sud = f.make_alliance(name="Alliance du Témiscamingue", slug="temiscamingue", territory="Témiscamingue")
    past = f.make_plan(alliance=nord, title="Plan 2010-2013", start_date=D(2010, 4, 1))
    plan_nord = f.make_plan(alliance=nord, title="Plan 2013-2016 du nord", status=Plan.Status.CURRENT)
    plan_sud = f.make_plan(alliance=sud, title="Plan 2013-2016 du sud", status=Plan.Status.CURRENT)
    org_p, org_q = f.make_organisation(name="Organisme P"), f.make_organisation(name="Organisme Q")
    people = SimpleNamespace(
        alice=f.make_user(
            "alice", organisation=org_p, role=Membership.Role.RESPONSABLE, group=PARTENAIRE, email="alice@example.org"
        ),
        quentin=f.make_user("quentin", organisation=org_q, role=Membership.Role.RESPONSABLE, group=PARTENAIRE),
        coord_nord=f.make_user("coord_nord", group=COORDINATION, alliances=[nord]),
        coord_sud=f.make_user("coord_sud", group=COORDINATION, alliances=[sud]),
        staff_nord=f.make_user("staff_nord", group=PERSONNEL, alliances=[nord]),
        funder=f.make_user("bailleur"),
        member_nord=f.make_user("membre_nord", group=PARTENAIRE),  # sits on the nord's analysis committee
        member_sud=f.make_user("membre_sud", group=PARTENAIRE),
    )
    f.grant_role(people.funder, nord, AllianceRole.Role.FUNDER)
    common = {"org_p": org_p, "org_q": org_q, "alice": people.alice}
    world = SimpleNamespace(
        nord=nord,
        sud=sud,
        people=people,
        past=_stock(f.make_theme(past), "Zoulou", coordinator=people.coord_nord, member=people.member_nord, **common),
        a=_stock(f.make_theme(plan_nord), "Alpha", coordinator=people.coord_nord, member=people.member_nord, **common),
        b=_stock(f.make_theme(plan_sud), "Bravo", coordinator=people.coord_sud, member=people.member_sud, **common),
    )
    Plan.objects.filter(pk=past.pk).update(status=Plan.Status.CLOSED)  # closed once its work was recorded
    world.past.plan.refresh_from_db()
    return world


def state():
    """Every row a page of the app could write, so a refused request is seen to change nothing."""
    return (
        sorted(ActionProject.objects.values_list("pk", "title", "status", "updated_at")),
        sorted(ReviewCriterion.objects.values_list("pk", "name", "max_score", "is_active")),
        sorted(ProjectPartner.objects.values_list("pk", "status")),
        sorted(ProjectReview.objects.values_list("pk", "committee", "recommendation")),
        ProjectComment.objects.count(),
        ProjectStatusChange.objects.count(),
        ReviewScore.objects.count(),
        BoardDecision.objects.count(),
        ProgressReport.objects.count(),
        sorted(ReportDraft.objects.values_list("pk", "updated_at", "report_id")),  # « Enregistrer le brouillon »
        ReportAttachment.objects.count(),
        sorted(ProgressReport.objects.values_list("pk", "read_at")),  # « Marquer comme lu »
        sorted(ReportDeadline.objects.values_list("pk", "reminded_on")),  # « Envoyer un rappel »
        sorted(CommitteeMember.objects.values_list("pk", "until")),  # the committee (issue 20, part 1)
        sorted(ConflictDeclaration.objects.values_list("pk", "in_conflict", "note")),
        sorted(MemberScore.objects.values_list("pk", "score")),
        sorted(ExpenseCategory.objects.values_list("pk", "name", "order", "archived")),  # part 3
    )


# ---------------------------------------------------------------- every address of the app


@dataclass(frozen=True)
class Address:
    """An address of the app: its name, method, the stock's object in it, the POST data (from the stock) and who
    may use it on an open plan (`writer`: a name in world.people)."""

    name: str
    method: str = "get"
    target: str | None = None
    data: object = None
    writer: str = "coord_nord"
    extra: tuple = field(default=())
    section: str = ""  # the application's section in the address
    of_plan: bool = True  # its object belongs to a plan (the committee's seats and the categories are the alliance's)

    def args(self, stock):
        if self.target is None:
            return []
        args = [getattr(stock, self.target).pk, *(getattr(stock, name).pk for name in self.extra)]
        return [*args, self.section] if self.section else args

    def url(self, alliance, stock, plan=None):
        return alliance_reverse(alliance, self.name, plan=plan, args=self.args(stock))

    def send(self, client, url, stock):
        if self.method == "get":
            return client.get(url)
        return client.post(url, self.data(stock) if self.data else {})

    def __str__(self):
        return f"{self.method.upper()} {self.name}"


def _decision(stock):
    return {"outcome": "accepted", "resolution_number": "CA-2014-07", "decided_on": "2014-03-20"}


def _project_form(stock):
    return project_form_data(title="Titre changé", theme=stock.theme.pk)


def _member_scores(stock):
    return {f"score_{stock.criterion.pk}": "3"}


def _category_form(stock):
    return {"name": "Catégorie changée", "order": "9"}


def _criterion_form(stock):
    return {"name": "Critère changé", "max_score": "10", "order": "4"}


def _files(stock):
    return {"files": [upload("autre.pdf", PDF)]}


ON_OBJECTS = [
    Address("projects:project-detail", target="draft", writer="alice"),
    Address("projects:project-update", target="draft", writer="alice"),
    Address("projects:project-update", "post", "draft", _project_form, writer="alice"),
    Address("projects:project-submit", "post", "draft", writer="alice"),
    Address("projects:project-application", target="draft", writer="alice"),
    Address("projects:project-application-review", target="draft", writer="alice"),
    Address("projects:project-application-section", target="draft", writer="alice", section="projet"),
    Address(
        "projects:project-application-section",
        "post",
        "draft",
        lambda stock: {"title": "Titre changé", "theme": stock.theme.pk, "action": "plus-tard"},
        writer="alice",
        section="projet",
    ),
    Address(
        "projects:partnership-answer",
        "post",
        "draft",
        lambda stock: {"reponse": "non"},
        writer="quentin",
        extra=("partnership",),
    ),
    Address("projects:project-comment-create", "post", "draft", lambda stock: {"text": "Un mot"}, writer="alice"),
    Address("projects:criterion-update", target="criterion"),
    Address("projects:criterion-update", "post", "criterion", _criterion_form),
    Address("projects:criterion-archive", "post", "criterion"),
    Address("projects:criterion-restore", "post", "retired"),
    Address("projects:criterion-delete", "post", "spare"),
    Address("projects:review-open", "post", "submitted", lambda stock: {"comment": "Comité"}),
    Address("projects:review-detail", target="analysed"),
    Address(
        "projects:review-detail",
        "post",
        "analysed",
        lambda stock: {"committee": "Marie", f"score_{stock.criterion.pk}": "3"},
    ),
    Address(
        "projects:review-recommend",
        "post",
        "analysed",
        # the committee's member declared and scored: the quorum is required (issue 20, part 1)
        lambda stock: {"recommendation": "favorable", "recommendation_note": "Bien", "quorum": "1"},
    ),
    Address("projects:board-decision-create", target="recommended"),
    Address("projects:board-decision-create", "post", "recommended", _decision),
    Address("projects:project-request-changes", target="submitted"),
    Address("projects:project-request-changes", "post", "submitted", lambda stock: {"comment": "Précisez"}),
    Address("projects:intention-to-draft", "post", "intention"),
    Address("projects:report-create", target="in_progress", writer="alice"),
    Address("projects:report-create", "post", "in_progress", lambda stock: report_post(), writer="alice"),
    Address("projects:report-create-final", target="in_progress", writer="alice"),
    Address("projects:report-review", target="in_progress", writer="alice"),
    Address("projects:report-review-final", target="in_progress", writer="alice"),
    Address("projects:report-detail", target="report", writer="alice"),
    Address("projects:report-attachment-add", "post", "report", _files, writer="alice"),
    Address("projects:report-mark-read", "post", "report"),  # « À traiter »: Coordination and staff
    Address("projects:deadline-remind", "post", "late"),  # « À traiter »: Coordination
    Address("projects:attachment-download", target="attachment", writer="alice"),
    # The analysis committee (issue 20, part 1): a member's page of an analysis, through their seat only
    Address("projects:review-member", target="analysed", extra=("member",), writer="member_nord"),
    Address("projects:review-member", "post", "analysed", _member_scores, extra=("member",), writer="member_nord"),
    Address(
        "projects:review-member-conflict",
        "post",
        "analysed",
        lambda stock: {"in_conflict": "1"},
        extra=("member",),
        writer="member_nord",
    ),
    Address("projects:committee-member-leave", "post", "member", of_plan=False),
    # The alliance's categories of expenses (issue 20, part 3)
    Address("projects:expense-category-update", target="category", of_plan=False),
    Address("projects:expense-category-update", "post", "category", _category_form, of_plan=False),
]
PAGES = [
    Address("projects:project-list", writer="alice"),
    Address("projects:project-intention-create", writer="alice"),
    Address(
        "projects:project-intention-create",
        "post",
        data=lambda stock: {"title": "Nouvelle intention", "theme": stock.theme.pk},
        writer="alice",
    ),
    Address("projects:project-create", writer="alice"),
    Address("projects:project-create", "post", data=_project_form, writer="alice"),
    Address("projects:criterion-list"),
    Address("projects:criterion-create"),
    Address("projects:criterion-create", "post", data=_criterion_form),
    Address("projects:intention-list"),
    Address("projects:similar-pair-list"),
    Address("projects:report-late"),
    Address("projects:committee-list"),
    Address("projects:committee-list", "post", data=lambda stock: {"name": "Nouveau membre"}),
    Address("projects:committee-my-reviews", writer="member_nord"),
    Address("projects:expense-category-list"),
    Address("projects:expense-category-create"),
    Address("projects:expense-category-create", "post", data=_category_form),
]
EVERY = ON_OBJECTS + PAGES
WRITES = [a for a in EVERY if a.method == "post"]
# The forms whose page itself is a change: refused on a closed plan like their POST
FORMS = [
    a
    for a in EVERY
    if a.method == "get"
    and a.name
    in {
        "projects:project-update",
        "projects:project-application-section",
        "projects:criterion-update",
        "projects:board-decision-create",
        "projects:project-request-changes",
        "projects:report-create",
        "projects:report-create-final",
        "projects:report-review",
        "projects:report-review-final",
        "projects:project-intention-create",
        "projects:project-create",
        "projects:criterion-create",
        "projects:expense-category-create",
        "projects:expense-category-update",
        "projects:review-member",  # the member's declaration and grid
    }
]


def test_the_table_names_every_address_of_the_app():
    app = {f"projects:{pattern.name}" for pattern in get_resolver("projects.urls").url_patterns}
    assert app == {a.name for a in EVERY}


# ---------------------------------------------------------------- the other alliance's coordinator


def _refused(client, world, addresses, request, expected=(403, 404)) -> list:
    """Each address sent (`request(address)` gives the response); those answered otherwise than `expected`, or
    after which a row changed, with what they answered. Every address is tried, so one run names every leak."""
    wrong = []
    for address in addresses:
        before = state()
        response = request(address)
        if response.status_code not in expected or state() != before:
            wrong.append((str(address), response.status_code, state() == before))
    return wrong


def test_an_object_of_one_alliance_is_not_found_at_the_other_alliance_s_address(client, world):
    """Temiscamingue's coordinator, on their own alliance's pages, with Rouyn-Noranda's objects: 404, nothing
    changed (the address is theirs; the object is not)."""
    client.force_login(world.people.coord_sud)
    wrong = _refused(
        client, world, ON_OBJECTS, lambda a: a.send(client, a.url(world.sud, world.a), world.a), expected=(404,)
    )
    assert wrong == []


def test_the_other_alliance_s_coordinator_gets_nothing_of_this_alliance_s_pages(client, world):
    """On Rouyn-Noranda's own pages Temiscamingue's coordinator is nobody: not found or refused, nothing changed;
    the list of their organisations' projects is empty there (they have none)."""
    client.force_login(world.people.coord_sud)
    others = [a for a in EVERY if a.name != "projects:project-list"]
    assert _refused(client, world, others, lambda a: a.send(client, a.url(world.nord, world.a), world.a)) == []
    response = client.get(alliance_reverse(world.nord, "projects:project-list"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


@pytest.mark.parametrize("address", WRITES, ids=str)
def test_each_write_is_one_this_alliance_s_people_can_make(client, world, address):
    """The control of the tests above and below: the same request, by the right person on the open plan, changes
    something (so a refusal is a refusal, not bad data)."""
    client.force_login(getattr(world.people, address.writer))
    before = state()
    response = address.send(client, address.url(world.nord, world.a), world.a)
    assert response.status_code == 302, (address, response.status_code)
    assert state() != before


# ---------------------------------------------------------------- each alliance's lists


def _titles(response):
    return {p.title for p in response.context["page"].object_list}


def test_each_coordinator_lists_their_own_alliance_s_projects(client, world):
    client.force_login(world.people.coord_nord)
    nord = _titles(client.get(alliance_reverse(world.nord, "projects:project-list")))
    client.force_login(world.people.coord_sud)
    sud = _titles(client.get(alliance_reverse(world.sud, "projects:project-list")))
    assert nord == set(ActionProject.objects.in_plan(world.a.plan).values_list("title", flat=True))
    assert sud == set(ActionProject.objects.in_plan(world.b.plan).values_list("title", flat=True))
    assert len(nord) == 8 and all("Alpha" in title for title in nord) and all("Bravo" in title for title in sud)


def test_a_partner_sees_their_projects_in_each_alliance_on_that_alliance_s_pages(client, world):
    client.force_login(world.people.alice)
    nord = _titles(client.get(alliance_reverse(world.nord, "projects:project-list")))
    sud = _titles(client.get(alliance_reverse(world.sud, "projects:project-list")))
    assert "Brouillon Alpha" in nord and "Brouillon Bravo" in sud
    assert not any("Bravo" in title or "Zoulou" in title for title in nord)
    assert not any("Alpha" in title for title in sud)
    # and the closed plan's, on its own pages
    past = _titles(client.get(alliance_reverse(world.nord, "projects:project-list", plan=world.past.plan)))
    assert "Brouillon Zoulou" in past and not any("Alpha" in title for title in past)
    own = alliance_reverse(world.sud, "projects:project-detail", args=[world.b.draft.pk])
    assert client.get(own).status_code == 200
    other = alliance_reverse(world.nord, "projects:project-detail", args=[world.b.draft.pk])
    assert client.get(other).status_code == 404


def test_the_theme_filter_offers_the_plan_s_themes(client, world):
    client.force_login(world.people.coord_nord)
    response = client.get(alliance_reverse(world.nord, "projects:project-list"))
    assert list(response.context["themes"]) == [world.a.theme]


@pytest.mark.parametrize(
    "name, key",
    [
        ("projects:criterion-list", "active"),
        ("projects:intention-list", "groups"),
        ("projects:similar-pair-list", "pairs"),
        ("projects:report-late", "late"),
    ],
)
def test_each_review_list_holds_its_own_alliance_s_rows_only(client, world, name, key):
    for who, alliance, mine, theirs in (
        ("coord_nord", world.nord, "Alpha", "Bravo"),
        ("coord_sud", world.sud, "Bravo", "Alpha"),
    ):
        client.force_login(getattr(world.people, who))
        response = client.get(alliance_reverse(alliance, name))
        assert response.status_code == 200
        assert response.context[key], (name, who)
        text = page(response)
        assert mine in text and theirs not in text and "Zoulou" not in text, (name, who)


def test_the_project_form_offers_its_alliance_s_spaces_only(client, world):
    mine = f.make_space(themes=[world.a.theme], name="Chantier du nord")
    f.make_space(themes=[world.b.theme], name="Chantier du sud")
    client.force_login(world.people.alice)
    response = client.get(alliance_reverse(world.nord, "projects:project-update", args=[world.a.draft.pk]))
    assert list(response.context["form"].fields["space"].queryset) == [mine]
    assert list(response.context["form"].fields["theme"].queryset) == [world.a.theme]


def test_a_project_filed_on_an_alliance_s_pages_belongs_to_it(client, world):
    client.force_login(world.people.alice)
    url = alliance_reverse(world.sud, "projects:project-intention-create")
    # a theme of another alliance is no choice
    response = client.post(url, {"title": "Égarée", "theme": world.a.theme.pk})
    assert response.status_code == 200 and not ActionProject.objects.filter(title="Égarée").exists()
    client.post(url, {"title": "Au sud", "theme": world.b.theme.pk})
    assert ActionProject.objects.get(title="Au sud").theme.plan.alliance == world.sud


def test_a_criterion_is_added_to_the_plan_of_the_page(client, world):
    client.force_login(world.people.coord_sud)
    client.post(alliance_reverse(world.sud, "projects:criterion-create"), _criterion_form(None))
    assert ReviewCriterion.objects.get(name="Critère changé").plan == world.b.plan


# ---------------------------------------------------------------- a closed plan


@pytest.mark.parametrize("at", ["plan", "current"])
def test_a_closed_plan_refuses_every_change(client, world, at):
    """At the closed plan's address, or its objects reached from the current plan's: 403 with the reason, nothing
    changed, by the very person who may make that change on an open plan."""
    plan = world.past.plan if at == "plan" else None
    # a page without an object is about the plan of its address
    addresses = [a for a in WRITES + FORMS if at == "plan" or (a.target is not None and a.of_plan)]
    responses = {}

    def send(address):
        client.force_login(getattr(world.people, address.writer))
        responses[address] = address.send(client, address.url(world.nord, world.past, plan=plan), world.past)
        return responses[address]

    assert _refused(client, world, addresses, send, expected=(403,)) == []
    assert [str(a) for a, response in responses.items() if ARCHIVED not in page(response)] == []


def test_a_closed_plan_stays_readable(client, world):
    reads = [a for a in EVERY if a.method == "get" and a not in FORMS]
    unread = []
    for address in reads:
        client.force_login(getattr(world.people, address.writer))
        response = address.send(client, address.url(world.nord, world.past, plan=world.past.plan), world.past)
        if response.status_code != 200:
            unread.append((str(address), response.status_code))
    assert unread == []


def test_a_closed_plan_s_project_hides_what_would_change_it(client, world):
    client.force_login(world.people.alice)
    text = page(client.get(alliance_reverse(world.nord, "projects:project-detail", args=[world.past.draft.pk])))
    assert "Ce projet appartient à un plan terminé" in text
    assert "Déposer le projet" not in text and "Publier le commentaire" not in text
    assert alliance_reverse(world.nord, "projects:project-update", args=[world.past.draft.pk]) not in text
    client.force_login(world.people.quentin)
    text = page(client.get(alliance_reverse(world.nord, "projects:project-detail", args=[world.past.draft.pk])))
    assert "Confirmer notre participation" not in text
    client.force_login(world.people.coord_nord)
    past = world.past.plan
    text = page(
        client.get(alliance_reverse(world.nord, "projects:project-detail", plan=past, args=[world.past.submitted.pk]))
    )
    assert "Plan terminé" in text  # the banner of the closed plan's pages
    assert "Ouvrir l'analyse" not in text and "Demander des modifications" not in text
    text = page(client.get(alliance_reverse(world.nord, "projects:criterion-list", plan=past)))
    assert "Nouveau critère" not in text and "Archiver" not in text
    text = page(client.get(alliance_reverse(world.nord, "projects:intention-list", plan=past)))
    assert "En faire un brouillon" not in text
    response = client.get(
        alliance_reverse(world.nord, "projects:review-detail", plan=past, args=[world.past.analysed.pk])
    )
    assert not response.context["editable"]
    client.force_login(world.people.alice)
    response = client.get(
        alliance_reverse(world.nord, "projects:report-detail", plan=past, args=[world.past.report.pk])
    )
    assert response.context["attachment_form"] is None
    response = client.get(alliance_reverse(world.nord, "projects:project-list", plan=past))
    assert not response.context["can_create"]
    text = page(client.get(alliance_reverse(world.nord, "projects:project-detail", args=[world.past.in_progress.pk])))
    assert "Déposer un rapport" not in text


# ---------------------------------------------------------------- the regional funder


def test_the_funder_reads_the_accepted_projects_and_the_late_reports(client, world):
    client.force_login(world.people.funder)
    response = client.get(alliance_reverse(world.nord, "projects:project-list"))
    assert _titles(response) == {"Accepté Alpha", "En cours Alpha"}
    assert "Les projets acceptés de l'alliance" in page(response)
    assert (
        client.get(alliance_reverse(world.nord, "projects:project-detail", args=[world.a.accepted.pk])).status_code
        == 200
    )
    response = client.get(alliance_reverse(world.nord, "projects:report-late"))
    assert response.status_code == 200 and [row.deadline.project for row in response.context["late"]] == [
        world.a.in_progress
    ]


@pytest.mark.parametrize(
    "name, target, status",
    [
        ("projects:project-detail", "draft", 404),  # unpublished
        ("projects:review-detail", "accepted", 403),  # the committee's scores are confidential
        ("projects:report-detail", "report", 404),  # reports name people; the bilan gives their figures
        ("projects:attachment-download", "attachment", 404),
        ("projects:criterion-list", None, 403),
        ("projects:intention-list", None, 403),  # organisations' unpublished intentions
        ("projects:similar-pair-list", None, 403),
    ],
)
def test_the_funder_does_not_read_what_is_not_figures(client, world, name, target, status):
    client.force_login(world.people.funder)
    args = [getattr(world.a, target).pk] if target else []
    assert client.get(alliance_reverse(world.nord, name, args=args)).status_code == status


def test_the_funder_writes_nothing(client, world):
    client.force_login(world.people.funder)

    def send(address):
        return address.send(client, address.url(world.nord, world.a), world.a)

    assert _refused(client, world, WRITES + FORMS, send) == []


def test_the_funder_of_one_alliance_reads_nothing_of_another(client, world):
    client.force_login(world.people.funder)
    assert client.get(alliance_reverse(world.sud, "projects:report-late")).status_code == 403
    assert _titles(client.get(alliance_reverse(world.sud, "projects:project-list"))) == set()


def test_staff_of_one_alliance_read_its_review_and_nothing_of_another(client, world):
    client.force_login(world.people.staff_nord)
    assert (
        client.get(alliance_reverse(world.nord, "projects:review-detail", args=[world.a.analysed.pk])).status_code
        == 200
    )
    assert (
        client.get(alliance_reverse(world.sud, "projects:review-detail", args=[world.b.analysed.pk])).status_code == 404
    )
    assert client.get(alliance_reverse(world.sud, "projects:intention-list")).status_code == 403
