"""The money words (budget.terms): one label and one definition per figure, and the guide « Définitions de l'argent »
that each label links to says the same thing under a heading of the same label."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from budget.terms import GLOSSARY_GUIDE, TERMS, term
from pages.help import GUIDE_DIR, GUIDES, render_markdown


def _guide() -> str:
    return (GUIDE_DIR / f"{GLOSSARY_GUIDE}.md").read_text(encoding="utf-8")


def test_one_label_per_term_and_no_label_twice():
    labels = [str(t.label) for t in TERMS.values()]
    assert len(labels) == len(set(labels))
    assert "Engagé (par date de décision)" in labels and "Engagé (par année du plan)" in labels
    with pytest.raises(KeyError):
        term("engage")  # a typo fails loudly


@pytest.mark.parametrize("key", list(TERMS))
def test_each_term_has_its_heading_and_its_definition_in_the_guide(key):
    """The guide's heading of the label carries the term's anchor, and the sentence under it is the definition."""
    with translation.override("fr-ca"):
        found = term(key)
        html, _toc = render_markdown(_guide())
        heading = re.search(rf'<h2 id="{found.anchor}">(.*?)</h2>\s*<p>(.*?)</p>', html, re.S)
        assert heading, found.anchor
        assert heading.group(1) == str(found.label).replace("'", "&#x27;") or heading.group(1) == str(found.label)
        assert " ".join(heading.group(2).split()) == str(found.definition).replace("'", "'")
        assert found.url == f"/aide/{GLOSSARY_GUIDE}/#{found.anchor}"
    assert GLOSSARY_GUIDE in GUIDES


def test_the_label_tag_links_its_definition_with_an_accessible_name(client):
    html = Template('{% load money_terms %}{% money_label "left" %}|{% money_label "left" link=False %}').render(
        Context()
    )
    linked, plain = html.split("|")
    assert plain == "Reste à engager"
    assert linked.startswith("Reste à engager <a ")
    assert 'href="/aide/argent/#reste-a-engager"' in linked
    assert '<span class="visually-hidden">Définition : Reste à engager</span>' in linked
    assert 'class="term-link d-print-none"' in linked  # a bordered « ? », not colour alone; not printed


def test_the_glossary_page_is_public_and_has_an_anchor_per_term(client, db):
    response = client.get(reverse("help-guide", kwargs={"slug": GLOSSARY_GUIDE}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Définitions de l'argent" in html
    for found in TERMS.values():
        assert f'id="{found.anchor}"' in html


def test_english_labels_are_translated_the_anchor_stays():
    with translation.override("en"):
        assert str(term("committed").label) == "Committed (by decision date)"
        assert term("committed").url.endswith("#engage-par-date-de-decision")
