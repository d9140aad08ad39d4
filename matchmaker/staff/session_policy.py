"""How long a staff session lives: an idle timeout and an absolute lifetime, both counted from
the sign-in response on; and the few minutes between a right password and the second factor."""

import time

from flask import current_app, session

LAST_SEEN = "staff_last_seen"
SIGNED_IN_AT = "staff_signed_in_at"
SECOND_FACTOR = "staff_second_factor"  # this session passed, or set up, a second factor
AWAITING_CODE = "staff_awaiting_code"  # {user, version, at, next}: the password was right
CODE_WAIT_SECONDS = 300  # a code must follow the password within this time


def now() -> float:
    """Seconds since the epoch (a function, so that tests can move the clock)."""
    return time.time()


def begin(second_factor: bool = False) -> None:
    """Start the clocks of a session that has just signed in (in the sign-in response)."""
    moment = now()
    session[SIGNED_IN_AT] = moment
    session[LAST_SEEN] = moment
    session[SECOND_FACTOR] = second_factor


def expired() -> bool:
    """Idle too long, past its absolute lifetime, or carrying no times at all (a cookie from
    before these clocks, or one that never got them): the session must sign in again."""
    signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if not isinstance(signed_in_at, int | float) or not isinstance(last_seen, int | float):
        return True
    config = current_app.config
    moment = now()
    idle_limit = float(config["STAFF_IDLE_TIMEOUT_MINUTES"]) * 60
    lifetime = float(config["STAFF_SESSION_MAX_HOURS"]) * 3600
    return moment - last_seen > idle_limit or moment - signed_in_at > lifetime


def touch() -> None:
    """This request counts as activity."""
    session[LAST_SEEN] = now()


def passed_second_factor() -> bool:
    return session.get(SECOND_FACTOR) is True


def second_factor_set_up() -> None:
    """The signed-in user has just set up their second factor in this session."""
    session[SECOND_FACTOR] = True


def await_code(user_id: int, session_version: int, next_path: str) -> None:
    """A fresh session that knows only that this user gave the right password: it signs in
    nobody, and the code must come within CODE_WAIT_SECONDS."""
    session.clear()
    session[AWAITING_CODE] = {"user": user_id, "version": session_version, "at": now(),
                              "next": next_path}  # fmt: skip


def awaiting_code() -> dict | None:
    """The password step's state when it is still fresh, else None (and it is dropped)."""
    state = session.get(AWAITING_CODE)
    if not isinstance(state, dict):
        return None
    if not 0 <= now() - float(state.get("at", 0)) <= CODE_WAIT_SECONDS:
        session.pop(AWAITING_CODE)
        return None
    return state
