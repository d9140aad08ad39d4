"""Two-factor sign-in: each staff member's TOTP authenticator (RFC 6238) and recovery codes.

Who needs one (admins always; staff when STAFF_REQUIRE_TWO_FACTOR), enrolment, the code asked
for after the password (throttled with the passwords' failures, each code accepted once),
recovery codes (ten, Argon2id-hashed, each usable once), and removing an authenticator.

The authenticator's secret is encrypted at rest with Fernet (AES-128-CBC and HMAC-SHA256) under
a key derived from SECRET_KEY with HKDF-SHA256; keys in SECRET_KEY_FALLBACKS still decrypt, so
the secret key can be rotated. A database read alone does not give the secrets away.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from matchmaker.extensions import db
from matchmaker.models import Authenticator, RecoveryCode, User, utcnow
from matchmaker.services import sign_in_throttle
from matchmaker.services.accounts import PASSWORD_ALPHABET, hasher, verify_hash

ISSUER = "Walloon Matchmaker"  # the name authenticator apps show beside the account
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after is accepted too (clocks drift)
CODE_DIGITS = 6
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # two groups of 5 from 31 characters: about 50 bits each
MAX_CODE_LENGTH = 32  # what the code field accepts, spaces and hyphens included
TOTP = "totp"
RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True)
class CodeCheck:
    method: str | None  # TOTP or RECOVERY_CODE when the code was right, else None
    wait: int = 0  # seconds this address must wait before trying this account again


def now() -> float:
    """Seconds since the epoch (a function, so that tests can move the clock)."""
    return time.time()


def required(user: User) -> bool:
    """Admins must sign in with a second factor; staff members when the configuration says so."""
    return user.is_admin or bool(current_app.config["STAFF_REQUIRE_TWO_FACTOR"])


def authenticator(user: User) -> Authenticator | None:
    return db.session.get(Authenticator, user.id)


def enabled(user: User) -> bool:
    """The user has a confirmed authenticator: sign-in asks for its code."""
    found = authenticator(user)
    return found is not None and found.confirmed_at is not None


def missing(user: User) -> bool:
    """The user must have a second factor and has none yet: they set it up before anything."""
    return required(user) and not enabled(user)


def secret_of(user: User) -> str | None:
    """The user's authenticator secret in clear (base32), when it can be decrypted."""
    found = authenticator(user)
    return None if found is None else _decrypt(found.secret)


def start_enrolment(user: User) -> str:
    """The secret to show a user who has no confirmed authenticator: the one they are setting
    up already, or a new one (no commit)."""
    found = authenticator(user)
    secret = secret_of(user) if found is not None and found.confirmed_at is None else None
    if secret is None:
        secret = pyotp.random_base32()
        found = found or Authenticator(user_id=user.id)
        db.session.add(found)
        found.secret = _cipher().encrypt(secret.encode()).decode()
        found.confirmed_at, found.last_step = None, None
        db.session.flush()
    return secret


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn the authenticator being set up on when the code is its current one; the new
    recovery codes, to be shown once (None: wrong code, nothing changed; no commit)."""
    found = authenticator(user)
    if found is None or found.confirmed_at is not None or not _accept_totp(found, code):
        return None
    found.confirmed_at = utcnow()
    return regenerate_recovery_codes(user)


def check_code(user: User, code: str, address: str | None) -> CodeCheck:
    """Check a code given after the password (or to change the second factor) from a client
    address. Failures count with the password's (services/sign_in_throttle.py): while this
    address must wait on this account, the code is neither checked nor counted (no commit)."""
    wait = sign_in_throttle.wait_seconds(user.id, address)
    if wait:
        return CodeCheck(None, wait)
    method = _verify(user, code)
    if method is None:
        sign_in_throttle.record_failure(user.id, address)
    return CodeCheck(method)


def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by ten new ones, returned to be shown once (no commit)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hasher.hash(_normalize(code))) for code in codes
    )
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )  # fmt: skip


def remove(user: User) -> None:
    """Remove the user's authenticator and recovery codes (no commit)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    found = authenticator(user)
    if found is not None:
        db.session.delete(found)
    db.session.flush()


def grouped(secret: str) -> str:
    """The secret in groups of four characters, to type into an app."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_code(user: User, secret: str) -> str:
    """The otpauth:// address as a QR code, an SVG data URI (allowed by the strict CSP)."""
    address = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(address, error="m").svg_data_uri(scale=5, border=4)


def _verify(user: User, code: str) -> str | None:
    found = authenticator(user)
    if found is None or found.confirmed_at is None:
        return None
    if _accept_totp(found, code):
        return TOTP
    return RECOVERY_CODE if _use_recovery_code(user, code) else None


def _accept_totp(found: Authenticator, code: str) -> bool:
    """The code of a time step within the drift and after the last one used: that step becomes
    the last used, in one conditional statement, so no code passes twice, even on two workers."""
    code = _normalize(code)
    secret = _decrypt(found.secret)
    if secret is None or len(code) != CODE_DIGITS or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
    current = int(now() // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if found.last_step is not None and step <= found.last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            taken = db.session.execute(
                sa.update(Authenticator)
                .where(Authenticator.user_id == found.user_id,
                       sa.or_(Authenticator.last_step.is_(None), Authenticator.last_step < step))
                .values(last_step=step).execution_options(synchronize_session=False)
            )  # fmt: skip
            db.session.expire(found, ["last_step"])
            return taken.rowcount == 1
    return False


def _use_recovery_code(user: User, code: str) -> bool:
    code = _normalize(code)
    if len(code) != RECOVERY_CODE_LENGTH:
        return False
    unused = db.session.scalars(
        sa.select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()  # fmt: skip
    for row in unused:
        if verify_hash(row.code_hash, code):
            used = db.session.execute(
                sa.update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow()).execution_options(synchronize_session=False)
            )
            db.session.expire(row, ["used_at"])
            return used.rowcount == 1
    return False


def _new_recovery_code() -> str:
    half = RECOVERY_CODE_LENGTH // 2
    letters = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{letters[:half]}-{letters[half:]}"


def _normalize(code: str) -> str:
    """What the person meant: no spaces or hyphens, lower case (recovery codes)."""
    return "".join(code.split()).replace("-", "").lower()


def _decrypt(token: str) -> str | None:
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:  # encrypted under a secret key no longer configured
        return None


def _cipher() -> MultiFernet:
    config = current_app.config
    keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([Fernet(_derive_key(str(key))) for key in keys])


def _derive_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"walloon-matchmaker two-factor secrets")  # fmt: skip
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))
