"""Load: concurrent submissions against gunicorn with four workers, and the shared limiter."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.helpers import BOTH_DATABASES, skip_unless_available
from tests.live import gunicorn, prepare_database, submit_inquiry

SUBMISSIONS = 200

pytestmark = pytest.mark.load


def inquiry_count(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM inquiry")).scalar_one()
    engine.dispose()
    return count


def submit_all(base: str, count: int, parallel: int) -> list[tuple[int, str]]:
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda number: submit_inquiry(base, number), range(count)))


@BOTH_DATABASES
def test_200_concurrent_submissions_make_200_inquiries(database_url):
    prepare_database(database_url)
    no_limit = {"MATCHMAKER_RATELIMIT_ENABLED": "false"}
    with gunicorn(database_url, workers=4, settings=no_limit) as base:
        results = submit_all(base, SUBMISSIONS, parallel=SUBMISSIONS)
    failures = [result for result in results if result[0] != 200 or "/inquiry/" not in result[1]]
    assert failures == []
    assert inquiry_count(database_url) == SUBMISSIONS


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_rate_limit_holds_across_workers_with_redis(database_url):
    redis_url = os.environ.get("MATCHMAKER_TEST_REDIS_URL", "")
    skip_unless_available(bool(redis_url), "set MATCHMAKER_TEST_REDIS_URL=redis://... to run")
    prepare_database(database_url)
    settings = {
        "MATCHMAKER_RATELIMIT_STORAGE_URI": redis_url,
        "MATCHMAKER_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "MATCHMAKER_INQUIRY_RATE_LIMIT": "5 per minute",
    }
    with gunicorn(database_url, workers=4, settings=settings) as base:
        statuses = sorted(status for status, _ in submit_all(base, 20, parallel=20))
    assert statuses == [200] * 5 + [429] * 15
    assert inquiry_count(database_url) == 5
