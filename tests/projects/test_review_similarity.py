"""Look-alike pairs: a pure function over plain values."""

from projects.similarity import SAME_THEME, Candidate, similar_pairs


def test_pairs_join_different_groups_sharing_words_most_similar_first():
    candidates = [
        Candidate(key="a1", theme_id=1, title="Cuisine collective du quartier", group="A"),
        Candidate(key="a2", theme_id=1, title="Cuisine collective des aînés", group="A"),
        Candidate(key="b1", theme_id=1, title="Cuisine collective pour familles", group="B"),
        Candidate(key="c1", theme_id=2, title="Cuisine de rue", group="C"),
        Candidate(key="d1", theme_id=1, title="Transport adapté", group="D"),
    ]
    pairs = similar_pairs(candidates)
    assert pairs[:2] == [("a1", "b1", SAME_THEME + 2), ("a2", "b1", SAME_THEME + 2)]
    assert ("a1", "a2", SAME_THEME + 2) not in pairs  # one organisation
    assert all("d1" not in pair for pair in pairs)  # a shared theme alone is not enough
    assert ("a1", "c1", 1) in pairs


def test_pairs_are_limited():
    candidates = [Candidate(key=i, theme_id=1, title="Halte-garderie communautaire", group=i) for i in range(10)]
    assert len(similar_pairs(candidates, limit=7)) == 7
