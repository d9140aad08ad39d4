"""The bilingual glossary: phrases in both languages meet on shared concepts."""

import numpy as np
import pytest

from matchmaker.matching.glossary import Glossary, default_glossary, phrase_langs
from matchmaker.matching.text import guess_lang, stems


def concepts(text: str, hint: str = "en") -> set[str]:
    lang = guess_lang(text, hint)
    return {concept for _, _, concept in default_glossary().find(stems(text, lang), lang)}


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
        ("des trains de marchandises", "freight trains"),
        ("importateur exclusif", "exclusive importer"),
        ("intégrateur express", "express integrator"),
        ("moteurs", "aircraft engines"),
        ("une spin-off", "a spinout"),
        ("les start-up", "startups"),
    ],
)
def test_translations_and_synonyms_share_a_concept(french_or_variant, english):
    assert concepts(french_or_variant, "fr") & concepts(english)


def test_unrelated_phrases_do_not_meet():
    assert not concepts("air cargo") & concepts("cell therapy")


def test_a_round_a_company_raises_is_not_the_investors_own_investing():
    """An investor's "invest" describes itself (intent.tsv "self" rows); the rounds it looks for
    describe the companies, so they are a concept of their own, at full weight."""
    assert not concepts("funding round") & concepts("we invest")


def test_find_reports_positions_of_multi_word_phrases():
    glossary = Glossary.parse("# comment\nviral-vector\tviral vector; AAV\n")
    words = stems("An AAV or a viral vector", "en")
    assert glossary.find(words, "en") == [(0, 1, "~viral-vector"), (1, 3, "~viral-vector")]
    assert len(glossary) == 2


def test_phrase_cut_off_at_the_end_is_not_a_match():
    glossary = Glossary.parse("viral-vector\tviral vector\nvirus\tviral\n")
    assert glossary.find(stems("viral", "en"), "en") == [(0, 1, "~virus")]


def test_capitalised_acronym_does_not_match_the_lowercase_word():
    glossary = Glossary.parse("information-technology\tIT\n")
    assert glossary.find(stems("it works", "en"), "en") == []
    assert glossary.find(stems("IT services", "en"), "en") == [(0, 1, "~information-technology")]


def test_a_phrase_that_stop_words_reduce_to_one_word_is_left_out():
    glossary = Glossary.parse("startup\tstart-up; startup\ncontract\tsous-traitant\n")
    assert glossary.find(stems("starting material", "en"), "en") == []
    assert glossary.find(stems("a startup", "en"), "en") == [(0, 1, "~startup")]
    assert glossary.find(stems("traitement des eaux", "fr"), "fr") == []
    assert glossary.find(stems("un sous-traitant", "fr"), "fr") == [(0, 2, "~contract")]


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "en",
            [
                "Contract manufacturing of AAV viral vectors under GMP for cell and gene therapy",
                "CAR-T cell therapy",
            ],
        ),
        (
            "fr",
            [
                "Fret aérien, entrepôt sous douane et chaîne du froid pharmaceutique",
                "Thérapie cellulaire CAR-T",
            ],
        ),
    ],
)
def test_coded_search_finds_what_find_finds(lang, texts):
    glossary = default_glossary()
    words, codes, numbers, expected = [], [], [], []
    for number, text in enumerate(texts):
        stemmed = stems(text, lang)
        start = len(codes)
        for word in stemmed:
            if word not in words:
                words.append(word)
            codes.append(words.index(word))
            numbers.append(number)
        expected += [(start + first, concept) for first, _, concept in glossary.find(stemmed, lang)]
    first, concepts = glossary.find_coded(np.array(codes), np.array(numbers), words, lang)
    found = [(int(i), glossary.concepts[c]) for i, c in zip(first, concepts, strict=True)]
    assert sorted(found) == sorted(expected)
    assert expected


@pytest.mark.parametrize(
    ("phrase", "langs"),
    [
        ("thérapie cellulaire", ("fr",)),
        ("levée de fonds", ("fr",)),
        ("mise en bouteille", ("fr",)),  # no accent: "en" is a stop word of French only
        ("cost of goods", ("en",)),
        ("bone@en", ("en",)),
        ("formation@fr", ("fr",)),
        ("biotech", ("en", "fr")),
        ("AI", ("en", "fr")),  # a capitalised acronym, not the French stop word "ai"
    ],
)
def test_a_phrase_says_its_language_by_a_tag_an_accent_or_a_stop_word(phrase, langs):
    assert phrase_langs(phrase) == (phrase.partition("@")[0], langs)


@pytest.mark.parametrize("tagged", ["bone@de", "bone@"])
def test_a_phrase_tagged_with_another_language_or_none_is_an_error(tagged):
    with pytest.raises(ValueError, match="en or fr"):
        Glossary.parse(f"bone\t{tagged}\n")


def test_a_phrase_is_looked_up_in_texts_of_its_language_only():
    glossary = Glossary.parse("bone\tbone@en; os\ntraining\tformation@fr\n")
    assert glossary.find(stems("bone graft", "en"), "en") == [(0, 1, "~bone")]
    assert glossary.find(stems("une bonne idée", "fr"), "fr") == []  # "bonne" stems as "bone"
    assert glossary.find(stems("une formation", "fr"), "fr") == [(0, 1, "~training")]
    assert glossary.find(stems("file format", "en"), "en") == []  # "format" as "formation"


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("une bonne partie des clients", "fr", "~orthopaedics"),
        ("à partir de nos sites", "fr", "~supply"),
        ("our customers and their cultural life", "en", "~customs"),
        ("our customers and their cultural life", "en", "~agronomy"),
        ("a federal agency for industrial policy", "en", "~process-development"),
        ("integrated electrical design", "en", "~air-cargo"),
        ("le chiffre d'affaires", "fr", "~cybersecurity"),
        ("une société fondée en 1990", "fr", "~venture-capital"),
        ("elle participe à des projets européens", "fr", "~investment"),
        ("staff training for operators", "en", "~rail"),  # English "training" stems as "train"
        ("an important step", "en", "~distribution"),  # "important" stems as "import"
        ("une part importante", "fr", "~distribution"),
        ("hip implants", "en", "~site-location"),  # English "implants" stem as "implantation"
        ("une usine de production", "fr", "~machining"),  # "usiner"
        ("une solution intégrée", "fr", "~air-cargo"),  # "intégrateur"
        ("mettre à disposition", "fr", "~device"),  # "dispositif"
        ("engineering services", "en", "~engine"),  # English "engine" stems as "engineering"
        ("des parcelles à bâtir", "fr", "~e-commerce"),  # "parcels" in French
    ],
)
def test_words_that_only_share_a_stem_with_a_glossary_phrase_do_not_take_its_concept(
    text, lang, concept
):
    assert concept not in concepts(text, lang)
