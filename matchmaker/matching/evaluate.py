"""Offline evaluation: ranking metrics, the plain TF-IDF baseline and a per-language report."""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matchmaker.matching.index import EmptyQueryError, Index, OrgDoc, Query

K = 10
METRICS = ("nDCG@10", "MRR", "recall@10")


@dataclass(frozen=True)
class Labelled:
    """A query with its graded relevant organizations ({slug: grade 1-3})."""

    id: str
    query: Query
    relevant: Mapping[str, int]

    @classmethod
    def from_json(cls, record: Mapping) -> "Labelled":
        """Build from a JSONL record: id, text, optional sectors, offers, lang, investor_kind."""
        query = Query(
            text=record["text"],
            sectors=tuple(record.get("sectors") or ()),
            offers=tuple(record.get("offers") or ()),
            lang=record.get("lang"),
            investor_kind=record.get("investor_kind") or None,
        )
        relevant = {slug: int(grade) for slug, grade in record["relevant"].items()}
        return cls(str(record["id"]), query, relevant)


def ndcg(ranking: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """Normalised discounted cumulative gain at k with gain 2^grade - 1."""
    gains = [2 ** relevant.get(slug, 0) - 1 for slug in ranking[:k]]
    ideal = [2**grade - 1 for grade in sorted(relevant.values(), reverse=True)[:k]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    best = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / best if best else 0.0


def reciprocal_rank(ranking: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """1 / rank of the first relevant organization in the top k, else 0."""
    for rank, slug in enumerate(ranking[:k], start=1):
        if slug in relevant:
            return 1.0 / rank
    return 0.0


def recall(ranking: Sequence[str], relevant: Mapping[str, int], k: int = K) -> float:
    """Share of the relevant organizations found in the top k."""
    return len(set(ranking[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def scores(ranking: Sequence[str], relevant: Mapping[str, int]) -> tuple[float, float, float]:
    """nDCG@10, MRR and recall@10 of one ranking."""
    return ndcg(ranking, relevant), reciprocal_rank(ranking, relevant), recall(ranking, relevant)


class Baseline:
    """Plain scikit-learn TF-IDF with its defaults on the description only, cosine ranking."""

    def __init__(self, docs: Sequence[OrgDoc]) -> None:
        self._slugs = [doc.slug for doc in docs]
        self._vectorizer = TfidfVectorizer()
        self._matrix = self._vectorizer.fit_transform(doc.description for doc in docs)

    def rank(self, query: Query, top: int = K) -> list[str]:
        """The slugs of the `top` most similar descriptions, ties by slug."""
        similarity = (self._matrix @ self._vectorizer.transform([query.text]).T).toarray().ravel()
        order = sorted(range(len(self._slugs)), key=lambda i: (-similarity[i], self._slugs[i]))
        return [self._slugs[i] for i in order[:top] if similarity[i] > 0]


def engine_ranker(index: Index) -> Callable[[Query], list[str]]:
    """The engine as a ranker: query -> slugs of its top 10 (none for an empty query)."""

    def rank(query: Query) -> list[str]:
        try:
            return [ranked.slug for ranked in index.rank(query, top=K)]
        except EmptyQueryError:
            return []

    return rank


def evaluate(
    rankers: Mapping[str, Callable[[Query], list[str]]], labelled: Iterable[Labelled]
) -> dict[str, dict[str, tuple[float, float, float]]]:
    """Mean metrics per ranker and per group: {ranker: {group: metrics}}.

    The groups are "all", each language and each investor kind (see `groups`).
    """
    per_query: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    for item in labelled:
        for name, rank in rankers.items():
            result = scores(rank(item.query), item.relevant)
            for group in groups(item):
                per_query.setdefault(name, {}).setdefault(group, []).append(result)
    return {
        name: {group: tuple(np.mean(rows, axis=0).tolist()) for group, rows in groups.items()}
        for name, groups in per_query.items()
    }


def groups(item: Labelled) -> tuple[str, ...]:
    """The report groups of a labelled query: "all", its language, its investor kind if any."""
    kind = item.query.investor_kind
    return ("all", item.query.lang or "?", *((kind,) if kind else ()))


def _order(group: str) -> tuple[int, str]:
    """ "all" first, then the languages, then the investor kinds."""
    return (0 if group == "all" else 1 if len(group) == 2 else 2, group)


def format_report(results: Mapping[str, Mapping[str, tuple[float, ...]]], counts: Mapping) -> str:
    """A readable table: one line per ranker and group."""
    lines = [f"{'ranker':<10} {'queries':<24} " + " ".join(f"{m:>9}" for m in METRICS)]
    for name, found in results.items():
        for group in sorted(found, key=_order):
            label = f"{group} ({counts[group]})"
            values = " ".join(f"{value:>9.3f}" for value in found[group])
            lines.append(f"{name:<10} {label:<24} {values}")
    return "\n".join(lines)
