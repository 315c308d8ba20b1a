"""The money words: one label and one definition per figure, used by every page and export that shows it.

The same sum used to carry different names on different pages, and two different sums the same name (the bilan's
« Engagé » by decision date beside its « Engagé » by plan year). Each figure is named here once: its label (what a
column or a line says), its one-sentence definition, and its anchor in the guide « Définitions de l'argent »
(docs/guide/argent.md, at /aide/argent/), where the same sentence is written under a heading of the same label
(tests/budget/test_terms.py checks that the guide and this module agree).

Templates read them with the `money_terms` library (budget/templatetags/money_terms.py):
`{% money_label "committed" %}` writes the label with a small link to its definition, `{% money_term "committed" as
term %}` gives the Term (label, definition, url) to write it another way. Python (exports, documents) reads
`TERMS["committed"].label`.

How each figure is computed is in bilan/selectors/__init__.py (the bilan's figures over a period) and
budget/selectors/envelope.py (the envelope's, to date); the definitions here say it in the users' words."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GLOSSARY_GUIDE = "argent"  # docs/guide/argent.md, served by pages.help at /aide/argent/


@dataclass(frozen=True)
class Term:
    key: str
    label: Promise  # lazy: read in the language of the request or the document
    definition: Promise
    anchor: str  # the id of the guide's heading (Markdown's table of contents slug of the label in French)

    @property
    def url(self) -> str:
        return f"{reverse('help-guide', kwargs={'slug': GLOSSARY_GUIDE})}#{self.anchor}"

    def __str__(self) -> str:
        return str(self.label)


TERMS = {
    term.key: term
    for term in (
        Term(
            "envelope",
            _("Enveloppe"),
            _("Tout l'argent des sources de financement du plan, pour ses trois années."),
            "enveloppe",
        ),
        Term(
            "committed",
            _("Engagé (par date de décision)"),
            _(
                "Les engagements décidés dans la période (date de la décision du conseil), moins leurs réductions, "
                "quelle que soit l'année du plan qu'ils financent."
            ),
            "engage-par-date-de-decision",
        ),
        Term(
            "committed_by_year",
            _("Engagé (par année du plan)"),
            _(
                "Les mêmes engagements décidés dans la période, moins leurs réductions, rangés selon l'année du plan "
                "(1er avril au 31 mars) qu'ils financent."
            ),
            "engage-par-annee-du-plan",
        ),
        Term(
            "committed_to_date",
            _("Engagé à ce jour"),
            _("Tous les engagements décidés jusqu'à aujourd'hui, moins leurs réductions."),
            "engage-a-ce-jour",
        ),
        Term(
            "disbursed",
            _("Versé"),
            _(
                "Les versements faits aux organisations dans la période, plus les corrections datées de la période "
                "(à ce jour quand aucune période n'est choisie)."
            ),
            "verse",
        ),
        Term(
            "to_pay",
            _("Reste à verser"),
            _("Ce qui est engagé et pas encore versé : l'engagé à ce jour moins le versé."),
            "reste-a-verser",
        ),
        Term(
            "left",
            _("Reste à engager"),
            _(
                "Le montant d'une source moins tous ses engagements décidés jusqu'à la fin de la période "
                "(jusqu'à aujourd'hui quand aucune période n'est choisie)."
            ),
            "reste-a-engager",
        ),
        Term(
            "leverage",
            _("Effet de levier"),
            _(
                "Les dollars venus d'ailleurs (autres financements des projets acceptés et contributions confirmées "
                "de leurs partenaires) pour chaque dollar engagé par l'Alliance."
            ),
            "effet-de-levier",
        ),
        Term(
            "valued_time",
            _("Temps valorisé (contribution en nature, non monétaire)"),
            _(
                "Les heures du personnel des partenaires présent aux rencontres des lieux de concertation, au taux "
                "horaire que l'Alliance a fixé pour le jour de chaque rencontre : une contribution en nature, jamais "
                "ajoutée à l'argent."
            ),
            "temps-valorise-contribution-en-nature-non-monetaire",
        ),
        Term(
            "participation_support",
            _("Soutien à la participation citoyenne"),
            _(
                "Les petits paiements (transport, garde d'enfants, repas) qui aident des citoyens et citoyennes à "
                "prendre part aux rencontres, payés par l'Alliance hors de l'enveloppe; les soutiens annulés ne "
                "comptent pas."
            ),
            "soutien-a-la-participation-citoyenne",
        ),
    )
}


def term(key: str) -> Term:
    """The term named `key`; a KeyError for a word that is not one of them (a typo fails loudly)."""
    return TERMS[key]
