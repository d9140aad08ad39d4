"""True reasons: every quoted word is in the inquiry and in the profile it is attached to."""

import json
import os
from functools import cache
from pathlib import Path

import pytest

from matchmaker.matching import Index, OrgDoc, Query, build_index, load_orgs_csv
from matchmaker.matching.analysis import occurrences, profile_texts
from matchmaker.matching.explain import Bridge
from matchmaker.matching.text import GENERIC_WORDS, fold, guess_lang, stems

from .conftest import ROOT

# Every directory the reasons must hold on: the shipped one, and any other named in
# MATCHMAKER_TEST_DIRECTORY (e.g. a directory before it ships).
DIRECTORIES = [
    path
    for path in (
        ROOT / "matchmaker" / "data" / "organizations.csv",
        *(Path(p) for p in os.environ.get("MATCHMAKER_TEST_DIRECTORY", "").split(os.pathsep) if p),
    )
    if path.is_file()
]


@cache
def fitted(path: Path) -> tuple[dict[str, OrgDoc], Index]:
    docs = load_orgs_csv(path)
    return {doc.slug: doc for doc in docs}, build_index(docs)

DEV = [
    json.loads(line)
    for name in ("dev.jsonl", "dev-investors.jsonl")
    for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def query(record: dict) -> Query:
    return Query(
        record["text"],
        tuple(record.get("sectors") or ()),
        tuple(record.get("offers") or ()),
        record.get("lang"),
        record.get("investor_kind"),
    )


def profile_words(doc: OrgDoc) -> set[tuple[str, ...]]:
    """Every run of consecutive normalised words of the profile (name, keywords, descriptions)."""
    runs = set()
    for text, lang in profile_texts(doc):
        words = [found.words[0] for found in occurrences(text, lang) if len(found.words) == 1]
        runs |= {tuple(words[i:j]) for i in range(len(words)) for j in range(i + 1, i + 5)}
    return runs


def profile_text(doc: OrgDoc) -> str:
    return " ".join(" ".join(text.split()) for text, _ in profile_texts(doc)).casefold()


@pytest.mark.parametrize("path", DIRECTORIES, ids=[path.name for path in DIRECTORIES])
@pytest.mark.parametrize("record", DEV, ids=[r["id"] for r in DEV])
def test_every_quoted_word_is_in_the_profile_and_the_inquiry(path: Path, record):
    docs, index = fitted(path)
    text = record["text"]
    lang = guess_lang(text, record.get("lang"))
    for result in index.rank(query(record)):
        doc = docs[result.slug]
        runs = profile_words(doc)
        for term in result.terms:
            assert term in text
            assert tuple(stems(term, lang)) in runs, (result.slug, term)
        for bridge in result.bridges:
            assert bridge.wrote in text
            assert " ".join(bridge.profile.split()).casefold() in profile_text(doc), bridge


def test_generic_words_are_never_reasons(index: Index):
    text = "environ near run services company m2 approvisionner cell therapy GMP vectors"
    for result in index.rank(Query(text), top=10, cut=False):
        for term in (*result.terms, *(bridge.wrote for bridge in result.bridges)):
            assert fold(term) not in GENERIC_WORDS


@pytest.mark.parametrize(
    ("text", "slug", "false"),
    [
        ("flight control software and quality control", "trasis", "flight control"),
        ("avionics and flight control computers for drones", "fn-herstal", "avionics"),
        ("air cargo and customs clearance for frozen fries", "lutosa", "air cargo"),
        ("CAR-T cell therapy manufacturing", "ncardia", "CAR-T"),
    ],
)
def test_known_false_reasons_are_gone(index: Index, text, slug, false):
    for result in index.rank(Query(text), top=145, cut=False):
        if result.slug == slug:
            assert false not in result.terms
            assert all(bridge.profile != false for bridge in result.bridges)


def test_a_glossary_bridge_names_both_sides(index: Index):
    best = index.rank(Query("façonnier pour vecteurs AAV", lang="fr"), top=1)[0]
    assert Bridge("façonnier", "CDMO", "cdmo") in best.bridges


def test_a_bridge_never_quotes_a_chance_collision_of_stems(index: Index):
    for result in index.rank(Query("fret aérien sous douane", lang="fr"), top=20, cut=False):
        assert all(bridge.profile.casefold() != "customers" for bridge in result.bridges)
