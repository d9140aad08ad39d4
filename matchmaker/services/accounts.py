"""Staff accounts: passwords, sign-in throttled per account and address, sessions, roles."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import ApiToken, Role, User, utcnow
from matchmaker.services import api_tokens, sign_in_throttle

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128  # everywhere: the sign-in form, the account commands, hashing
# zxcvbn (Dropbox's estimator, with its 30,000 most common passwords, English words, names,
# keyboard patterns and dates): below this score a password falls to an online or slow
# offline guess (fewer than 10^8 guesses), so it is refused.
MIN_PASSWORD_SCORE = 3
ZXCVBN_MAX_LENGTH = 72  # zxcvbn's own limit; longer passwords are judged by their start
# Generated passwords: 5 groups of 4 characters without look-alikes (31**20, about 99 bits).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

# Argon2id at OWASP's recommended strength (19 MiB, 2 iterations, 1 lane) or stronger.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH = hasher.hash("dummy password to spend the same time on unknown accounts")


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class SignIn:
    user: User | None
    wait: int = 0  # seconds this address must wait before trying this account again


def hash_password(password: str, *context: str) -> str:
    """The Argon2id hash of an acceptable password; context: the e-mail, the name (a password
    built from them is easy to guess)."""
    check_password(password, *context)
    return hasher.hash(password)


def check_password(password: str, *context: str) -> None:
    """Refuse a password too short, too long, or too easy to guess (AccountError)."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must have at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            _("The password must have at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
        )
    inputs = [word for value in context for word in (value, *value.replace("@", " ").split())]
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(
            _("This password is too easy to guess: it is a common password or close to one. "
              "Try a few unrelated words.")
        )  # fmt: skip


def generate_password() -> str:
    """A random password for a new account or a reset, to be handed over once."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(5))
    return "-".join(groups)


def create_user(email: str, name: str, password: str, role: str = Role.STAFF) -> User:
    """Add a staff account (no commit)."""
    email = normalize_email(email)
    _check_role(role)
    if find_user(email):
        raise AccountError(_("An account for %(email)s already exists.", email=email))
    user = User(email=email, name=name.strip() or email, role=role,
                password_hash=hash_password(password, email, name))  # fmt: skip
    db.session.add(user)
    return user


def staff_members() -> list[User]:
    """Every account, active ones first, by name."""
    return list(
        db.session.scalars(
            sa.select(User).order_by(User.active.desc(), sa.func.lower(User.name), User.email)
        )
    )


def active_staff() -> list[User]:
    """The active accounts (those a lead or a token can be given to), by name."""
    return list(db.session.scalars(sa.select(User).where(User.active).order_by(User.name)))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str, address: str | None = None) -> SignIn:
    """Check a sign-in attempt from a client address and record it (the caller commits, so the
    count holds across workers).

    Unknown accounts and wrong passwords look the same from outside; a right password is not a
    sign-in yet (complete_sign_in, after the second factor if any). An address that failed
    on this account too often must wait (`wait` seconds, services/sign_in_throttle.py): its
    attempt is not checked, nor counted.
    """
    user = find_user(email)
    if user is None or not user.active or len(password) > MAX_PASSWORD_LENGTH:
        verify_hash(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        return SignIn(None)
    wait = sign_in_throttle.wait_seconds(user.id, address)
    if wait:
        return SignIn(None, wait=wait)
    if not verify_hash(user.password_hash, password):
        sign_in_throttle.record_failure(user.id, address)
        return SignIn(None)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    db.session.flush()
    return SignIn(user)


def complete_sign_in(user: User, address: str | None = None) -> None:
    """Record a sign-in that passed every step: its time, and this address's failures on the
    account forgotten (not after the password alone: a wrong second-factor code counts with
    them; no commit)."""
    user.last_login_at = utcnow()
    sign_in_throttle.forget(user.id, address)
    db.session.flush()


def verify_hash(password_hash: str, password: str) -> bool:
    """The Argon2id hash is of this password (or recovery code)."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_role(role: str) -> None:
    if role not in set(Role):
        raise AccountError(_("The role must be one of: %(roles)s.", roles=", ".join(Role)))


def update_user(user: User, name: str, role: str) -> list[str]:
    """Rename a user or change their role; the names of the fields changed (no commit).

    The last active admin cannot stop being one (AccountError).
    """
    _check_role(role)
    name = name.strip() or user.email
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(user)
    changed = [field for field, value in (("name", name), ("role", role))
               if getattr(user, field) != value]  # fmt: skip
    user.name, user.role = name, role
    return changed


def deactivate(user: User) -> None:
    """Refuse this user's sign-ins and end their sessions (no commit).

    The last active admin cannot be deactivated (AccountError).
    """
    _keep_an_admin(user)
    user.active = False
    end_all_sessions(user)


def reactivate(user: User, by: User) -> list[ApiToken]:
    """Let a deactivated user sign in again, with a clean slate of failed attempts (no commit).

    Their API tokens from before stay dead: they are revoked (and returned), so that whatever
    held one while the account was closed cannot use it again.
    """
    user.active = True
    user.failed_logins, user.locked_until = 0, None
    sign_in_throttle.forget(user.id)
    return api_tokens.revoke_all(user, by)


def reset_password(user: User) -> str:
    """Give the user a new generated password, returned to be handed over once; their
    sessions end and any lockout is lifted (no commit)."""
    password = generate_password()
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    sign_in_throttle.forget(user.id)
    end_all_sessions(user)
    return password


def _keep_an_admin(user: User) -> None:
    """Refuse a change that would take the last active admin away.

    The active admins' rows are locked until the transaction ends, so two admins demoting
    each other at the same moment cannot both succeed.
    """
    if not (user.active and user.role == Role.ADMIN):
        return
    admins = db.session.scalars(
        sa.select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).with_for_update()
    ).all()
    if not set(admins) - {user.id}:
        raise AccountError(
            _("%(name)s is the last active administrator. Make someone else an administrator "
              "first.", name=user.name)
        )  # fmt: skip


def end_all_sessions(user: User) -> None:
    """Invalidate every session of this user, on every worker (no commit)."""
    user.session_version = User.session_version + 1


def user_for_session(token: str) -> User | None:
    """The active user whose session version matches the cookie's (see User.get_id), if any."""
    user_id, _, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
