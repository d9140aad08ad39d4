"""The directory import and export commands, and seeding."""

import csv
import io

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services import directory
from tests.helpers import BOTH_DATABASES

HEADER = ",".join(directory.COLUMNS)


def row(slug: str = "acme-bio", **fields: str) -> dict[str, str]:
    values = {
        "slug": slug, "name": "Acme Bio", "kind": "company", "sectors": "life-sciences",
        "city": "Liège", "province": "Liège", "website": "https://acme.example",
        "founded": "2012", "size": "11-50", "lang": "en",
        "description": "Viral vector manufacturing for cell and gene therapy.",
        "offers": "contract-manufacturing;rd-collaboration", "keywords": "AAV;lentivirus",
    }  # fmt: skip
    return values | fields


def write_csv(path, rows, encoding="utf-8") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=directory.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path)


def organizations(app) -> dict[str, Organization]:
    with app.app_context():
        return {org.slug: org for org in db.session.scalars(sa.select(Organization))}


def version(app) -> int:
    with app.app_context():
        return directory.directory_version()


@BOTH_DATABASES
def test_import_adds_organizations_and_bumps_the_version(app, runner, tmp_path):
    path = write_csv(tmp_path / "orgs.csv", [row(), row("beta-space", name="Beta Space")])
    result = runner.invoke(args=["directory", "import", path])
    assert result.exit_code == 0, result.output
    assert "2 to add, 0 to change, 0 unchanged" in result.output
    orgs = organizations(app)
    assert set(orgs) == {"acme-bio", "beta-space"}
    assert orgs["acme-bio"].offers == ("contract-manufacturing", "rd-collaboration")
    assert orgs["acme-bio"].founded == 2012
    assert version(app) == 1


def test_import_upserts_by_slug_and_skips_unchanged(app, runner, tmp_path):
    runner.invoke(args=["directory", "import", write_csv(tmp_path / "a.csv", [row(), row("b")])])
    changed = write_csv(tmp_path / "b.csv", [row(name="Acme Biologics"), row("b")])
    result = runner.invoke(args=["directory", "import", changed])
    assert "0 to add, 1 to change, 1 unchanged" in result.output
    assert organizations(app)["acme-bio"].name == "Acme Biologics"
    assert version(app) == 2
    runner.invoke(args=["directory", "import", changed])
    assert version(app) == 2, "an import that changes nothing keeps the version"


@BOTH_DATABASES
def test_bad_rows_are_reported_by_line_and_nothing_is_written(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            row(),
            row("bad-sector", sectors="biotech"),
            row("Bad Slug"),
            row("no-name", name="", province="Brussels"),
            row("acme-bio"),
        ],
    )
    result = runner.invoke(args=["directory", "import", path])
    assert result.exit_code != 0
    assert "line 3 (bad-sector): sectors: Unknown: biotech." in result.output
    assert "line 4 (Bad Slug): slug: Use only lowercase letters" in result.output
    assert "line 5 (no-name): name: Required." in result.output
    assert "province: “Brussels” is not one of: Hainaut" in result.output
    assert "line 6 (acme-bio): slug: The same slug appears earlier" in result.output
    assert "Nothing was imported: 4 rows have errors" in result.output
    assert organizations(app) == {}
    assert version(app) == 0


def test_utf8_bom_is_accepted(app, runner, tmp_path):
    path = write_csv(tmp_path / "bom.csv", [row(city="Liège")], encoding="utf-8-sig")
    result = runner.invoke(args=["directory", "import", path])
    assert result.exit_code == 0, result.output
    assert organizations(app)["acme-bio"].city == "Liège"


def test_cp1252_file_is_refused_with_a_clear_message(app, runner, tmp_path):
    rows = [row(city="Namur", province="Namur"), row("b")]
    path = write_csv(tmp_path / "win.csv", rows, encoding="cp1252")
    result = runner.invoke(args=["directory", "import", path])
    assert result.exit_code != 0
    assert "Line 3 is not valid UTF-8" in result.output
    assert "Save it as 'CSV UTF-8'" in result.output
    assert organizations(app) == {}


def test_unterminated_quote_is_refused(app, runner, tmp_path):
    path = tmp_path / "quote.csv"
    good = ",".join(row().values())
    path.write_text(f'{HEADER}\n{good}\nbroken,"Broken Org,company\n', encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code != 0
    assert "Line 3 opens a quoted cell that is never closed" in result.output
    assert organizations(app) == {}


def test_missing_columns_are_named(app, runner, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("slug,name\nacme,Acme\n", encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code != 0
    assert "Missing columns in the header row: kind, sectors" in result.output


def test_formula_looking_cells_are_stored_as_text_and_defused_on_export(app, runner, tmp_path):
    path = write_csv(tmp_path / "f.csv", [row(name='=HYPERLINK("http://x")', city="+32 city")])
    assert runner.invoke(args=["directory", "import", path]).exit_code == 0
    assert organizations(app)["acme-bio"].name == '=HYPERLINK("http://x")'
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["directory", "export", str(out)]).exit_code == 0
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert exported[0]["name"] == '\'=HYPERLINK("http://x")'
    assert exported[0]["city"] == "'+32 city"
    assert exported[0]["description"] == row()["description"]


def test_dry_run_writes_nothing(app, runner, tmp_path):
    path = write_csv(tmp_path / "orgs.csv", [row()])
    result = runner.invoke(args=["directory", "import", path, "--dry-run"])
    assert "1 to add" in result.output and "Dry run" in result.output
    assert organizations(app) == {}


def test_oversized_file_is_refused(app):
    with pytest.raises(directory.ImportFileError, match="the limit is 5 MB"):
        directory.parse_csv(b"x" * (directory.MAX_IMPORT_BYTES + 1))


@BOTH_DATABASES
def test_seed_loads_the_shipped_directory_once(app, runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "Seeded 145 organizations" in first.output
    second = runner.invoke(args=["seed"])
    assert "already holds organizations; nothing to seed" in second.output
    assert len(organizations(app)) == 145
    assert version(app) == 1
