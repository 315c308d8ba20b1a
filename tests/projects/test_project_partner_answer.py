"""Break 6 of issue 15: a project names another organisation as a partner only with its consent.

The named organisation's responsables confirm or decline (`project_partner_answer`, the project page's panel);
re-saving a draft keeps their answer, a changed contribution asks them again; each time an organisation is
named (or asked again) its responsables are told by e-mail."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from organisations.models import Membership
from organisations.roles import PARTENAIRE
from projects.models import ProjectPartner, ProjectStatus
from projects.services import filing as filing_services
from tests import factories as f
from tests.projects.conftest import page, project_form_data

pytestmark = pytest.mark.django_db
Status = ProjectPartner.Status


def row(organisation, value="500.00", kind=ProjectPartner.Contribution.SERVICES, description="Animation"):
    return {
        "organisation": organisation,
        "contribution_kind": kind,
        "contribution_value": None if value is None else Decimal(value),
        "contribution_description": description,
    }


@pytest.fixture(autouse=True)
def addresses(cast):
    """The cast's responsables with an e-mail address, to see who is told."""
    for user in (cast.alice, cast.charlie):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


@pytest.fixture
def draft(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, title="Cuisines collectives")


def name_partner(project, by, *rows):
    filing_services.project_save_draft(by=by, project=project, partners=list(rows))
    return {p.organisation_id: p for p in project.partnerships.all()}


def answer_url(partnership):
    return reverse("projects:partnership-answer", args=[partnership.project_id, partnership.pk])


# ---- the service


def test_a_newly_named_partner_is_pending_and_its_responsables_are_told(
    cast, draft, django_capture_on_commit_callbacks
):
    f.make_user("bea", organisation=cast.org_b, email="bea@b.example")  # a member without rights: not told
    with django_capture_on_commit_callbacks(execute=True):
        partner = name_partner(draft, cast.alice, row(cast.org_b, "9999999.00"))[cast.org_b.pk]
    assert partner.status == Status.PENDING and partner.answered_by is None and partner.answered_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.charlie.email]  # the named organisation's responsable, not the lead, not its members
    assert "Cuisines collectives" in message.subject and "Organisme B" in message.body
    assert "9 999 999" in message.body.replace("\xa0", " ")
    assert "Animation" not in message.body  # nothing the lead wrote but the project's title


def test_the_e_mail_goes_to_its_members_when_it_has_no_responsable(cast, draft, django_capture_on_commit_callbacks):
    org_c = f.make_organisation(name="Organisme C")
    member = f.make_user("carl", organisation=org_c, email="carl@c.example")
    with django_capture_on_commit_callbacks(execute=True):
        name_partner(draft, cast.alice, row(org_c))
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_an_organisation_not_yet_approved_cannot_make_the_portal_e_mail_its_partners(
    cast, draft, django_capture_on_commit_callbacks
):
    """A fresh sign-up naming every organisation as a partner would flood them: no e-mail until the
    coordination approves it; the request still waits on the named organisation's home page."""
    cast.org_a.status = cast.org_a.Status.PENDING
    cast.org_a.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    assert partner.status == Status.PENDING
    assert mail.outbox == []


def test_the_answer_is_recorded_with_who_and_when_and_kept_in_the_history(cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    partner.refresh_from_db()
    assert (
        partner.status == Status.CONFIRMED and partner.answered_by == cast.charlie and partner.answered_at is not None
    )
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=False)
    partner.refresh_from_db()
    assert partner.status == Status.DECLINED
    assert [h.status for h in partner.history.order_by("history_date", "history_id")] == [
        Status.PENDING,
        Status.CONFIRMED,
        Status.DECLINED,
    ]


@pytest.mark.parametrize("who", ["alice", "bob", "coordinator", "staff"])
def test_no_one_but_the_partners_responsables_answers_for_it(cast, draft, who):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    with pytest.raises(ValidationError):
        filing_services.project_partner_answer(partnership=partner, by=getattr(cast, who), accept=True)
    partner.refresh_from_db()
    assert partner.status == Status.PENDING


def test_re_saving_the_draft_keeps_a_confirmation(cast, draft, django_capture_on_commit_callbacks):
    partner = name_partner(draft, cast.alice, row(cast.org_b, "500.00"))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        again = name_partner(draft, cast.alice, row(cast.org_b, "500"))[cast.org_b.pk]  # the same amount, as typed
    assert again.pk == partner.pk  # the same row, not deleted and re-created
    assert again.status == Status.CONFIRMED and again.answered_by == cast.charlie
    assert mail.outbox == []


@pytest.mark.parametrize(
    "change",
    [
        {"value": "600.00"},
        {"kind": ProjectPartner.Contribution.CASH},
        {"description": "Local prêté"},
        {"value": None},
    ],
)
def test_changing_the_contribution_asks_the_partner_again(cast, draft, change, django_capture_on_commit_callbacks):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        again = name_partner(draft, cast.alice, row(cast.org_b, **change))[cast.org_b.pk]
    assert again.status == Status.PENDING and again.answered_by is None and again.answered_at is None
    assert [m.to for m in mail.outbox] == [[cast.charlie.email]]
    # the confirmation of the old contribution stays in the history
    assert Status.CONFIRMED in {h.status for h in again.history.all()}


def test_a_pending_partner_left_out_is_removed(cast, draft):
    name_partner(draft, cast.alice, row(cast.org_b))
    name_partner(draft, cast.alice)
    assert not draft.partnerships.exists()


def test_naming_the_same_organisation_over_and_over_tells_it_once(cast, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _round in range(5):
            name_partner(draft, cast.alice, row(cast.org_b))
            name_partner(draft, cast.alice)
        name_partner(draft, cast.alice, row(cast.org_b))
    assert [m.to for m in mail.outbox] == [[cast.charlie.email]]
    assert draft.partnerships.get().status == Status.PENDING  # still asked: its home page lists the request


def test_a_confirmed_partner_cannot_be_removed_by_the_lead(cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    with pytest.raises(ValidationError) as error:
        name_partner(draft, cast.alice)
    assert "Organisme B" in str(error.value)
    partner.refresh_from_db()
    assert partner.status == Status.CONFIRMED


def test_a_declined_partner_stays_recorded_and_naming_it_again_asks_again(
    cast, draft, django_capture_on_commit_callbacks
):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=False)
    name_partner(draft, cast.alice)  # the form does not show it: left out, it stays declined
    partner.refresh_from_db()
    assert partner.status == Status.DECLINED
    with django_capture_on_commit_callbacks(execute=True):
        again = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    assert again.pk == partner.pk and again.status == Status.PENDING
    assert [m.to for m in mail.outbox] == [[cast.charlie.email]]


# ---- the view


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 302),
        ("charlie", 302),  # the named organisation's responsable
        ("bea", 403),  # a member of the named organisation without the responsable role
        ("alice", 403),  # the lead cannot answer for its partner
        ("bob", 403),
        ("coordinator", 403),  # a partner's consent is its own
        ("staff", 403),
        ("outsider", 404),  # another organisation: the draft is not even visible
    ],
)
def test_partnership_answer_access(client, login, cast, draft, who, status):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    users = {
        "bea": f.make_user("bea", organisation=cast.org_b, group=PARTENAIRE),
        "outsider": f.make_user(
            "olive", organisation=f.make_organisation(), role=Membership.Role.RESPONSABLE, group=PARTENAIRE
        ),
    }
    user = users.get(who) or getattr(cast, who)
    response = login(user).post(answer_url(partner), {"reponse": "oui"})
    assert response.status_code == status
    partner.refresh_from_db()
    assert partner.status == (Status.CONFIRMED if who == "charlie" else Status.PENDING)


def test_another_organisation_gets_404_on_a_public_project_too(client, login, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    partner = ProjectPartner.objects.create(project=project, organisation=cast.org_b)
    outsider = f.make_user(
        "olive", organisation=f.make_organisation(), role=Membership.Role.RESPONSABLE, group=PARTENAIRE
    )
    assert login(outsider).post(answer_url(partner), {"reponse": "oui"}).status_code == 404


def test_a_partnership_of_another_project_is_404(client, login, cast, draft, theme):
    other = f.make_project(lead=cast.org_a, theme=theme, title="Autre")
    partner = ProjectPartner.objects.create(project=other, organisation=cast.org_b)
    url = reverse("projects:partnership-answer", args=[draft.pk, partner.pk])
    assert login(cast.charlie).post(url, {"reponse": "oui"}).status_code == 404


def test_the_answer_is_post_only(client, login, cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    assert login(cast.charlie).get(answer_url(partner)).status_code == 405


@pytest.mark.parametrize("answer", [None, "", "peut-être", "oui\x00"])
def test_a_bad_answer_changes_nothing_and_says_why(client, login, cast, draft, answer):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    response = login(cast.charlie).post(answer_url(partner), {} if answer is None else {"reponse": answer}, follow=True)
    assert response.status_code == 200
    assert "Choisissez « Confirmer notre participation » ou « Décliner »" in page(response)
    partner.refresh_from_db()
    assert partner.status == Status.PENDING


def test_the_responsable_confirms_then_declines_from_the_project_page(client, login, cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    client = login(cast.charlie)
    text = page(client.get(draft.get_absolute_url()))
    assert "Confirmer notre participation" in text and "Décliner" in text and answer_url(partner) in text
    response = client.post(answer_url(partner), {"reponse": "oui"}, follow=True)
    assert "sont confirmées" in page(response)
    partner.refresh_from_db()
    assert partner.status == Status.CONFIRMED
    response = client.post(answer_url(partner), {"reponse": "non"})
    assert response.status_code == 302 and response.url == "/"
    partner.refresh_from_db()
    assert partner.status == Status.DECLINED and partner.answered_by == cast.charlie


def test_an_organisation_that_declined_no_longer_sees_the_draft_nor_the_reports(client, login, cast, theme):
    draft = f.make_project(lead=cast.org_a, theme=theme, title="Brouillon")
    accepted = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="En cours")
    for project in (draft, accepted):
        ProjectPartner.objects.create(project=project, organisation=cast.org_b, status=Status.DECLINED)
    client = login(cast.charlie)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("budget:project-budget", args=[accepted.pk])).status_code == 404
    text = page(client.get(accepted.get_absolute_url()))  # public: seen as anyone sees it, with its own answer
    assert 'data-testid="reports-section"' not in text  # reports are the project's own people's
    assert 'data-testid="partner"' not in text  # not listed as a partner...
    assert "Vous avez décliné cette participation." in text  # ...but its responsable sees its answer, and may change it


def test_the_lead_sees_no_answer_buttons(client, login, cast, draft):
    name_partner(draft, cast.alice, row(cast.org_b))
    assert "Confirmer notre participation" not in page(login(cast.alice).get(draft.get_absolute_url()))


def test_the_form_keeps_a_confirmation_when_posted_back_unchanged(client, login, cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    data = project_form_data(
        **{
            "theme": draft.theme_id,
            "partenaires-0-organisation": cast.org_b.pk,
            "partenaires-0-contribution_kind": "services",
            "partenaires-0-contribution_value": "500,00",
            "partenaires-0-contribution_description": "Animation",
        }
    )
    response = login(cast.alice).post(reverse("projects:project-update", args=[draft.pk]), data)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.status == Status.CONFIRMED


def test_the_form_refuses_to_drop_a_confirmed_partner(client, login, cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    response = login(cast.alice).post(
        reverse("projects:project-update", args=[draft.pk]), project_form_data(theme=draft.theme_id)
    )
    assert response.status_code == 200
    assert "a confirmé sa participation" in page(response)
    assert draft.partnerships.get().status == Status.CONFIRMED


# ---- who sees what on the project page


def test_the_public_sees_a_pending_partner_marked_and_no_declined_one(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    org_c = f.make_organisation(name="Organisme C")
    org_d = f.make_organisation(name="Organisme D")
    ProjectPartner.objects.create(
        project=project, organisation=cast.org_b, contribution_value=Decimal("100.00"), status=Status.CONFIRMED
    )
    ProjectPartner.objects.create(project=project, organisation=org_c, contribution_value=Decimal("9999999.00"))
    ProjectPartner.objects.create(project=project, organisation=org_d, status=Status.DECLINED)
    text = page(client.get(project.get_absolute_url()))
    rows = text.split('data-testid="partner"')[1:]
    assert len(rows) == 2
    assert "Organisme B" in rows[0] and "non confirmé" not in rows[0]
    assert "Organisme C" in rows[1] and "(non confirmé)" in rows[1] and "<s>9 999 999 $</s>" in rows[1]
    assert "Organisme D" not in text


def test_the_projects_own_people_see_a_declined_partner_marked(client, login, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    ProjectPartner.objects.create(project=project, organisation=cast.org_b, status=Status.DECLINED)
    text = page(login(cast.alice).get(project.get_absolute_url()))
    assert "Organisme B" in text and "a décliné" in text


def test_the_home_page_lists_the_requests_awaiting_an_answer(client, login, cast, draft):
    name_partner(draft, cast.alice, row(cast.org_b))
    # « Mon espace », the partner's home, has it as « À faire maintenant » (the public overview no longer repeats it)
    text = page(login(cast.charlie).get(reverse("home")))
    assert "Confirmer ou décliner la participation de « Organisme B » à ce projet" in text
    assert "Cuisines collectives" in text and f"{draft.get_absolute_url()}#partenaires" in text
    partner = draft.partnerships.get()
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=True)
    assert "Confirmer ou décliner" not in page(login(cast.charlie).get(reverse("home")))


def test_a_declined_project_leaves_the_partners_project_list(client, login, cast, draft):
    partner = name_partner(draft, cast.alice, row(cast.org_b))[cast.org_b.pk]
    client = login(cast.charlie)
    assert "Cuisines collectives" in page(client.get(reverse("projects:project-list")))
    filing_services.project_partner_answer(partnership=partner, by=cast.charlie, accept=False)
    assert "Cuisines collectives" not in page(client.get(reverse("projects:project-list")))


# ---- partnerships written before partners answered


def test_the_migration_confirms_the_partnerships_written_before(cast, draft):
    """They were agreed outside the portal (the reference text, the demo); new ones start pending."""
    migration = importlib.import_module("chantiers.migrations.0009_project_partner_consent")
    ProjectPartner.objects.create(project=draft, organisation=cast.org_b)
    # The models as that migration saw them (ProjectPartner was then a model of chantiers).
    state = MigrationLoader(connection).project_state(("chantiers", "0009_project_partner_consent"))
    migration.existing_partners_confirmed(state.apps, SimpleNamespace(connection=connection))
    partner = draft.partnerships.get()
    assert partner.status == Status.CONFIRMED and partner.answered_by is None
