"""The bilingual glossary: phrases in both languages meet on shared concepts."""

import numpy as np
import pytest

from matchmaker.matching.glossary import Glossary, default_glossary
from matchmaker.matching.text import guess_lang, stems


def concepts(text: str) -> set[str]:
    words = stems(text, guess_lang(text))
    return {concept for _, _, concept in default_glossary().find(words)}


@pytest.mark.parametrize(
    ("french_or_variant", "english"),
    [
        ("thérapie cellulaire", "cell therapy"),
        ("CDMO", "contract manufacturing"),
        ("AAV", "viral vector"),
        ("fret aérien", "air cargo"),
        ("essais cliniques", "clinical trials"),
        ("capital-risque", "venture capital"),
        ("stations d'épuration", "wastewater treatment plant"),
        ("intelligence artificielle", "machine learning"),
        ("co-investissement", "co-investment"),
        ("levée de fonds", "funding round"),
        ("trappiste", "monastery-brewed beers"),
        ("biotech", "clinical-stage therapeutics"),
    ],
)
def test_translations_and_synonyms_share_a_concept(french_or_variant, english):
    assert concepts(french_or_variant) & concepts(english)


def test_unrelated_phrases_do_not_meet():
    assert not concepts("air cargo") & concepts("cell therapy")


def test_a_round_a_company_raises_is_not_the_investors_own_investing():
    """An investor's "invest" describes itself (intent.tsv "self" rows); the rounds it looks for
    describe the companies, so they are a concept of their own, at full weight."""
    assert not concepts("funding round") & concepts("we invest")


def test_find_reports_positions_of_multi_word_phrases():
    glossary = Glossary.parse("# comment\nviral-vector\tviral vector; AAV\n")
    words = stems("An AAV or a viral vector", "en")
    assert glossary.find(words) == [(0, 1, "~viral-vector"), (1, 3, "~viral-vector")]
    assert len(glossary) == 2


def test_phrase_cut_off_at_the_end_is_not_a_match():
    glossary = Glossary.parse("viral-vector\tviral vector\nvirus\tviral\n")
    assert glossary.find(stems("viral", "en")) == [(0, 1, "~virus")]


def test_capitalised_acronym_does_not_match_the_lowercase_word():
    glossary = Glossary.parse("information-technology\tIT\n")
    assert glossary.find(stems("it works", "en")) == []
    assert glossary.find(stems("IT services", "en")) == [(0, 1, "~information-technology")]


def test_a_phrase_that_stop_words_reduce_to_one_word_is_left_out():
    glossary = Glossary.parse("startup\tstart-up; startup\ncontract\tsous-traitant\n")
    assert glossary.find(stems("starting material", "en")) == []
    assert glossary.find(stems("a startup", "en")) == [(0, 1, "~startup")]
    assert glossary.find(stems("traitement des eaux", "fr")) == []
    assert glossary.find(stems("un sous-traitant", "fr")) == [(0, 2, "~contract")]


def test_coded_search_finds_what_find_finds():
    glossary = default_glossary()
    texts = [
        "Contract manufacturing of AAV viral vectors under GMP for cell and gene therapy",
        "Fret aérien, entrepôt sous douane et chaîne du froid pharmaceutique",
        "Thérapie cellulaire CAR-T",
    ]
    words, codes, numbers, expected = [], [], [], []
    for number, text in enumerate(texts):
        stemmed = stems(text, guess_lang(text))
        start = len(codes)
        for word in stemmed:
            if word not in words:
                words.append(word)
            codes.append(words.index(word))
            numbers.append(number)
        expected += [(start + first, concept) for first, _, concept in glossary.find(stemmed)]
    first, concepts = glossary.find_coded(np.array(codes), np.array(numbers), words)
    found = [(int(i), glossary.concepts[c]) for i, c in zip(first, concepts, strict=True)]
    assert sorted(found) == sorted(expected)
    assert expected
