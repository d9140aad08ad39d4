"""The command line contract: rank, evaluate and glossary-hits, including bad input."""

import json
import subprocess
import sys

import pytest

from matchmaker.matching.__main__ import main

from .conftest import DIRECTORY_CSV, ROOT

HEADER = "slug,name,kind,sectors,city,province,lang,description,offers,keywords\n"
CSV = (
    HEADER
    + 'choc,Chocolaterie,company,agrifood,Namur,Namur,fr,"Chocolats et pralines",supply,chocolate\n'
    + "port,River Port,public-agency,logistics,Liège,Liège,en,Inland port,site-location,barges\n"
)


def run(*args: str) -> subprocess.CompletedProcess:
    """The command line in a subprocess, exactly as scripts call it."""
    command = [sys.executable, "-m", "matchmaker.matching", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def run_here(capsys, *args: str) -> tuple[int, str, str]:
    """The command line in this process (fast), as (exit status, stdout, stderr)."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def orgs(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_rank_writes_one_line_per_query(orgs, tmp_path):
    queries = write_jsonl(
        tmp_path / "q.jsonl",
        [
            {"id": "q1", "text": "Belgian chocolate and pralines", "investor_type": "ignored"},
            {"id": "q2", "text": "the and of"},
            {"id": "q3", "text": "barges", "sectors": ["logistics"], "lang": "en"},
        ],
    )
    done = run("rank", "--orgs", str(orgs), "--queries", str(queries), "--top", "1")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2", "q3"]
    assert [r["slug"] for r in lines[0]["ranking"]] == ["choc"]
    assert 'matches "chocolate"' in lines[0]["ranking"][0]["reasons"]
    assert lines[1]["ranking"] == [] and "no words" in lines[1]["error"]
    assert lines[2]["ranking"][0]["reasons"][-1] == "sector: logistics"
    assert 0 < lines[2]["ranking"][0]["score"] <= 1


def test_rank_refuses_a_missing_file(orgs, tmp_path):
    done = run("rank", "--orgs", str(orgs), "--queries", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr and "missing.jsonl" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json\n", "q.jsonl:1: not valid JSON"), ('\n{"id": 1}\n', "q.jsonl:2: expected")],
)
def test_rank_refuses_a_malformed_queries_file(capsys, orgs, tmp_path, content, message):
    queries = tmp_path / "q.jsonl"
    queries.write_text(content, encoding="utf-8")
    status, out, err = run_here(capsys, "rank", "--orgs", str(orgs), "--queries", str(queries))
    assert status == 2
    assert message in err and out == ""


@pytest.mark.parametrize(
    ("content", "message"), [("id,title\n1,x\n", "missing columns"), (HEADER, "no organizations")]
)
def test_rank_refuses_a_bad_directory(capsys, tmp_path, content, message):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(content, encoding="utf-8")
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "q", "text": "x"}])
    status, _, err = run_here(capsys, "rank", "--orgs", str(orgs), "--queries", str(queries))
    assert status == 2
    assert message in err


def test_evaluate_prints_engine_and_baseline(tmp_path):
    queries = write_jsonl(
        tmp_path / "l.jsonl",
        [
            {"id": "1", "lang": "en", "text": "viral vectors", "relevant": {"henogen": 3}},
            {"id": "2", "lang": "fr", "text": "fret aérien", "relevant": {"liege-airport": 3}},
        ],
    )
    done = run("evaluate", "--orgs", str(DIRECTORY_CSV), "--queries", str(queries))
    assert done.returncode == 0, done.stderr
    rows = {tuple(line.split()[:2]): line.split()[-3:] for line in done.stdout.splitlines()[1:]}
    assert set(rows) == {(r, g) for r in ("engine", "baseline") for g in ("all", "en", "fr")}
    assert float(rows["engine", "fr"][0]) > float(rows["baseline", "fr"][0])


def test_evaluate_needs_relevance_labels(capsys, orgs, tmp_path):
    queries = write_jsonl(tmp_path / "l.jsonl", [{"id": "1", "text": "chocolate"}])
    status, _, err = run_here(capsys, "evaluate", "--orgs", str(orgs), "--queries", str(queries))
    assert status == 2
    assert "relevant" in err


def engine_ndcg(output: str) -> float:
    return float(next(line for line in output.splitlines() if line.startswith("engine")).split()[3])


def test_more_labels_grade_the_organizations_a_query_did_not(capsys, orgs, tmp_path):
    query = {"id": "1", "text": "an inland port for barges, and chocolate", "relevant": {"choc": 3}}
    queries = write_jsonl(tmp_path / "q.jsonl", [query])
    more = write_jsonl(tmp_path / "more.jsonl", [{"id": "1", "relevant": {"port": 3}}])
    args = ("evaluate", "--orgs", str(orgs), "--queries", str(queries))
    status, alone, _ = run_here(capsys, *args)
    assert status == 0 and engine_ndcg(alone) < 1
    status, added, _ = run_here(capsys, *args, "--more-labels", str(more))
    assert status == 0 and engine_ndcg(added) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"id": "9", "relevant": {"port": 3}}, "unknown query: '9'"),
        ({"id": "1", "relevant": {"choc": 1}}, "already grades choc"),
        ({"id": "1"}, 'expected an object with "id" and "relevant"'),
        ({"id": "1", "relevant": ["port"]}, '"relevant" must be {slug: grade}'),
    ],
)
def test_more_labels_that_do_not_fit_are_refused(capsys, orgs, tmp_path, record, message):
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "1", "text": "x", "relevant": {"choc": 3}}])
    more = write_jsonl(tmp_path / "more.jsonl", [record])
    status, _, err = run_here(capsys, "evaluate", "--orgs", str(orgs), "--queries", str(queries),
                              "--more-labels", str(more))  # fmt: skip
    assert status == 2 and message in err


def test_glossary_hits_lists_words_that_only_share_a_stem_most_frequent_first(capsys, tmp_path):
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(HEADER + 'rail,Rail Co,company,logistics,Liège,Liège,en,"We run cell therapy '
                    'trials and block trains; the trains leave daily.",,rail freight\n',
                    encoding="utf-8")  # fmt: skip
    inquiry = {"id": "q1", "text": "Our trains need a cell therapy partner."}
    queries = write_jsonl(tmp_path / "q.jsonl", [inquiry])
    status, out, _ = run_here(capsys, "glossary-hits", "--orgs", str(orgs), "--queries",
                              str(queries))  # fmt: skip
    lines = out.splitlines()
    assert status == 0
    # twice in the profile, once in the inquiry
    assert lines[0].split() == ["3", "~training", "en", "trains"]
    assert not any("cell therapy" in line for line in lines)  # a listed phrase
    assert not any("block trains" in line for line in lines)


def test_glossary_hits_refuses_a_missing_file(capsys, tmp_path):
    status, out, err = run_here(capsys, "glossary-hits", "--queries", str(tmp_path / "no.jsonl"))
    assert status == 2
    assert "cannot read" in err and "no.jsonl" in err and out == ""
