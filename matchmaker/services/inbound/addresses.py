"""Each lead's reply address: the configured inbound address with the lead's signed token after
a "+" (leads+wm-k7p2xq-<signature>@agency.example), and what a received mail's recipient names.

The token is the lead's code and an HMAC-SHA256 of it keyed with SECRET_KEY (80 bits shown):
nobody without the key can make one, and it holds only lowercase letters, digits and hyphens, so
mail servers that change the case of addresses do not break it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import current_app

from matchmaker.models import Inquiry, UnmatchedReason

SIGNATURE_LENGTH = 20  # hex digits
_TOKEN = re.compile(rf"^(wm-[a-z0-9]{{6}})-([0-9a-f]{{{SIGNATURE_LENGTH}}})$")


@dataclass(frozen=True)
class Addressee:
    """What one recipient of a received mail names: a lead's code, or why none."""

    code: str | None
    reason: str = ""  # an UnmatchedReason when code is None


def inbound_address() -> str:
    """The configured inbound address, lowercased ("" when replies are not received)."""
    return str(current_app.config.get("INBOUND_ADDRESS") or "").strip().lower()


def reply_address(inquiry: Inquiry) -> str:
    """The address replies about inquiry go to, or "" when no inbound address is configured."""
    local, _, domain = inbound_address().partition("@")
    if not domain:
        return ""
    code = inquiry.code.lower()
    return f"{local}+{code}-{_signature(code)}@{domain}"


def accepts(recipient: str, inbound: str) -> bool:
    """Whether recipient is the inbound address, with or without a "+" tag."""
    local, _, domain = recipient.strip().lower().partition("@")
    inbound_local, _, inbound_domain = inbound.partition("@")
    return bool(inbound_domain) and domain == inbound_domain and (
        local == inbound_local or local.startswith(inbound_local + "+"))  # fmt: skip


def read(recipient: str) -> Addressee:
    """The lead a recipient of the inbound address names by its token (its code), or why none."""
    local = recipient.strip().lower().partition("@")[0]
    tag = local.partition("+")[2]
    if not tag:
        return Addressee(None, UnmatchedReason.NO_TOKEN)
    token = _TOKEN.match(tag)
    if token is None or not hmac.compare_digest(token[2], _signature(token[1])):
        return Addressee(None, UnmatchedReason.INVALID)
    return Addressee(token[1].upper())


def _signature(code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = b"lead-reply-address:" + code.lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]
