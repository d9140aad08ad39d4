"""labels.match_reasons, the one formatter of a match's explanation, and the strength labels:
every role the engine names has a text in English and French, bridges read as bridges, and
nothing is said that the explanation does not hold."""

import pytest
from flask_babel import force_locale

from matchmaker.labels import ROLE_REASONS, STRENGTH_LABELS, match_reasons, role_reason
from matchmaker.labels import strength_label as label
from matchmaker.matching.intent import default_rules

ROLES = sorted({rule.role for rule in default_rules() if rule.role})
DOCUMENTED_ROLES = {
    "raising-capital", "investable", "co-investor", "public-funder", "funder", "site-host",
    "public-agency", "producer", "research-lab", "rd-partner", "public-counterpart", "network",
}  # fmt: skip

CELL_THERAPY = {
    "strength": "strong",
    "role": "raising-capital",
    "terms": ["GMP", "viral vectors"],
    "bridges": [
        {"wrote": "thérapie cellulaire", "profile": "cell therapy", "concept": "cell-therapy"}
    ],  # fmt: skip
    "sectors": ["life-sciences"],
    "offers": ["contract-manufacturing"],
}


@pytest.fixture
def in_lang(app):
    """in_lang("fr", function, *args) → what function says in that language."""

    def say(lang, function, *args, **kwargs):
        with app.test_request_context(), force_locale(lang):
            return function(*args, **kwargs)

    return say


def test_the_engine_names_only_the_documented_roles():
    assert set(ROLES) == DOCUMENTED_ROLES == set(ROLE_REASONS)


@pytest.mark.parametrize("role", sorted(DOCUMENTED_ROLES))
def test_every_role_has_a_text_in_english_and_in_french(in_lang, role):
    for kind in ("startup", "company"):
        english = in_lang("en", role_reason, role, kind)
        french = in_lang("fr", role_reason, role, kind)
        assert english and french and english != french
        assert in_lang("en", match_reasons, {"role": role}, kind=kind) == [english]
        assert in_lang("fr", match_reasons, {"role": role}, kind=kind, staff=True) == [french]


def test_a_start_up_is_named_as_such_and_a_company_is_not_called_one(in_lang):
    assert in_lang("en", role_reason, "raising-capital", "startup") == "A start-up raising capital"
    company = in_lang("en", role_reason, "raising-capital", "company")
    assert "start-up" not in company and "raising capital" in company
    assert in_lang("fr", role_reason, "raising-capital", "startup") == (
        "Une start-up qui lève des fonds"
    )
    assert in_lang("en", role_reason, "co-investor") == (
        "An investment fund: could co-invest with you"
    )


def test_no_role_or_an_unknown_role_says_nothing(in_lang):
    assert in_lang("en", match_reasons, {"role": ""}) == []
    assert in_lang("en", match_reasons, {"role": "secret-agent"}) == []
    assert in_lang("en", match_reasons, {}) == []


def test_reasons_in_english_quote_the_terms_and_show_bridges_as_bridges(in_lang):
    assert in_lang("en", match_reasons, CELL_THERAPY, kind="startup") == [
        "A start-up raising capital",
        "Their profile mentions: “GMP” and “viral vectors”.",
        "You wrote “thérapie cellulaire”; their profile says “cell therapy”.",
        "Active in Life sciences and health, the sector you chose.",
        "Open to what you are looking for: Contract manufacturing.",
    ]


def test_reasons_in_french_use_french_quotes_and_words(in_lang):
    assert in_lang("fr", match_reasons, CELL_THERAPY, kind="startup") == [
        "Une start-up qui lève des fonds",
        "Son profil mentionne\xa0: «\xa0GMP\xa0» et «\xa0viral vectors\xa0».",
        "Vous avez écrit «\xa0thérapie cellulaire\xa0»\xa0; son profil dit «\xa0cell therapy\xa0».",
        "Active dans le secteur Sciences du vivant et santé, que vous avez choisi.",
        "Ouverte à ce que vous cherchez\xa0: Fabrication à façon.",
    ]


def test_staff_reasons_are_terse_and_still_show_the_role_and_the_bridges(in_lang):
    assert in_lang("en", match_reasons, CELL_THERAPY, kind="company", staff=True) == [
        "A company raising capital: open to investment",
        "Profile mentions: GMP, viral vectors",
        "The investor wrote “thérapie cellulaire”; their profile says “cell therapy”.",
        "Sectors in common: Life sciences and health",
        "Offers what is sought: Contract manufacturing",
    ]


def test_staff_read_in_french_who_wrote_the_bridged_words(in_lang):
    reasons = in_lang("fr", match_reasons, CELL_THERAPY, kind="company", staff=True)
    assert (
        "L’investisseur a écrit «\xa0thérapie cellulaire\xa0»\xa0; son profil dit "
        "«\xa0cell therapy\xa0»." in reasons
    )


def test_a_bridge_missing_a_side_is_not_shown(in_lang):
    broken = {"bridges": [{"wrote": "AAV", "profile": ""}, {"wrote": "", "profile": "CDMO"}]}
    assert in_lang("en", match_reasons, broken) == []


def test_a_match_stored_before_bridges_and_roles_keeps_its_reasons(in_lang):
    old = {"terms": ["viral vectors"], "sectors": [], "offers": []}
    assert in_lang("en", match_reasons, old) == ["Their profile mentions: “viral vectors”."]


@pytest.mark.parametrize(
    ("code", "english", "french"),
    [
        ("strong", "Strong match", "Correspondance forte"),
        ("possible", "Possible match", "Correspondance possible"),
        ("weak", "Weak match", "Correspondance faible"),
        ("", "", ""),
        ("excellent", "", ""),
    ],
)
def test_strength_labels_in_both_languages(in_lang, code, english, french):
    assert in_lang("en", label, code) == english
    assert in_lang("fr", label, code) == french
    assert set(STRENGTH_LABELS) == {"strong", "possible", "weak"}
