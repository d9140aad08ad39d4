"""Directory administration in the back office: permissions, edits, CSV import and export."""

import csv
import io
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder

from matchmaker.extensions import db
from matchmaker.models import DirectoryUpload, Organization
from matchmaker.services import accounts, directory
from tests.factories import SHIPPED, STAFF_PAGES
from tests.helpers import BOTH_DATABASES, login
from tests.test_directory_import import row

LIST = "/staff/admin/organizations"
IMPORT = "/staff/admin/organizations/import"
EXPORT = "/staff/admin/organizations/export.csv"


def csv_bytes(rows, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=directory.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, data: bytes | None, filename: str = "orgs.csv"):
    """Post a file to the import form, as a browser does (None: no file chosen)."""
    fields = {} if data is None else {"file": (io.BytesIO(data), filename)}
    builder = EnvironBuilder(path=IMPORT, method="POST", data=fields,
                             content_type="multipart/form-data")  # fmt: skip
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:  # a large body is spooled to a temporary file that the test client leaves open
        environ["wsgi.input"].close()
        builder.close()


def form_data(**fields) -> dict:
    """What the organization form posts for row(**fields)."""
    record = row(**fields)
    return record | {name: record[name].split(";") for name in ("sectors", "offers")}


def orgs(app) -> dict[str, Organization]:
    with app.app_context():
        return {org.slug: org for org in db.session.scalars(sa.select(Organization))}


def version(app) -> int:
    with app.app_context():
        return directory.directory_version()


def uploads(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(DirectoryUpload.id)))


def add_org(app, **fields) -> None:
    with app.app_context():
        directory.create_organization(row(**fields))
        db.session.commit()


def field_error(html: str, field: str) -> str:
    """The error text shown next to a field (the field() and choices() macros)."""
    marker = f'id="{field}-error">'
    assert marker in html, f"no error shown next to {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


# Permissions -------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("get", LIST),
    ("get", "/staff/admin/organizations/new"),
    ("post", "/staff/admin/organizations/new"),
    ("get", "/staff/admin/organizations/acme-bio/edit"),
    ("post", "/staff/admin/organizations/acme-bio/deactivate"),
    ("post", "/staff/admin/organizations/acme-bio/reactivate"),
    ("get", EXPORT),
    ("get", IMPORT),
    ("post", IMPORT),
    ("get", "/staff/admin/organizations/import/some-token"),
    ("post", "/staff/admin/organizations/import/some-token"),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    # A form's address only answers POST: sign-in leads back to the page that sent it, if known.
    expected = f"/staff/login?next={url}" if method == "get" else "/staff/login"
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_staff_members_are_refused_and_nothing_changes(app, staff_client, method, url):
    add_org(app)
    response = getattr(staff_client, method)(url)
    assert response.status_code == 403
    assert "You do not have access to this page." in response.text
    assert orgs(app)["acme-bio"].active is True
    assert version(app) == 1


def test_admins_see_the_pages_and_the_navigation(app, admin_client):
    add_org(app)
    for url in (LIST, "/staff/admin/organizations/new", IMPORT,
                "/staff/admin/organizations/acme-bio/edit"):  # fmt: skip
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"
    home = admin_client.get("/staff/").text
    nav = home.split('<nav class="site-nav"', 1)[1].split("</nav>")[0]
    assert 'href="/staff/admin/organizations"' in nav and 'href="/staff/admin/users"' in nav
    sections = home.split('<ul class="sections">', 1)[1]
    assert "import and export the directory as CSV" in sections
    assert "Create staff accounts" in sections


def test_staff_navigation_has_no_admin_entries(staff_client):
    html = staff_client.get("/staff/").text
    assert "/staff/admin/organizations" not in html and "/staff/admin/users" not in html


def test_a_deactivated_admins_old_cookie_is_refused(app, admin_client, make_user):
    make_user("other-admin@agency.be", role="admin")
    with app.app_context():
        accounts.deactivate(accounts.find_user("admin@agency.be"))
        db.session.commit()
    response = admin_client.get(LIST)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_demoted_admin_loses_the_pages_at_once(app, admin_client, make_user):
    make_user("other-admin@agency.be", role="admin")
    with app.app_context():
        accounts.update_user(accounts.find_user("admin@agency.be"), "Admin", "staff")
        db.session.commit()
    assert admin_client.get(LIST).status_code == 403


# The list -----------------------------------------------------------------------------------


def test_list_searches_filters_sorts_and_pages(seeded, admin_client):
    with seeded.app_context():
        first = db.session.scalars(directory.search_query(active=None)).first()
        directory.set_active(first, False)
        db.session.commit()
        first_name, first_slug = first.name, first.slug
    page_one = admin_client.get(LIST).text
    assert f"{SHIPPED} organizations" in page_one and f"page 1 of {STAFF_PAGES}" in page_one
    page_two = admin_client.get(LIST + "?page=2").text
    assert f"page 2 of {STAFF_PAGES}" in page_two and first_name not in page_two
    inactive = admin_client.get(LIST + "?status=inactive").text
    assert "1 organization" in inactive and first_name in inactive
    assert f"{SHIPPED} organizations" not in inactive
    active = admin_client.get(LIST + "?status=active").text
    assert f"{SHIPPED - 1} organizations" in active
    by_slug = admin_client.get(LIST + f"?q={first_slug}").text
    assert first_name in by_slug
    aero = admin_client.get(LIST + "?sector=aerospace&province=Liège&kind=company").text
    with seeded.app_context():
        expected = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                directory.search_query(sector="aerospace", province="Liège", kind="company",
                                       active=None).subquery()
            )
        )  # fmt: skip
    assert f"{expected} organization" in aero
    assert 0 < expected < SHIPPED


def test_list_sorts_by_last_change(seeded, admin_client):
    with seeded.app_context():
        org = db.session.scalar(sa.select(Organization).order_by(Organization.slug.desc()))
        directory.update_organization(org, directory.organization_record(org) | {"city": "Spa"})
        db.session.commit()
        name = org.name
    html = admin_client.get(LIST + "?sort=updated").text
    first_row = html.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert name in first_row


def test_a_page_beyond_the_last_says_so_and_links_to_the_first(seeded, admin_client):
    html = admin_client.get(LIST + "?status=active&page=99").text
    assert "There is no page 99 for these filters." in html
    assert "No organization matches these filters." not in html
    assert 'href="/staff/admin/organizations?status=active&amp;page=1"' in html


def test_a_wrong_filter_value_shows_everything_rather_than_failing(seeded, admin_client):
    response = admin_client.get(LIST + "?status=nonsense&sort=evil")
    assert response.status_code == 200 and f"{SHIPPED} organizations" in response.text


# Create, edit, deactivate -------------------------------------------------------------------


def test_create_an_organization(app, admin_client, caplog):
    caplog.set_level(logging.INFO)
    response = admin_client.post("/staff/admin/organizations/new", data=form_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/admin/organizations/acme-bio/edit"
    org = orgs(app)["acme-bio"]
    assert org.name == "Acme Bio" and org.sectors == ("life-sciences",)
    assert org.offers == ("contract-manufacturing", "rd-collaboration")
    assert org.keywords == ("AAV", "lentivirus") and org.founded == 2012
    assert version(app) == 1
    assert "added organization acme-bio" in caplog.text and "@agency.be" not in caplog.text
    page = admin_client.get(response.headers["Location"]).text
    assert "Acme Bio is in the directory." in page


def test_create_shows_each_problem_next_to_its_field_and_writes_nothing(app, admin_client):
    data = form_data(slug="Bad Slug", name="", website="www.acme.example", founded="12")
    data["sectors"] = []
    response = admin_client.post("/staff/admin/organizations/new", data=data)
    assert response.status_code == 200
    html = response.text
    assert "Use only lowercase letters" in field_error(html, "slug")
    assert field_error(html, "name") == "Required."
    assert field_error(html, "sectors") == "Required."
    assert "Must start with http:// or https://." in field_error(html, "website")
    assert "“12” is not a year" in field_error(html, "founded")
    assert "There are 5 problems" in html and 'href="#sectors-0"' in html
    assert 'aria-invalid="true"' in html
    assert orgs(app) == {} and version(app) == 0


def test_the_form_and_the_import_apply_the_same_length_limits(app, admin_client):
    long_name = "N" * (directory.MAX_LENGTHS["name"] + 1)
    html = admin_client.post("/staff/admin/organizations/new", data=form_data(name=long_name)).text
    assert field_error(html, "name") == "At most 200 characters (this has 201)."
    preview = admin_client.get(upload(admin_client, csv_bytes([row(name=long_name)])).location)
    assert "At most 200 characters (this has 201)." in preview.text
    assert orgs(app) == {}


def test_create_refuses_a_slug_already_taken(app, admin_client):
    add_org(app)
    html = admin_client.post("/staff/admin/organizations/new", data=form_data(name="Twin")).text
    assert field_error(html, "slug") == "Another organization already has this slug."
    assert orgs(app)["acme-bio"].name == "Acme Bio" and version(app) == 1


def test_edit_saves_the_changes_and_bumps_the_version(app, admin_client, caplog):
    add_org(app)
    caplog.set_level(logging.INFO)
    data = form_data(name="Acme Biologics", city="Namur", province="Namur", keywords="AAV; GMP")
    data["sectors"] = ["life-sciences", "digital"]
    response = admin_client.post("/staff/admin/organizations/acme-bio/edit", data=data)
    assert response.status_code == 302
    org = orgs(app)["acme-bio"]
    assert (org.name, org.city, org.province) == ("Acme Biologics", "Namur", "Namur")
    assert org.sectors == ("digital", "life-sciences") and org.keywords == ("AAV", "GMP")
    assert version(app) == 2
    assert "changed organization acme-bio: name, sectors, city, province, keywords" in caplog.text


def test_an_edit_made_on_a_stale_page_overwrites_nothing(app, admin_client):
    add_org(app)
    page = admin_client.get("/staff/admin/organizations/acme-bio/edit").text
    shown = re.search(r'name="changed_at" type="hidden" value="([^"]+)"', page).group(1)
    with app.app_context():  # another admin saves a change meanwhile
        org = db.session.scalar(sa.select(Organization).filter_by(slug="acme-bio"))
        directory.update_organization(org, directory.organization_record(org) | {"city": "Spa"})
        db.session.commit()
    data = form_data(name="Acme Biologics") | {"changed_at": shown}
    response = admin_client.post("/staff/admin/organizations/acme-bio/edit", data=data,
                                 follow_redirects=True)  # fmt: skip
    assert "Someone else changed Acme Bio while you were editing" in response.text
    org = orgs(app)["acme-bio"]
    assert (org.name, org.city) == ("Acme Bio", "Spa")


def test_edit_with_nothing_changed_keeps_the_version(app, admin_client):
    add_org(app)
    response = admin_client.post(
        "/staff/admin/organizations/acme-bio/edit", data=form_data(), follow_redirects=True
    )
    assert "Nothing was changed." in response.text
    assert version(app) == 1


def test_edit_errors_are_shown_and_nothing_is_written(app, admin_client):
    add_org(app)
    data = form_data(name="Renamed", contact_email="not-an-email", kind="spaceship")
    data["sectors"] = []
    html = admin_client.post("/staff/admin/organizations/acme-bio/edit", data=data).text
    assert field_error(html, "contact_email") == (
        "Give one email address, like name@example.be (no list, no name).")
    assert field_error(html, "sectors") == "Required."
    assert "“spaceship” is not one of" in field_error(html, "kind")
    org = orgs(app)["acme-bio"]
    assert org.name == "Acme Bio" and org.sectors == ("life-sciences",)
    assert version(app) == 1


def test_the_slug_cannot_be_changed(app, admin_client):
    add_org(app)
    admin_client.post("/staff/admin/organizations/acme-bio/edit", data=form_data(slug="other"))
    assert set(orgs(app)) == {"acme-bio"}


def test_an_unknown_organization_is_not_found(admin_client):
    assert admin_client.get("/staff/admin/organizations/nope/edit").status_code == 404
    assert admin_client.post("/staff/admin/organizations/nope/deactivate").status_code == 404


def test_deactivate_and_reactivate(app, client, admin_client):
    add_org(app)
    response = admin_client.post(
        "/staff/admin/organizations/acme-bio/deactivate", follow_redirects=True
    )
    assert "Acme Bio is deactivated" in response.text
    assert orgs(app)["acme-bio"].active is False and version(app) == 2
    assert app.test_client().get("/organizations/acme-bio").status_code == 404
    admin_client.post("/staff/admin/organizations/acme-bio/deactivate")
    assert version(app) == 2, "deactivating twice changes nothing"
    admin_client.post("/staff/admin/organizations/acme-bio/reactivate")
    assert orgs(app)["acme-bio"].active is True and version(app) == 3
    assert app.test_client().get("/organizations/acme-bio").status_code == 200


# Export -------------------------------------------------------------------------------------


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


def test_admins_edit_the_french_profile_and_the_source(app, admin_client):
    add_org(app)
    edit = "/staff/admin/organizations/acme-bio/edit"
    page = admin_client.get(edit).text
    french_box = page.split('name="description_fr"', 1)[1].split("</textarea>")[0]
    assert row()["description_fr"] in french_box
    assert 'name="keywords_fr"' in page and 'value="AAV; lentivirus"' in page
    data = form_data(description_fr="Vecteurs AAV pour essais cliniques.",
                     keywords_fr="vecteurs; BPF", source="https://acme.example/fr")  # fmt: skip
    assert admin_client.post(edit, data=data).status_code == 302
    org = orgs(app)["acme-bio"]
    assert org.description_fr == "Vecteurs AAV pour essais cliniques."
    assert org.keywords_fr == ("BPF", "vecteurs") and org.source == "https://acme.example/fr"
    assert org.description == row()["description"] and version(app) == 2
    html = admin_client.post(edit, data=form_data(source="acme.example")).text
    assert "Must start with http:// or https://." in field_error(html, "source")
