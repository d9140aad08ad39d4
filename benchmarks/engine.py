"""Engine benchmark: build and query times at 1k, 10k and 100k synthetic organizations.

Synthetic profiles recombine sentences and keywords of the real directory under new slugs.
Run: .venv/bin/python benchmarks/engine.py [--sizes 1000 10000 100000] [--queries dev.jsonl]
"""

import argparse
import json
import platform
import random
import re
import resource
import statistics
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from matchmaker.matching import Index, OrgDoc, Query, build_index, load_orgs_csv
from matchmaker.matching.index import analyse_query
from matchmaker.matching.text import guess_lang

DIRECTORY = Path(__file__).resolve().parent.parent / "matchmaker" / "data" / "organizations.csv"
QUERIES = [
    Query("GMP manufacturing of AAV viral vectors for a gene therapy trial", ("life-sciences",)),
    Query("Nous cherchons un façonnier pour la thérapie cellulaire CAR-T", lang="fr"),
    Query("air cargo hub with pharma cold chain and customs", offers=("site-location",)),
    Query("fret aérien et entrepôt sous douane près de Liège", lang="fr"),
    Query("thermal vacuum testing and calibration of a satellite camera"),
    Query("recyclage des plastiques et économie circulaire", ("cleantech",), lang="fr"),
    Query("machine vision frame grabbers for industrial inspection", ("digital",)),
    Query("venture capital for a medtech start-up", offers=("equity-investment",)),
    Query("green hydrogen electrolysers and renewable energy project developers"),
    Query("essais au champ de biostimulants et protection des cultures", lang="fr"),
]


def synthetic(docs: list[OrgDoc], n: int, seed: int = 42) -> list[OrgDoc]:
    """`n` profiles, each mixing the sentences and keywords of three real ones."""
    rng = random.Random(seed)
    sentences = [re.split(r"(?<=\.)\s+", doc.description) for doc in docs]
    result = []
    for i in range(n):
        picks = rng.sample(range(len(docs)), 3)
        base = docs[picks[0]]
        text = [s for p in picks for s in rng.sample(sentences[p], min(2, len(sentences[p])))]
        keywords = [k for p in picks for k in docs[p].keywords]
        result.append(
            OrgDoc(
                slug=f"org-{i:06d}",
                name=f"{base.name.split()[0]} {rng.choice(docs).city} {i}",
                kind=base.kind,
                sectors=base.sectors,
                offers=base.offers,
                description=" ".join(text),
                keywords=tuple(rng.sample(keywords, min(6, len(keywords)))),
                lang=base.lang,
            )
        )
    return result


def timed(function, repeat: int = 5) -> list[float]:
    """Milliseconds of each call, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bare_product(index: Index, query: Query):
    """The sparse query x postings product alone, with the query already vectorised."""
    lang = guess_lang(query.text, query.lang or "en")
    columns, weights, _ = index._vectorise(analyse_query(query.text, lang))
    return lambda: index._text_scores(columns, weights)


def reference(docs: list[OrgDoc], queries: list[Query]) -> list[float]:
    """Cached plain TfidfVectorizer on the descriptions + linear_kernel, per query (ms)."""
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform(doc.description for doc in docs)
    times = []
    for query in queries:
        times += timed(lambda q=query: linear_kernel(matrix, vectorizer.transform([q.text])))
    return times


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(values, share))


def bench(docs: list[OrgDoc], queries: list[Query]) -> dict:
    """Build time, per-query p50/p95 for rank, the bare product and the reference, memory."""
    start = time.perf_counter()
    index = build_index(docs)
    build = time.perf_counter() - start
    rank, product = [], []
    for query in queries:
        rank += timed(lambda q=query: index.rank(q, top=10))
        product += timed(bare_product(index, query))
    ref = reference(docs, queries)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "orgs": len(docs),
        "build_s": round(build, 2),
        "rank_p50_ms": round(statistics.median(rank), 3),
        "rank_p95_ms": round(percentile(rank, 95), 3),
        "product_p50_ms": round(statistics.median(product), 3),
        "product_p95_ms": round(percentile(product, 95), 3),
        "reference_p50_ms": round(statistics.median(ref), 3),
        "peak_rss_mb": round(peak),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=Path, help="JSONL of queries (default: built-in set)")
    args = parser.parse_args()
    queries = QUERIES
    if args.queries:
        records = [json.loads(line) for line in args.queries.read_text().splitlines() if line]
        queries = [
            Query(r["text"], tuple(r.get("sectors", ())), tuple(r.get("offers", ())), r.get("lang"))
            for r in records
        ]
    real = load_orgs_csv(DIRECTORY)
    print(f"# {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"# {len(queries)} queries, 5 timed runs each after a warm-up")
    for size in args.sizes:
        print(json.dumps(bench(synthetic(real, size), queries)), flush=True)


if __name__ == "__main__":
    main()
