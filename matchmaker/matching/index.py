"""The TF-IDF index: analysing profiles and queries, the fit, and ranking with facets."""

import csv
import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from matchmaker.matching.explain import Ranked, top_terms
from matchmaker.matching.glossary import default_glossary
from matchmaker.matching.text import guess_lang, stems, tokens
from matchmaker.taxonomy import OFFERS, SECTORS

ENGINE_VERSION = "tfidf-1"

# How much one occurrence of a word counts in each field of a profile, before the sublinear tf.
FIELD_WEIGHTS = {"name": 3.0, "keywords": 3.0, "tags": 2.0, "description": 1.0}
# Facet blending: score = (text + SECTOR_WEIGHT * share of the chosen sectors the organization
# has + OFFER_WEIGHT * share of the chosen offers it has) / (1 + the weights of chosen facets).
SECTOR_WEIGHT = 0.05
OFFER_WEIGHT = 0.05
# Columns a directory CSV must have; the others are optional.
REQUIRED_COLUMNS = frozenset({"slug", "name", "description"})


class EmptyQueryError(ValueError):
    """The query has no words to search for."""


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
    lang: str = "en"


@dataclass(frozen=True)
class Query:
    """An investor's inquiry: free text plus the sectors and engagement types they ticked.

    `lang` ("en" or "fr") is a hint used only when the text itself does not tell.
    """

    text: str
    sectors: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    lang: str | None = None


def _fields(doc: OrgDoc) -> list[tuple[str, str]]:
    """The weighted fields of a profile as (text, language), in FIELD_WEIGHTS order."""
    tags = " ".join((doc.kind, *doc.sectors, *doc.offers)).replace("-", " ")
    keywords = "; ".join(doc.keywords)
    return [
        (doc.name, guess_lang(doc.name, doc.lang)),
        (keywords, guess_lang(keywords, "en")),
        (tags, "en"),
        (doc.description, guess_lang(doc.description, doc.lang)),
    ]


def analyse(field: tuple[str, str]) -> list[str]:
    """The features of a (text, language) pair: normalised words plus glossary concepts."""
    words = stems(*field)
    return words + [concept for _, _, concept in default_glossary().find(words)]


def analyse_query(text: str, lang: str) -> list[tuple[str, str]]:
    """Each feature occurrence of a query with the words that produced it, as the user wrote them.

    A word inside a glossary phrase is shown as the whole phrase ("cell therapy", not "cell").
    """
    found = tokens(text, lang)
    words = [token.stem for token in found]
    phrases = default_glossary().find(words)
    spans = [(i, i + 1) for i in range(len(found))]  # each word's widest enclosing phrase
    for first, end, _ in phrases:
        for i in range(first, end):
            if end - first > spans[i][1] - spans[i][0]:
                spans[i] = (first, end)

    def surface(first: int, end: int) -> str:
        widest_first, widest_end = spans[first]
        if widest_end >= end:
            first, end = widest_first, widest_end
        return " ".join(text[found[first].start : found[end - 1].end].split())

    return [(word, surface(i, i + 1)) for i, word in enumerate(words)] + [
        (concept, surface(first, end)) for first, end, concept in phrases
    ]


def _weighted_counts(docs: Sequence[OrgDoc]) -> tuple[dict[str, int], sp.csr_matrix]:
    """The vocabulary and the field-weighted feature counts, one row per organization."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new feature gets the next column
    indices = [array("i") for _ in FIELD_WEIGHTS]
    pointers = [array("l", [0]) for _ in FIELD_WEIGHTS]
    for doc in docs:
        for field, found, pointer in zip(_fields(doc), indices, pointers, strict=True):
            found.extend(map(vocabulary.__getitem__, analyse(field)))
            pointer.append(len(found))
    shape = (len(docs), len(vocabulary))
    counts = sp.csr_matrix(shape, dtype=np.float32)
    for weight, found, pointer in zip(FIELD_WEIGHTS.values(), indices, pointers, strict=True):
        ones = np.full(len(found), weight, dtype=np.float32)
        counts += sp.csr_matrix((ones, np.asarray(found), np.asarray(pointer)), shape)
    return dict(vocabulary), counts


def _mask(values: Sequence[str], vocabulary: Sequence[str]) -> int:
    """The bitmask of the values (those in vocabulary) over vocabulary."""
    return sum(1 << vocabulary.index(value) for value in values if value in vocabulary)


class Index:
    """A fitted, immutable index of organization profiles; `rank` scores one query."""

    def __init__(self, docs: Sequence[OrgDoc]) -> None:
        docs = sorted(docs, key=lambda doc: doc.slug)
        self._slugs = tuple(doc.slug for doc in docs)
        if len(set(self._slugs)) != len(self._slugs):
            raise ValueError("duplicate organization slugs")
        self._vocabulary, counts = _weighted_counts(docs)
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        self._idf = tfidf.idf_
        # features x organizations: a row is a posting list, so a query touches only its words
        self._postings = sp.csr_matrix(tfidf.transform(counts).T, dtype=np.float32)
        self._postings.sort_indices()
        self._sector_masks = np.array([_mask(d.sectors, SECTORS) for d in docs], np.int32)
        self._offer_masks = np.array([_mask(d.offers, OFFERS) for d in docs], np.int32)

    def __len__(self) -> int:
        return len(self._slugs)

    def rank(self, query: Query, top: int = 10) -> tuple[Ranked, ...]:
        """The best `top` organizations for the query, best first; ties go by slug."""
        if top < 1:
            raise ValueError("top must be at least 1")
        sectors = _checked(query.sectors, SECTORS, "sector")
        offers = _checked(query.offers, OFFERS, "engagement type")
        occurrences = analyse_query(query.text, guess_lang(query.text, query.lang))
        if not occurrences:
            raise EmptyQueryError(
                "the query has no words to search for: describe what you are looking for"
            )
        columns, weights, phrases = self._vectorise(occurrences)
        scores = self._blend(self._text_scores(columns, weights), sectors, offers)
        best = _top(scores, top)
        shares = self._shares(best, columns, weights)
        return tuple(
            Ranked(
                slug=self._slugs[i],
                score=round(min(float(scores[i]), 1.0), 6),
                terms=top_terms(_by_phrase(row, columns, phrases)),
                sectors=_unmask(int(self._sector_masks[i]) & sectors, SECTORS),
                offers=_unmask(int(self._offer_masks[i]) & offers, OFFERS),
            )
            for i, row in zip(best, shares, strict=True)
        )

    def _vectorise(
        self, occurrences: list[tuple[str, str]]
    ) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
        """The query's known feature columns, their l2-normalised tf-idf weights and phrases."""
        vocabulary = self._vocabulary
        counts: dict[int, int] = {}
        phrases: dict[int, str] = {}
        for feature, phrase in occurrences:
            column = vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
                phrases.setdefault(column, phrase)
        columns = np.array(sorted(counts), dtype=np.int64)
        weights = np.array([1.0 + math.log(counts[c]) for c in columns]) * self._idf[columns]
        norm = np.linalg.norm(weights)
        return columns, (weights / norm if norm else weights).astype(np.float32), phrases

    def _text_scores(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query with every profile: one sparse product."""
        if not len(columns):
            return np.zeros(len(self._slugs), np.float32)
        n_features = self._postings.shape[0]
        query = sp.csr_matrix(
            (weights, columns, [0, len(columns)]), shape=(1, n_features), dtype=np.float32
        )
        return (query @ self._postings).toarray().ravel()

    def _blend(self, scores: np.ndarray, sectors: int, offers: int) -> np.ndarray:
        """Add the facet shares; with no facet chosen the text score is left as it is."""
        if not sectors and not offers:
            return scores
        total = 1.0
        if sectors:
            share = np.bitwise_count(self._sector_masks & sectors) / sectors.bit_count()
            scores = scores + SECTOR_WEIGHT * share
            total += SECTOR_WEIGHT
        if offers:
            share = np.bitwise_count(self._offer_masks & offers) / offers.bit_count()
            scores = scores + OFFER_WEIGHT * share
            total += OFFER_WEIGHT
        return scores / total

    def _shares(self, best: np.ndarray, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """shares[r, j]: what query feature columns[j] adds to the text score of best[r]."""
        shares = np.zeros((len(best), len(columns)), np.float32)
        if not len(best):
            return shares
        postings = self._postings
        for j, column in enumerate(columns):
            start, end = postings.indptr[column], postings.indptr[column + 1]
            docs = postings.indices[start:end]
            at = np.minimum(np.searchsorted(docs, best), end - start - 1)
            shares[:, j] = np.where(docs[at] == best, postings.data[start + at], 0.0)
        return shares * weights


def _by_phrase(shares: np.ndarray, columns: np.ndarray, phrases: dict[int, str]) -> dict:
    """Each query phrase's summed share of one organization's score."""
    total: dict[str, float] = {}
    for j in np.flatnonzero(shares):
        phrase = phrases[columns[j]]
        total[phrase] = total.get(phrase, 0.0) + float(shares[j])
    return total


def _unmask(mask: int, vocabulary: Sequence[str]) -> tuple[str, ...]:
    """The values of a bitmask over vocabulary, in vocabulary order."""
    return tuple(value for bit, value in enumerate(vocabulary) if mask >> bit & 1)


def _checked(values: Sequence[str], allowed: Sequence[str], what: str) -> int:
    """The bitmask of chosen facet values; an unknown value is an error."""
    for value in values:
        if value not in allowed:
            raise ValueError(f"unknown {what}: {value!r}")
    return _mask(values, allowed)


def _top(scores: np.ndarray, top: int) -> np.ndarray:
    """Indices of the `top` best positive scores, best first, ties by index (= by slug)."""
    threshold = np.finfo(np.float32).tiny
    if len(scores) >= 2 * top:
        # each of `top` blocks has its maximum above the cut-off: a cheap lower bound for it
        blocks = scores[: len(scores) // top * top].reshape(top, -1)
        threshold = max(threshold, blocks.max(axis=1).min())
    candidates = np.flatnonzero(scores >= threshold)
    if len(candidates) > top:
        cut = np.partition(scores[candidates], len(candidates) - top)[len(candidates) - top]
        candidates = candidates[scores[candidates] >= cut]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:top]


def build_index(docs: Sequence[OrgDoc]) -> Index:
    """Fit an index over the directory; do it once per directory version."""
    return Index(docs)


def load_orgs_csv(path: str | Path) -> list[OrgDoc]:
    """Read a directory CSV (the columns of data/organizations.csv) without validation."""

    def split(value: str | None) -> tuple[str, ...]:
        return tuple(part.strip() for part in (value or "").split(";") if part.strip())

    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"missing columns: {', '.join(sorted(missing))}")
        return [
            OrgDoc(
                slug=row["slug"],
                name=row["name"] or "",
                kind=row.get("kind") or "",
                sectors=split(row.get("sectors")),
                offers=split(row.get("offers")),
                description=row["description"] or "",
                keywords=split(row.get("keywords")),
                city=row.get("city") or "",
                province=row.get("province") or "",
                lang=row.get("lang") or "en",
            )
            for row in reader
        ]
