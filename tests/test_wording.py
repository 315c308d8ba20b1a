"""French proofreading over every page of the demo, as each role sees it, and over every e-mail the portal sends
(issue 23, item 8): the kinds of mistakes found by reading them — « Du le 1er avril », « au le », « le le », a count
written with cents (« 131,00 personnes »), a label doubled in parentheses (« Rapport final (Rapport final) »,
« Rapport d'étape (Rapport d'étape de mi-parcours) »), « --------- », a command name shown to users, « rien
soumettre »."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from organisations import services as organisation_services
from organisations.models import Membership, Organisation
from projects.models import ProjectPartner, ProjectStatus
from projects.services import filing as filing_services
from projects.services import reminders as reminder_services
from projects.services import review as review_services
from tests import factories as f
from tests.fuzzing import demo_clients, is_html, matrix_urls

MISTAKES = {
    "« du le » / « au le » / « le le » (a preposition or an article before long_date's article)": re.compile(
        r"\b(?:[Dd]u|[Aa]u|[Dd]e|à|[Ll]e) le \d"
    ),
    "a count of people or projects with cents": re.compile(
        r"\d,\d\d (?:personnes?|citoyens?|citoyennes?|participants?|participantes?|bénévoles?|présences?"
        r"|rencontres?|projets?|organisations?|organismes?)\b"
    ),
    "a label doubled in parentheses": re.compile(r"(?<![\w'’])([\w'’]{4,}(?: [\w'’]+)*?) \(\1\b", re.I),
    "« --------- » (Django's empty choice)": re.compile(r"-{5,}"),
    "a command name shown to users": re.compile(r"manage\.py|send_report_reminders|load_asis|check_budget"),
    "« rien soumettre »": re.compile(r"mais rien soumettre"),
}


def mistakes_in(text: str) -> list[str]:
    """Each kind of mistake found in `text`, with the words around it."""
    return [
        f"{kind}: …{text[max(0, match.start() - 40) : match.end() + 20]}…"
        for kind, pattern in MISTAKES.items()
        if (match := pattern.search(text))
    ]


def visible_text(page: str) -> str:
    """The text a person reads: no tags, scripts or styles, entities decoded, spaces made plain."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\xa0", " ").replace("\u202f", " "))


@pytest.mark.django_db
@pytest.mark.guard
def test_no_page_holds_the_known_kinds_of_french_mistakes():
    clients = demo_clients()
    found = []
    for name, path, role in matrix_urls(pages_only=True):
        response = clients[role].get(path)
        if response.status_code != 200 or not is_html(response):
            continue
        found += [
            f"{path} ({name}) as {role}: {mistake}" for mistake in mistakes_in(visible_text(response.content.decode()))
        ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "text, kind",
    [
        (
            "Du le 1er avril 2013",
            "« du le » / « au le » / « le le » (a preposition or an article before long_date's article)",
        ),
        (
            "jusqu'au 31 mars, au le 31 mars 2016",
            "« du le » / « au le » / « le le » (a preposition or an article before long_date's article)",
        ),
        (
            "à remettre le le 2 décembre 2024",
            "« du le » / « au le » / « le le » (a preposition or an article before long_date's article)",
        ),
        ("131,00 personnes", "a count of people or projects with cents"),
        ("Personnes rejointes : 12,00 participants", "a count of people or projects with cents"),
        ("3,00 projets", "a count of people or projects with cents"),
        ("Rapport final (Rapport final)", "a label doubled in parentheses"),
        ("Rapport d'étape (Rapport d'étape de mi-parcours) dû le 30", "a label doubled in parentheses"),
        ("Choisir : ---------", "« --------- » (Django's empty choice)"),
        ("python manage.py load_asis", "a command name shown to users"),
        ("vous pouvez préparer des brouillons, mais rien soumettre", "« rien soumettre »"),
    ],
)
def test_each_kind_of_mistake_is_caught(text, kind):
    assert [found.split(": …")[0] for found in mistakes_in(text)] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Du 1er avril 2013 au 31 mars 2016, le 2 décembre 2024",
        "131 personnes, 12,5 heures, 13 500,50 $",
        "Rapport d'étape (Mi-parcours), Rapport de mi-parcours",
        "Rapports d'étape (étape actuelle)",
        "Choisir…",
    ],
)
def test_the_right_words_pass(text):
    assert mistakes_in(text) == []


def _every_email(cast, theme, client) -> None:
    """Every e-mail the portal sends, each triggered once the way a user triggers it, with the words that led to
    the mistakes (a report deadline labelled « Rapport d'étape de mi-parcours », a report one day late)."""
    for user, address in ((cast.alice, "alice@a.example"), (cast.charlie, "charlie@b.example")):
        user.email = address
        user.save(update_fields=["email"])
    pending = f.make_organisation(name="Nouvelle ressource", status=Organisation.Status.PENDING)
    f.make_user("denise", organisation=pending, role=Membership.Role.RESPONSABLE, email="denise@example.org")
    organisation_services.organisation_approve(organisation=pending, by=cast.coordinator)
    refused = f.make_organisation(name="Hors territoire", status=Organisation.Status.PENDING)
    f.make_user("ernest", organisation=refused, role=Membership.Role.RESPONSABLE, email="ernest@example.org")
    organisation_services.organisation_refuse(organisation=refused, by=cast.coordinator, reason="Hors du territoire.")
    for username, approve in (("fanny", True), ("gilles", False)):
        person = f.make_user(username, email=f"{username}@example.org")
        asked = organisation_services.membership_request_create(user=person, organisation=cast.org_a, message="")
        if approve:
            organisation_services.membership_request_approve(membership_request=asked, by=cast.coordinator)
        else:
            organisation_services.membership_request_refuse(
                membership_request=asked, by=cast.coordinator, reason="Non."
            )
    organisation_services.member_invite(
        organisation=cast.org_a, email="hugo@example.org", by=cast.alice, base_url="https://asis.example"
    )
    draft = f.make_project(lead=cast.org_a, theme=theme, title="Cuisines collectives")
    partner = {
        "organisation": cast.org_b,
        "contribution_kind": ProjectPartner.Contribution.SERVICES,
        "contribution_value": Decimal("500.00"),
        "contribution_description": "Animation",
    }
    filing_services.project_save_draft(by=cast.alice, project=draft, partners=[partner])
    submitted = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Jardin partagé")
    review_services.project_request_changes(project=submitted, by=cast.coordinator, comment="Ajoutez le budget.")
    running = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Logement d'abord")
    today = datetime.date(2014, 9, 17)
    late = f.make_deadline(running, due_on=today - datetime.timedelta(days=1), label="Rapport d'étape de mi-parcours")
    f.make_deadline(running, kind="final", due_on=today + datetime.timedelta(days=1), label="Rapport final")
    reminder_services.report_reminders_send(today=today, base_url="https://asis.example")
    reminder_services.report_reminder_send(
        deadline=late, by=cast.coordinator, today=today + datetime.timedelta(days=7), base_url="https://asis.example"
    )
    client.post(reverse("password_reset"), {"email": "alice@a.example"})


@pytest.mark.django_db
@pytest.mark.guard
def test_no_email_holds_the_known_kinds_of_french_mistakes(cast, theme, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _every_email(cast, theme, client)
    sent = list(mail.outbox)  # the services' e-mails leave after the commit
    kinds = {m.subject.removeprefix("ASIS : ").split(" « ")[0] for m in sent}
    assert len(kinds) == 9, sorted(kinds)  # every kind of e-mail the portal sends was written
    found = [f"« {m.subject} »: {mistake}" for m in sent for mistake in mistakes_in(f"{m.subject}\n{m.body}")]
    assert not found, "\n".join(found)
    reminders = [m.body for m in sent if "rapports à remettre" in m.subject]
    assert "Rapport d'étape de mi-parcours, à remettre le 16 septembre 2014 (en retard de 1 jour)" in reminders[0]
    assert "Rapport final, à remettre le 18 septembre 2014 (dans 1 jour)" in reminders[0]
