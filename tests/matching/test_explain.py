"""Choosing true reasons, strength bands, where the list stops, and readable reasons."""

from matchmaker.matching import Ranked
from matchmaker.matching.explain import Bridge, Evidence, nothing_strong, quote, shown, strength


def ev(wrote, profile, share, wrote_words=None, profile_words=None):
    words = tuple(wrote.lower().split())
    concept = "" if wrote_words is None else "cell-therapy"
    return Evidence(wrote, wrote_words or words, profile, profile_words or words, share, concept)


def test_a_word_inside_a_matched_phrase_adds_to_the_phrase():
    evidence = [
        ev("cell therapy", "cell therapy", 0.2),
        ev("cell", "cell", 0.15),
        ev("GMP", "GMP", 0.3),
    ]
    assert quote(evidence) == (("cell therapy", "GMP"), ())


def test_different_words_of_one_concept_are_a_bridge():
    evidence = [
        ev("thérapie cellulaire", "cell therapy", 0.3, ("therap", "cellulair"), ("therapi", "cell"))
    ]
    assert quote(evidence) == ((), (Bridge("thérapie cellulaire", "cell therapy", "cell-therapy"),))


def test_generic_words_and_tag_only_matches_are_never_reasons():
    evidence = [
        *(ev(word, word, 0.5) for word in ("environ", "near", "services", "m2", "run", "ex")),
        ev("contract manufacturing", "", 0.3),
        ev("GMP", "GMP", 0.1),
    ]
    assert quote(evidence) == (("GMP",), ())


def test_limit_and_zero_shares():
    evidence = [ev(f"w{i}x", f"w{i}x", float(i)) for i in range(8)]
    assert quote(evidence, limit=3) == (("w7x", "w6x", "w5x"), ())
    assert quote([ev("x", "x", 0.0)]) == ((), ())


def test_strength_bands():
    assert [strength(s) for s in (0.6, 0.25, 0.2, 0.15, 0.1)] == [
        "strong", "strong", "possible", "possible", "weak"]  # fmt: skip


def test_the_list_stops_where_scores_collapse_but_shows_three():
    assert shown([0.5, 0.45, 0.3, 0.19, 0.1]) == 3
    assert shown([0.5, 0.1, 0.05, 0.04]) == 3
    assert shown([0.3, 0.28, 0.27, 0.26, 0.25]) == 5
    assert shown([0.2]) == 1
    assert shown([]) == 0


def test_nothing_strong():
    assert nothing_strong([Ranked("a", 0.2, strength="possible")])
    assert not nothing_strong([Ranked("a", 0.4, strength="strong")])
    assert nothing_strong([])


def test_reasons_read_role_terms_bridges_then_facets():
    ranked = Ranked("a", 0.5, ("fret aérien",), ("logistics",), ("site-location",),
                    (Bridge("douane", "customs", "customs"),), "site-host", "strong")  # fmt: skip
    assert ranked.reasons == (
        "role: site-host",
        'matches "fret aérien"',
        'you wrote "douane"; their profile says "customs" (customs)',
        "sector: logistics",
        "offers: site-location",
    )


def test_nothing_strong_is_exported_from_the_package():
    import matchmaker.matching as matching

    assert matching.nothing_strong is nothing_strong
    assert "nothing_strong" in matching.__all__
