"""The actions of « À traiter » work from the page: a reminder leaves, a report read and a follow-up done leave their
queue, and every link opens its page (issue 23, item 1)."""

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import ReportDeadline

pytestmark = pytest.mark.django_db


def queues(response) -> dict:
    return {queue.key: queue for section in response.context["sections"] for queue in section.queues}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def coordination(client, cast, work):
    client.force_login(cast.coordinator)
    return client


def post_from_home(client, url):
    """Post an action as the page does: with `next`, back to « À traiter »."""
    return client.post(url, {"next": reverse("home")}, follow=True)


def test_send_a_reminder_for_a_late_report(coordination, cast, work, today, django_capture_on_commit_callbacks):
    cast.alice.email = "alice@example.org"
    cast.alice.save()
    row = queues(coordination.get(reverse("home")))["rapports-en-retard"].rows[1]
    assert row.what == "Cuisine A — Rapport d'étape (Mi-parcours)"
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves after the commit
        response = post_from_home(coordination, row.action.url)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert messages_of(response) == ["Rappel envoyé à « Organisme A » (alice@example.org)."]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    assert "Cuisine A" in mail.outbox[0].body and "Jardin B" not in mail.outbox[0].body
    assert ReportDeadline.objects.get(pk=work.late_a.pk).reminded_on == today
    again = post_from_home(coordination, row.action.url)  # a second click the same day sends nothing
    assert messages_of(again) == ["Un rappel pour ce rapport est déjà parti aujourd'hui."]
    assert len(mail.outbox) == 1


def test_a_reminder_to_an_organisation_without_address_says_so(coordination, work):
    response = post_from_home(coordination, reverse("projects:deadline-remind", args=[work.late_b.pk]))
    assert messages_of(response) == ["« Organisme B » n'a aucune adresse courriel : aucun rappel n'est envoyé."]
    assert mail.outbox == [] and ReportDeadline.objects.get(pk=work.late_b.pk).reminded_on is None


def test_mark_a_report_read_and_it_leaves_the_queue(coordination, cast, work):
    row = queues(coordination.get(reverse("home")))["rapports-a-lire"].rows[0]
    response = post_from_home(coordination, row.action.url)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert messages_of(response) == ["Rapport « Cuisine A » marqué comme lu."]
    assert queues(response)["rapports-a-lire"].count == 0
    work.unread.refresh_from_db()
    assert work.unread.read_by == cast.coordinator and work.unread.read_at is not None


def test_mark_a_follow_up_done_and_it_leaves_the_queue(coordination, work):
    row = queues(coordination.get(reverse("home")))["suivis"].rows[0]
    assert row.what == "Réserver la salle"
    response = post_from_home(coordination, row.action.url)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert messages_of(response) == ["Suivi marqué comme fait."]
    assert [r.what for r in queues(response)["suivis"].rows] == ["Écrire au ministère"]


def test_open_the_analysis_of_a_filed_project(coordination, work):
    row = next(r for r in queues(coordination.get(reverse("home")))["deposes"].rows if r.what == "Dépôt B")
    response = coordination.post(row.action.url)
    assert response.status_code == 302 and response["Location"] == reverse(
        "projects:review-detail", args=[work.submitted.pk]
    )


def test_every_link_of_the_page_opens(coordination, work):
    response = coordination.get(reverse("home"))
    links = set()
    for queue in queues(response).values():
        links.add(queue.more_url)
        for row in queue.rows:
            links.add(row.url)
            if row.action and not row.action.post:
                links.add(row.action.url)
    links.discard("")
    assert len(links) > 20
    for link in sorted(links):
        answer = coordination.get(link, follow=True)
        assert answer.status_code == 200, link


def test_the_form_buttons_post_with_the_csrf_token_and_come_back(client, cast, work):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.coordinator)
    page = strict.get(reverse("home")).content.decode()
    forms = page.count('<form method="post" action="/')
    assert forms > 5 and page.count('name="csrfmiddlewaretoken"') >= forms
    # each comes back to « À traiter » (and the language switch to the same page)
    assert page.count(f'<input type="hidden" name="next" value="{reverse("home")}">') == forms + 1
