"""French proofreading over every page of the demo, as each role sees it (issue 23, item 8): the kinds of mistakes
found by reading the pages — « Du le 1er avril », « au le », a count written with cents (« 131,00 personnes »), a label
doubled in parentheses (« Rapport final (Rapport final) »), a command name shown to users, « rien soumettre »."""

import html
import re

import pytest

from tests.fuzzing import demo_clients, is_html, matrix_urls

MISTAKES = {
    "« du le » / « au le » (a preposition before long_date's article)": re.compile(r"\b(?:[Dd]u|au|de|à) le \d"),
    "a count of people with cents": re.compile(r"\d,\d\d (?:personnes?|citoyens?|présences?|rencontres?|projets?)\b"),
    "a label doubled in parentheses": re.compile(r"(\b[\w'’ ]{4,}?) \(\1\)"),
    "a command name shown to users": re.compile(r"manage\.py|send_report_reminders|load_asis|check_budget"),
    "« rien soumettre »": re.compile(r"mais rien soumettre"),
}


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
        text = visible_text(response.content.decode())
        for kind, pattern in MISTAKES.items():
            if match := pattern.search(text):
                found.append(
                    f"{path} ({name}) as {role}: {kind}: …{text[max(0, match.start() - 40) : match.end() + 20]}…"
                )
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Du le 1er avril 2013 au le 31 mars 2016", "« du le » / « au le » (a preposition before long_date's article)"),
        ("131,00 personnes", "a count of people with cents"),
        ("Rapport final (Rapport final)", "a label doubled in parentheses"),
        ("python manage.py load_asis", "a command name shown to users"),
    ],
)
def test_each_kind_of_mistake_is_caught(text, kind):
    assert MISTAKES[kind].search(text)
