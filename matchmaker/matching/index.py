"""The TF-IDF index: analysing profiles and queries, the fit, and ranking with facets."""

import csv
import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from matchmaker.matching.explain import Evidence, Ranked, _generic, quote, shown, strength
from matchmaker.matching.glossary import CONCEPT_PREFIX, default_glossary
from matchmaker.matching.intent import intent, self_weights
from matchmaker.matching.text import fold, guess_lang, stems, tokens
from matchmaker.taxonomy import INVESTOR_TYPES, OFFERS, SECTORS

ENGINE_VERSION = "tfidf-2"

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
    lang: str = "en"  # the language of `description` and `keywords`
    description_fr: str = ""  # the French profile, when `description` is the English one
    keywords_fr: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """An investor's inquiry: free text plus the sectors and engagement types they ticked.

    `lang` ("en" or "fr") is a hint used only when the text itself does not tell;
    `investor_kind` is the form's investor type (taxonomy.INVESTOR_TYPES), read by intent.tsv.
    """

    text: str
    sectors: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    lang: str | None = None
    investor_kind: str | None = None


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


def _weighted_counts(docs: Sequence[OrgDoc]) -> tuple[dict[str, int], sp.csr_matrix]:
    """The vocabulary and the field-weighted feature counts, one row per organization."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new feature gets the next column
    indices = [array("i") for _ in FIELD_WEIGHTS]
    pointers = [array("l", [0]) for _ in FIELD_WEIGHTS]
    for doc in docs:
        for texts, found, pointer in zip(_fields(doc), indices, pointers, strict=True):
            for text in texts:
                found.extend(map(vocabulary.__getitem__, analyse(text)))
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
        self._docs = tuple(docs)
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
        self._intents = {kind: _intents(kind, docs) for kind in INVESTOR_TYPES}

    def __len__(self) -> int:
        return len(self._slugs)

    def rank(self, query: Query, top: int = 10, cut: bool = True) -> tuple[Ranked, ...]:
        """The best organizations for the query, best first, at most `top`; ties go by slug.

        With `cut`, the list stops where the scores collapse (explain.shown; at least three).
        """
        if top < 1:
            raise ValueError("top must be at least 1")
        sectors = _checked(query.sectors, SECTORS, "sector")
        offers = _checked(query.offers, OFFERS, "engagement type")
        weights_roles = self._intents.get(query.investor_kind or "")
        if query.investor_kind and weights_roles is None:
            raise ValueError(f"unknown investor kind: {query.investor_kind!r}")
        found = occurrences(query.text, guess_lang(query.text, query.lang))
        if not found:
            raise EmptyQueryError(
                "the query has no words to search for: describe what you are looking for"
            )
        columns, weights, phrases = self._vectorise(found, query.investor_kind)
        scores = self._blend(self._text_scores(columns, weights), sectors, offers)
        if weights_roles is not None and weights_roles[0] is not None:
            scores = np.minimum(scores * weights_roles[0], 1.0)
        best = _top(scores, top)
        if cut:
            best = best[: shown(scores[best].tolist())]
        shares = self._shares(best, columns, weights)
        ranked = []
        for i, row in zip(best, shares, strict=True):
            terms, bridges = quote(self._evidence(i, row, columns, phrases))
            score = round(min(float(scores[i]), 1.0), 6)
            ranked.append(
                Ranked(
                    slug=self._slugs[i],
                    score=score,
                    terms=terms,
                    sectors=_unmask(int(self._sector_masks[i]) & sectors, SECTORS),
                    offers=_unmask(int(self._offer_masks[i]) & offers, OFFERS),
                    bridges=bridges,
                    role=weights_roles[1][i] if weights_roles else "",
                    strength=strength(score),
                )
            )
        return tuple(ranked)

    def _evidence(
        self, i: int, shares: np.ndarray, columns: np.ndarray, phrases: dict[int, list]
    ) -> list[Evidence]:
        """What each matched query feature adds to organization i, with the profile's words."""
        profile = profile_surfaces(self._docs[i])
        evidence = []
        for j in np.flatnonzero(shares):
            wrote = phrases[columns[j]]
            if wrote[0].feature not in profile or all(_generic(q.words) for q in wrote):
                continue  # carried by the tags only, or generic: never quoted (explain.quote)
            where = [p for p in profile.get(wrote[0].feature, []) if _quotable(wrote[0], p)]
            pair = next(((q, p) for q in wrote for p in where if q.words == p.words), None)
            query_side, profile_side = pair or (wrote[0], where[0] if where else None)
            evidence.append(
                Evidence(
                    wrote=query_side.surface,
                    wrote_words=query_side.words,
                    profile=profile_side.surface if profile_side else "",
                    profile_words=profile_side.words if profile_side else (),
                    share=float(shares[j]),
                    concept=query_side.feature.removeprefix(CONCEPT_PREFIX),
                )
            )
        return evidence

    def _vectorise(
        self, occurrences: list[Occurrence], investor_kind: str | None = None
    ) -> tuple[np.ndarray, np.ndarray, dict[int, list[Occurrence]]]:
        """The query's known feature columns, their l2-normalised tf-idf weights and phrases.

        Words that describe the inquirer itself (intent.tsv "self" rows) weigh less.
        """
        vocabulary = self._vocabulary
        discount = _self_discount(occurrences, investor_kind)
        counts: dict[int, int] = {}
        factors: dict[int, float] = {}
        phrases: dict[int, list[Occurrence]] = {}
        for found in occurrences:
            column = vocabulary.get(found.feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
                factor = discount.get((found.first, len(found.words)), 1.0)
                factors[column] = max(factors.get(column, 0.0), factor)
                phrases.setdefault(column, []).append(found)
        columns = np.array(sorted(counts), dtype=np.int64)
        tf = np.array([(1.0 + math.log(counts[c])) * factors[c] for c in columns])
        weights = tf * self._idf[columns]
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


def _quotable(query: Occurrence, profile: Occurrence) -> bool:
    """Whether the profile's words may be quoted for the query's: not a chance collision of
    stems across languages ("avionics", "avions"), and a bridge only to a listed phrase."""
    if query.words == profile.words:
        return query.lang == profile.lang or fold(query.surface) == fold(profile.surface)
    return default_glossary().lists(query.feature, profile.surface)


def _self_discount(occurrences: list[Occurrence], investor_kind: str | None) -> dict:
    """{(first word, length): weight} of the occurrences inside self-describing phrases."""
    weights = self_weights(investor_kind)
    discount: dict[tuple[int, int], float] = {}
    for found in occurrences:
        weight = weights.get(found.feature)
        if weight is None:
            continue
        discount[found.first, len(found.words)] = weight
        for i in range(found.first, found.first + len(found.words)):
            discount.setdefault((i, 1), weight)
    return discount


def _intents(investor_kind: str, docs: Sequence[OrgDoc]) -> tuple:
    """(score weights, or None when all are 1; roles) of every organization for the inquirer."""
    found = {}
    for doc in docs:
        key = (doc.kind, doc.offers)
        if key not in found:
            found[key] = intent(investor_kind, doc.kind, doc.offers)
    pairs = [found[doc.kind, doc.offers] for doc in docs]
    weights = np.array([weight for weight, _ in pairs], np.float32)
    roles = tuple(role for _, role in pairs)
    return (None if (weights == 1).all() else weights), roles


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
    """Read a directory CSV without validation.

    Either format: one `description` and `keywords` in the row's `lang`, or the bilingual one
    with `description`/`keywords` in English and `description_fr`/`keywords_fr` in French.
    """

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
                description_fr=row.get("description_fr") or "",
                keywords_fr=split(row.get("keywords_fr")),
            )
            for row in reader
        ]
