"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'matchmaker:create_app()'`."""

import logging
import multiprocessing
import os
import re

from flask.cli import load_dotenv
from flask.helpers import get_load_dotenv
from gunicorn.glogging import Logger

# The settings in .env (and .flaskenv), found as the `flask` command finds them, before any is
# read; the real environment wins, and FLASK_SKIP_DOTENV=1 turns the files off for both.
if get_load_dotenv():
    load_dotenv()

bind = os.environ.get("MATCHMAKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("MATCHMAKER_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("MATCHMAKER_THREADS", 2))
preload_app = True  # import once, fork workers (create_app does no I/O, so nothing is shared)
timeout = 30  # a request that takes longer is stuck: the worker is restarted
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle workers now and then, with jitter so they don't all restart at once
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# What, status, size, duration in ms, user agent. No client address (personal data; the audit
# stream records it for the events that matter), no query string, and the secret part of
# private paths (the investor's result page /inquiry/<reference>) replaced by "…".
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
_PRIVATE_PATH = re.compile(r"^/inquiry/(?!received$)[^/]+")


class PrivateAccessLogger(Logger):
    """gunicorn's logger, with the private part of paths blanked out of the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            words = str(atoms.get(key, "")).split(" ")
            atoms[key] = " ".join(_PRIVATE_PATH.sub("/inquiry/…", word) for word in words)
        atoms["h"] = "-"
        return atoms


logger_class = PrivateAccessLogger
# The app's own log (matchmaker: warnings and notable events) at INFO on stderr; the audit
# stream (JSON lines, see docs/security.md) goes to stderr too unless MATCHMAKER_AUDIT_LOG
# names a file.
logging.getLogger("matchmaker").setLevel(logging.INFO)
forwarded_allow_ips = os.environ.get("MATCHMAKER_FORWARDED_ALLOW_IPS", "127.0.0.1")
