"""Text normalisation: tokens, accent folding, English/French stop words and stemming."""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Runs of letters and digits; hyphens and apostrophes split words, except in capitalised
# compounds ("CAR-T", "PET-CT"); "R&D" and "TT&C" stay one token.
_TOKEN = re.compile(r"[A-Z0-9À-Ý]+(?:[&-][A-Z0-9À-Ý]+)+|[^\W_]+(?:&[^\W_]+)*")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

FRENCH_STOP_WORDS = frozenset(
    [
        "afin",
        "ai",
        "aie",
        "aient",
        "ainsi",
        "alors",
        "apres",
        "as",
        "au",
        "aucun",
        "aucune",
        "aupres",
        "aura",
        "aurai",
        "auraient",
        "aurais",
        "aurait",
        "aurions",
        "auront",
        "autre",
        "autres",
        "aux",
        "avaient",
        "avais",
        "avait",
        "avant",
        "avec",
        "avez",
        "aviez",
        "avions",
        "avoir",
        "avons",
        "ayant",
        "beaucoup",
        "bien",
        "ca",
        "car",
        "ce",
        "ceci",
        "cela",
        "celle",
        "celles",
        "celui",
        "cependant",
        "ces",
        "cet",
        "cette",
        "ceux",
        "chacun",
        "chaque",
        "chez",
        "ci",
        "comme",
        "comment",
        "dans",
        "de",
        "depuis",
        "des",
        "deux",
        "devant",
        "doit",
        "donc",
        "dont",
        "du",
        "elle",
        "elles",
        "en",
        "encore",
        "entre",
        "est",
        "et",
        "etaient",
        "etais",
        "etait",
        "etant",
        "ete",
        "etes",
        "etre",
        "eu",
        "eux",
        "fait",
        "faire",
        "font",
        "hors",
        "il",
        "ils",
        "je",
        "jusqu",
        "la",
        "laquelle",
        "le",
        "lequel",
        "les",
        "lesquels",
        "leur",
        "leurs",
        "lors",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "memes",
        "mes",
        "moi",
        "moins",
        "mon",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ont",
        "or",
        "ou",
        "par",
        "parce",
        "parmi",
        "pas",
        "peu",
        "peut",
        "peuvent",
        "plus",
        "plusieurs",
        "pour",
        "pourquoi",
        "pourrait",
        "pouvons",
        "qu",
        "quand",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "quoi",
        "sa",
        "sans",
        "se",
        "selon",
        "sera",
        "serait",
        "serions",
        "seront",
        "ses",
        "si",
        "sien",
        "soi",
        "soit",
        "sommes",
        "son",
        "sont",
        "sous",
        "suis",
        "sur",
        "ta",
        "tant",
        "te",
        "tel",
        "telle",
        "tels",
        "tes",
        "toi",
        "ton",
        "tous",
        "tout",
        "toute",
        "toutes",
        "tres",
        "tu",
        "un",
        "une",
        "vers",
        "via",
        "voici",
        "voila",
        "vos",
        "votre",
        "vous",
        "aujourd",
        "hui",
        "etc",
    ]
)
# Words every inquiry uses and that tell nothing about whom to match in a Walloon directory.
INQUIRY_WORDS = frozenset(
    """
    looking look seeking seek searching need needs want wants wish interested ideally possibly
    partner partners partnering company companies based options opportunities belgian belgium
    wallonia walloon europe european cherchons recherchons cherche souhaitons voulons besoin
    partenaire partenaires entreprise entreprises societe belge belges belgique wallonie wallon
    wallonne wallons europe europeen europeenne europeens europeennes basee
    """.split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | FRENCH_STOP_WORDS | INQUIRY_WORDS
_ENGLISH_ONLY = frozenset(ENGLISH_STOP_WORDS) - FRENCH_STOP_WORDS
_FRENCH_ONLY = FRENCH_STOP_WORDS - frozenset(ENGLISH_STOP_WORDS)
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "fr": snowballstemmer.stemmer("french")}


class Token(NamedTuple):
    """One normalised word of a text and where it stands in the original string."""

    stem: str
    start: int
    end: int


def fold(word: str) -> str:
    """Lower-case a word and strip its accents: "Thérapie" -> "therapie"."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def guess_lang(text: str, default: str = "en") -> str:
    """Guess "en" or "fr" by counting language-specific stop words; ties give the default."""
    words = [fold(w) for w in _TOKEN.findall(text)]
    english = sum(w in _ENGLISH_ONLY for w in words)
    french = sum(w in _FRENCH_ONLY for w in words)
    if english == french:
        return default
    return "fr" if french > english else "en"


@lru_cache(maxsize=200_000)
def normalise(word: str, lang: str) -> str:
    """The feature of one raw token, or "" for a stop word, a number or a single character.

    Acronyms written in capitals ("IT", "PET", "CDMO") are kept whole and never dropped as
    stop words; other words are stemmed in their language, then accent-folded.
    """
    if len(word) < 2 or not any(c.isalpha() for c in word):
        return ""
    folded = fold(word)
    if word.isupper():
        return folded
    if folded in STOP_WORDS:
        return ""
    return fold(_STEMMERS[lang].stemWord(word.lower()))


def tokens(text: str, lang: str) -> list[Token]:
    """The normalised tokens of a text with their character spans, stop words removed."""
    found = []
    for match in _TOKEN.finditer(text):
        stem = normalise(match.group(), lang)
        if stem:
            found.append(Token(stem, match.start(), match.end()))
    return found


def stems(text: str, lang: str) -> list[str]:
    """The normalised tokens of a text, without spans (the fast path for documents)."""
    found = (normalise(word, lang) for word in _TOKEN.findall(text))
    return [stem for stem in found if stem]
