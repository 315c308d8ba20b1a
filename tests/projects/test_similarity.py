"""Join forces instead of duplicating: the ranking of similar projects (a pure function, no database)."""

from projects.similarity import Candidate, rank_similar, significant_words


def test_significant_words_drop_accents_case_short_and_stop_words():
    assert significant_words("Sécurité ALIMENTAIRE pour les aînés", "de la") == {"securite", "alimentaire", "aines"}


def test_same_theme_comes_first_then_shared_words():
    candidates = [
        Candidate(key="other-theme-many-words", theme_id=2, title="Cuisines collectives pour les familles"),
        Candidate(key="same-theme-no-word", theme_id=1, title="Transport adapté"),
        Candidate(key="same-theme-two-words", theme_id=1, title="Cuisines collectives", summary="quartier"),
        Candidate(key="same-theme-one-word", theme_id=1, title="Jardins collectifs des familles"),
    ]
    ranked = rank_similar(
        theme_id=1, title="Cuisines collectives", summary="familles du quartier", candidates=candidates
    )
    assert ranked == ["same-theme-two-words", "same-theme-one-word", "same-theme-no-word", "other-theme-many-words"]


def test_another_theme_without_a_shared_word_is_not_similar():
    candidates = [Candidate(key=1, theme_id=2, title="Transport adapté")]
    assert rank_similar(theme_id=1, title="Cuisines collectives", candidates=candidates) == []


def test_at_most_five_and_ties_keep_the_given_order():
    candidates = [Candidate(key=i, theme_id=1, title=f"Projet {i}") for i in range(8)]
    assert rank_similar(theme_id=1, title="Autre chose", candidates=candidates) == [0, 1, 2, 3, 4]


def test_without_a_theme_only_words_count():
    candidates = [
        Candidate(key="a", theme_id=1, title="Logement social"),
        Candidate(key="b", theme_id=1, title="Halte-garderie"),
    ]
    assert rank_similar(theme_id=None, title="logement", candidates=candidates) == ["a"]
