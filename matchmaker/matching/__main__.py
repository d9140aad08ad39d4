"""Command line: `rank` queries against a directory CSV, `evaluate` on labelled queries, or list
the `glossary-hits` to review after editing the glossary."""

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from matchmaker.matching.analysis import occurrences, profile_texts
from matchmaker.matching.evaluate import (
    Baseline,
    Labelled,
    engine_ranker,
    evaluate,
    format_report,
    groups,
)
from matchmaker.matching.explain import Ranked, nothing_strong
from matchmaker.matching.glossary import CONCEPT_PREFIX, default_glossary
from matchmaker.matching.index import Query, build_index, load_orgs_csv
from matchmaker.matching.text import guess_lang

SHIPPED_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "organizations.csv"


class InputError(Exception):
    """An input file is missing or malformed."""


def read_jsonl(path: Path, keys: tuple[str, ...] = ("id", "text")) -> list[dict]:
    """The JSON objects of a JSONL file, one per non-blank line, each with the keys."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not valid JSON ({error.msg})") from error
        if not isinstance(record, dict) or any(key not in record for key in keys):
            names = " and ".join(f'"{key}"' for key in keys)
            raise InputError(f"{path}:{number}: expected an object with {names}")
        records.append(record)
    return records


def read_orgs(path: Path):
    """The organizations of a directory CSV, or InputError."""
    try:
        docs = load_orgs_csv(path)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise InputError(f"cannot read {path}: {error}") from error
    if not docs:
        raise InputError(f"{path}: no organizations")
    return docs


def to_query(record: dict) -> Query:
    """A Query from a JSONL record; keys other than text, sectors, offers, lang and
    investor_kind are ignored."""
    return Query(
        text=str(record["text"] or ""),
        sectors=tuple(record.get("sectors") or ()),
        offers=tuple(record.get("offers") or ()),
        lang=record.get("lang"),
        investor_kind=record.get("investor_kind") or None,
    )


def to_json(ranked: Ranked) -> dict:
    """One ranked organization as a JSON object."""
    return {
        "slug": ranked.slug,
        "score": ranked.score,
        "strength": ranked.strength,
        "role": ranked.role,
        "reasons": list(ranked.reasons),
    }


def rank_command(args: argparse.Namespace) -> None:
    """Write one JSON line per query: its id and ranking, or an error for that query."""
    records = [record for path in args.queries for record in read_jsonl(path)]
    index = build_index(read_orgs(args.orgs))
    for record in records:
        line: dict = {"id": record["id"], "ranking": []}
        try:
            ranked = index.rank(to_query(record), top=args.top)
        except ValueError as error:
            line["error"] = str(error)
        else:
            line["ranking"] = [to_json(r) for r in ranked]
            line["nothing_strong"] = nothing_strong(ranked)
        print(json.dumps(line, ensure_ascii=False))


def evaluate_command(args: argparse.Namespace) -> None:
    """Print nDCG@10, MRR and recall@10 for the engine and the baseline, overall and per lang."""
    records = [record for path in args.queries for record in read_jsonl(path)]
    add_labels(
        records,
        [more for path in args.more_labels for more in read_jsonl(path, ("id", "relevant"))],
    )
    try:
        labelled = [Labelled.from_json(record) for record in records]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f'{error}: every line needs "relevant" {{slug: grade}}') from error
    docs = read_orgs(args.orgs)
    results = evaluate(
        {"engine": engine_ranker(build_index(docs)), "baseline": Baseline(docs).rank}, labelled
    )
    counts = Counter(group for item in labelled for group in groups(item)[1:])
    counts["all"] = len(labelled)
    print(format_report(results, counts))


def glossary_hits_command(args: argparse.Namespace) -> None:
    """Print where the glossary gives a concept to words it does not list for it, most frequent
    first: word forms (*investi* for *investment*) beside collisions, words that only share a
    stem with a listed phrase (English *trains* read as *training*), the false links to remove."""
    texts = [text for doc in read_orgs(args.orgs) for text in profile_texts(doc)]
    for path in args.queries:
        texts += [(record["text"], guess_lang(record["text"], record.get("lang")))
                  for record in read_jsonl(path)]  # fmt: skip
    for (concept, words, lang), count in unlisted_hits(texts).most_common(args.most):
        print(f"{count:5}  {concept:28} {lang}  {words}")


def unlisted_hits(texts: Iterable[tuple[str, str]]) -> Counter[tuple[str, str, str]]:
    """(concept, words as written, language) -> how often the glossary gave the concept to words
    it does not list for it, in (text, language) pairs."""
    glossary = default_glossary()
    hits: Counter[tuple[str, str, str]] = Counter()
    for text, lang in texts:
        for found in occurrences(text, lang):
            if found.feature.startswith(CONCEPT_PREFIX) and not glossary.lists(
                    found.feature, found.surface):  # fmt: skip
                hits[found.feature, found.surface.lower(), lang] += 1
    return hits


def add_labels(records: list[dict], more: list[dict]) -> None:
    """Add to each query's "relevant" the grades of the organizations it did not grade, from
    records {"id", "relevant"} (e.g. of organizations added to the directory after it was
    labelled); an unknown id or a second grade for an organization is an InputError."""
    by_id = {str(record["id"]): record for record in records}
    for extra in more:
        record = by_id.get(str(extra["id"]))
        if record is None:
            raise InputError(f"more labels for an unknown query: {extra['id']!r}")
        if not isinstance(extra["relevant"], dict):
            raise InputError(f'query {extra["id"]!r}: "relevant" must be {{slug: grade}}')
        relevant = dict(record.get("relevant") or {})
        if graded := sorted(set(relevant) & set(extra["relevant"])):
            raise InputError(f"query {extra['id']!r} already grades {', '.join(graded)}")
        record["relevant"] = relevant | extra["relevant"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; exit status 2 on a bad input file."""
    parser = argparse.ArgumentParser(prog="python -m matchmaker.matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    rank = commands.add_parser("rank", help="rank organizations for each query (JSON lines)")
    rank.add_argument("--top", type=int, default=10, help="results per query (default 10)")
    rank.set_defaults(run=rank_command)
    check = commands.add_parser("evaluate", help="metrics on labelled queries vs the baseline")
    check.add_argument(
        "--more-labels",
        type=Path,
        nargs="+",
        default=[],
        metavar="LABELS",
        help='JSONL of {"id", "relevant"}: grades of organizations the queries do not grade',
    )
    check.set_defaults(run=evaluate_command)
    hits = commands.add_parser(
        "glossary-hits", help="glossary concepts given to words it does not list (after an edit)"
    )
    hits.add_argument("--most", type=int, default=100, help="rows to print (default 100)")
    hits.set_defaults(run=glossary_hits_command)
    for command in (rank, check, hits):
        command.add_argument(
            "--orgs", type=Path, default=SHIPPED_DIRECTORY,
            help="directory CSV (default: the shipped matchmaker/data/organizations.csv)",
        )  # fmt: skip
        command.add_argument(
            "--queries", type=Path, nargs="+", required=command is not hits, default=[],
            help="queries JSONL (one or more)",
        )  # fmt: skip
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
