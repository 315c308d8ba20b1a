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
    group: object = None  # the organisation, for pairs: two candidates of one group are never paired


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


def similar_pairs(
    candidates: Iterable[Candidate], *, min_shared: int = 1, limit: int = 50
) -> list[tuple[object, object, int]]:
    """Pairs of candidates of different groups that share at least `min_shared` words, most similar first:
    (key, key, score), the score counting shared words plus SAME_THEME for a shared theme.

    Each candidate's words are read once; pairs are compared in memory (the caller bounds the candidates).
    """
    prepared = [(index, c, significant_words(c.title, c.summary)) for index, c in enumerate(candidates)]
    scored = []
    for i, (index_a, a, words_a) in enumerate(prepared):
        for index_b, b, words_b in prepared[i + 1 :]:
            if a.group is not None and a.group == b.group:
                continue
            shared = len(words_a & words_b)
            if shared < min_shared:
                continue
            score = shared + (SAME_THEME if a.theme_id == b.theme_id else 0)
            scored.append((-score, index_a, index_b, a.key, b.key))
    scored.sort(key=lambda row: row[:3])
    return [(key_a, key_b, -score) for score, _a, _b, key_a, key_b in scored[:limit]]
