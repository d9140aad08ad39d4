"""The TF-IDF index: the fit, and ranking with facets, intents and reasons."""

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from matchmaker.matching.analysis import Occurrence, OrgDoc, occurrences, weighted_counts
from matchmaker.matching.explain import Ranked, evidence, quotable, quote, shown, strength
from matchmaker.matching.intent import asked, intent, self_weights
from matchmaker.matching.text import guess_lang
from matchmaker.taxonomy import INVESTOR_TYPES, OFFERS, SECTORS

ENGINE_VERSION = "tfidf-6"

# Facet blending: score = (text + SECTOR_WEIGHT * share of the chosen sectors the organization
# has + OFFER_WEIGHT * share of the chosen offers it has) / (1 + the weights of chosen facets).
SECTOR_WEIGHT = 0.05
OFFER_WEIGHT = 0.05
# Columns a directory CSV must have; the others are optional.
REQUIRED_COLUMNS = frozenset({"slug", "name", "description"})
# The postings hold each weight (at most 1: the rows are l2-normalised) in 16 bits.
QUANTUM = 65_535


class EmptyQueryError(ValueError):
    """The query has no words to search for."""


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


class Index:
    """A fitted, immutable index of organization profiles; `rank` scores one query."""

    def __init__(self, docs: Sequence[OrgDoc]) -> None:
        docs = sorted(docs, key=lambda doc: doc.slug)
        self._docs = tuple(docs)
        self._slugs = tuple(doc.slug for doc in docs)
        if len(set(self._slugs)) != len(self._slugs):
            raise ValueError("duplicate organization slugs")
        self._vocabulary, counts = weighted_counts(docs)
        tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        self._idf = tfidf.idf_
        # features x organizations: a row is a posting list, so a query touches only its words
        weights = sp.csr_matrix(tfidf.transform(counts).T)
        weights.sort_indices()
        quantised = np.maximum(np.rint(weights.data * QUANTUM), 1).astype(np.uint16)
        self._postings = sp.csr_matrix((quantised, weights.indices, weights.indptr), weights.shape)
        # organizations alike for the facets and the intent (kind, sectors, offers) share a class
        self._classes, self._kinds = _classes([(doc.kind, doc.sectors, doc.offers) for doc in docs])
        self._sector_masks = np.array([sectors for _, sectors, _ in self._kinds], np.int64)
        self._offer_masks = np.array([offers for _, _, offers in self._kinds], np.int64)
        self._intents = {kind: _intents(kind, self._kinds) for kind in INVESTOR_TYPES}

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
        kind = query.investor_kind or ""
        if kind and kind not in self._intents:
            raise ValueError(f"unknown investor kind: {kind!r}")
        weights, roles = self._intents.get(kind, (None, ()))
        found = occurrences(query.text, guess_lang(query.text, query.lang))
        if not found:
            raise EmptyQueryError(
                "the query has no words to search for: describe what you are looking for"
            )
        weights = self._asked(weights, found, kind)
        columns, vector, phrases = self._vectorise(found, query.investor_kind)
        postings = self._postings[columns]
        scores = self._blend(postings.T @ vector, sectors, offers, weights)
        best = _top(scores, top)
        if cut:
            best = best[: shown(scores[best].tolist())]
        quoted = list(map(quotable(phrases).get, columns.tolist()))
        results = []
        for i, shares in zip(best.tolist(), _shares(postings, best, vector).tolist(), strict=True):
            matched = [(found, s) for found, s in zip(quoted, shares, strict=True) if found and s]
            results.append(self._ranked(i, float(scores[i]), matched, sectors, offers, roles))
        return tuple(results)

    def _ranked(
        self, i: int, score: float, matched: list, sectors: int, offers: int, roles: tuple
    ) -> Ranked:
        """Organization i as a result: its score, strength, role, ticked facets, true reasons."""
        terms, bridges = quote(evidence(self._docs[i], matched))
        group, score = self._classes[i], round(min(score, 1.0), 6)
        return Ranked(
            slug=self._slugs[i],
            score=score,
            terms=terms,
            sectors=_unmask(int(self._sector_masks[group]) & sectors, SECTORS),
            offers=_unmask(int(self._offer_masks[group]) & offers, OFFERS),
            bridges=bridges,
            role=roles[group] if roles else "",
            strength=strength(score),
        )

    def _asked(
        self, weights: np.ndarray | None, found: list[Occurrence], investor_kind: str
    ) -> np.ndarray | None:
        """The intent weights, changed for the kinds of organization that the inquiry asks for
        in words (intent.tsv "asks" rows: an investor who writes "co-invest" seeks funds)."""
        rows = asked(investor_kind)
        features = {occurrence.feature for occurrence in found} if rows else set()
        for row in rows:
            if row.concept in features:
                weights = np.ones(len(self._kinds)) if weights is None else weights.copy()
                weights[[kind == row.kind for kind, _, _ in self._kinds]] = row.weight
        return weights

    def _vectorise(
        self, occurrences: list[Occurrence], investor_kind: str | None = None
    ) -> tuple[np.ndarray, np.ndarray, dict[int, list[Occurrence]]]:
        """The query's known feature columns, their l2-normalised tf-idf weights (divided by
        QUANTUM, as the postings are multiplied by it) and each column's phrases.

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
        norm = np.linalg.norm(weights) * QUANTUM
        return columns, (weights / norm if norm else weights).astype(np.float32), phrases

    def _text_scores(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine similarity with every profile: the query's posting lists times its weights."""
        return self._postings[columns].T @ weights

    def _blend(
        self, scores: np.ndarray, sectors: int, offers: int, weights: np.ndarray | None
    ) -> np.ndarray:
        """Add the facet shares and apply the inquirer's intent weights, one factor and one
        addend per class; with no facet chosen and no intent, the text score as it is."""
        if not sectors and not offers and weights is None:
            return scores
        total, added = 1.0, np.zeros(len(self._kinds))
        for chosen, masks, weight in (
            (sectors, self._sector_masks, SECTOR_WEIGHT),
            (offers, self._offer_masks, OFFER_WEIGHT),
        ):
            if chosen:
                added += weight * np.bitwise_count(masks & chosen) / chosen.bit_count()
                total += weight
        factor = (np.ones(len(self._kinds)) if weights is None else weights) / total
        blended = factor.astype(np.float32).take(self._classes)
        blended *= scores
        if sectors or offers:
            blended += (added * factor).astype(np.float32).take(self._classes)
        if (factor * (1 + added)).max() > 1:  # an intent weight above 1 could pass 1
            np.minimum(blended, 1.0, out=blended)
        return blended


def _shares(postings: sp.csr_matrix, best: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """shares[r, j]: what the query's feature j (row j of its postings) adds to the text score of
    organization best[r]."""
    shares = np.zeros((len(best), postings.shape[0]), np.float32)
    for j in range(postings.shape[0]):
        start, end = postings.indptr[j], postings.indptr[j + 1]
        if start < end:
            docs = postings.indices[start:end]
            at = np.minimum(np.searchsorted(docs, best), end - start - 1)
            shares[:, j] = np.where(docs[at] == best, postings.data[start + at], 0)
    return shares * weights


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


def _classes(keys: Sequence[tuple]) -> tuple[np.ndarray, list[tuple]]:
    """(the class number of each organization, the (kind, sector mask, offer mask) of each
    class) from the organizations' (kind, sectors, offers)."""
    numbers: dict[tuple, int] = {}
    classes = np.array([numbers.setdefault(key, len(numbers)) for key in keys], np.int32)
    kinds = [
        (kind, _mask(sectors, SECTORS), _mask(offers, OFFERS)) for kind, sectors, offers in numbers
    ]
    return classes, kinds


def _intents(investor_kind: str, kinds: Sequence[tuple]) -> tuple:
    """(score weights, or None when all are 1; roles) of every class for the inquirer."""
    pairs = [intent(investor_kind, kind, _unmask(offers, OFFERS)) for kind, _, offers in kinds]
    weights = np.array([weight for weight, _ in pairs])
    roles = tuple(role for _, role in pairs)
    return (None if (weights == 1).all() else weights), roles


def _mask(values: Sequence[str], vocabulary: Sequence[str]) -> int:
    """The bitmask of the values (those in vocabulary) over vocabulary."""
    return sum(1 << vocabulary.index(value) for value in values if value in vocabulary)


def _unmask(mask: int, vocabulary: Sequence[str]) -> tuple[str, ...]:
    """The values of a bitmask over vocabulary, in vocabulary order."""
    return tuple(value for bit, value in enumerate(vocabulary) if mask >> bit & 1) if mask else ()


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
