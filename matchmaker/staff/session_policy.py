"""How long a staff session lives: an idle timeout and an absolute lifetime, both counted from
the sign-in response on."""

import time

from flask import current_app, session

LAST_SEEN = "staff_last_seen"
SIGNED_IN_AT = "staff_signed_in_at"


def now() -> float:
    """Seconds since the epoch (a function, so that tests can move the clock)."""
    return time.time()


def begin() -> None:
    """Start the clocks of a session that has just signed in (in the sign-in response)."""
    moment = now()
    session[SIGNED_IN_AT] = moment
    session[LAST_SEEN] = moment


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
