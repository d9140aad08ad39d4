"""Analysing texts into features: profiles and their fields, inquiries, and a whole directory."""

from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from matchmaker.matching.glossary import default_glossary
from matchmaker.matching.text import (
    LANGS,
    guess_lang,
    language_vote,
    normalise,
    raw_words,
    stems,
    tokens,
    voted_lang,
)

# How much one occurrence of a word counts in each field of a profile, before the sublinear tf.
FIELD_WEIGHTS = {"name": 3.0, "keywords": 3.0, "tags": 2.0, "description": 1.0}
_BLOCK = 10_000  # organizations analysed together: bounds the memory a fit takes
_RUNS_LIMIT = 1_000_000  # distinct runs of non-blank characters remembered during a fit


@dataclass(frozen=True)
class OrgDoc:
    """An organization's profile as the engine sees it."""

    slug: str
    name: str
    kind: str
    sectors: tuple[str, ...]
    offers: tuple[str, ...]
    description: str
    keywords: tuple[str, ...]
    city: str = ""
    province: str = ""
    lang: str = "en"  # the language of `description` and `keywords`
    description_fr: str = ""  # the French profile, when `description` is the English one
    keywords_fr: tuple[str, ...] = ()


def _sources(doc: OrgDoc) -> list[list[tuple[str, str, bool]]]:
    """The weighted fields of a profile in FIELD_WEIGHTS order, each as (text, language,
    whether the language is to be guessed from the text, that one if unclear) triples."""
    tags = " ".join((doc.kind, *doc.sectors, *doc.offers)).replace("-", " ")
    return [
        [(doc.name, doc.lang, True)],
        _texts("; ".join(doc.keywords), "; ".join(doc.keywords_fr), "en"),
        [(tags, "en", False)],
        _texts(doc.description, doc.description_fr, doc.lang),
    ]


def _texts(main: str, french: str, lang: str) -> list[tuple[str, str, bool]]:
    """A field's main text (language to guess, `lang` if unclear) and its French version."""
    texts = [(main, lang, True)] if main else []
    return texts + [(french, "fr", False)] if french else texts


def _fields(doc: OrgDoc) -> list[list[tuple[str, str]]]:
    """The weighted fields of a profile, each as (text, language) pairs, in FIELD_WEIGHTS order."""
    return [
        [(text, guess_lang(text, lang) if guess else lang) for text, lang, guess in field]
        for field in _sources(doc)
    ]


def profile_texts(doc: OrgDoc) -> list[tuple[str, str]]:
    """The profile's own words as (text, language): what a reason may quote (not the tags)."""
    fields = _fields(doc)
    return [*fields[0], *fields[1], *fields[3]]


def analyse(field: tuple[str, str]) -> list[str]:
    """The features of a (text, language) pair: normalised words plus glossary concepts."""
    words = stems(*field)
    return words + [concept for _, _, concept in default_glossary().find(words, field[1])]


class Occurrence(NamedTuple):
    """A feature found in a text, the words that produced it as written, and their stems."""

    feature: str
    surface: str
    words: tuple[str, ...]
    first: int  # the position of its first word among the text's words
    lang: str


def occurrences(text: str, lang: str) -> list[Occurrence]:
    """Each feature occurrence of a text with the words that produced it, as written there."""
    found = tokens(text, lang)
    words = tuple(token.stem for token in found)

    def occurrence(feature: str, first: int, end: int) -> Occurrence:
        surface = " ".join(text[found[first].start : found[end - 1].end].split())
        return Occurrence(feature, surface, words[first:end], first, lang)

    return [occurrence(word, i, i + 1) for i, word in enumerate(words)] + [
        occurrence(concept, first, end)
        for first, end, concept in default_glossary().find(list(words), lang)
    ]


def analyse_query(text: str, lang: str) -> list[tuple[str, str]]:
    """(feature, the words that produced it as written) for each feature occurrence of a text."""
    return [(found.feature, found.surface) for found in occurrences(text, lang)]


def profile_surfaces(doc: OrgDoc) -> dict[str, list[Occurrence]]:
    """Each feature of the profile's own words (not its tags) with its distinct surfaces."""
    surfaces: defaultdict[str, dict[tuple, Occurrence]] = defaultdict(dict)
    for text in profile_texts(doc):
        for found in occurrences(*text):
            surfaces[found.feature].setdefault((found.surface, found.lang), found)
    return {feature: list(found.values()) for feature, found in surfaces.items()}


class _Lexicon:
    """Feature columns for a directory; each distinct raw word is normalised once per language,
    and each distinct run of non-blank characters is cut into words once (words never hold a
    blank, so a text's words are those of its runs, in order)."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.features: list[str] = []
        self._runs = {lang: _Runs(_Words(self, lang)) for lang in LANGS}
        self._votes = _Votes()

    def column(self, feature: str) -> int:
        """The feature's column, a new one the first time it is seen."""
        column = self.columns.get(feature)
        if column is None:
            column = self.columns[feature] = len(self.features)
            self.features.append(feature)
        return column

    def encode(
        self, texts: Sequence[tuple[str, str, bool]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The columns of the words of (text, language, guess) triples one after the other (stop
        words left out), the text number of each, and each text's language (its index in LANGS);
        a language to guess is guessed from the text's runs as `guess_lang` does from the text."""
        vote, runs = self._votes.__getitem__, self._runs
        codes, ends, langs = array("i"), array("q"), array("b")
        for text, lang, guess in texts:
            found = text.split()
            if guess:
                lang = voted_lang(sum(map(vote, found)), lang)
            codes.extend(chain.from_iterable(map(runs[lang].__getitem__, found)))
            ends.append(len(codes))
            langs.append(LANGS.index(lang))
        sizes = np.diff(np.frombuffer(ends, np.int64), prepend=0)
        owners = np.repeat(np.arange(len(texts), dtype=np.int32), sizes)
        return np.frombuffer(codes, np.int32), owners, np.frombuffer(langs, np.int8)


class _Votes(dict):
    """Run -> its `language_vote`, remembered."""

    def __missing__(self, run: str) -> int:
        if len(self) > _RUNS_LIMIT:
            self.clear()
        self[run] = vote = language_vote(run)
        return vote


class _Words(dict):
    """Raw word -> its feature's column in one language (-1 when it is dropped), remembered."""

    def __init__(self, lexicon: _Lexicon, lang: str) -> None:
        super().__init__()
        self._lexicon, self._lang = lexicon, lang

    def __missing__(self, word: str) -> int:
        feature = normalise(word, self._lang)
        self[word] = column = self._lexicon.column(feature) if feature else -1
        return column


class _Runs(dict):
    """A run of non-blank characters -> the columns of its words (stop words left out)."""

    def __init__(self, words: _Words) -> None:
        super().__init__()
        self._words = words

    def __missing__(self, run: str) -> tuple[int, ...]:
        if len(self) > _RUNS_LIMIT:
            self.clear()
        self[run] = found = tuple(c for c in map(self._words.__getitem__, raw_words(run)) if c >= 0)
        return found


def weighted_counts(docs: Sequence[OrgDoc]) -> tuple[dict[str, int], sp.csr_matrix]:
    """The vocabulary and the field-weighted feature counts, one row per organization.

    The features are those of `analyse` on every field text, found for all the texts of a field
    at once, a block of organizations at a time.
    """
    lexicon = _Lexicon()
    blocks = [_block(lexicon, docs[at : at + _BLOCK]) for at in range(0, len(docs), _BLOCK)]
    for block in blocks:
        block.resize((block.shape[0], len(lexicon.features)))
    if not blocks:
        return lexicon.columns, sp.csr_matrix((0, 0), dtype=np.float32)
    return lexicon.columns, sp.vstack(blocks, format="csr", dtype=np.float32)


def _block(lexicon: _Lexicon, docs: Sequence[OrgDoc]) -> sp.csr_matrix:
    """The field-weighted feature counts of a block of organizations."""
    sources = [_sources(doc) for doc in docs]
    counts = sp.csr_matrix((len(docs), 0), dtype=np.float32)
    for i, weight in enumerate(FIELD_WEIGHTS.values()):
        rows = np.array([row for row, found in enumerate(sources) for _ in found[i]], np.int32)
        part = _counts(lexicon, [text for found in sources for text in found[i]], rows, len(docs))
        counts.resize(part.shape)
        counts += part * np.float32(weight)
    return counts


def _counts(lexicon: _Lexicon, texts: list, owners: np.ndarray, size: int) -> sp.csr_matrix:
    """The feature counts of one field's (text, language, guess) triples and their owners' rows,
    one row for each of the `size` organizations, over the lexicon's columns so far."""
    glossary = default_glossary()
    codes, numbers, langs = lexicon.encode(texts)
    first, concepts = _concepts(lexicon, codes, numbers, langs)
    used = np.unique(concepts)
    table = np.zeros(len(glossary.concepts), np.int32)
    table[used] = [lexicon.column(glossary.concepts[i]) for i in used.tolist()]
    rows = owners[np.concatenate([numbers, numbers[first]])]
    columns = np.concatenate([codes, table[concepts]])
    ones = np.ones(len(rows), np.float32)
    return sp.csr_matrix((ones, (rows, columns)), shape=(size, len(lexicon.features)))


def _concepts(
    lexicon: _Lexicon, codes: np.ndarray, numbers: np.ndarray, langs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each glossary hit in encoded texts, each text looked up in its own language: the
    position of the hit's first word in `codes`, and the concept's index, as two arrays."""
    glossary = default_glossary()
    found = []
    for i, lang in enumerate(LANGS):
        kept = np.flatnonzero(langs[numbers] == i)
        first, concepts = glossary.find_coded(codes[kept], numbers[kept], lexicon.features, lang)
        found.append((kept[first], concepts))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))
