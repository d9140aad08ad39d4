"""Inquiry submission throughput and latency against a bare /healthz, on gunicorn.

Starts gunicorn (gunicorn.conf.py, 4 workers) on a loopback port over a fresh, seeded database,
then times, with the same number of concurrent clients: GET /healthz, and POST /inquiry (each
client first loads the form for its CSRF token and submission key, outside the timing).
Run: .venv/bin/python -m benchmarks.submissions [--requests 400] [--clients 16] [--database URL]
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from tests.live import Visitor, filled_form, gunicorn, prepare_database


def timed(calls, clients: int) -> tuple[float, list[float]]:
    """Run the calls on `clients` threads; (requests per second, latencies in ms)."""

    def run(call) -> float:
        start = time.perf_counter()
        status = call()
        assert status == 200, f"unexpected status {status}"
        return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(run, calls))
    return len(calls) / (time.perf_counter() - start), latencies


def prepared_submission(base: str, number: int):
    """A visitor with the form loaded and filled; calling the result posts it."""
    visitor = Visitor(base)
    fields = filled_form(visitor, number)
    return lambda: visitor.post("/inquiry", fields)[0]


def report(name: str, throughput: float, latencies: list[float]) -> None:
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20)[18]
    print(f"{name:<18} {throughput:8.1f} req/s   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    prepare_database(url)
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores; database: {url.split(':')[0]}")
    with gunicorn(url, workers=4, settings={"MATCHMAKER_RATELIMIT_ENABLED": "false"}) as base:
        warm_up = [prepared_submission(base, -n) for n in range(1, 9)]
        timed(warm_up, 8)  # each worker fits its engine index once
        health = Visitor(base)
        throughput, latencies = timed([lambda: health.get("/healthz")[0]] * args.requests,
                                      args.clients)  # fmt: skip
        report("GET /healthz", throughput, latencies)
        calls = [prepared_submission(base, n) for n in range(args.requests)]
        submissions, latencies = timed(calls, args.clients)
        report("POST /inquiry", submissions, latencies)
        print(f"submission throughput / healthz throughput = {submissions / throughput:.2f}")


if __name__ == "__main__":
    main()
