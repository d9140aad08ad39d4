"""The JSON API: token authentication and scopes, leads and organizations, JSON errors."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.matching import Bridge, Ranked
from matchmaker.models import Activity, ApiToken, Inquiry, Match, Status, User
from matchmaker.services import api_tokens, ranking
from tests import factories
from tests.helpers import counted_statements, login


def issue_token(app, user_email: str, scope: str = "read") -> str:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == user_email))
        secret = api_tokens.issue(user, "test", scope, by=user).secret
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def leads(seeded):
    """Three leads: two in life sciences (one qualified), one in energy from Germany."""
    with seeded.app_context():
        orgs = factories.organizations(3)
        ids = [
            factories.add_inquiry(scores=(0.6, 0.4), match_orgs=orgs[:2]).id,
            factories.add_inquiry(email="b@example.com", status=Status.QUALIFIED).id,
            factories.add_inquiry(
                email="c@example.de",
                country="DE",
                sectors=("energy",),
                organization="Rhein Energie",
            ).id,  # fmt: skip
        ]
        db.session.commit()
    return ids


@pytest.fixture
def reader(app, make_user):
    make_user("reader@agency.be", name="Rita Reader")
    return bearer(issue_token(app, "reader@agency.be", "read"))


@pytest.fixture
def writer(app, make_user):
    make_user("writer@agency.be", name="Walt Writer")
    return bearer(issue_token(app, "writer@agency.be", "write"))


# Authentication ----------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401_in_json(client):
    response = client.get("/api/v1/leads")
    assert response.status_code == 401
    assert response.json["reason"].startswith("Send an API token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer wm_not-a-real-token", "Basic abc", "Bearer "])
def test_a_wrong_token_is_refused(client, reader, header):
    response = client.get("/api/v1/leads", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json


def test_a_revoked_token_or_a_deactivated_user_stops_working(app, client, reader, writer):
    assert client.get("/api/v1/leads", headers=reader).status_code == 200
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).join(ApiToken.user)
                                  .where(User.email == "reader@agency.be"))  # fmt: skip
        api_tokens.revoke(token, by=token.user)
        db.session.get(User, db.session.scalar(
            sa.select(User.id).where(User.email == "writer@agency.be"))).active = False  # fmt: skip
        db.session.commit()
    assert client.get("/api/v1/leads", headers=reader).status_code == 401
    assert client.get("/api/v1/leads", headers=writer).status_code == 401


def test_reactivating_a_user_leaves_their_old_tokens_revoked(app, client, admin_client, reader):
    """Issue 13, defect 10: deactivation stopped the token; reactivation must not revive it."""
    with app.app_context():
        rita = db.session.scalar(sa.select(User.id).where(User.email == "reader@agency.be"))
    admin_client.post(f"/staff/admin/users/{rita}/deactivate")
    assert client.get("/api/v1/leads", headers=reader).status_code == 401
    assert "revokes the API tokens it had" in admin_client.get(f"/staff/admin/users/{rita}").text
    page = admin_client.post(f"/staff/admin/users/{rita}/reactivate", follow_redirects=True).text
    assert "Their API token was revoked" in page
    assert client.get("/api/v1/leads", headers=reader).status_code == 401
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.revoked_at is not None
        kinds = db.session.execute(sa.select(Activity.kind, User.email).join(Activity.user)).all()
        assert ("api_token_revoked", "admin@agency.be") in kinds


def test_only_the_hash_of_a_token_is_stored(app, reader):
    secret = reader["Authorization"].removeprefix("Bearer ")
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert token.prefix == secret[:9]
        stored = [str(value) for value in db.session.execute(sa.select(ApiToken)).one()[0]
                  .__dict__.values()]  # fmt: skip
        assert not any(secret in value for value in stored)


def test_a_session_cookie_does_not_open_the_api(app, client, make_user):
    login(client, make_user().email)
    assert client.get("/staff/").status_code == 200
    assert client.get("/api/v1/leads").status_code == 401


def test_api_responses_set_no_cookie_and_are_not_cached(client, reader):
    response = client.get("/api/v1/organizations", headers=reader)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


# Leads -------------------------------------------------------------------------------------


def test_lead_list_filters_and_paginates(client, reader, leads):
    everything = client.get("/api/v1/leads", headers=reader).json
    assert everything["total"] == 3
    assert [lead["id"] for lead in everything["items"]] == sorted(leads, reverse=True)

    german = client.get("/api/v1/leads?country=DE", headers=reader).json
    assert [lead["contact"]["organization"] for lead in german["items"]] == ["Rhein Energie"]
    qualified = client.get("/api/v1/leads?status=qualified", headers=reader).json
    assert [lead["contact"]["email"] for lead in qualified["items"]] == ["b@example.com"]
    energy = client.get("/api/v1/leads?sector=energy&q=rhein", headers=reader).json
    assert energy["total"] == 1

    first = client.get("/api/v1/leads?per_page=2", headers=reader).json
    second = client.get("/api/v1/leads?per_page=2&page=2", headers=reader).json
    assert (first["pages"], len(first["items"]), len(second["items"])) == (2, 2, 1)


@pytest.mark.parametrize(
    "query",
    ["page=0", "per_page=101", "page=x", "status=done", "sector=space", "country=germany",
     "received_from=31/01/2026", "assignee=bob", f"q={'x' * 201}"],
)  # fmt: skip
def test_bad_parameters_are_422_with_the_reason(client, reader, query):
    response = client.get(f"/api/v1/leads?{query}", headers=reader)
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["reason"]


def test_lead_detail_has_the_matches_and_logs_the_access(app, client, reader, leads):
    response = client.get(f"/api/v1/leads/{leads[0]}", headers=reader)
    assert response.status_code == 200
    lead = response.json
    assert [match["rank"] for match in lead["matches"]] == [1, 2]
    assert lead["matches"][0]["score"] == 0.6
    assert lead["contact"]["email"] == "aiko@example.jp"
    assert lead["url"].endswith(f"/staff/leads/{leads[0]}")
    with app.app_context():
        viewed = db.session.scalar(sa.select(Activity).where(Activity.kind == "viewed"))
        assert (viewed.inquiry_id, viewed.user.email) == (leads[0], "reader@agency.be")


def test_match_reasons_carry_strength_role_and_glossary_bridges(app, client, reader, leads):
    bridge = Bridge(wrote="thérapie cellulaire", profile="cell therapy", concept="cell-therapy")
    ranked = Ranked("x", 0.31, terms=("GMP",), bridges=(bridge,), role="raising-capital",
                    strength="strong")  # fmt: skip
    with app.app_context():
        match = db.session.scalar(sa.select(Match).where(Match.rank == 1))
        match.explanation = ranking.explanation(ranked)
        db.session.commit()
    matches = client.get(f"/api/v1/leads/{leads[0]}", headers=reader).json["matches"]
    assert matches[0]["reasons"] == {
        "strength": "strong",
        "role": "raising-capital",
        "terms": ["GMP"],
        "bridges": [{"wrote": "thérapie cellulaire", "profile": "cell therapy",
                     "concept": "cell-therapy"}],
        "sectors": [],
        "offers": [],
    }  # fmt: skip
    # a match stored before the engine gave strengths, roles and bridges
    assert matches[1]["reasons"] == {"strength": None, "role": "", "terms": [], "bridges": [],
                                     "sectors": [], "offers": []}  # fmt: skip


def test_unknown_lead_and_unknown_address_are_json_404(client, reader):
    assert client.get("/api/v1/leads/999", headers=reader).status_code == 404
    assert client.get("/api/v1/leads/99999999999", headers=reader).status_code == 404
    response = client.get("/api/v1/nowhere", headers=reader)
    assert response.status_code == 404 and response.json["status"] == 404


def test_a_read_token_cannot_change_a_lead(client, reader, leads):
    response = client.patch(f"/api/v1/leads/{leads[0]}", json={"status": "qualified", "version": 1},
                            headers=reader)  # fmt: skip
    assert response.status_code == 403
    assert "write" in response.json["reason"]


def test_a_write_token_changes_the_status_on_the_trail_as_its_user(app, client, writer, leads):
    lead = client.get(f"/api/v1/leads/{leads[0]}", headers=writer).json
    response = client.patch(f"/api/v1/leads/{leads[0]}",
                            json={"status": "qualified", "version": lead["version"]},
                            headers=writer)  # fmt: skip
    assert response.status_code == 200
    assert response.json["status"] == "qualified"
    with app.app_context():
        assert db.session.get(Inquiry, leads[0]).status == "qualified"
        change = db.session.scalar(sa.select(Activity).where(Activity.kind == "status_changed"))
        assert change.user.email == "writer@agency.be"
        assert change.detail["status"] == "qualified"

    stale = client.patch(
        f"/api/v1/leads/{leads[0]}",
        json={"status": "won", "version": lead["version"]},
        headers=writer,
    )
    assert stale.status_code == 409


def test_a_change_without_the_version_read_is_428_and_changes_nothing(app, client, writer, leads):
    """Issue 13, defect 10: without `version` a change would overwrite blindly."""
    response = client.patch(f"/api/v1/leads/{leads[0]}", json={"status": "won"}, headers=writer)
    assert response.status_code == 428
    assert "version" in response.json["reason"]
    with app.app_context():
        assert db.session.get(Inquiry, leads[0]).status == "new"
    patch = client.get("/api/v1/openapi.json").json["paths"]["/leads/{lead_id}"]["patch"]
    assert "428" in patch["responses"]


@pytest.mark.parametrize(
    "body",
    [{"status": "lost", "version": 1}, {"status": "finished", "version": 1},
     {"status": "won", "colour": "red", "version": 1}, {"status": "won", "version": "3"}, ["won"]],
)  # fmt: skip
def test_invalid_changes_are_422_and_change_nothing(app, client, writer, leads, body):
    response = client.patch(f"/api/v1/leads/{leads[0]}", json=body, headers=writer)
    assert response.status_code == 422
    assert response.json["reason"]
    with app.app_context():
        assert db.session.get(Inquiry, leads[0]).status == "new"


def test_the_api_needs_no_csrf_token(seeded, database_url, make_user, leads):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    make_user("writer@agency.be")
    secret = issue_token(app, "writer@agency.be", "write")
    response = app.test_client().patch(f"/api/v1/leads/{leads[1]}",
                                       json={"status": "won", "version": 1},
                                       headers=bearer(secret))  # fmt: skip
    assert response.status_code == 200


# Organizations -----------------------------------------------------------------------------


def test_organization_list_and_detail(client, reader, seeded):
    page = client.get("/api/v1/organizations?sector=aerospace&per_page=5", headers=reader).json
    assert page["total"] > 5 and len(page["items"]) == 5
    assert all("aerospace" in org["sectors"] for org in page["items"])
    slug = page["items"][0]["slug"]
    detail = client.get(f"/api/v1/organizations/{slug}", headers=reader)
    assert detail.status_code == 200 and detail.json["name"] == page["items"][0]["name"]
    assert client.get("/api/v1/organizations/no-such-org", headers=reader).status_code == 404


def test_an_organization_carries_both_languages_and_its_source(client, reader, seeded):
    org = client.get("/api/v1/organizations/aerospacelab", headers=reader).json
    assert org["description"].startswith("Satellite manufacturer")
    assert org["description_fr"].startswith("Constructeur de satellites")
    assert "small satellites" in org["keywords"] and "petits satellites" in org["keywords_fr"]
    assert org["source"] == "https://www.aerospacelab.com" and "lang" not in org


def test_the_openapi_document_is_served_without_a_token(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/leads", "/leads/{lead_id}", "/organizations",
                                      "/organizations/{slug}"}  # fmt: skip
    assert document["servers"] == [{"url": "/api/v1"}]


# Managing tokens in the back office --------------------------------------------------------


def test_staff_cannot_manage_tokens(staff_client):
    assert staff_client.get("/staff/admin/api-tokens").status_code == 403


def test_admin_issues_a_token_shown_once_and_revokes_it(app, admin_client, make_user):
    user = make_user("crm@agency.be", name="CRM Robot")
    response = admin_client.post(
        "/staff/admin/api-tokens", data={"name": "CRM sync", "user_id": user.id, "scope": "write"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = page.split('id="token-secret" class="secret" type="text" value="')[1].split('"')[0]
    assert secret.startswith("wm_")
    assert admin_client.get("/api/v1/leads", headers=bearer(secret)).status_code == 200

    listing = admin_client.get("/staff/admin/api-tokens").get_data(as_text=True)
    assert "CRM sync" in listing and secret not in listing and secret[:9] in listing

    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    revoked = admin_client.post(f"/staff/admin/api-tokens/{token_id}/revoke", follow_redirects=True)
    assert "is revoked" in revoked.get_data(as_text=True)
    assert admin_client.get("/api/v1/leads", headers=bearer(secret)).status_code == 401
    with app.app_context():
        trail = db.session.execute(
            sa.select(Activity.kind, User.email).join(Activity.user).order_by(Activity.id)
        ).all()
        assert trail == [("api_token_issued", "admin@agency.be"),
                         ("api_token_revoked", "admin@agency.be")]  # fmt: skip


def test_the_token_list_takes_as_many_statements_for_2_tokens_as_for_8(app, admin_client,
                                                                     make_user):  # fmt: skip
    counted = []
    for number in range(8):
        user = make_user(f"robot{number}@agency.be")
        with app.app_context():
            api_tokens.issue(db.session.get(User, user.id), f"Sync {number}", "read",
                             by=db.session.get(User, user.id))  # fmt: skip
            db.session.commit()
        if number + 1 in (2, 8):
            with counted_statements(app) as statements:
                assert admin_client.get("/staff/admin/api-tokens").status_code == 200
            counted.append(len(statements))
    assert counted[0] == counted[1]


def test_issuing_a_token_without_a_purpose_shows_the_error(admin_client, make_user):
    user = make_user("crm@agency.be")
    response = admin_client.post(
        "/staff/admin/api-tokens", data={"name": " ", "user_id": user.id, "scope": "read"}
    )
    assert response.status_code == 422
    assert "Say what the token is for" in response.get_data(as_text=True)


def test_lead_detail_takes_as_many_statements_for_2_matches_as_for_10(app, client, reader, seeded):
    with app.app_context():
        orgs = factories.organizations(10)
        few = factories.add_inquiry(scores=(0.6, 0.5), match_orgs=orgs[:2]).id
        many = factories.add_inquiry(
            email="b@example.com", scores=[1 - n / 20 for n in range(10)], match_orgs=orgs
        ).id
        db.session.commit()
    for lead in (few, many):  # the token's use and each view are noted once, not counted here
        client.get(f"/api/v1/leads/{lead}", headers=reader)
    counted = {}
    for lead in (few, many):
        with counted_statements(app) as statements:
            response = client.get(f"/api/v1/leads/{lead}", headers=reader)
        assert response.status_code == 200
        counted[len(response.json["matches"])] = len(statements)
    assert counted[10] == counted[2], counted


def test_a_nul_in_the_query_is_a_documented_json_400(client, reader):
    response = client.get("/api/v1/leads?q=a%00b", headers=reader)
    assert response.status_code == 400 and response.is_json
    document = client.get("/api/v1/openapi.json").get_json()
    assert "400" in document["paths"]["/leads"]["get"]["responses"]
