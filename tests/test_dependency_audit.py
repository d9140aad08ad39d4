"""`make audit` reads pip-audit's JSON report honestly (issue 13, defect 10): it says how many
packages were audited, and an audit of nothing fails unless AUDIT_OFFLINE=1 says it is expected.
The reports below have the shape pip-audit 2.x writes with --format json."""

import pytest

from tools.dependency_audit import read_report, verdict

EDITABLE = {"name": "walloon-matchmaker", "skip_reason": "distribution marked as editable"}


def not_found(name: str) -> dict:
    """What this machine's package mirror gives for every package: no vulnerability data."""
    reason = f"Dependency not found on PyPI and could not be audited: {name} (1.0)"
    return {"name": name, "skip_reason": reason}


def audited(name: str, *vulns: dict) -> dict:
    return {"name": name, "version": "1.0", "vulns": list(vulns)}


NOTHING_AUDITED = {"dependencies": [not_found("flask"), not_found("jinja2"), EDITABLE],
                   "fixes": []}  # fmt: skip


def test_an_audit_of_nothing_fails_and_says_so():
    status, lines = verdict(read_report(NOTHING_AUDITED), offline=False)
    assert status == 1
    assert lines[0] == "pip-audit audited 0 of 2 installed packages."
    assert "Dependency not found on PyPI and could not be audited (2)" in lines[1]
    assert "AUDIT_OFFLINE=1" in lines[-1]


def test_offline_an_audit_of_nothing_passes_and_says_it_checked_nothing():
    status, lines = verdict(read_report(NOTHING_AUDITED), offline=True)
    assert status == 0
    assert lines[0] == "pip-audit audited 0 of 2 installed packages."
    assert "without any vulnerability check" in lines[-1]


@pytest.mark.parametrize("offline", [False, True])
def test_a_known_vulnerability_fails_even_offline(offline):
    report = {"dependencies": [audited("flask"), not_found("jinja2"),
                               audited("werkzeug", {"id": "GHSA-xxxx", "fix_versions": ["3.1.5"]})],
              "fixes": []}  # fmt: skip
    status, lines = verdict(read_report(report), offline=offline)
    assert status == 1
    assert lines[0] == "pip-audit audited 2 of 3 installed packages."
    assert "  werkzeug 1.0: GHSA-xxxx (fixed in 3.1.5)" in lines


def test_a_clean_audit_passes_with_its_count():
    report = {"dependencies": [audited("flask"), audited("jinja2"), EDITABLE], "fixes": []}
    status, lines = verdict(read_report(report), offline=False)
    assert status == 0
    assert lines == ["pip-audit audited 2 of 2 installed packages.",
                     "No known vulnerability in the 2 packages audited."]  # fmt: skip
