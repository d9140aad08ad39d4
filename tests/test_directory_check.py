"""`flask directory check`: each rule fails on a file that breaks it and passes on a good one."""

import csv
import io

import pytest

from matchmaker.services import directory
from matchmaker.services.directory.check import MIN_DESCRIPTION_WORDS


def good_rows() -> list[dict[str, str]]:
    """Three real rows of the shipped directory (they pass every rule), one per sector."""
    rows = list(csv.DictReader(io.StringIO(directory.shipped_directory().decode("utf-8-sig"))))
    picked = {}
    for row in rows:
        sector = row["sectors"].split(";")[0]
        if sector in ("aerospace", "materials", "life-sciences") and sector not in picked:
            picked[sector] = row | {"sectors": sector}
    return list(picked.values())


def write(path, rows, columns=directory.COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def check(runner, path, *options):
    return runner.invoke(args=["directory", "check", path, *options])


def test_a_good_file_passes_and_prints_its_figures(runner, tmp_path):
    result = check(runner, write(tmp_path / "good.csv", good_rows()), "--min-rows", "3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 organizations.")
    assert "| Sector | Organizations |\n| --- | ---: |\n| life-sciences | 1 |" in result.output
    assert "| Kind | Organizations |" in result.output
    assert "| Province | Organizations |" in result.output


def test_the_shipped_directory_passes_the_ci_thresholds(runner):
    result = runner.invoke(args=["directory", "check", "--min-rows", "350",
                                 "--min-per-sector", "25"])  # fmt: skip
    assert result.exit_code == 0, result.output


BREAKS = {
    "kind": ({"kind": "spaceship"}, "kind: “spaceship” is not one of"),
    "sector": ({"sectors": "biotech"}, "sectors: Unknown: biotech"),
    "offer": ({"offers": "hugs"}, "offers: Unknown: hugs"),
    "province": ({"province": "Brussels"}, "province: “Brussels” is not one of"),
    "size": ({"size": "huge"}, "size: “huge” is not one of"),
    "slug": ({"slug": "Bad_Slug"}, "slug: Use only lowercase letters"),
    "length": ({"name": "N" * 201}, "name: At most 200 characters"),
    "english": ({"description": ""}, "description: empty"),
    "french": ({"description_fr": ""}, "description_fr: empty"),
    "keywords": ({"keywords": ""}, "keywords: empty"),
    "keywords-fr": ({"keywords_fr": ""}, "keywords_fr: empty"),
    "source": ({"source": ""}, "source: empty"),
    "source-scheme": ({"source": "ftp://example.org/a"}, "source: Must start with http"),
    "website-scheme": ({"website": "www.example.org"}, "website: Must start with http"),
    "short": ({"description": "Makes satellites in Charleroi."},
              f"description: 4 words, fewer than {MIN_DESCRIPTION_WORDS}"),
}  # fmt: skip


@pytest.mark.parametrize(("change", "message"), BREAKS.values(), ids=BREAKS)
def test_each_row_rule_fails_on_a_row_that_breaks_it(runner, tmp_path, change, message):
    rows = good_rows()
    rows[1] |= change
    result = check(runner, write(tmp_path / "bad.csv", rows))
    assert result.exit_code == 1
    slug = rows[1]["slug"]
    assert f"line 3 ({slug}): {message}" in result.output


def test_a_slug_twice_fails(runner, tmp_path):
    rows = good_rows()
    rows[2] |= {"slug": rows[0]["slug"]}
    result = check(runner, write(tmp_path / "twice.csv", rows))
    assert result.exit_code == 1
    assert f"line 4 ({rows[0]['slug']}): slug: the same as line 2" in result.output


def test_a_name_twice_in_other_case_and_accents_fails(runner, tmp_path):
    rows = good_rows()
    rows[0] |= {"name": "Société Générale d'Essais"}
    rows[2] |= {"name": "SOCIETE generale  d’essais"}
    result = check(runner, write(tmp_path / "names.csv", rows))
    assert result.exit_code == 1
    assert f"line 4 ({rows[2]['slug']}): name: the same as line 2 ({rows[0]['slug']})" in (
        result.output
    )


@pytest.mark.parametrize("column", ["description", "description_fr"])
def test_a_description_nearly_another_fails(runner, tmp_path, column):
    rows = good_rows()
    words = rows[0][column].split()
    rows[2] |= {column: " ".join(["Today,", *words[:-3]])}
    result = check(runner, write(tmp_path / "copied.csv", rows))
    assert result.exit_code == 1
    assert f"line 4 ({rows[2]['slug']}): {column}: nearly the same as line 2" in result.output
    assert f"line 3 ({rows[1]['slug']})" not in result.output


def test_too_few_rows_or_too_few_in_a_sector_fail(runner, tmp_path):
    path = write(tmp_path / "small.csv", good_rows())
    too_few = check(runner, path, "--min-rows", "4")
    assert too_few.exit_code == 1 and "file: 3 rows, fewer than 4" in too_few.output
    thin = check(runner, path, "--min-per-sector", "1")
    assert thin.exit_code == 1 and "file: sector energy: 0 rows, fewer than 1" in thin.output
    assert "sector aerospace" not in thin.output


def test_a_file_in_the_legacy_format_fails(runner, tmp_path):
    rows = [row | {"lang": "en"} for row in good_rows()]
    legacy = directory.rules.LEGACY_COLUMNS
    result = check(runner, write(tmp_path / "legacy.csv", rows, legacy))
    assert result.exit_code == 1
    assert "line 1: missing columns description_fr, keywords_fr, source" in result.output


def test_an_unreadable_file_is_explained(runner, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = check(runner, str(path))
    assert result.exit_code == 1 and "The file is empty." in result.output
