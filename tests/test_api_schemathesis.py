"""The API against its OpenAPI document: schemathesis runs every check on a live server."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import WSGIRequestHandler, make_server

from matchmaker.extensions import db
from matchmaker.models import Status, User
from matchmaker.services import api_tokens
from tests import factories

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
EXAMPLES_PER_OPERATION = 40


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """Hundreds of generated requests: their lines would drown a failure's report."""


@pytest.fixture
def live_api(seeded, make_user) -> Iterator[tuple[str, str]]:
    """(OpenAPI URL, write token) of the app served by a real HTTP server in a thread."""
    make_user("integration@agency.be", name="Integration", sectors=("energy",))
    with seeded.app_context():
        orgs = factories.organizations(5)
        for number, status in enumerate([Status.NEW, Status.QUALIFIED, Status.LOST, Status.WON]):
            factories.add_inquiry(
                email=f"lead{number}@example.com",
                status=status,
                scores=(0.5, 0.3),
                match_orgs=orgs[number : number + 2],
                lost_reason="Budget" if status == Status.LOST else "",
            )
        user = db.session.scalar(sa.select(User).where(User.email == "integration@agency.be"))
        secret = api_tokens.issue(user, "schemathesis", "write", by=user).secret
        db.session.commit()
    server = make_server("127.0.0.1", 0, seeded, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json", secret
    server.shutdown()
    thread.join(timeout=10)


def test_the_api_conforms_to_its_openapi_document(live_api, tmp_path):
    url, secret = live_api
    result = subprocess.run(
        [
            str(SCHEMATHESIS), "--no-color", "run", url,
            "--header", f"Authorization: Bearer {secret}",
            "--checks", "all",
            "--max-examples", str(EXAMPLES_PER_OPERATION),
            "--seed", "20261130",
            "--workers", "1",
            "--request-timeout", "10",
            "--max-time", "40",
        ],
        cwd=tmp_path,  # hypothesis keeps its example database there, not in the work tree
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or "passed" in result.stdout, result.stdout[-2000:]
