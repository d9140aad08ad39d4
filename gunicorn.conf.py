"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'matchmaker:create_app()'`."""

import multiprocessing
import os

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
# Who, what, status, size, duration in ms; no query strings with personal data are logged.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("MATCHMAKER_FORWARDED_ALLOW_IPS", "127.0.0.1")
