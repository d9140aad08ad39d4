"""Search terms: what a text can be found by, and what a search asks for, from the engine's
analysis (folding, stems in both languages, the glossary's concepts)."""

import pytest

from matchmaker.matching.terms import document_terms, query_terms, terms_text


def found(query: str, text: str) -> bool:
    """Whether every word of the query has one of its terms among the text's."""
    terms = document_terms(text)
    return all(group & terms for group in query_terms(query))


def test_a_text_is_found_by_its_words_folded_stemmed_in_both_languages_and_its_concepts():
    terms = document_terms("Nous produisons de l'hydrogène vert à Liège")
    assert {"hydrogene", "hydrogen", "~hydrogen", "liege", "lieg", "vert"} <= terms
    assert "de" in terms  # every word as written is a term too: names, e-mail parts


def test_each_word_of_a_search_is_one_group_of_alternatives():
    assert query_terms("hydrogen") == [frozenset({"hydrogen", "~hydrogen"})]
    assert query_terms("Tanaka Aiko") == [frozenset({"tanaka", "tanak"}), frozenset({"aiko"})]


def test_a_glossary_phrase_is_an_alternative_for_each_of_its_words():
    therapy, cells = query_terms("thérapie cellulaire")
    assert "~cell-therapy" in therapy and "~cell-therapy" in cells


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("hydrogen", "Un site pour produire de l'hydrogène vert"),
        ("hydrogene", "Un site pour produire de l'hydrogène vert"),
        ("cell therapy", "Manufacturing capacity for autologous therapies based on T cells"),
        ("cell therapy", "CDMO for cell therapies"),
        ("Tanaka Aiko", "Aiko Tanaka"),
        ("warehouse Liège", "A warehouse near Liège airport"),
        ("warehouse Liège", "Un entrepôt près de l'aéroport de Liège"),
        ("thérapie cellulaire", "Process development for cell therapy"),
        ("entrepôt", "Bonded warehouses near the airport"),
        ("@CD.MA", "fz@cd.ma"),  # "ma" is a French stop word, but as written it is a term
        ("100%", "Satellite components and 100% recycled alloys"),
    ],
)  # fmt: skip
def test_the_issues_examples_are_found(query, text):
    assert found(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("warehouse Liège", "A warehouse near Namur"),
        ("hydrogen", "Battery recycling plant"),
        ("cell therapy", "Cell culture media"),
    ],
)  # fmt: skip
def test_every_word_is_required(query, text):
    assert not found(query, text)


def test_stop_words_are_skipped_unless_nothing_else_was_typed():
    assert query_terms("a warehouse in Liège") == query_terms("warehouse Liège")
    assert query_terms("The") == [frozenset({"the"})]


def test_a_search_without_words_asks_for_nothing():
    assert query_terms(" _ %% ") == []


def test_an_acronym_in_capitals_is_a_word_even_when_it_spells_a_stop_word():
    assert query_terms("IT outsourcing")[0] >= {"it"}


def test_overlong_words_are_not_terms_and_find_nothing():
    long_word = "x" * 61
    assert long_word not in document_terms(f"see {long_word}")
    assert query_terms(f"hydrogen {long_word}") == []


def test_the_stored_terms_come_once_each_the_weightiest_first():
    stored = terms_text([("Aiko Tanaka", 3), ("Cell therapies; hydrogen, hydrogen", 1)])
    # aiko: 3 x 3 (the word, its English and French stems); hydrogen: 1 x 3 x 2; tanaka: 3 x 2
    assert stored.startswith(" aiko hydrogen tanaka ") and stored.endswith(" ")
    assert len(stored.split()) == len(set(stored.split())) and "~cell-therapy" in stored
