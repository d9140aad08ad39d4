"""Security headers, the health check, proxies and error pages."""

import pytest

from matchmaker import create_app
from matchmaker.security import CONTENT_SECURITY_POLICY
from tests.helpers import BOTH_DATABASES


@pytest.mark.parametrize("path", ["/", "/organizations", "/staff/login", "/healthz", "/nope"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https_and_through_the_configured_proxy(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "PROXY_HOPS": 1})
    client = app.test_client()
    proxied = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    direct = create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()
    spoofed = direct.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_health_check_fails_when_the_database_is_unreachable(tmp_path):
    url = f"sqlite:///{tmp_path}/missing-dir/db.sqlite3"
    response = create_app({"TESTING": True, "DATABASE_URL": url}).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unexpected_errors_show_a_generic_page_without_details(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "hunter2" not in response.text and "Traceback" not in response.text


def test_untrusted_host_is_refused(database_url):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "TRUSTED_HOSTS": ["matchmaker.example"]}
    )
    assert app.test_client().get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    ok = app.test_client().get("/healthz", headers={"Host": "matchmaker.example"})
    assert ok.status_code == 200


@BOTH_DATABASES
@pytest.mark.parametrize(
    ("url", "json"),
    [
        ("/organizations?q=bio%00", False),
        ("/organizations/aerospacelab%00", False),
        ("/inquiry/WM%00", False),
        ("/staff/login?next=/staff%00", False),
        ("/api/v1/organizations/aerospacelab%00", True),
    ],
)
def test_a_nul_byte_in_the_address_is_a_bad_request_not_a_crash(client, url, json):
    response = client.get(url)
    assert response.status_code == 400
    if json:
        assert response.json["status"] == 400
    else:
        assert "The request could not be understood" in response.text


def test_the_csp_forbids_any_base_element(client):
    """Issue 13, defect 10: base-uri 'self' let an injected <base> re-point relative links."""
    assert "base-uri 'none'" in client.get("/").headers["Content-Security-Policy"]
