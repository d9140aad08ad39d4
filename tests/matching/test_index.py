"""The engine's behaviour on the real directory and on small inline directories."""

import random
import subprocess
import sys
from dataclasses import replace

import pytest

from matchmaker.matching import (
    ENGINE_VERSION,
    EmptyQueryError,
    OrgDoc,
    Query,
    Ranked,
    build_index,
)

from .conftest import ROOT


def slugs(results: tuple[Ranked, ...]) -> list[str]:
    return [r.slug for r in results]


def doc(slug: str, description: str, **fields) -> OrgDoc:
    values = dict(name=slug.title(), kind="company", sectors=(), offers=(), keywords=(), lang="en")
    values.update(fields)
    return OrgDoc(slug=slug, description=description, **values)


def test_finds_the_obvious_organization(index):
    top = index.rank(Query("GMP manufacturing of AAV and adenovirus viral vectors"), top=3)
    assert top[0].slug in {"henogen", "exothera"}
    assert ENGINE_VERSION


@pytest.mark.parametrize(
    ("english", "french"),
    [
        (
            "We need a contract manufacturer for our CAR-T cell therapy clinical batches",
            "Nous cherchons un façonnier pour fabriquer les lots cliniques de notre thérapie "
            "cellulaire CAR-T",
        ),
        (
            "An air cargo hub with a pharmaceutical cold chain and customs clearance",
            "Une plateforme de fret aérien avec une chaîne du froid pharmaceutique et le "
            "dédouanement",
        ),
        (
            "Wastewater treatment plants, sludge treatment and training of operators",
            "Stations d'épuration des eaux usées, traitement des boues et formation des "
            "exploitants",
        ),
    ],
)
def test_french_phrasing_finds_the_same_top_organizations(index, english, french):
    top_en = slugs(index.rank(Query(english), top=3, cut=False))
    top_fr = slugs(index.rank(Query(french), top=3, cut=False))
    assert top_en[0] == top_fr[0]
    assert len(set(top_en) & set(top_fr)) >= 2


def test_ticking_a_sector_raises_organizations_of_that_sector(index, directory):
    text = "testing laboratory with clean rooms and calibration"
    aerospace = {d.slug for d in directory if "aerospace" in d.sectors}
    plain = slugs(index.rank(Query(text), top=len(directory), cut=False))
    ticked = slugs(index.rank(Query(text, sectors=("aerospace",)), top=len(directory), cut=False))
    assert sum(s in aerospace for s in ticked[:10]) > sum(s in aerospace for s in plain[:10])
    for slug in aerospace & set(plain):
        assert ticked.index(slug) <= plain.index(slug)


def test_ticking_an_offer_raises_organizations_that_offer_it(index, directory):
    text = "plasmid DNA and mRNA"
    offering = {d.slug for d in directory if "licensing" in d.offers}
    plain = slugs(index.rank(Query(text), top=len(directory), cut=False))
    results = index.rank(Query(text, offers=("licensing",)), top=len(directory), cut=False)
    ticked = slugs(results)
    moves = [plain.index(slug) - ticked.index(slug) for slug in offering & set(plain)]
    assert min(moves) >= 0
    assert sum(moves) > 0
    assert all(r.offers == ("licensing",) for r in results if r.slug in offering)


def test_facets_are_reported_only_when_chosen_and_held(index):
    query = Query("viral vectors", sectors=("life-sciences", "aerospace"), offers=("licensing",))
    for result in index.rank(query):
        assert "aerospace" not in result.sectors
        assert set(result.sectors) <= {"life-sciences"}
    assert all(not r.sectors and not r.offers for r in index.rank(Query("viral vectors")))


def test_reasons_name_words_the_user_wrote(index):
    text = "Nous cherchons un façonnier BPF pour notre Thérapie Cellulaire et des vecteurs AAV"
    results = index.rank(Query(text, sectors=("life-sciences",)))
    assert results
    for result in results:
        assert result.terms or result.bridges
        for term in (*result.terms, *(bridge.wrote for bridge in result.bridges)):
            assert term in text
    best = results[0]
    assert any(reason.startswith('matches "') for reason in best.reasons)
    assert "sector: life-sciences" in best.reasons


def test_reasons_prefer_whole_phrases(index):
    results = index.rank(Query("cell therapy"), top=1)
    assert results[0].terms[0] == "cell therapy"
    assert "cell" not in results[0].terms


def test_scores_are_between_zero_and_one_best_first(index):
    results = index.rank(
        Query("satellite ground station", sectors=("aerospace",)), top=20, cut=False
    )
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)
    assert len(results) == 20


@pytest.mark.parametrize("text", ["", "   ", "the and of", "le la les et de", "?!…;--", "2026"])
def test_a_query_without_words_is_an_error(index, text):
    with pytest.raises(EmptyQueryError, match="no words to search for"):
        index.rank(Query(text))


def test_unknown_words_give_no_results(index):
    assert index.rank(Query("zzyzx qwfp")) == ()


def test_unknown_facet_or_bad_top_is_an_error(index):
    with pytest.raises(ValueError, match="unknown sector"):
        index.rank(Query("cell therapy", sectors=("space-tourism",)))
    with pytest.raises(ValueError, match="unknown engagement type"):
        index.rank(Query("cell therapy", offers=("hugs",)))
    with pytest.raises(ValueError, match="top"):
        index.rank(Query("cell therapy"), top=0)


def test_a_50_kb_query_is_handled(index, directory):
    text = " ".join(d.description for d in directory)[:50_000]
    results = index.rank(Query(text), top=10)
    assert len(results) == 10


def test_a_directory_of_one_organization():
    index = build_index([doc("solo", "Plasmid DNA manufacturing under GMP")])
    assert len(index) == 1
    assert slugs(index.rank(Query("plasmid"))) == ["solo"]
    assert index.rank(Query("satellites")) == ()


def test_an_organization_with_an_empty_description():
    docs = [
        doc("blank", "", keywords=("air cargo",), sectors=("logistics",)),
        doc("other", "Chocolate and pralines"),
    ]
    index = build_index(docs)
    assert slugs(index.rank(Query("fret aérien"))) == ["blank"]
    assert slugs(index.rank(Query("chocolat", sectors=("logistics",)))) == ["other", "blank"]


def test_duplicate_slugs_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        build_index([doc("a", "one"), doc("a", "two")])


def test_ties_are_broken_by_slug():
    twins = [doc(slug, "Frozen vegetables and fries") for slug in ("b-org", "a-org", "c-org")]
    results = build_index(twins).rank(Query("frozen vegetables"))
    assert slugs(results) == ["a-org", "b-org", "c-org"]
    assert len({r.score for r in results}) == 1


def test_ties_at_the_cut_off_keep_the_first_slugs():
    twins = [doc(f"org-{i}", "Frozen vegetables") for i in (3, 1, 4, 0, 2)]
    assert slugs(build_index(twins).rank(Query("vegetables"), top=2)) == ["org-0", "org-1"]


def test_output_does_not_depend_on_input_order(directory):
    shuffled = list(directory)
    random.Random(1).shuffle(shuffled)
    query = Query("radiopharmaceuticals and PET tracers", sectors=("life-sciences",))
    assert build_index(directory).rank(query) == build_index(shuffled).rank(query)


def test_index_is_not_changed_by_ranking(index):
    query = Query("inland port barge container terminal")
    first = index.rank(query)
    index.rank(Query("chocolate"))
    assert index.rank(query) == first


def test_orgdoc_is_frozen(directory):
    with pytest.raises(AttributeError):
        directory[0].slug = "other"  # type: ignore[misc]
    assert replace(directory[0], slug="x").slug == "x"


def test_importing_the_engine_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matchmaker.matching; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy'}); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_unexpected_language_hint_is_ignored(index):
    assert index.rank(Query("cell therapy", lang="de")) == index.rank(Query("cell therapy"))
