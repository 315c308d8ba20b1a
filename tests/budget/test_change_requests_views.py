"""The change-request pages (issue 20, part 4): who may ask, read and decide, the forms through the services with
their French errors (nothing saved), the agreement's versions, bounded queries."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import AgreementAmendment, ChangeRequest, ChangeSettings
from budget.services.changes import change_request_create, change_request_decide
from projects.models import ProjectBudgetLine
from tests.budget.changes_fixtures import move, under_agreement

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def setup(cast, theme):
    return under_agreement(cast, theme)


@pytest.fixture
def pending(cast, setup):
    agreement, categories, years = setup
    return change_request_create(
        agreement=agreement,
        by=cast.alice,
        reason="Le matériel coûte moins cher.",
        moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "500.00")],
    )


def line_key(categories, years, name, i):
    return f"{categories[name].pk}-{years[i].pk}"


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 404), ("staff", 403), ("coordinator", 403)],
)
def test_who_may_ask(login, cast, setup, who, status):
    agreement, _c, _y = setup
    response = login(getattr(cast, who)).get(reverse("budget:change-request-create", args=[agreement.pk]))
    assert response.status_code == status


def test_a_partner_organisation_reads_but_may_not_ask(login, cast, setup):
    from projects.models import ProjectPartner

    agreement, _c, _y = setup
    ProjectPartner.objects.create(project=agreement.project, organisation=cast.org_b, status="confirmed")
    assert login(cast.charlie).get(agreement.get_absolute_url()).status_code == 200
    assert login(cast.charlie).get(reverse("budget:change-request-create", args=[agreement.pk])).status_code == 403


def test_the_lead_asks_a_move_coordination_accepts_the_agreement_shows_version_2(login, client, cast, setup):
    agreement, categories, years = setup
    url = reverse("budget:change-request-create", args=[agreement.pk])
    response = login(cast.alice).post(
        url,
        {
            "reason": "Le local coûte moins cher.",
            "new_start_date": "2014-05-01",
            "new_end_date": "2015-03-31",
            "new_scope": agreement.project.description,
            "move_1_from": line_key(categories, years, "Matériel", 0),
            "move_1_to_category": categories["Loyer"].pk,
            "move_1_to_year": years[0].pk,
            "move_1_amount": "1 250,50",
        },
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response.url == change.get_absolute_url()
    assert change.status == ChangeRequest.Status.PENDING
    assert "Loyer" in page(login(cast.alice).get(change.get_absolute_url()))
    client.logout()
    listing = page(login(cast.coordinator).get(reverse("budget:change-request-list")))
    assert "Cuisines collectives" in listing and "1 déplacement" in listing
    response = client.post(
        reverse("budget:change-request-decide", args=[change.pk]), {"reason": "Justifié.", "decision": "accept"}
    )
    assert response.status_code == 302
    assert ProjectBudgetLine.objects.get(project=agreement.project, category=categories["Loyer"]).amount == Decimal(
        "1250.50"
    )
    text = page(client.get(agreement.get_absolute_url()))
    assert "Version 2 (en vigueur)" in text and "Version 1 : la convention signée le" in text
    assert "1 250,50 $ de « Matériel » (2013-2014) vers « Loyer » (2013-2014)." in text


def test_bad_input_is_refused_in_french_nothing_saved(login, cast, setup):
    agreement, categories, years = setup
    url = reverse("budget:change-request-create", args=[agreement.pk])
    client = login(cast.alice)
    base = {"reason": "Ajustement.", "new_scope": agreement.project.description}
    cases = [
        ({**base, "reason": ""}, "Ce champ est obligatoire"),
        (base, "ne change rien"),
        (
            {
                **base,
                "move_1_from": line_key(categories, years, "Matériel", 0),
                "move_1_to_category": categories["Salaires"].pk,
                "move_1_to_year": years[0].pk,
                "move_1_amount": "2 000,01",
            },
            "n'a que 2 000 $ : impossible d'en retirer 2 000,01 $",
        ),
        (
            {**base, "move_1_from": line_key(categories, years, "Matériel", 0), "move_1_amount": "10"},
            "Un déplacement donne la ligne",
        ),
        ({**base, "new_end_date": "2014-01-01"}, "ne peut pas précéder son début"),
        ({**base, "move_1_amount": "abc", "move_1_from": line_key(categories, years, "Matériel", 0)}, "montant"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in page(response), (message, data)
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 404), ("staff", 200), ("coordinator", 200)],
)
def test_who_reads_a_request(login, cast, pending, who, status):
    assert login(getattr(cast, who)).get(pending.get_absolute_url()).status_code == status


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_decides(login, cast, pending, who, status):
    response = login(getattr(cast, who)).post(
        reverse("budget:change-request-decide", args=[pending.pk]), {"reason": "Oui.", "decision": "accept"}
    )
    assert response.status_code == status
    pending.refresh_from_db()
    assert pending.is_pending


def test_decide_refuses_without_reason_and_get_is_405(login, cast, pending):
    client = login(cast.coordinator)
    url = reverse("budget:change-request-decide", args=[pending.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "", "decision": "refuse"})
    assert response.status_code == 200 and "Ce champ est obligatoire" in page(response)
    response = client.post(url, {"reason": "Non.", "decision": "peut-être"})
    assert response.status_code == 200 and "Choisissez d'accepter ou de refuser" in page(response)
    pending.refresh_from_db()
    assert pending.is_pending
    response = client.post(url, {"reason": "Pas cette année.", "decision": "refuse"})
    pending.refresh_from_db()
    assert pending.status == ChangeRequest.Status.REFUSED
    assert "Pas cette année." in page(client.get(pending.get_absolute_url()))


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403), ("coordinator", 200)])
def test_who_sees_the_list_and_the_threshold(login, cast, setup, who, status):
    client = login(getattr(cast, who))
    assert client.get(reverse("budget:change-request-list")).status_code == status
    assert client.get(reverse("budget:change-settings")).status_code == status


def test_coordination_sets_the_threshold(login, cast, setup):
    agreement, categories, years = setup
    client = login(cast.coordinator)
    response = client.post(reverse("budget:change-settings"), {"auto_accept_percent": "150"})
    assert response.status_code == 200 and "100" in page(response)
    assert not ChangeSettings.objects.exists()
    response = client.post(reverse("budget:change-settings"), {"auto_accept_percent": "10"})
    assert response.status_code == 302
    assert ChangeSettings.objects.get().auto_accept_percent == Decimal("10")
    client.logout()
    response = login(cast.alice).post(
        reverse("budget:change-request-create", args=[agreement.pk]),
        {
            "reason": "Petit ajustement.",
            "new_scope": agreement.project.description,
            "new_start_date": "2014-05-01",
            "new_end_date": "2015-03-31",
            "move_1_from": line_key(categories, years, "Matériel", 0),
            "move_1_to_category": categories["Salaires"].pk,
            "move_1_to_year": years[0].pk,
            "move_1_amount": "800",
        },
        follow=True,
    )
    assert "Déplacement accepté sans examen" in page(response)
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.AUTO_ACCEPTED
    assert AgreementAmendment.objects.count() == 1


def test_list_queries_do_not_grow(login, cast, setup, django_assert_num_queries):
    agreement, categories, years = setup
    for i in range(6):
        request = change_request_create(
            agreement=agreement,
            by=cast.alice,
            reason=f"Demande {i}",
            moves=[move(categories, years, ("Matériel", 0), ("Salaires", 0), "10.00")],
            new_end_date=datetime.date(2015, 4, 1 + i),
        )
        if i % 2:
            change_request_decide(request=request, accept=False, reason="Non.", by=cast.coordinator)
    client = login(cast.coordinator)
    # 1 session, 1 user, 1 roles, 1 the alliance of the address, 1 the threshold,
    # pending: 1 requests with projects, leads, who asked and decided, amendments; 1 their moves; 1 their targets;
    # decided: the same 3
    with django_assert_num_queries(11):
        response = client.get(reverse("budget:change-request-list"))
    assert page(response).count("Cuisines collectives") == 6


def test_detail_queries(login, cast, pending, django_assert_num_queries):
    client = login(cast.coordinator)
    # 1 session, 1 user, 1 roles, 1 the alliance of the address,
    # 1 the request with its agreement, project, lead, theme, plan, who asked and decided, amendment;
    # 1 its moves with categories and years; 1 its targets with indicators
    with django_assert_num_queries(7):
        response = client.get(pending.get_absolute_url())
    assert "Accepter et modifier la convention" in page(response)


def test_a_closed_plan_is_read_never_changed(login, cast, pending, plan):
    from plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    agreement = pending.agreement
    assert login(cast.alice).get(reverse("budget:change-request-create", args=[agreement.pk])).status_code == 403
    assert "Demander une modification</a>" not in page(login(cast.alice).get(agreement.get_absolute_url()))
    client = login(cast.coordinator)
    assert client.get(pending.get_absolute_url()).status_code == 200
    assert "Accepter et modifier" not in page(client.get(pending.get_absolute_url()))
    response = client.post(
        reverse("budget:change-request-decide", args=[pending.pk]), {"reason": "Oui.", "decision": "accept"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.is_pending
