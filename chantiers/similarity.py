"""Join forces instead of duplicating (principles 1 and 3): rank the projects that look like a new one.

A pure function over plain values, so the ranking is tested without a database; the view reads
the candidates (the theme's projects of other organisations) in one query and passes them here.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# French (and a few English) words that say nothing about what a project does.
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces cet cette dans de des du elle en et for il ils la le les leur leurs
    of on ou par pas plus pour projet projets qu que qui sa se ses son sur the to un une vers
    nos notre nous vos votre vous est sont dans afin entre
    """.split()
)
MIN_WORD_LENGTH = 3
SAME_THEME = 10  # a shared theme outweighs a few shared words


def significant_words(*texts: str) -> set[str]:
    """Lower-case words without accents, stop words or short words."""
    text = " ".join(t for t in texts if t)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return {w for w in re.findall(r"[a-z0-9]+", text) if len(w) >= MIN_WORD_LENGTH and w not in STOP_WORDS}


@dataclass(frozen=True)
class Candidate:
    key: object  # whatever identifies the project for the caller (a pk or the instance)
    theme_id: int
    title: str
    summary: str = ""


def rank_similar(
    *, theme_id: int | None, title: str = "", summary: str = "", candidates: Iterable[Candidate], limit: int = 5
) -> list[object]:
    """The keys of up to `limit` candidates, most similar first: same theme first, then shared words.

    A candidate of another theme must share at least one word; ties keep the candidates' order.
    """
    words = significant_words(title, summary)
    scored = []
    for index, candidate in enumerate(candidates):
        shared = len(words & significant_words(candidate.title, candidate.summary))
        score = shared + (SAME_THEME if theme_id is not None and candidate.theme_id == theme_id else 0)
        if score > 0:
            scored.append((-score, index, candidate.key))
    scored.sort()
    return [key for _score, _index, key in scored[:limit]]
