"""The directory import and export commands, and seeding."""

import csv
import io

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.services import directory
from tests.directory_pages import row, write_csv
from tests.factories import SHIPPED
from tests.helpers import BOTH_DATABASES

HEADER = ",".join(directory.COLUMNS)




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
    rows = [row(city="Namur", province="Namur", description_fr="Vecteurs viraux."), row("b")]
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
    assert f"Seeded {SHIPPED} organizations" in first.output
    second = runner.invoke(args=["seed"])
    assert "already holds organizations; nothing to seed" in second.output
    assert len(organizations(app)) == SHIPPED
    assert version(app) == 1


LEGACY = ("slug", "name", "kind", "sectors", "city", "province", "website", "founded", "size",
          "lang", "description", "offers", "keywords")  # fmt: skip


def legacy_row(slug: str = "acme-bio", **fields: str) -> dict[str, str]:
    """A row of the format before the French columns: one description in its `lang`."""
    values = {name: row(slug)[name] for name in LEGACY if name != "lang"} | {"lang": "en"}
    return values | fields


def test_a_legacy_file_with_lang_puts_each_text_in_its_language(app, runner, tmp_path):
    assert set(directory.rules.LEGACY_COLUMNS) == set(LEGACY)
    french = legacy_row("fr-bio", lang="fr", description="Vecteurs viraux.", keywords="AAV")
    path = write_csv(tmp_path / "old.csv", [legacy_row(), french], columns=LEGACY)
    result = runner.invoke(args=["directory", "import", path])
    assert result.exit_code == 0, result.output
    orgs = organizations(app)
    assert (orgs["acme-bio"].description, orgs["acme-bio"].description_fr) == (
        row()["description"], "")
    assert (orgs["fr-bio"].description, orgs["fr-bio"].description_fr) == ("", "Vecteurs viraux.")
    assert (orgs["fr-bio"].keywords, orgs["fr-bio"].keywords_fr) == ((), ("AAV",))


def test_a_legacy_file_leaves_the_other_language_and_the_source_as_they_are(app, runner, tmp_path):
    runner.invoke(args=["directory", "import", write_csv(tmp_path / "new.csv", [row()])])
    old = legacy_row(lang="fr", description="Nouveau texte.", keywords="AAV")
    result = runner.invoke(args=["directory", "import", write_csv(tmp_path / "old.csv", [old],
                                                                   columns=LEGACY)])  # fmt: skip
    assert "0 to add, 1 to change, 0 unchanged" in result.output
    org = organizations(app)["acme-bio"]
    assert (org.description, org.description_fr) == (row()["description"], "Nouveau texte.")
    assert org.source == row()["source"] and org.keywords == ("AAV", "lentivirus")


def test_a_legacy_row_needs_a_known_lang(app, runner, tmp_path):
    rows = [legacy_row(lang=""), legacy_row("b", lang="de")]
    result = runner.invoke(args=["directory", "import", write_csv(tmp_path / "old.csv", rows,
                                                                   columns=LEGACY)])  # fmt: skip
    assert result.exit_code != 0
    assert "line 2 (acme-bio): lang: Required." in result.output
    assert "line 3 (b): lang: “de” is not one of: en, fr." in result.output


def test_an_export_imports_back_with_both_languages_and_the_source(app, runner, tmp_path):
    runner.invoke(args=["directory", "import", write_csv(tmp_path / "a.csv", [row()])])
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["directory", "export", str(out)]).exit_code == 0
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(exported[0])[: len(directory.COLUMNS)] == list(directory.COLUMNS)
    assert {name: exported[0][name] for name in ("description_fr", "keywords_fr", "source")} == {
        "description_fr": row()["description_fr"], "keywords_fr": "AAV;lentivirus",
        "source": row()["source"]}  # fmt: skip
    result = runner.invoke(args=["directory", "import", str(out)])
    assert "0 to add, 0 to change, 1 unchanged" in result.output


def test_a_source_must_be_a_web_address(app, runner, tmp_path):
    path = write_csv(tmp_path / "s.csv", [row(source="javascript:alert(1)")])
    result = runner.invoke(args=["directory", "import", path])
    assert "line 2 (acme-bio): source: Must start with http:// or https://." in result.output
