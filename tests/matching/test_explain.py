"""Choosing the query phrases that explain a match, and readable reasons."""

from matchmaker.matching import Ranked
from matchmaker.matching.explain import top_terms


def test_best_phrases_first_without_repeating_words_of_a_better_phrase():
    shares = {"cell": 0.1, "cell therapy": 0.3, "GMP": 0.2, "maintain": 0.05, "AI": 0.01}
    assert top_terms(shares) == ("cell therapy", "GMP", "maintain", "AI")


def test_limit_and_zero_shares():
    shares = {f"w{i}": float(i) for i in range(8)}
    assert top_terms(shares, limit=3) == ("w7", "w6", "w5")
    assert top_terms({"x": 0.0}) == ()


def test_reasons_read_terms_then_facets():
    ranked = Ranked("a", 0.5, ("fret aérien",), ("logistics",), ("site-location",))
    assert ranked.reasons == (
        'matches "fret aérien"',
        "sector: logistics",
        "offers: site-location",
    )
