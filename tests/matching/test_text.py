"""Text normalisation: folding, stop words, stems, acronyms, language guess."""

from matchmaker.matching.text import fold, guess_lang, stems, tokens


def test_fold_strips_accents_and_case():
    assert fold("Thérapie Cellulaire") == "therapie cellulaire"
    assert fold("Œuvre") == "oeuvre"


def test_stems_drop_stop_words_numbers_and_single_letters():
    assert stems("The cell therapies of 2026 and a CDMO", "en") == ["cell", "therapi", "cdmo"]
    french = ["therap", "cellulair", "region"]
    assert stems("les thérapies cellulaires de la région", "fr") == french


def test_domain_words_are_not_stop_words():
    assert stems("thin films for car parts and fill & finish systems", "en") == [
        "thin",
        "film",
        "car",
        "part",
        "fill",
        "finish",
        "system",
    ]
    assert stems("des avions", "fr") == ["avion"]


def test_word_forms_meet():
    assert stems("manufacturing", "en") == stems("manufacturers", "en")
    assert stems("vaccins", "fr") == stems("vaccines", "en")


def test_capitalised_acronyms_are_kept_whole():
    assert stems("IT and PET", "en") == ["it", "pet"]
    assert stems("CAR-T cells and R&D", "en") == ["car-t", "cell", "r&d"]
    assert stems("it is", "en") == []


def test_tokens_keep_spans_of_the_original_text():
    text = "Une thérapie cellulaire"
    assert [text[t.start : t.end] for t in tokens(text, "fr")] == ["thérapie", "cellulaire"]


def test_guess_lang():
    assert guess_lang("Nous cherchons un partenaire pour la fabrication") == "fr"
    assert guess_lang("We are looking for a partner for the manufacturing") == "en"
    assert guess_lang("CDMO", default="fr") == "fr"
    assert guess_lang("CDMO", default="de") == guess_lang("CDMO", default=None) == "en"


def test_the_prefix_co_joins_its_word():
    assert stems("Co-investment and co-investing", "en") == ["coinvest", "coinvest"]
    assert stems("un co-investissement", "fr") == stems("un coinvestissement", "fr")
    assert stems("co-packers", "en") == stems("copackers", "en")


def test_a_hyphenated_particle_joins_its_word():
    assert stems("start-ups and spin-offs", "en") == stems("startups and spinoffs", "en")
    assert stems("les start-up et les spin-off", "fr") == ["startup", "spinoff"]
    assert stems("a buy-out, a scale-up", "en") == ["buyout", "scaleup"]


def test_on_and_a_particle_inside_a_compound_are_left_alone():
    assert stems("peut-on", "fr") == []
    assert stems("start-up-friendly", "en") == ["start", "friend"]


def test_french_function_words_are_stop_words_like_their_english_counterparts():
    assert stems("also already always often", "en") == []
    assert stems("aussi déjà toujours souvent", "fr") == []
    assert stems("des avions", "fr") == ["avion"]  # "we had", but also "planes"


def test_amounts_of_money_are_stop_words():
    assert stems("tickets of 2 to 5 million euros in medtech", "en") == ["medtech"]
    assert stems("des tickets de 500 000 euros à 2 millions", "fr") == []
