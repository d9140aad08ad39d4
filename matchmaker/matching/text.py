"""Text normalisation: tokens, accent folding, English/French stop words and stemming."""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Runs of letters and digits; hyphens and apostrophes split words, except in capitalised
# compounds ("CAR-T", "PET-CT"), after the prefix "co-" ("co-investment" is "coinvestment") and
# before a particle that is a stop word ("start-up" is "startup", "spin-off" "spinoff": split,
# the particle would drop and leave "start"); "R&D" and "TT&C" stay one token.
_TOKEN = re.compile(
    r"[A-Z0-9À-Ý]+(?:[&-][A-Z0-9À-Ý]+)+|\b[Cc]o-[^\W\d_]+"
    r"|\b[^\W\d_]+-(?i:up|off|out|down|over)s?\b(?!-)|[^\W_]+(?:&[^\W_]+)*"
)
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FRENCH_STOP_WORDS = _words(
    """
    afin ai aie aient ainsi alors apres as au aucun aucune aupres aura aurai auraient aurais
    aurait aurions auront autre autres aux avaient avais avait avant avec avez aviez avoir
    avons ayant beaucoup bien ca ce ceci cela celle celles celui cependant ces cet cette ceux
    chacun chaque chez ci comme comment dans de depuis des deux devant doit donc dont du elle
    elles en encore entre est et etaient etais etait etant ete etes etre eu eux fait faire
    hors il ils je jusqu la laquelle le lequel les lesquels leur leurs lors lui ma mais me meme
    memes mes moi moins mon ne ni nos notre nous on ont or ou par parce parmi pas peu peut
    peuvent plus plusieurs pour pourquoi pourrait pouvons qu quand que quel quelle quelles quels
    qui quoi sa sans se selon sera serait serions seront ses si sien soi soit sommes son sont
    suis sur ta tant te tel telle tels tes toi ton tous tout toute toutes tres tu un une
    vers via voici voila vos votre vous aujourd hui etc
    aussi deja toujours jamais ici puis ensuite enfin lorsque lorsqu quoique tandis
    pendant durant malgre grace outre derriere dessus dessous certains certaines certain certaine
    quelques quelque quelqu trop assez plutot souvent parfois bientot maintenant desormais
    egalement pourtant neanmoins toutefois autant davantage seulement presque autrement sinon
    duquel auquel auxquels auxquelles desquels desquelles lesquelles y
    serons seriez seraient soient soyons sois aurons aurez eut furent etions etiez
    faites font fais faisons faisait fera feront ferait pouvez peux pourra pourront pourraient
    pourriez pouvait doivent devons devez devra devrait devraient va vais vont allons allez
    veut veulent voulez trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente
    quarante cinquante soixante cent cents mille
    """
)
# Words every inquiry uses and that tell nothing about whom to match in a Walloon directory
# (amounts of money too: the size of a ticket is not a word of any profile).
INQUIRY_WORDS = _words(
    """
    looking look seeking seek searching need needs want wants wish interested ideally possibly
    partner partners partnering company companies based options opportunities belgian belgium
    wallonia walloon europe european cherchons recherchons cherche souhaitons voulons besoin
    partenaire partenaires entreprise entreprises societe belge belges belgique wallonie wallon
    wallonne wallonnes wallons europeen europeenne europeens europeennes basee
    especially particularly notably mainly mostly primarily chiefly typically currently today
    preferably ideally possibly potentially specifically certainly really
    notamment surtout particulierement principalement essentiellement actuellement
    idealement eventuellement specifiquement
    ticket tickets euro euros dollar dollars million millions milliard milliards billion billions
    """
)
# scikit-learn's English list, less words that carry meaning in this domain ("thin films").
ENGLISH_STOP_WORDS_KEPT = frozenset(ENGLISH_STOP_WORDS) - _words(
    "system fill mill mine thin thick fire part"
)
STOP_WORDS = ENGLISH_STOP_WORDS_KEPT | FRENCH_STOP_WORDS | INQUIRY_WORDS
# Words too general to explain a match: they may score, but are never quoted as a reason.
GENERIC_WORDS = _words(
    """
    near around about approximately run running runs operate operates operating operation
    operations company companies business businesses firm firms group groups service services
    solution solutions product products activity activities project projects work works working
    use used uses using new make makes making made provide provides providing offer offers
    include includes including help helps support supports based site sites area areas region
    regional local year years day days people team teams customer customers client clients
    market markets world international global large small high low good best first second
    m2 km ha kg mw percent per ex add adds added old
    control system systems quality management technology technologies development process
    environ approvisionner approvisionnement pres proche autour aupres fonctionner
    societe societes groupe groupes service services solution solutions produit produits
    activite activites projet projets travail travailler travaille utiliser utilise nouveau
    nouvelle nouveaux nouvelles faire fournir fournit offrir offre propose proposer aider aide
    soutien soutenir site sites zone zones region regional regionale local locale locaux
    annee annees an ans jour jours equipe equipes client clients marche marches monde
    international internationale grand grande grands grandes petit petite petits petites
    premier premiere
    controle systeme systemes qualite gestion technologie technologies developpement procede
    """
)
# Stop words of one language only: what tells a text's (or a glossary phrase's) language.
ENGLISH_ONLY = ENGLISH_STOP_WORDS_KEPT - FRENCH_STOP_WORDS
FRENCH_ONLY = FRENCH_STOP_WORDS - ENGLISH_STOP_WORDS_KEPT
_CACHE_LIMIT = 500_000
LANGS = ("en", "fr")  # the languages of the texts, the stemmers and the glossary


class Token(NamedTuple):
    """One normalised word of a text and where it stands in the original string."""

    stem: str
    start: int
    end: int


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lower-case a word and strip its accents: "Thérapie" -> "therapie"."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Normaliser(dict):
    """Raw token -> feature for one language, computed on first sight and then remembered.

    A feature is "" for a stop word, a number or a single character. Acronyms written in
    capitals ("IT", "PET", "CDMO") are kept whole and never dropped as stop words; other words
    are stemmed in the language, then accent-folded.
    """

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._stemmer = snowballstemmer.stemmer({"en": "english", "fr": "french"}[lang])

    def __missing__(self, word: str) -> str:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        self[word] = feature = self._normalise(word)
        return feature

    def _normalise(self, word: str) -> str:
        if len(word) < 2 or not any(c.isalpha() for c in word):
            return ""
        folded = fold(word)
        if word.isupper():
            return folded
        if folded in STOP_WORDS:
            return ""
        return fold(self._stemmer.stemWord(word.lower().replace("-", "")))


_NORMALISERS = {lang: _Normaliser(lang) for lang in LANGS}


def _generic_stems() -> frozenset[str]:
    stemmers = [snowballstemmer.stemmer(name) for name in ("english", "french")]
    return frozenset(fold(s.stemWord(w)) for s in stemmers for w in GENERIC_WORDS) | GENERIC_WORDS


GENERIC_STEMS = _generic_stems()


def guess_lang(text: str, default: str | None = "en") -> str:
    """Guess "en" or "fr" by counting language-specific stop words.

    Ties give the default when it is "en" or "fr", else "en".
    """
    words = text.lower().split()
    english = sum(map(ENGLISH_ONLY.__contains__, words))
    french = sum(map(FRENCH_ONLY.__contains__, words))
    return voted_lang(english - french, default)


def language_vote(run: str) -> int:
    """What one blank-separated run says of its text's language in `guess_lang`: 1 for an
    English-only stop word, -1 for a French-only one, else 0."""
    word = run.lower()
    return (word in ENGLISH_ONLY) - (word in FRENCH_ONLY)


def voted_lang(votes: int, default: str | None = "en") -> str:
    """The language of a text whose runs' `language_vote`s add up to `votes`."""
    if votes == 0:
        return default if default in _NORMALISERS else "en"
    return "en" if votes > 0 else "fr"


def stems(text: str, lang: str) -> list[str]:
    """The features of a text's words in order, stop words removed."""
    return [stem for stem in map(_NORMALISERS[lang].__getitem__, _TOKEN.findall(text)) if stem]


def raw_words(text: str) -> list[str]:
    """A text's words as written, stop words included."""
    return _TOKEN.findall(text)


def normalise(word: str, lang: str) -> str:
    """The feature of one raw word in a language ("" for a stop word, a number or a letter)."""
    return _NORMALISERS[lang][word]


def word_count(text: str) -> int:
    """How many raw words a text has, stop words included."""
    return len(_TOKEN.findall(text))


def words(text: str) -> list[Token]:
    """Every word of a text as written, folded, with its span: stop words and numbers too."""
    return [Token(fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def tokens(text: str, lang: str) -> list[Token]:
    """The features of a text's words with their character spans, stop words removed."""
    normalise = _NORMALISERS[lang]
    found = ((normalise[m.group()], m.start(), m.end()) for m in _TOKEN.finditer(text))
    return [Token(*token) for token in found if token[0]]
