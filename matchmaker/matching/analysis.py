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
from matchmaker.matching.text import guess_lang, normalise, raw_words, stems, tokens

# How much one occurrence of a word counts in each field of a profile, before the sublinear tf.
FIELD_WEIGHTS = {"name": 3.0, "keywords": 3.0, "tags": 2.0, "description": 1.0}
LANGS = ("en", "fr")
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

    def column(self, feature: str) -> int:
        """The feature's column, a new one the first time it is seen."""
        column = self.columns.get(feature)
        if column is None:
            column = self.columns[feature] = len(self.features)
            self.features.append(feature)
        return column

    def encode(self, texts: Sequence[str], lang: str) -> tuple[np.ndarray, np.ndarray]:
        """The columns of the texts' words one after the other (stop words left out), and the
        text number of each."""
        run = self._runs[lang].__getitem__
        codes, ends = array("i"), array("q")
        for text in texts:
            codes.extend(chain.from_iterable(map(run, text.split())))
            ends.append(len(codes))
        sizes = np.diff(np.frombuffer(ends, np.int64), prepend=0)
        return np.frombuffer(codes, np.int32), np.repeat(
            np.arange(len(texts), dtype=np.int32), sizes
        )


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

    The features are those of `analyse` on every field, found for all the texts of a field in
    one language at once.
    """
    lexicon = _Lexicon()
    fields = [_fields(doc) for doc in docs]
    parts = [
        _counts(
            lexicon,
            [(row, text) for row, found in enumerate(fields) for text in found[i]],
            len(docs),
        )
        for i in range(len(FIELD_WEIGHTS))
    ]
    counts = sp.csr_matrix((len(docs), len(lexicon.features)), dtype=np.float32)
    for weight, part in zip(FIELD_WEIGHTS.values(), parts, strict=True):
        part.resize(counts.shape)
        counts += part * np.float32(weight)
    return lexicon.columns, counts


def _counts(
    lexicon: _Lexicon, texts: list[tuple[int, tuple[str, str]]], size: int
) -> sp.csr_matrix:
    """The feature counts of one field's (row, (text, language)) pairs, one row for each of the
    `size` organizations, over the lexicon's columns so far."""
    glossary = default_glossary()
    rows, columns = [], []
    for lang in LANGS:
        owners = np.array([row for row, (_, text_lang) in texts if text_lang == lang], np.int32)
        codes, numbers = lexicon.encode(
            [t for _, (t, text_lang) in texts if text_lang == lang], lang
        )
        first, concepts = glossary.find_coded(codes, numbers, lexicon.features)
        used = np.unique(concepts)
        table = np.zeros(len(glossary.concepts), np.int32)
        table[used] = [lexicon.column(glossary.concepts[i]) for i in used.tolist()]
        rows += [owners[numbers], owners[numbers[first]]]
        columns += [codes, table[concepts]]
    rows_, columns_ = np.concatenate(rows), np.concatenate(columns)
    ones = np.ones(len(rows_), np.float32)
    return sp.csr_matrix((ones, (rows_, columns_)), shape=(size, len(lexicon.features)))
