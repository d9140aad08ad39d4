"""Engine benchmark: build and query times at 1k, 10k and 100k synthetic organizations.

Synthetic profiles recombine sentences and keywords of the real directory under new slugs.
Run: .venv/bin/python benchmarks/engine.py [--sizes 1000 10000 100000] [--queries dev.jsonl]
"""

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from matchmaker.matching import Index, OrgDoc, Query, build_index, load_orgs_csv
from matchmaker.matching.analysis import occurrences
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
    Query(
        "venture capital for a medtech start-up",
        offers=("equity-investment",),
        investor_kind="investment-fund",
    ),
    Query("green hydrogen electrolysers and renewable energy project developers"),
    Query("essais au champ de biostimulants et protection des cultures", lang="fr"),
]


def _mix(rng: random.Random, texts: list[list[str]], picks: list[int]) -> str:
    """Two random sentences of each picked profile's text, joined."""
    return " ".join(s for p in picks for s in rng.sample(texts[p], min(2, len(texts[p]))))


def synthetic(docs: list[OrgDoc], n: int, seed: int = 42) -> list[OrgDoc]:
    """`n` profiles, each mixing the sentences and keywords of three real ones (both languages
    when the directory has them)."""
    rng = random.Random(seed)
    sentences = [re.split(r"(?<=\.)\s+", doc.description) for doc in docs]
    french = [
        re.split(r"(?<=\.)\s+", doc.description_fr) if doc.description_fr else [] for doc in docs
    ]
    result = []
    for i in range(n):
        picks = rng.sample(range(len(docs)), 3)
        base = docs[picks[0]]
        keywords = [k for p in picks for k in docs[p].keywords]
        keywords_fr = [k for p in picks for k in docs[p].keywords_fr]
        result.append(
            OrgDoc(
                slug=f"org-{i:06d}",
                name=f"{base.name.split()[0]} {rng.choice(docs).city} {i}",
                kind=base.kind,
                sectors=base.sectors,
                offers=base.offers,
                description=_mix(rng, sentences, picks),
                keywords=tuple(rng.sample(keywords, min(6, len(keywords)))),
                lang=base.lang,
                description_fr=_mix(rng, french, picks),
                keywords_fr=tuple(rng.sample(keywords_fr, min(6, len(keywords_fr)))),
            )
        )
    return result


def timed(function, repeat: int = 5, clock=time.perf_counter) -> list[float]:
    """Milliseconds of each call, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = clock()
        function()
        times.append((clock() - start) * 1000)
    return times


def bare_product(index: Index, query: Query):
    """The engine's product alone (the query's posting lists times its weights), with the query
    already vectorised: the floor of its ranking."""
    lang = guess_lang(query.text, query.lang)
    columns, weights, _ = index._vectorise(occurrences(query.text, lang), query.investor_kind)
    return lambda: index._text_scores(columns, weights)


def sparse_product(index: Index, postings: sp.csr_matrix, query: Query):
    """The sparse query row x float32 posting-list matrix product of earlier versions (`tfidf-1`
    and the first `tfidf-2`), with the query already vectorised: the yardstick of their
    targets."""
    lang = guess_lang(query.text, query.lang)
    columns, weights, _ = index._vectorise(occurrences(query.text, lang), query.investor_kind)
    row = sp.csr_matrix((weights, columns, [0, len(columns)]), shape=(1, postings.shape[0]))
    return lambda: (row @ postings).toarray().ravel()


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
    """Build time, per-query times of rank, the bare product and the reference, peak memory.

    Wall-clock times, plus CPU times (less disturbed when other work shares the machine).
    Peak RSS is the whole process so far: synthetic profiles and the reference included.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    index = build_index(docs)
    build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
    rank, rank_cpu, product, sparse = [], [], [], []
    reference_postings = index._postings.astype(np.float32)
    for query in queries:
        rank += timed(lambda q=query: index.rank(q, top=10))
        rank_cpu += timed(lambda q=query: index.rank(q, top=10), clock=time.process_time)
        product += timed(bare_product(index, query))
        sparse += timed(sparse_product(index, reference_postings, query))
    del reference_postings
    ref = reference(docs, queries)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    postings = index._postings  # the bulk of the index
    size = postings.data.nbytes + postings.indices.nbytes + postings.indptr.nbytes
    return {
        "orgs": len(docs),
        "build_s": round(build_wall, 2),
        "build_cpu_s": round(build_cpu, 2),
        "rank_p50_ms": round(statistics.median(rank), 3),
        "rank_p95_ms": round(percentile(rank, 95), 3),
        "rank_cpu_p50_ms": round(statistics.median(rank_cpu), 3),
        "product_p50_ms": round(statistics.median(product), 3),
        "product_p95_ms": round(percentile(product, 95), 3),
        "sparse_product_p50_ms": round(statistics.median(sparse), 3),
        "reference_p50_ms": round(statistics.median(ref), 3),
        "index_mb": round(size / 2**20),
        "peak_rss_mb": round(peak),
    }


def cpu_model() -> str:
    """The processor's model name, as lscpu shows it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=Path, help="JSONL of queries (default: built-in set)")
    parser.add_argument("--orgs", type=Path, default=DIRECTORY, help="directory CSV to recombine")
    args = parser.parse_args()
    queries = QUERIES
    if args.queries:
        records = [json.loads(line) for line in args.queries.read_text().splitlines() if line]
        queries = [
            Query(
                r["text"],
                tuple(r.get("sectors", ())),
                tuple(r.get("offers", ())),
                r.get("lang"),
                r.get("investor_kind"),
            )
            for r in records
        ]
    real = load_orgs_csv(args.orgs)
    build_index(real)  # warm-up: loads the glossary once, as a running app does
    print(f"# {cpu_model()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"# load average before: {os.getloadavg()[0]:.2f}")
    print(f"# {len(queries)} queries, 5 timed runs each after a warm-up")
    for size in args.sizes:
        print(json.dumps(bench(synthetic(real, size), queries)), flush=True)


if __name__ == "__main__":
    main()
