"""Directory administration in the back office: the CSV export, and an import's preview, apply,
errors and limits."""

import csv
import io
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import DirectoryUpload, Organization
from matchmaker.services import directory
from tests.directory_pages import (
    EXPORT,
    IMPORT,
    add_org,
    csv_bytes,
    field_error,
    orgs,
    row,
    upload,
    uploads,
    version,
)
from tests.helpers import BOTH_DATABASES, login


def test_export_is_a_utf8_csv_download_with_formulas_defused(app, admin_client):
    add_org(app, name='=HYPERLINK("http://evil.example")', city="Liège")
    add_org(app, slug="b-org", name="@SUM(A1)", city="+32 city", description="-2+3")
    with app.app_context():
        org = db.session.scalar(sa.select(Organization).filter_by(slug="b-org"))
        org.keywords = ("\tcmd", "\rx", "safe")
        db.session.commit()
    response = admin_client.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="walloon-directory-')
    assert disposition.endswith('.csv"')
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["slug"] for r in rows] == ["acme-bio", "b-org"]
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["city"] == "Liège"
    assert rows[1]["name"] == "'@SUM(A1)"
    assert rows[1]["city"] == "'+32 city"
    assert rows[1]["description"] == "'-2+3"
    assert rows[1]["keywords"] == "'\tcmd;\rx;safe"


def test_an_export_imports_back_unchanged(app, admin_client):
    add_org(app, name="=1+1", city="-Liège")
    exported = admin_client.get(EXPORT).data
    preview = admin_client.get(upload(admin_client, exported).location).text
    assert "Nothing to import: every row of the file matches the directory already." in preview


# Import: upload, preview, apply ------------------------------------------------------------


@BOTH_DATABASES
def test_preview_then_apply(app, admin_client, caplog):
    add_org(app)
    add_org(app, slug="same-org", name="Same Org")
    before = version(app)
    data = csv_bytes([
        row(name="Acme Biologics", sectors="life-sciences;digital"),
        row("same-org", name="Same Org"),
        row("new-org", name="New Org <b>bold</b>", city="Mons", province="Hainaut"),
    ])  # fmt: skip
    response = upload(admin_client, data, "update.csv")
    assert response.status_code == 302
    assert response.location.startswith("/staff/admin/organizations/import/")
    preview = admin_client.get(response.location).text
    assert "What importing update.csv would do" in preview
    added = preview.split('id="added-title"', 1)[1].split("</section>", 1)[0]
    assert "New Org &lt;b&gt;bold&lt;/b&gt;" in added and "Mons, Hainaut" in added
    changed = preview.split('id="changed-title"', 1)[1].split("</section>", 1)[0]
    assert "Acme Bio" in changed and "<code>name</code>" in changed
    assert '<td class="before">Acme Bio</td><td class="after">Acme Biologics</td>' in changed
    assert '<td class="before">life-sciences</td>' in changed
    assert '<td class="after">digital; life-sciences</td>' in changed
    assert "1 organization unchanged" in preview and "same-org" in preview
    assert "Import 2 changes" in preview
    assert orgs(app)["acme-bio"].name == "Acme Bio" and "new-org" not in orgs(app)
    assert version(app) == before, "a preview writes nothing"

    caplog.set_level(logging.INFO)
    fingerprint = preview.split('name="fingerprint" type="hidden" value="', 1)[1].split('"')[0]
    applied = admin_client.post(response.location, data={"fingerprint": fingerprint})
    assert applied.status_code == 302
    result = admin_client.get(applied.location).text
    assert f"Imported: 1 added, 1 changed. The directory is now at version {before + 1}." in result
    assert orgs(app)["acme-bio"].name == "Acme Biologics"
    assert orgs(app)["new-org"].name == "New Org <b>bold</b>"
    assert version(app) == before + 1
    assert uploads(app) == 0, "an applied upload is forgotten"
    assert "imported update.csv: 1 added, 1 changed" in caplog.text

    again = admin_client.post(response.location, data={"fingerprint": fingerprint})
    assert "That upload is no longer available" in admin_client.get(again.location).text
    assert version(app) == before + 1, "a second submit imports nothing more"


def preview_fingerprint(client, location: str) -> str:
    html = client.get(location).text
    return html.split('name="fingerprint" type="hidden" value="', 1)[1].split('"')[0]


@BOTH_DATABASES
def test_apply_after_the_directory_changed_imports_nothing_and_shows_the_new_preview(
    app, admin_client
):
    add_org(app)
    location = upload(admin_client, csv_bytes([row(name="From the file")])).location
    fingerprint = preview_fingerprint(admin_client, location)
    with app.app_context():  # someone edits the same organization meanwhile
        org = db.session.scalar(sa.select(Organization).filter_by(slug="acme-bio"))
        directory.update_organization(org, directory.organization_record(org) | {"name": "Edited"})
        db.session.commit()
    response = admin_client.post(location, data={"fingerprint": fingerprint})
    assert response.status_code == 302 and response.location == location
    html = admin_client.get(location).text
    assert "The directory changed since this preview, so nothing was imported" in html
    assert '<td class="before">Edited</td><td class="after">From the file</td>' in html
    assert orgs(app)["acme-bio"].name == "Edited" and version(app) == 2
    response = admin_client.post(location, data={"fingerprint": preview_fingerprint(
        admin_client, location)})  # fmt: skip
    assert orgs(app)["acme-bio"].name == "From the file" and version(app) == 3


def test_apply_after_the_upload_expired_imports_nothing(app, admin_client):
    location = upload(admin_client, csv_bytes([row()])).location
    fingerprint = preview_fingerprint(admin_client, location)
    with app.app_context():
        stored = db.session.scalar(sa.select(DirectoryUpload))
        stored.created_at -= directory.UPLOAD_LIFETIME + timedelta(seconds=1)
        db.session.commit()
    response = admin_client.post(location, data={"fingerprint": fingerprint})
    assert response.location == IMPORT
    assert "uploads are kept for 60 minutes" in admin_client.get(IMPORT).text
    assert orgs(app) == {} and version(app) == 0


def test_a_tampered_fingerprint_imports_nothing(app, admin_client):
    location = upload(admin_client, csv_bytes([row()])).location
    admin_client.post(location, data={"fingerprint": "0" * 64})
    assert orgs(app) == {} and version(app) == 0


def test_only_the_uploader_can_see_or_apply_an_upload(app, admin_client, make_user):
    location = upload(admin_client, csv_bytes([row()])).location
    fingerprint = preview_fingerprint(admin_client, location)
    make_user("second-admin@agency.be", role="admin")
    other = app.test_client()
    login(other, "second-admin@agency.be")
    assert other.get(location).location == IMPORT
    assert other.post(location, data={"fingerprint": fingerprint}).location == IMPORT
    assert orgs(app) == {}


def test_old_uploads_are_forgotten_when_a_new_one_arrives(app, admin_client):
    upload(admin_client, csv_bytes([row()]))
    with app.app_context():
        stored = db.session.scalar(sa.select(DirectoryUpload))
        stored.created_at -= directory.UPLOAD_LIFETIME + timedelta(seconds=1)
        db.session.commit()
    upload(admin_client, csv_bytes([row("other")]))
    assert uploads(app) == 1


def test_rows_with_errors_are_listed_by_line_and_block_the_import(app, admin_client):
    data = csv_bytes([
        row(),
        row("bad-sector", sectors="biotech"),
        row("Bad Slug"),
        row("no-name", name="", province="Brussels"),
        row("acme-bio"),
    ])  # fmt: skip
    location = upload(admin_client, data).location
    html = admin_client.get(location).text
    errors = html.split('id="errors-title"', 1)[1].split("</section>", 1)[0]
    assert "Nothing can be imported: 4 rows are wrong" in errors
    assert "Line </span>3</th>" in errors and "Unknown: biotech." in errors
    assert "Line </span>4</th>" in errors and "Use only lowercase letters" in errors
    assert '<code class="column">name</code> Required.' in errors
    assert '<code class="column">province</code> “Brussels” is not one of' in errors
    assert "Line </span>6</th>" in errors and "The same slug appears earlier" in errors
    assert 'name="fingerprint"' not in html, "no import button"
    assert orgs(app) == {}


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(app, admin_client):
    location = upload(admin_client, csv_bytes([row(city="Liège")], "utf-8-sig")).location
    admin_client.post(location, data={"fingerprint": preview_fingerprint(admin_client, location)})
    assert orgs(app)["acme-bio"].city == "Liège"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_bytes([row(city="Namur", province="Namur", description_fr="Vecteurs viraux."),
                    row("b", city="Liège")], "cp1252"),
         "Line 3 is not valid UTF-8 (the file may be in Windows-1252 or Latin-1). "
         "Save it as &#39;CSV UTF-8&#39; and import it again."),
        (csv_bytes([row()]) + b'broken,"Broken Org,company\r\n',
         "Line 3 opens a quoted cell that is never closed"),
        (b"slug,name\r\nacme,Acme\r\n", "Missing columns in the header row: kind, sectors"),
        (None, "Choose a CSV file to import."),
        (b"", "The file is empty."),
        (b"\r\n \r\n", "The file is empty."),
        (b"x" * (directory.MAX_IMPORT_BYTES + 1),
         "The file is 5.0 MB; the limit is 5 MB. Split it and import the parts."),
    ],
    ids=["cp1252", "unterminated-quote", "missing-columns", "no-file", "empty", "blank",
         "over-5-mb"],
)  # fmt: skip
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(
    app, admin_client, data, message
):
    response = upload(admin_client, data)
    assert response.status_code == 422
    assert message in field_error(response.text, "file")
    assert "There is a problem with your answer" in response.text
    assert uploads(app) == 0 and orgs(app) == {} and version(app) == 0


def test_a_file_must_be_named_csv(app, admin_client):
    response = upload(admin_client, csv_bytes([row()]), "orgs.xlsx")
    assert "Choose a file whose name ends in .csv." in field_error(response.text, "file")
    assert uploads(app) == 0


def test_a_request_over_the_size_cap_gets_the_import_page_with_a_message(app, admin_client):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(admin_client, big)
    assert response.status_code == 413
    assert "Import organizations from a CSV file" in response.text
    assert "The file is larger than 5 MB. Split it and import the parts." in field_error(
        response.text, "file"
    )
    assert uploads(app) == 0 and orgs(app) == {}


def test_other_admin_pages_keep_the_plain_413_page(app, admin_client):
    response = admin_client.post(
        "/staff/admin/organizations/new", data={"name": "x" * (app.config["MAX_CONTENT_LENGTH"])}
    )
    assert response.status_code == 413
    assert "What you sent is too large." in response.text


def test_formula_cells_are_imported_as_plain_text(app, admin_client):
    location = upload(admin_client, csv_bytes([row(name="=1+1", city="@Mons")])).location
    admin_client.post(location, data={"fingerprint": preview_fingerprint(admin_client, location)})
    org = orgs(app)["acme-bio"]
    assert (org.name, org.city) == ("=1+1", "@Mons")


def test_the_import_page_is_translated(admin_client):
    admin_client.set_cookie("lang", "fr")
    html = admin_client.get(IMPORT).text
    assert '<html lang="fr">' in html
    assert "Importer des organisations depuis un fichier CSV" in html
    response = upload(admin_client, csv_bytes([row()], "cp1252") + "é".encode("cp1252"))
    assert "n’est pas en UTF-8" in field_error(response.text, "file")


# The command line shares the service --------------------------------------------------------


def test_the_cli_import_still_works_and_bumps_the_version(app, runner, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([row()]))
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 to add" in result.output and version(app) == 1
