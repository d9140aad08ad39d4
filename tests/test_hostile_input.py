"""Hostile or broken input gets a 4xx with a reason and changes nothing (issue 13, defects 6
and 7): ids past the database's integer range, contact addresses that are lists, NUL and lone
surrogates, bodies over the cap (chunked ones too)."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Contact, Inquiry, Organization, OutboxMessage, User
from matchmaker.services import api_tokens, directory
from tests import factories
from tests.directory_pages import add_org, field_error, form_data, row, upload
from tests.helpers import BOTH_DATABASES, answers, login, submission_key
from tests.live import gunicorn, hidden_value, prepare_database

# Past SQLite's 64-bit INTEGER (an OverflowError in the driver) and PostgreSQL's int4.
HUGE_IDS = ("99999999999999999999", str(2**63), str(2**31))


def id_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route with an integer in its path, each integer a placeholder."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            method = min(rule.methods - {"HEAD", "OPTIONS"})
            routes.append((method, re.sub(r"<int:\w+>", "{id}", rule.rule)))
    return routes


@pytest.fixture
def admin_and_token(app, client, make_user):
    """A client signed in as an admin, and an API token (write scope) of that admin."""
    make_user("admin@agency.be", role="admin")
    login(client, "admin@agency.be")
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@agency.be"))
        secret = api_tokens.issue(admin, "test", "write", by=admin).secret
        db.session.commit()
    return client, {"Authorization": f"Bearer {secret}"}


@BOTH_DATABASES
@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_past_the_databases_integer_range_are_not_found(app, admin_and_token, huge):
    client, token = admin_and_token
    routes = id_routes(app)
    paths = {path for _method, path in routes}
    assert {"/staff/leads/{id}", "/staff/outbox/{id}", "/staff/admin/users/{id}",
            "/staff/admin/routing/{id}", "/staff/outbox/{id}/retry",
            "/staff/admin/api-tokens/{id}/revoke", "/api/v1/leads/{id}"} <= paths  # fmt: skip
    for method, path in routes:
        url = path.replace("{id}", huge)
        response = client.open(url, method=method, headers=token)
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        if url.startswith("/api/"):
            assert response.json["status"] == 404
        else:
            assert "We could not find that page" in response.get_data(as_text=True)


@BOTH_DATABASES
def test_ids_past_the_range_in_forms_are_refused_and_change_nothing(seeded, admin_client):
    """Ids posted in forms (bulk changes, assignment, adding a match) are checked the same way."""
    with seeded.app_context():
        lead = factories.add_inquiry(scores=(0.5,), match_orgs=factories.organizations(1))
        db.session.commit()
        lead_id = lead.id
    huge = HUGE_IDS[0]
    posts = [
        ("/staff/leads/bulk", {"ids": [huge], "action": "status", "status": "qualified"}),
        ("/staff/leads/bulk", {"ids": [str(lead_id)], "action": "assign", "assignee": huge}),
        (f"/staff/leads/{lead_id}/assignee", {"version": "1", "assignee": huge}),
        (f"/staff/leads/{lead_id}/matches", {"version": "1", "organization_id": huge}),
    ]
    for url, data in posts:
        assert admin_client.post(url, data=data).status_code == 400, (url, data)
    with seeded.app_context():
        lead = db.session.get(Inquiry, lead_id)
        assert (lead.version, lead.status, lead.assignee_id) == (1, "new", None)
        assert len(lead.matches) == 1


# Bodies over the cap, with or without Content-Length (defect 7) ------------------------------

PADDING = 900 * 1024  # far over the 64 KiB cap, far under MAX_CONTENT_LENGTH (6 MB)


def chunks(body: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def streamed(client, method: str, url: str, body: bytes, **headers):
    """A chunked request as a server hands it on: no Content-Length, the stream terminated."""
    headers["Transfer-Encoding"] = "chunked"
    return client.open(url, method=method, input_stream=io.BytesIO(body), headers=headers,
                       environ_overrides={"wsgi.input_terminated": True})  # fmt: skip


def inquiries(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Inquiry))


def test_a_streamed_inquiry_over_the_cap_is_refused_and_nothing_is_saved(seeded, client):
    body = urlencode(answers(submission_key=submission_key(client), padding="x" * PADDING),
                     doseq=True)
    response = streamed(client, "POST", "/inquiry", body.encode(),
                        **{"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)
    assert inquiries(seeded) == 0
    small = urlencode(answers(submission_key=submission_key(client)), doseq=True)
    accepted = streamed(client, "POST", "/inquiry", small.encode(),
                        **{"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert accepted.status_code == 303 and inquiries(seeded) == 1


@pytest.fixture
def api_lead(app, admin_and_token) -> tuple[str, dict[str, str]]:
    """A new lead's API address, and the headers of a JSON request with a write token."""
    with app.app_context():
        lead = factories.add_inquiry()
        db.session.commit()
        url = f"/api/v1/leads/{lead.id}"
    return url, admin_and_token[1] | {"Content-Type": "application/json"}


def lead_status(app, url: str) -> str:
    with app.app_context():
        return db.session.get(Inquiry, int(url.rsplit("/", 1)[1])).status


@pytest.mark.parametrize("stream", [False, True])
def test_an_api_body_over_the_cap_is_a_json_413(app, client, api_lead, stream):
    url, headers = api_lead
    body = json.dumps({"status": "qualified", "version": 1, "x": "y" * PADDING}).encode()
    if stream:
        response = streamed(client, "PATCH", url, body, **headers)
    else:
        response = client.patch(url, data=body, headers=headers)
    assert response.status_code == 413 and response.json["status"] == 413
    assert lead_status(app, url) == "new"


@pytest.mark.load
def test_a_chunked_900_kb_inquiry_to_gunicorn_gets_413_and_saves_nothing(tmp_path):
    """The issue's reproduction: a chunked post (no Content-Length) to a real gunicorn."""
    database_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    prepare_database(database_url)
    with gunicorn(database_url, workers=1) as base:
        connection = http.client.HTTPConnection(*urlsplit(base).netloc.split(":"), timeout=30)
        connection.request("GET", "/inquiry")
        form = connection.getresponse()
        page, cookie = form.read().decode(), form.getheader("Set-Cookie").split(";")[0]
        fields = answers(csrf_token=hidden_value(page, "csrf_token"), padding="x" * PADDING,
                         submission_key=hidden_value(page, "submission_key"))  # fmt: skip
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        body = chunks(urlencode(fields, doseq=True).encode())
        connection.request("POST", "/inquiry", body=body, headers=headers, encode_chunked=True)
        status = connection.getresponse().status
        connection.close()
    assert status == 413
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM inquiry")).scalar() == 0
    engine.dispose()


# Contact addresses: one address, wherever contacts are written (defect 6) --------------------

LIST_ADDRESS = "bd,evil@example.com"
ONE_ADDRESS = "Give one email address, like name@example.be (no list, no name)."


def directory_csv(*records: dict[str, str]) -> bytes:
    """A directory file of rows (tests.test_directory_import.row), with a contact_email column."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=directory.FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({"contact_email": ""} | record for record in records)
    return out.getvalue().encode()


def organization_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Organization))


@BOTH_DATABASES
def test_an_organizations_contact_address_must_be_one_address(app, admin_client):
    created = admin_client.post("/staff/admin/organizations/new",
                                data=form_data(contact_email=LIST_ADDRESS))  # fmt: skip
    assert field_error(created.text, "contact_email") == ONE_ADDRESS

    preview = admin_client.get(upload(admin_client, directory_csv(row(contact_email=LIST_ADDRESS)))
                               .location).text  # fmt: skip
    errors = preview.split('id="errors-title"', 1)[1].split("</section>", 1)[0]
    assert "Line </span>2</th>" in errors and ONE_ADDRESS in errors
    assert 'name="fingerprint"' not in preview, "no import button"
    assert organization_count(app) == 0

    add_org(app)
    with app.app_context():
        org_id = db.session.scalar(sa.select(Organization.id))
    added = admin_client.post(f"/staff/organizations/{org_id}/contacts",
                              data={"name": "Bea Dupont", "email": LIST_ADDRESS, "lang": "fr"})
    assert added.status_code == 422
    assert "Give one email address." in field_error(added.text, "email")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0


def test_a_list_address_saved_before_the_check_is_not_introduced_to(seeded, staff_client):
    """A directory address written before the check: the introduction waits for a contact
    instead of failing (a 500) when the mail is queued."""
    with seeded.app_context():
        org = factories.organizations(1)[0]
        org.contact_email = LIST_ADDRESS
        lead = factories.add_inquiry(share_consent=True, scores=(0.8,), match_orgs=[org])
        db.session.commit()
        lead_id, match_id, name = lead.id, lead.matches[0].id, org.name
    response = staff_client.post(f"/staff/leads/{lead_id}/introduce",
                                 data={"version": 1, "matches": [match_id]},
                                 follow_redirects=True)  # fmt: skip
    assert response.status_code == 200
    assert f"No contact yet at {name}: the introduction waits" in response.text
    with seeded.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


# NUL and lone surrogates: refused with a reason, nothing written (defect 6) ------------------

UNSTORABLE = "Contains a character that cannot be stored (NUL or an unpaired surrogate)"


@BOTH_DATABASES
def test_a_nul_in_a_csv_cell_is_listed_at_the_preview_and_nothing_is_written(app, admin_client):
    data = directory_csv(row(name="Acme\x00Bio"), row("other-org"))
    preview = admin_client.get(upload(admin_client, data).location).text
    errors = preview.split('id="errors-title"', 1)[1].split("</section>", 1)[0]
    assert "Nothing can be imported: 1 row is wrong" in errors
    assert "Line </span>2</th>" in errors and UNSTORABLE in errors
    assert 'name="fingerprint"' not in preview, "no import button"
    assert organization_count(app) == 0


def test_a_lone_surrogate_in_a_csv_file_is_refused_with_a_clear_message(app, admin_client):
    data = directory_csv(row(name="Acme Bio")).replace(b"Acme Bio", b"Acme \xed\xa0\x80Bio")
    response = upload(admin_client, data)
    assert response.status_code == 422
    assert "Line 2 is not valid UTF-8" in field_error(response.text, "file")
    assert organization_count(app) == 0


@BOTH_DATABASES
@pytest.mark.parametrize("text", ["\ud800", "a\x00b", "\udfff tail"])
def test_the_api_refuses_nul_and_lone_surrogates_with_a_reason(app, client, api_lead, text):
    url, headers = api_lead
    for body in ({"status": "lost", "lost_reason": text, "version": 1}, {text: 1}):
        response = client.patch(url, data=json.dumps(body), headers=headers)
        assert response.status_code == 422, body
        assert "NUL or an unpaired surrogate" in response.json["reason"]
    assert lead_status(app, url) == "new"
