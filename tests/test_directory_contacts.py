"""Contacts in the directory CSV (import, export, preview) and the organizations' history of
imports, admin edits and contact changes."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Contact, Organization, OrganizationEvent
from matchmaker.services import directory
from tests.directory_pages import EXPORT, LIST, add_org, form_data, row, upload, write_csv
from tests.helpers import BOTH_DATABASES

WITH_CONTACTS = (*directory.COLUMNS, "contacts")
CLAIRE = "Claire Dubois|Business development|Claire@First.example|fr"
JAN = "Jan Peeters||jan@first.example|en"


def import_file(runner, tmp_path, rows, name="contacts.csv", columns=WITH_CONTACTS):
    return runner.invoke(args=["directory", "import",
                               write_csv(tmp_path / name, rows, columns=columns)])  # fmt: skip


def contacts_of(app, slug="acme-bio") -> list[tuple[int, str, str, str, str]]:
    with app.app_context():
        org = db.session.scalar(sa.select(Organization).filter_by(slug=slug))
        return [(c.id, c.name, c.role, c.email, c.lang) for c in org.contacts]


def events(app, slug="acme-bio") -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(OrganizationEvent.kind, OrganizationEvent.detail)
            .join(Organization, Organization.id == OrganizationEvent.organization_id)
            .where(Organization.slug == slug).order_by(OrganizationEvent.id)
        )  # fmt: skip
        return [(kind, detail) for kind, detail in rows]


def csv_bytes(rows, columns=WITH_CONTACTS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


# Import -------------------------------------------------------------------------------------


@BOTH_DATABASES
def test_an_import_adds_the_contacts_of_its_rows_on_their_history(app, runner, tmp_path):
    result = import_file(runner, tmp_path, [row(contacts=f"{CLAIRE}; {JAN}")])
    assert result.exit_code == 0, result.output
    assert [c[1:] for c in contacts_of(app)] == [
        ("Claire Dubois", "Business development", "claire@first.example", "fr"),
        ("Jan Peeters", "", "jan@first.example", "en"),
    ]  # in the file's order: the first receives the introductions
    (added, added_detail), *contact_events = events(app)
    assert added == "added" and added_detail == {"via": "import", "file": "contacts.csv"}
    assert [(kind, detail["email"], detail["via"]) for kind, detail in contact_events] == [
        ("contact_added", "claire@first.example", "import"),
        ("contact_added", "jan@first.example", "import"),
    ]


@BOTH_DATABASES
def test_a_later_import_updates_adds_and_removes_contacts_by_address(app, runner, tmp_path):
    import_file(runner, tmp_path, [row(contacts=f"{CLAIRE};{JAN}")])
    [(claire_id, *_), _] = contacts_of(app)
    marie = "Marie Lambert|CTO|marie@first.example|fr"
    result = import_file(runner, tmp_path, [row(
        contacts=f"Claire Dubois|CEO|claire@first.example|fr;{marie}")], name="second.csv")
    assert "0 to add, 1 to change, 0 unchanged" in result.output
    claire, marie = contacts_of(app)
    assert claire == (claire_id, "Claire Dubois", "CEO", "claire@first.example", "fr")
    assert marie[1:] == ("Marie Lambert", "CTO", "marie@first.example", "fr")
    later = [(kind, detail) for kind, detail in events(app)[3:]]
    assert [kind for kind, _ in later] == ["contact_removed", "contact_changed", "contact_added"]
    assert later[1][1]["changes"] == {"role": {"from": "Business development", "to": "CEO"}}
    assert all(detail["via"] == "import" and detail["file"] == "second.csv"
               for _, detail in later)  # fmt: skip

    # A file without the contacts column leaves them as they are.
    result = import_file(runner, tmp_path, [row(name="Acme Biologics")], name="plain.csv",
                         columns=directory.COLUMNS)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(contacts_of(app)) == 2
    changed = events(app)[-1]
    assert changed == ("changed", {"via": "import", "file": "plain.csv",
                                   "changes": {"name": {"from": "Acme Bio",
                                                        "to": "Acme Biologics"}}})  # fmt: skip


def test_the_same_contacts_in_another_order_change_nothing(app, runner, tmp_path):
    import_file(runner, tmp_path, [row(contacts=f"{CLAIRE};{JAN}")])
    result = import_file(runner, tmp_path, [row(contacts=f"{JAN};{CLAIRE}")])
    assert "0 to add, 0 to change, 1 unchanged" in result.output


def test_an_empty_contacts_cell_removes_them(app, runner, tmp_path):
    import_file(runner, tmp_path, [row(contacts=CLAIRE)])
    import_file(runner, tmp_path, [row(contacts="")])
    assert contacts_of(app) == []
    assert events(app)[-1][0] == "contact_removed"


@BOTH_DATABASES
def test_bad_contacts_are_reported_by_line_and_nothing_is_written(app, runner, tmp_path):
    result = import_file(runner, tmp_path, [
        row(contacts=CLAIRE),
        row("two-addresses", contacts="Ann Noel|CEO|ann@b.example, bob@d.example|en"),
        row("no-name", contacts=f"{JAN};|CEO|x@y.example|en"),
        row("german", contacts="Hans Berg||hans@x.example|de"),
        row("three-parts", contacts="Hans Berg|hans@x.example|en"),
        row("twice", contacts="Ann Noel||ann@x.example|en;Bob Noel||ANN@x.example|fr"),
    ])  # fmt: skip
    assert result.exit_code != 0
    output = " ".join(result.output.split())
    assert "line 3 (two-addresses): contacts: contact 1: Give one email address." in output
    assert "line 4 (no-name): contacts: contact 2: A contact needs a name." in output
    assert "line 5 (german): contacts: contact 1: Choose English (en) or French (fr)." in output
    assert ("line 6 (three-parts): contacts: contact 1: Write each contact as "
            "name|role|email|language") in output
    assert "line 7 (twice): contacts: contact 2: That address is already a contact" in output
    assert "Nothing was imported: 5 rows have errors" in output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Contact.id))) == 0


def test_shipped_file_has_no_contacts():
    header, *rows = csv.reader(io.StringIO(directory.shipped_directory().decode("utf-8-sig")))
    assert "contacts" not in header and "contact_email" not in header


# Back office: preview and export --------------------------------------------------------------


def test_the_preview_shows_contact_changes_and_bad_rows(app, admin_client):
    add_org(app)
    preview = admin_client.get(upload(admin_client, csv_bytes([
        row(contacts=CLAIRE), row("new-org", name="New Org", contacts=JAN),
    ])).location).text  # fmt: skip
    changed = preview.split('id="changed-title"', 1)[1].split("</section>", 1)[0]
    assert "<code>contacts</code>" in changed
    assert "Claire Dubois (Business development) &lt;claire@first.example&gt;, fr" in changed
    added = preview.split('id="added-title"', 1)[1].split("</section>", 1)[0]
    assert "Jan Peeters &lt;jan@first.example&gt;, en" in added
    assert contacts_of(app) == [], "a preview writes nothing"

    bad = admin_client.get(upload(admin_client, csv_bytes([
        row(contacts="Claire Dubois|CEO|claire@first.example|nl"),
    ])).location).text  # fmt: skip
    assert "Nothing can be imported: 1 row is wrong" in bad
    assert '<code class="column">contacts</code> contact 1: Choose English (en) or French' in bad


def test_the_export_carries_the_contacts_and_imports_back_unchanged(app, admin_client, runner,
                                                                     tmp_path):  # fmt: skip
    import_file(runner, tmp_path, [row(contacts=f"{CLAIRE};{JAN}")])
    exported = admin_client.get(EXPORT).data
    [record] = csv.DictReader(io.StringIO(exported.decode("utf-8-sig")))
    assert record["contacts"] == ("Claire Dubois|Business development|claire@first.example|fr;"
                                  "Jan Peeters||jan@first.example|en")  # fmt: skip
    preview = admin_client.get(upload(admin_client, exported).location).text
    assert "Nothing to import: every row of the file matches the directory already." in preview


def test_the_import_page_documents_the_contacts_column(admin_client):
    page = admin_client.get("/staff/admin/organizations/import").text
    assert "name|role|email|language" in page


# History of admin edits ------------------------------------------------------------------------


def test_admin_edits_land_on_the_history(app, admin_client):
    admin_client.post(f"{LIST}/new", data=form_data())
    with app.app_context():
        changed_at = db.session.scalar(sa.select(Organization)).updated_at.isoformat()
    admin_client.post(f"{LIST}/acme-bio/edit",
                      data=form_data(name="Acme Biologics", changed_at=changed_at))  # fmt: skip
    admin_client.post(f"{LIST}/acme-bio/deactivate")
    admin_client.post(f"{LIST}/acme-bio/reactivate")
    assert events(app) == [
        ("added", {"via": "edit"}),
        ("changed", {"via": "edit", "changes": {"name": {"from": "Acme Bio",
                                                         "to": "Acme Biologics"}}}),
        ("deactivated", {}),
        ("reactivated", {}),
    ]  # fmt: skip


# The directory's "no contact yet" filter --------------------------------------------------------


def test_the_admin_directory_filters_organizations_without_a_contact(app, admin_client, runner,
                                                                      tmp_path):  # fmt: skip
    import_file(runner, tmp_path, [row(contacts=CLAIRE), row("lonely-org", name="Lonely Org"),
                                   row("mailbox-org", name="Mailbox Org")])  # fmt: skip
    with app.app_context():
        db.session.scalar(sa.select(Organization).filter_by(slug="mailbox-org")).contact_email = (
            "hello@mailbox.example"
        )
        db.session.commit()
    page = admin_client.get(f"{LIST}?contact=none").text
    assert "Lonely Org" in page and "Acme Bio" not in page and "Mailbox Org" not in page
    assert "1 organization" in page
    assert "Acme Bio" in admin_client.get(LIST).text
