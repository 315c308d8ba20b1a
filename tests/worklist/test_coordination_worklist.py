"""« À traiter » of Coordination: each queue's rows and count, built through the services (tests/worklist/conftest.py);
overdue first, red for overdue only, each queue bounded with a link to its full list."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.services.status import project_change_status
from tests import factories as f
from worklist.selectors import ROWS_SHOWN

pytestmark = pytest.mark.django_db


def queues(response) -> dict:
    return {queue.key: queue for section in response.context["sections"] for queue in section.queues}


def whats(queue) -> list[str]:
    return [row.what for row in queue.rows]


@pytest.fixture
def page(client, cast, work):
    client.force_login(cast.coordinator)
    return client.get(reverse("home"))


def test_the_reports_late_most_late_first_with_a_reminder_each(page, work):
    late = queues(page)["rapports-en-retard"]
    assert late.count == 3
    assert whats(late) == [
        "Jardin B — Rapport d'étape",
        "Cuisine A — Rapport d'étape (Mi-parcours)",
        "Convention A — Rapport d'étape",
    ]
    assert [row.overdue for row in late.rows] == [True, True, True]
    assert late.rows[0].detail == "en retard de 20 jours"
    assert [row.action.url for row in late.rows] == [
        reverse("projects:deadline-remind", args=[work.late_b.pk]),
        reverse("projects:deadline-remind", args=[work.late_a.pk]),
        reverse("projects:deadline-remind", args=[work.required.pk]),
    ]
    assert all(row.action.post for row in late.rows)
    assert late.more_url == reverse("projects:report-late")


def test_the_reports_received_and_not_read(page, work):
    to_read = queues(page)["rapports-a-lire"]
    assert to_read.count == 1 and whats(to_read) == ["Cuisine A — Rapport d'étape"]
    assert to_read.rows[0].url == reverse("projects:report-detail", args=[work.unread.pk])
    assert to_read.rows[0].action.url == reverse("projects:report-mark-read", args=[work.unread.pk])


def test_the_reports_due_soon(page, work):
    soon = queues(page)["rapports-bientot"]
    assert soon.count == 1 and soon.rows[0].when == work.soon.due_on
    assert soon.rows[0].detail == "dans 10 jours" and not soon.rows[0].overdue


def test_the_projects_waiting_for_coordination_at_each_stage(page, work):
    by_key = queues(page)
    assert whats(by_key["intentions"]) == ["Idée A"]
    assert by_key["intentions"].rows[0].action.url == work.intention.get_absolute_url()
    assert by_key["intentions"].more_url == reverse("projects:intention-list")
    filed = by_key["deposes"]
    assert filed.count == 2 and set(whats(filed)) == {"Dépôt B", "Analyse A"}
    actions = {row.what: row.action for row in filed.rows}
    assert actions["Dépôt B"].url == reverse("projects:review-open", args=[work.submitted.pk])
    assert actions["Dépôt B"].post
    assert actions["Analyse A"].url == reverse("projects:review-detail", args=[work.analysed.pk])
    board = by_key["conseil"]
    assert whats(board) == ["Conseil B"]
    assert board.rows[0].action.url == reverse("projects:board-decision-create", args=[work.recommended.pk])


def test_money_granted_and_not_committed_offers_to_commit_the_balance(page, work):
    to_commit = queues(page)["a-engager"]
    # the board's decision first (the oldest), then the projects accepted without a recorded amount (their request)
    assert whats(to_commit) == ["Accepté B", "Cuisine A", "Jardin B"]
    first = to_commit.rows[0]
    assert first.detail.replace("\xa0", " ") == "reste 18 000 $ à engager sur 30 000 $"
    assert first.action.label == "Engager le solde"
    assert (
        first.action.url
        == f"{reverse('budget:commitment-create')}?projet={work.accepted.pk}&montant=18000.00&next={reverse('home')}"
    )


def test_the_balance_is_in_the_commitment_form(client, page, cast, work):
    form = client.get(queues(page)["a-engager"].rows[0].action.url)
    assert form.status_code == 200
    assert form.context["form"]["project"].value() == work.accepted.pk
    assert form.context["form"]["amount"].value() == Decimal("18000.00")
    assert 'value="18\xa0000,00"' in form.content.decode()  # as the form shows every amount


def test_agreements_to_sign(page, work):
    agreements = queues(page)["conventions"]
    assert whats(agreements) == ["Accepté B"]
    assert agreements.rows[0].action.url == f"{reverse('budget:agreement-create')}?projet={work.accepted.pk}"


def test_payments_due_overdue_first_and_those_waiting_for_their_report(page, work):
    payments = queues(page)["versements"]
    assert payments.count == 2  # the one in 60 days is not due yet
    overdue, blocked = payments.rows
    assert overdue.overdue and not blocked.overdue
    assert overdue.action.label == "Verser"
    assert overdue.action.url == (
        reverse("budget:payments") + f"#versement-{work.overdue_payment.pk}"  # « Versements », same order
    )
    assert "attend le rapport dû le" in blocked.detail
    assert blocked.action.url == reverse("projects:deadline-remind", args=[work.required.pk])


def test_open_follow_ups_late_first_with_done(page, work):
    follow_ups = queues(page)["suivis"]
    assert whats(follow_ups) == ["Réserver la salle", "Écrire au ministère"]
    assert [row.overdue for row in follow_ups.rows] == [True, False]
    assert follow_ups.rows[0].action.url == reverse("chantiers:follow-up-done", args=[work.late_follow_up.pk])


def test_this_weeks_meetings(page, work):
    meetings = queues(page)["rencontres"]
    assert meetings.count == 1 and meetings.rows[0].when == work.meeting.date
    assert meetings.rows[0].action.url == reverse("chantiers:meeting-attendance", args=[work.meeting.pk])


def test_sign_ups_for_the_portals_operators_only(client, page, cast, work):
    sign_ups = queues(page)["inscriptions"]
    assert sign_ups.count == 2 and set(whats(sign_ups)) == {"Nouvel organisme", "demandeuse"}
    assert sign_ups.more_url == reverse("organisations:request-list")
    # a coordinator of this alliance only (a role, no portal-wide group) does not approve sign-ups
    from alliances.models import AllianceRole

    local = f.make_user("coordo-local", alliances=[])
    f.grant_role(local, work.plan.alliance, AllianceRole.Role.COORDINATION)
    client.force_login(local)
    assert "inscriptions" not in queues(client.get(reverse("home")))


def test_the_page_says_the_counts_and_marks_overdue_rows_only_in_red(page):
    text = page.content.decode()
    summary = text[text.index('data-testid="summary"') : text.index("</nav>", text.index('data-testid="summary"'))]
    assert "Rapports en retard" in summary and "text-bg-danger" in summary
    rows = re.findall(r'<li class="list-group-item px-0 worklist-row( worklist-overdue)?"', text)
    overdue = sum(1 for queue in queues(page).values() for row in queue.rows if row.overdue)
    assert overdue == 5  # 3 reports late, a payment overdue, a follow-up late
    assert len([r for r in rows if r]) == overdue
    # red is the overdue rows' words and the summary's badges of the queues that hold some; nothing else
    assert text.count("text-danger") == overdue
    assert text.count("text-bg-danger") == sum(1 for queue in queues(page).values() if queue.overdue)
    assert html.unescape(text).count("en retard de") == overdue


def test_the_summary_lists_the_queues_with_overdue_rows_first(page):
    summary = page.context["summary"]
    assert [queue.overdue > 0 for queue in summary] == sorted((q.overdue > 0 for q in summary), reverse=True)
    assert all(queue.count for queue in summary)


def test_each_queue_shows_its_first_rows_and_counts_them_all(client, cast, current, theme):
    today = datetime.date.today()
    for i in range(ROWS_SHOWN + 4):
        project = f.make_project(lead=cast.org_a, theme=theme, status=f.ProjectStatus.IN_PROGRESS, title=f"P{i:02d}")
        f.make_deadline(project, due_on=today - datetime.timedelta(days=i + 1))
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    late = queues(response)["rapports-en-retard"]
    assert late.count == ROWS_SHOWN + 4 and len(late.rows) == ROWS_SHOWN and late.more == 4
    assert whats(late)[0] == f"P{ROWS_SHOWN + 3:02d} — Rapport d'étape"  # the most late
    assert "Voir la liste complète (encore 4)" in response.content.decode()


def test_an_empty_plan_says_there_is_nothing_to_do(client, cast, current):
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert all(queue.count == 0 for queue in queues(response).values())
    assert "Rien à traiter pour l'instant." in html.unescape(response.content.decode())


def test_projects_waiting_come_in_the_order_they_reached_their_stage(client, cast, current, theme):
    """The order reads each project's kept `status_since` (its latest status change): a project sent back to draft
    and filed again waits from its second filing."""
    first = f.make_project(lead=cast.org_a, theme=theme, status=f.ProjectStatus.SUBMITTED, title="Déposé en premier")
    second = f.make_project(lead=cast.org_a, theme=theme, status=f.ProjectStatus.SUBMITTED, title="Déposé ensuite")
    client.force_login(cast.coordinator)
    assert whats(queues(client.get(reverse("home")))["deposes"]) == ["Déposé en premier", "Déposé ensuite"]
    for status in (f.ProjectStatus.DRAFT, f.ProjectStatus.SUBMITTED):  # sent back, then filed again: now the latest
        project_change_status(project=first, to_status=status)
    first.refresh_from_db()
    assert first.status_since == first.status_changes.latest("changed_at").changed_at > second.status_since
    assert whats(queues(client.get(reverse("home")))["deposes"]) == ["Déposé ensuite", "Déposé en premier"]
