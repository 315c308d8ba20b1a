"""The money words on a page (budget.terms): a figure's label with a small link to its definition.

    {% load money_terms %}
    <th scope="col">{% money_label "committed" %}</th>      → « Engagé (par date de décision) » and a « ? » link
    {% money_label "disbursed" link=False %}               → the label alone (a second mention, a caption)
    {% money_link "leverage" %}                            → the « ? » link alone, after a sentence naming the term
    {% money_term "leverage" as term %}{{ term.definition }} → the Term (label, definition, url) to write it otherwise
    {% money_terms "committed" "disbursed" as terms %}      → several Terms, for a list of definitions

The link is a visible « ? » in a bordered circle (not colour alone) whose accessible name is « Définition :
<label> »; it does not print (the printed report keeps the labels, its glossary is the guide)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from budget.terms import Term, term

register = template.Library()


@register.simple_tag
def money_label(key: str, *, link: bool = True):
    """The label of the money term `key`, followed by a link to its definition in the guide (unless link=False)."""
    found = term(key)
    if not link:
        return str(found.label)
    return format_html("{} {}", found.label, money_link(key))


@register.simple_tag
def money_link(key: str):
    """The « ? » link alone, after a sentence that already says the term (« Effet de levier : … »)."""
    found = term(key)
    return format_html(
        '<a class="term-link d-print-none" href="{}" title="{}">'
        '<span aria-hidden="true">?</span><span class="visually-hidden">{}</span></a>',
        found.url,
        found.definition,
        _("Définition : %(label)s") % {"label": found.label},
    )


@register.simple_tag
def money_term(key: str) -> Term:
    """The Term `key` (label, definition, url), for `{% money_term "committed" as term %}`."""
    return term(key)


@register.simple_tag
def money_terms(*keys: str) -> list[Term]:
    """The Terms named, in order, for `{% money_terms "committed" "disbursed" as terms %}`."""
    return [term(key) for key in keys]
