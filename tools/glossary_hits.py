"""Glossary hits to review after editing matching/glossary.tsv: every place where the glossary
gives a concept to words, in the directory's profiles (and any inquiry files), that are not a
phrase it lists for that concept, most frequent first.

Phrases match after stemming, so word forms show up here (*investi* for *investment*) beside
real collisions, words that only share a stem with a listed phrase (English *trains* read as
*training*): those are the false links to remove (docs/matching.md, the glossary).

    .venv/bin/python -m tools.glossary_hits [--orgs ORGS.csv] [--queries Q.jsonl ...] [--most N]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from matchmaker.matching.__main__ import SHIPPED_DIRECTORY, InputError, read_jsonl, read_orgs
from matchmaker.matching.analysis import occurrences, profile_texts
from matchmaker.matching.glossary import CONCEPT_PREFIX, default_glossary
from matchmaker.matching.text import guess_lang


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


def texts_of(orgs: Path, queries: Sequence[Path]) -> list[tuple[str, str]]:
    """The profiles' own texts and the inquiries' texts, each with its language."""
    texts = [text for doc in read_orgs(orgs) for text in profile_texts(doc)]
    for path in queries:
        texts += [(record["text"], guess_lang(record["text"], record.get("lang")))
                  for record in read_jsonl(path)]  # fmt: skip
    return texts


def main(argv: Sequence[str] | None = None) -> int:
    """Print the hits; exit status 2 on a missing or malformed file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=Path, default=SHIPPED_DIRECTORY, help="directory CSV")
    parser.add_argument("--queries", type=Path, nargs="*", default=[], help="inquiries JSONL")
    parser.add_argument("--most", type=int, default=100, help="how many rows to print")
    args = parser.parse_args(argv)
    try:
        texts = texts_of(args.orgs, args.queries)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for (concept, words, lang), count in unlisted_hits(texts).most_common(args.most):
        print(f"{count:5}  {concept:28} {lang}  {words}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
