"""API tokens: issue one (shown once, kept as a SHA-256 hash), check one, revoke one, audited."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Activity, ActivityKind, ApiToken, TokenScope, User, utcnow

TOKEN_PREFIX = "wm_"
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret is in `secret` now, and nowhere after this response."""

    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    """The stored form of a token: a random 32-byte secret needs no salt or slow hash."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user: User, name: str, scope: str, by: User) -> IssuedToken:
    """A new token for user, recorded with who issued it (no commit)."""
    if scope not in set(TokenScope):
        raise ValueError(f"unknown scope {scope!r}")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=token_hash(secret),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        scope=scope,
        created_by_id=by.id,
    )
    db.session.add(token)
    db.session.flush()
    db.session.add(
        Activity(
            user_id=by.id,
            kind=ActivityKind.API_TOKEN_ISSUED,
            detail={
                "token_id": token.id,
                "for_user_id": user.id,
                "name": token.name,
                "scope": scope,
            },
        )  # fmt: skip
    )
    log.info("User %s issued API token %s (%s) for user %s", by.id, token.id, scope, user.id)
    return IssuedToken(token, secret)


def revoke(token: ApiToken, by: User) -> bool:
    """Revoke the token (no commit); False if it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.add(
        Activity(user_id=by.id, kind=ActivityKind.API_TOKEN_REVOKED,
                 detail={"token_id": token.id, "for_user_id": token.user_id, "name": token.name})
    )  # fmt: skip
    log.info("User %s revoked API token %s", by.id, token.id)
    return True


def revoke_all(user: User, by: User) -> list[ApiToken]:
    """Revoke every live token of user (no commit); the ones it revoked."""
    live = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    return [token for token in live if revoke(token, by)]


def authenticate(secret: str) -> ApiToken | None:
    """The live token for a presented secret (its user active), else None; notes its use."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = token_hash(secret)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by hash, so its timing tells nothing; compare again in constant time anyway.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return token


def tokens_query() -> sa.Select[tuple[ApiToken]]:
    """Every token, live ones first, newest first."""
    return sa.select(ApiToken).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
    )


def allows(token: ApiToken, scope: str) -> bool:
    """Whether the token may do what needs scope (a write token may also read)."""
    return token.scope == TokenScope.WRITE or scope == TokenScope.READ
