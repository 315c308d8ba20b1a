"""The outbox page of an alliance (/<alliance>/courriels/): its Coordination sees the e-mails waiting, sent and failed
(with the reason in French) and sends a failed one again; its staff 403; partners and other alliances 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from post_office.models import STATUS, Email, Log

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from asis.mail import send_after_commit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_plan(db):
    return f.make_plan()


@pytest.fixture
def emails(held, cast, plan, other_plan):
    """One e-mail of each state in the cast's alliance, one of the other alliance, one of no alliance."""

    def make(subject, alliance, status, error=None):
        email = send_after_commit(to=["dest@example.org"], subject=subject, body="Texte", alliance_id=alliance)
        Email.objects.filter(pk=email.pk).update(status=status)
        if error:
            Log.objects.create(
                email=email, status=STATUS.failed, message="[Errno 111] Connection refused", exception_type=error
            )
        return email

    return {
        "waiting": make("En attente ici", plan.alliance_id, STATUS.queued),
        "sent": make("Envoyé ici", plan.alliance_id, STATUS.sent),
        "failed": make("Échec ici", plan.alliance_id, STATUS.failed, error="ConnectionRefusedError"),
        "other": make("Échec ailleurs", other_plan.alliance_id, STATUS.failed, error="ConnectionRefusedError"),
        "none": make("Mot de passe", None, STATUS.failed, error="SMTPRecipientsRefused"),
    }


def _list(plan, query=""):
    return alliance_reverse(plan.alliance, "outbox:email-list") + query


def _coordinator_of(alliance, name):
    user = f.make_user(name)
    f.grant_role(user, alliance, AllianceRole.Role.COORDINATION)
    return user


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("staff", 403),
        ("alice", 404),
        ("charlie", 404),
        ("other_coordinator", 404),
        ("anonymous", 302),
    ],
)
def test_who_opens_the_outbox(client, cast, plan, other_plan, emails, who, status):
    user = _coordinator_of(other_plan.alliance, "coordo2") if who == "other_coordinator" else getattr(cast, who)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(_list(plan))
    assert response.status_code == status
    if who == "anonymous":
        assert "/connexion/" in response["Location"]


def _subjects(response):
    return [email.subject for email in response.context["page"]]


def test_coordination_sees_its_alliances_emails_and_the_operators_those_of_no_alliance(client, cast, plan, emails):
    client.force_login(cast.coordinator)  # the Coordination group: one of the portal's operators
    assert _subjects(client.get(_list(plan))) == ["Mot de passe", "Échec ici", "Envoyé ici", "En attente ici"]
    client.force_login(_coordinator_of(plan.alliance, "coordo-ici"))  # a role in this alliance only
    assert _subjects(client.get(_list(plan))) == ["Échec ici", "Envoyé ici", "En attente ici"]


@pytest.mark.parametrize(
    "query, subjects",
    [("?statut=en-attente", ["En attente ici"]), ("?statut=envoye", ["Envoyé ici"]), ("?statut=echec", ["Échec ici"])],
)
def test_the_filters(client, plan, emails, query, subjects):
    client.force_login(_coordinator_of(plan.alliance, "coordo-ici"))
    response = client.get(_list(plan, query))
    assert _subjects(response) == subjects
    assert response.context["counts"] == {"en_attente": 1, "envoye": 1, "echec": 1}


def test_a_failure_says_why_in_french_and_offers_to_send_again(client, cast, plan, emails):
    client.force_login(cast.coordinator)
    html = client.get(_list(plan, "?statut=echec")).content.decode()
    assert "Le serveur de courriel ne répond pas (connexion refusée)." in html
    assert "Le serveur de courriel a refusé l&#x27;adresse du destinataire." in html
    assert html.count(">Renvoyer<") == 2


def test_send_again_queues_the_failed_email(client, cast, plan, emails):
    client.force_login(cast.coordinator)
    url = alliance_reverse(plan.alliance, "outbox:email-resend", args=[emails["failed"].pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("?statut=echec")
    emails["failed"].refresh_from_db()
    assert (emails["failed"].status, emails["failed"].number_of_retries) == (STATUS.queued, 0)


@pytest.mark.parametrize(
    "who, email, status",
    [
        ("coordinator", "other", 404),  # another alliance's e-mail, from this alliance's address
        ("alice", "failed", 404),
        ("staff", "failed", 403),
        ("anonymous", "failed", 302),
    ],
)
def test_who_may_not_send_again(client, cast, plan, emails, who, email, status):
    user = getattr(cast, who)
    if user.is_authenticated:
        client.force_login(user)
    response = client.post(alliance_reverse(plan.alliance, "outbox:email-resend", args=[emails[email].pk]))
    assert response.status_code == status
    emails[email].refresh_from_db()
    assert emails[email].status == STATUS.failed  # nothing changed


def test_send_again_answers_405_to_a_get(client, cast, plan, emails):
    client.force_login(cast.coordinator)
    url = alliance_reverse(plan.alliance, "outbox:email-resend", args=[emails["failed"].pk])
    assert client.get(url).status_code == 405
    emails["failed"].refresh_from_db()
    assert emails["failed"].status == STATUS.failed


def test_the_outbox_costs_the_same_queries_whatever_the_number_of_emails(client, cast, plan, emails):
    client.force_login(cast.coordinator)
    client.get(_list(plan))  # the session, warm
    with CaptureQueriesContext(connection) as few:
        client.get(_list(plan))
    for i in range(30):
        email = send_after_commit(to=[f"p{i}@example.org"], subject=f"N{i}", body="x", alliance_id=plan.alliance_id)
        Email.objects.filter(pk=email.pk).update(status=STATUS.failed)
        Log.objects.create(email=email, status=STATUS.failed, message="refused", exception_type="SMTPDataError")
    with CaptureQueriesContext(connection) as many:
        response = client.get(_list(plan))
    # 1 the alliance of the address, 2 session, 3 user, 4 groups, organisations and alliance roles, 5 the counts of
    # each filter, 6 the page count, 7 the e-mails of the page, 8 their failed attempts
    assert len(many) == len(few) == 8
    assert len(response.context["page"]) == 34  # 30 and the alliance's 3, the one of no alliance


def test_the_worklist_links_to_the_failed_emails(client, cast, plan, emails):
    from plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CURRENT)
    client.force_login(_coordinator_of(plan.alliance, "coordo-ici"))
    response = client.get(alliance_reverse(plan.alliance, "home"))
    assert response.context["failed_emails"] == 1
    html = response.content.decode()
    assert "1 courriel n'a pas pu partir." in html
    assert alliance_reverse(plan.alliance, "outbox:email-list") + "?statut=echec" in html
    Email.objects.filter(status=STATUS.failed).update(status=STATUS.sent)
    assert 'data-testid="failed-emails"' not in client.get(alliance_reverse(plan.alliance, "home")).content.decode()
