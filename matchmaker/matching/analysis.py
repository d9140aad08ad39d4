"""Analysing texts into features: profiles and their fields, inquiries, and a whole directory."""

from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from matchmaker.matching.glossary import default_glossary
from matchmaker.matching.text import guess_lang, normalise, raw_words, stems, tokens

# How much one occurrence of a word counts in each field of a profile, before the sublinear tf.
FIELD_WEIGHTS = {"name": 3.0, "keywords": 3.0, "tags": 2.0, "description": 1.0}
LANGS = ("en", "fr")


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


def _fields(doc: OrgDoc) -> list[list[tuple[str, str]]]:
    """The weighted fields of a profile, each as (text, language) pairs, in FIELD_WEIGHTS order."""
    tags = " ".join((doc.kind, *doc.sectors, *doc.offers)).replace("-", " ")
    return [
        [(doc.name, guess_lang(doc.name, doc.lang))],
        _texts("; ".join(doc.keywords), "; ".join(doc.keywords_fr), "en"),
        [(tags, "en")],
        _texts(doc.description, doc.description_fr, doc.lang),
    ]


def _texts(main: str, french: str, lang: str) -> list[tuple[str, str]]:
    """A field's main text (language guessed, `lang` if unclear) and its French version."""
    texts = [(main, guess_lang(main, lang))] if main else []
    return texts + [(french, "fr")] if french else texts


def profile_texts(doc: OrgDoc) -> list[tuple[str, str]]:
    """The profile's own words as (text, language): what a reason may quote (not the tags)."""
    fields = _fields(doc)
    return [*fields[0], *fields[1], *fields[3]]


def analyse(field: tuple[str, str]) -> list[str]:
    """The features of a (text, language) pair: normalised words plus glossary concepts."""
    words = stems(*field)
    return words + [concept for _, _, concept in default_glossary().find(words)]


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
        for first, end, concept in default_glossary().find(list(words))
    ]


def analyse_query(text: str, lang: str) -> list[tuple[str, str]]:
    """(feature, the words that produced it as written) for each feature occurrence of a text."""
    return [(found.feature, found.surface) for found in occurrences(text, lang)]


@lru_cache(maxsize=4096)
def profile_surfaces(doc: OrgDoc) -> dict[str, list[Occurrence]]:
    """Each feature of the profile's own words (not its tags) with its distinct surfaces."""
    surfaces: defaultdict[str, dict[tuple, Occurrence]] = defaultdict(dict)
    for text in profile_texts(doc):
        for found in occurrences(*text):
            surfaces[found.feature].setdefault((found.surface, found.lang), found)
    return {feature: list(found.values()) for feature, found in surfaces.items()}


class _Lexicon:
    """Feature columns for a directory; each distinct raw word is normalised once per language."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}
        self.features: list[str] = []
        self._words = {lang: _RawWords(self, lang) for lang in LANGS}

    def column(self, feature: str) -> int:
        """The feature's column, a new one the first time it is seen."""
        column = self.columns.get(feature)
        if column is None:
            column = self.columns[feature] = len(self.features)
            self.features.append(feature)
        return column

    def encode(self, texts: Sequence[str], lang: str) -> tuple[np.ndarray, np.ndarray]:
        """The word columns of the texts one after the other (stop words out), and how many
        each text has."""
        column = self._words[lang].__getitem__
        codes, sizes = array("q"), array("q")
        for text in texts:
            words = raw_words(text)
            codes.extend(map(column, words))
            sizes.append(len(words))
        found = np.frombuffer(codes, np.int64)
        kept = found >= 0
        owners = np.repeat(np.arange(len(texts)), np.frombuffer(sizes, np.int64))
        return found[kept], np.bincount(owners[kept], minlength=len(texts))


class _RawWords(dict):
    """Raw word -> its feature's column in one language (-1 when it is dropped), remembered."""

    def __init__(self, lexicon: _Lexicon, lang: str) -> None:
        super().__init__()
        self._lexicon, self._lang = lexicon, lang

    def __missing__(self, word: str) -> int:
        feature = normalise(word, self._lang)
        self[word] = column = self._lexicon.column(feature) if feature else -1
        return column


def weighted_counts(docs: Sequence[OrgDoc]) -> tuple[dict[str, int], sp.csr_matrix]:
    """The vocabulary and the field-weighted feature counts, one row per organization.

    The features are those of `analyse` on every field, found for the whole directory at once.
    """
    lexicon = _Lexicon()
    codes, rows, weights, sizes = _encoded_fields(docs, lexicon)
    glossary = default_glossary()
    texts = np.repeat(np.arange(len(sizes)), sizes)
    first, concepts = glossary.find_coded(codes, texts, lexicon.features)
    used = np.unique(concepts)
    table = np.zeros(len(glossary.concepts), np.int64)
    table[used] = [lexicon.column(glossary.concepts[i]) for i in used.tolist()]
    counts = sp.csr_matrix(
        (
            np.concatenate([weights, weights[first]]),
            (np.concatenate([rows, rows[first]]), np.concatenate([codes, table[concepts]])),
        ),
        shape=(len(docs), len(lexicon.features)),
        dtype=np.float32,
    )
    counts.sum_duplicates()
    return lexicon.columns, counts


def _encoded_fields(docs: Sequence[OrgDoc], lexicon: _Lexicon) -> tuple[np.ndarray, ...]:
    """(word columns, their rows, their field weights, words per text) of every field text."""
    codes, rows, weights, sizes = [], [], [], []
    fields = [_fields(doc) for doc in docs]
    for number, weight in enumerate(FIELD_WEIGHTS.values()):
        for lang in LANGS:
            owners, texts = [], []
            for row, found in enumerate(fields):
                for text, text_lang in found[number]:
                    if text_lang == lang:
                        owners.append(row)
                        texts.append(text)
            found, counts = lexicon.encode(texts, lang)
            codes.append(found)
            rows.append(np.repeat(np.asarray(owners, np.int64), counts))
            weights.append(np.full(len(found), weight, np.float32))
            sizes.append(counts)
    return tuple(np.concatenate(parts) for parts in (codes, rows, weights, sizes))
