"""The history page (/historique/<kind>/<id>/): who, when and field by field what changed; Coordination only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.services import ledger as ledger_services
from organisations.models import Organisation
from projects.models import ProjectStatus
from tests import factories as f


def _profile(organisation, **changes):
    data = {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "description": organisation.description,
        "address": organisation.address,
        "city": organisation.city,
        "postal_code": organisation.postal_code,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_a_change_made_in_the_portal_names_who_and_what(client, cast):
    client.force_login(cast.alice)
    response = client.post(
        reverse("organisations:organisation-update", args=[cast.org_a.pk]),
        _profile(cast.org_a, sector="Famille", phone="819 555-0101"),
    )
    assert response.status_code == 302
    last = cast.org_a.history.order_by("-history_date").first()
    assert last.history_user == cast.alice  # the middleware recorded who
    assert (last.sector, last.phone) == ("Famille", "819 555-0101")

    client.force_login(cast.coordinator)
    page = client.get(reverse("object-history", args=["organisation", cast.org_a.pk]))
    assert page.status_code == 200
    lines = page.context["lines"]
    assert lines[0].by == cast.alice
    changed = {c.label: (c.old, c.new) for c in lines[0].changes}
    assert changed == {"Secteur d'activité": ("—", "Famille"), "Téléphone": ("—", "819 555-0101")}
    assert lines[-1].kind == "+"  # the organisation's creation is the oldest line
    text = page.content.decode()
    assert "Famille" in text and "Modification" in text and "Création" in text


@pytest.mark.django_db
def test_money_choices_and_foreign_keys_are_shown_readably(client, cast, plan, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.DRAFT, by=cast.alice)
    other = f.make_organisation(name="Carrefour jeunesse")
    project._history_user = cast.coordinator  # what the middleware does for a request
    project.amount_requested = Decimal("12500.50")
    project.lead = other
    project.status = ProjectStatus.SUBMITTED
    project.save()
    client.force_login(cast.coordinator)
    page = client.get(reverse("object-history", args=["projet", project.pk]))
    changed = {c.label: (c.old, c.new) for c in page.context["lines"][0].changes}
    assert changed["Montant demandé à l'enveloppe"] == ("10\xa0000\xa0$", "12\xa0500,50\xa0$")
    assert changed["Porteur"] == ("Organisme A", "Carrefour jeunesse")
    assert changed["Statut"] == (str(ProjectStatus.DRAFT.label), str(ProjectStatus.SUBMITTED.label))
    assert page.context["lines"][0].by == cast.coordinator


@pytest.mark.django_db
def test_a_commitment_and_its_disbursement_have_a_history_page(client, cast, plan, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    source = f.make_source(plan)
    commitment = f.commit(source=source, project=project, amount=Decimal("3000.00"), by=cast.coordinator)
    payment = ledger_services.disbursement_create(
        commitment=commitment, amount=Decimal("1250.50"), paid_on=datetime.date(2014, 7, 1), by=cast.coordinator
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("object-history", args=["versement", payment.pk]))
    assert page.status_code == 200
    created = {c.label: c.new for c in page.context["lines"][0].changes}
    assert created["Montant versé"] == "1\xa0250,50\xa0$"
    assert created["Saisi par"] == str(cast.coordinator)
    # The running totals moved by the payment are no field of the commitment's history.
    page = client.get(reverse("object-history", args=["engagement", commitment.pk]))
    assert [line.kind for line in page.context["lines"]] == ["+"]
    assert "Versé" not in {c.label for c in page.context["lines"][0].changes}
    # The entries that moved it are listed under the commitment's history, each linked to its own.
    entries = page.context["ledger_entries"]
    assert [(e.label, e.amount) for e in entries] == [("Versement", Decimal("1250.50"))]
    assert reverse("object-history", args=["versement", payment.pk]) in page.content.decode()
    # The ledger listing links each entry to its history, for Coordination.
    ledger = client.get(reverse("budget:history"))
    assert reverse("object-history", args=["versement", payment.pk]) in ledger.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, own, status",
    [
        ("anonymous", True, 302),
        ("alice", True, 403),  # sees her organisation, not its history
        ("bob", True, 403),
        ("charlie", True, 404),  # another organisation: nothing to enumerate
        ("staff", True, 403),  # Personnel reads everything but the history
        ("coordinator", True, 200),
    ],
)
def test_who_may_read_an_organisations_history(client, cast, who, own, status):
    user = getattr(cast, who)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(reverse("object-history", args=["organisation", cast.org_a.pk]))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("alice", 403), ("charlie", 404), ("staff", 403), ("coordinator", 200)])
def test_who_may_read_a_commitments_history(client, cast, plan, theme, who, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=f.make_source(plan), project=project, amount=Decimal("100.00"))
    client.force_login(getattr(cast, who))
    assert client.get(reverse("object-history", args=["engagement", commitment.pk])).status_code == status


@pytest.mark.django_db
def test_an_unknown_kind_or_id_is_404(client, cast):
    client.force_login(cast.coordinator)
    assert client.get(reverse("object-history", args=["citoyen", 1])).status_code == 404
    assert client.get(reverse("object-history", args=["organisation", 999999])).status_code == 404


@pytest.mark.django_db
def test_the_history_page_costs_the_same_queries_with_many_changes(client, cast, django_assert_max_num_queries):
    organisation = cast.org_b
    leads = [f.make_organisation(name=f"Partenaire {i}") for i in range(3)]
    for i in range(120):  # 121 records: three pages
        organisation.sector = f"Secteur {i}"
        organisation.phone = f"819 555-{i:04d}"
        organisation.save()
    # Foreign keys shown by name: a space whose lead organisation changes many times.
    space = f.make_space(name="Table de quartier")
    for i in range(60):
        space.lead_organisation = leads[i % 3]
        space.save()
    client.force_login(cast.coordinator)
    for url in (
        reverse("object-history", args=["organisation", organisation.pk]),
        reverse("object-history", args=["organisation", organisation.pk]) + "?page=3",
        reverse("object-history", args=["lieu", space.pk]),
    ):
        # session, user, roles, the object, count, the page, the record before it, one per foreign key field
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200
    page = client.get(reverse("object-history", args=["organisation", organisation.pk]))
    assert len(page.context["lines"]) == 50
    assert {c.label for c in page.context["lines"][-1].changes} == {"Secteur d'activité", "Téléphone"}
    space_page = client.get(reverse("object-history", args=["lieu", space.pk]))
    names = {
        c.new for line in space_page.context["lines"] for c in line.changes if c.label == "Organisation responsable"
    }
    assert names == {lead.name for lead in leads}


@pytest.mark.django_db
def test_the_organisation_and_project_pages_link_their_history_for_coordination_only(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.DRAFT)
    history = reverse("object-history", args=["organisation", cast.org_a.pk])
    project_history = reverse("object-history", args=["projet", project.pk])
    client.force_login(cast.coordinator)
    assert history in client.get(cast.org_a.get_absolute_url()).content.decode()
    assert project_history in client.get(project.get_absolute_url()).content.decode()
    client.force_login(cast.alice)
    assert history not in client.get(cast.org_a.get_absolute_url()).content.decode()
    assert project_history not in client.get(project.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_archived_organisation_keeps_its_history(cast):
    cast.org_b.status = Organisation.Status.ARCHIVED
    cast.org_b.save()
    assert [r.status for r in cast.org_b.history.order_by("history_date")] == ["approved", "archived"]


@pytest.mark.django_db
def test_a_save_that_changes_nothing_writes_no_history_line(cast):
    before = cast.org_a.history.count()
    cast.org_a.save()  # a command run again, a form posted back unchanged
    assert cast.org_a.history.count() == before
    cast.org_a.sector = "Logement"
    cast.org_a.save()
    assert cast.org_a.history.count() == before + 1


@pytest.mark.django_db
def test_a_commitment_with_many_payments_costs_the_same_queries(
    client, cast, plan, theme, django_assert_max_num_queries
):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=f.make_source(plan), project=project, amount=Decimal("9000.00"), by=cast.coordinator)
    for day in range(1, 31):
        ledger_services.disbursement_create(
            commitment=commitment, amount=Decimal("100.00"), paid_on=datetime.date(2014, 7, day), by=cast.coordinator
        )
    ledger_services.commitment_reduce(
        commitment=commitment,
        amount=Decimal("500.00"),
        reduced_on=datetime.date(2014, 8, 1),
        reason="Moins d'ateliers",
        by=cast.coordinator,
        resolution=f.board(commitment),
    )
    client.force_login(cast.coordinator)
    # session, user, roles, the commitment (with what its name reads), count, the page,
    # one per foreign key field (user, source, project, plan year, the board's resolution: issue 20), reductions,
    # payments; the alliance of the address (alliances.middleware, issue 17)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("object-history", args=["engagement", commitment.pk]))
    entries = page.context["ledger_entries"]
    assert len(entries) == 31 and entries[0].label == "Réduction" and entries[0].amount == Decimal("-500.00")
