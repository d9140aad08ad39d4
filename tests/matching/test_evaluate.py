"""Ranking metrics and the plain baseline."""

import pytest

from matchmaker.matching import OrgDoc, Query
from matchmaker.matching.evaluate import (
    Baseline,
    Labelled,
    evaluate,
    format_report,
    ndcg,
    recall,
    reciprocal_rank,
)

RELEVANT = {"a": 3, "b": 1}


def test_ndcg():
    assert ndcg(["a", "b", "x"], RELEVANT) == pytest.approx(1.0)
    assert ndcg(["b", "a"], RELEVANT) < ndcg(["a", "b"], RELEVANT)
    assert ndcg(["x", "y"], RELEVANT) == 0.0
    assert ndcg(["x"] * 10 + ["a"], RELEVANT) == 0.0  # beyond the cut-off


def test_reciprocal_rank_and_recall():
    assert reciprocal_rank(["x", "b", "a"], RELEVANT) == pytest.approx(0.5)
    assert reciprocal_rank(["x"], RELEVANT) == 0.0
    assert recall(["x", "b"], RELEVANT) == pytest.approx(0.5)
    assert recall(["a", "b"], RELEVANT) == pytest.approx(1.0)


def docs() -> list[OrgDoc]:
    return [
        OrgDoc("choc", "Choc", "company", (), (), "Belgian chocolate and pralines", ()),
        OrgDoc("port", "Port", "public-agency", (), (), "Inland port and barges", ()),
    ]


def test_baseline_ranks_by_description():
    assert Baseline(docs()).rank(Query("chocolate")) == ["choc"]
    assert Baseline(docs()).rank(Query("nothing matches")) == []


def test_evaluate_groups_by_language():
    labelled = [
        Labelled.from_json({"id": "1", "lang": "en", "text": "chocolate", "relevant": {"choc": 2}}),
        Labelled.from_json({"id": "2", "lang": "fr", "text": "barges", "relevant": {"choc": 1}}),
    ]
    results = evaluate({"baseline": Baseline(docs()).rank}, labelled)
    assert results["baseline"]["en"] == pytest.approx((1.0, 1.0, 1.0))
    assert results["baseline"]["fr"] == pytest.approx((0.0, 0.0, 0.0))
    assert results["baseline"]["all"] == pytest.approx((0.5, 0.5, 0.5))
    report = format_report(results, {"all": 2, "en": 1, "fr": 1})
    assert "nDCG@10" in report and "fr (1)" in report
