"""`make audit`'s check of the installed packages: pip-audit, read honestly.

pip-audit passes when it finds no vulnerability, even when it could look none up (an index
without vulnerability data skips every package). This says how many packages it audited, fails
on a vulnerability, and fails when it audited none unless AUDIT_OFFLINE=1 says that is expected.

    .venv/bin/python -m tools.dependency_audit          # exit status 1: vulnerable, or unchecked
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any

OFFLINE = "AUDIT_OFFLINE"
PIP_AUDIT = [sys.executable, "-m", "pip_audit", "--skip-editable", "--progress-spinner", "off",
             "--format", "json", "--desc", "off"]  # fmt: skip


@dataclass(frozen=True)
class Audit:
    """What pip-audit's JSON report says: packages audited, skipped (why), vulnerabilities."""

    audited: int
    skipped: dict[str, str]  # package -> reason; our own editable package is left out
    vulnerabilities: list[str]  # "package version: ID (fixed in ...)"


def read_report(report: dict[str, Any]) -> Audit:
    audited, skipped, vulnerabilities = 0, {}, []
    for package in report["dependencies"]:
        reason = package.get("skip_reason")
        if reason is not None:
            if "editable" not in reason:
                skipped[package["name"]] = reason
            continue
        audited += 1
        for vulnerability in package["vulns"]:
            fixed = ", ".join(vulnerability["fix_versions"]) or "no fixed version yet"
            vulnerabilities.append(f"{package['name']} {package['version']}: "
                                   f"{vulnerability['id']} (fixed in {fixed})")  # fmt: skip
    return Audit(audited, skipped, vulnerabilities)


def verdict(audit: Audit, offline: bool) -> tuple[int, list[str]]:
    """(exit status, lines to print) for an audit."""
    total = audit.audited + len(audit.skipped)
    lines = [f"pip-audit audited {audit.audited} of {total} installed packages."]
    if audit.skipped:
        reasons = Counter(reason.split(":")[0] for reason in audit.skipped.values())
        lines.append(f"Not audited ({len(audit.skipped)}): "
                     + "; ".join(f"{reason} ({count})" for reason, count in reasons.items()))
    if audit.vulnerabilities:
        lines += ["Known vulnerabilities:", *(f"  {line}" for line in audit.vulnerabilities)]
        return 1, lines
    if audit.audited:
        lines.append(f"No known vulnerability in the {audit.audited} packages audited.")
        return 0, lines
    if offline:
        lines.append(f"{OFFLINE}=1: passing without any vulnerability check; run `make audit` "
                     "where pip-audit reaches PyPI's vulnerability data.")  # fmt: skip
        return 0, lines
    lines.append("No package was checked for known vulnerabilities, so this audit fails. Where "
                 f"no vulnerability data can be reached (an offline mirror), set {OFFLINE}=1.")
    return 1, lines


def main() -> int:
    result = subprocess.run(PIP_AUDIT, capture_output=True, text=True, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed (exit status {result.returncode}):\n{result.stderr}",
              file=sys.stderr)  # fmt: skip
        return 1
    status, lines = verdict(read_report(report), offline=os.environ.get(OFFLINE) == "1")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
