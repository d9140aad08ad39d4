"""tools/glossary_hits.py: the glossary hits whose words the glossary does not list."""

import csv
import json

from tools.glossary_hits import main

COLUMNS = ["slug", "name", "kind", "sectors", "city", "province", "website", "founded", "size",
           "description", "description_fr", "offers", "keywords", "keywords_fr", "source"]


def test_words_that_only_share_a_stem_with_a_listed_phrase_are_listed_most_frequent_first(
    tmp_path, capsys
):
    orgs = tmp_path / "orgs.csv"
    with orgs.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, COLUMNS)
        writer.writeheader()
        writer.writerow({"slug": "rail-co", "name": "Rail Co", "kind": "company",
                         "sectors": "logistics", "offers": "", "keywords": "rail freight",
                         "description": "We run cell therapy trials and block trains; "
                                        "the trains leave daily.",
                         "source": "https://example.org"})  # fmt: skip
    queries = tmp_path / "queries.jsonl"
    queries.write_text(json.dumps({"id": "q1", "text": "Our trains need a cell therapy partner."}))

    assert main(["--orgs", str(orgs), "--queries", str(queries)]) == 0

    lines = capsys.readouterr().out.splitlines()
    # twice in the profile, once in the inquiry
    assert lines[0].split() == ["3", "~training", "en", "trains"]
    assert not any("cell therapy" in line for line in lines)  # a listed phrase
    assert not any("block trains" in line for line in lines)


def test_a_missing_file_is_an_error_that_names_it(tmp_path, capsys):
    assert main(["--queries", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
