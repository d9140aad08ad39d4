"""The engine in the app: one fitted index per worker, refitted only when the directory moves."""

import threading

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.matching import ENGINE_VERSION
from matchmaker.models import Organization
from matchmaker.services import directory, ranking
from tests.factories import SHIPPED
from tests.helpers import new_inquiry

pytestmark = pytest.mark.usefixtures("seeded")

CDMO = "GMP manufacturing of viral vectors for cell and gene therapy by a CDMO"


@pytest.fixture
def fits(monkeypatch) -> list[int]:
    """Counts the engine's fits: one entry (the number of organizations) per fit."""
    calls: list[int] = []
    real = ranking.build_index

    def counting(docs):
        calls.append(len(docs))
        return real(docs)

    monkeypatch.setattr(ranking, "build_index", counting)
    return calls


def ranked_slugs(text: str = CDMO, **fields) -> list[str]:
    return [
        m.organization.slug for m in ranking.rank_inquiry(new_inquiry(interests=text, **fields))
    ]


def test_rank_inquiry_builds_match_rows_best_first(app):
    with app.app_context():
        matches = ranking.rank_inquiry(new_inquiry(interests=CDMO, sectors=("life-sciences",)))
        assert 3 <= len(matches) <= 10, "the list stops where quality collapses, at 3 or more"
        assert [m.rank for m in matches] == list(range(1, len(matches) + 1))
        assert all(a.score >= b.score for a, b in zip(matches, matches[1:], strict=False))
        first = matches[0]
        assert first.organization.active and "life-sciences" in first.organization.sectors
        assert set(first.explanation) == {
            "strength", "role", "terms", "bridges", "sectors", "offers"
        }  # fmt: skip
        assert first.explanation["strength"] in {"strong", "possible", "weak"}
        assert "viral vectors" in first.explanation["terms"]
        assert first.engine_version == ENGINE_VERSION
        assert first.directory_version == directory.directory_version() == 1
        assert all(m.id is None and m not in db.session for m in matches)  # the caller adds them


def test_index_is_fitted_once_and_reused_across_requests(app, fits):
    with app.app_context():
        first = ranking.index_cache().get()
        ranked_slugs()
    with app.app_context():  # another request
        assert ranking.index_cache().get() is first
        ranked_slugs("satellites and Earth observation")
    assert fits == [SHIPPED]


def test_index_is_refitted_once_after_the_directory_version_moves(app, fits):
    with app.app_context():
        before = ranking.index_cache().get()
        directory.bump_directory_version()
        db.session.commit()
        after = ranking.index_cache().get()
        assert (before.version, after.version) == (1, 2) and after is not before
        assert ranking.index_cache().get() is after
    assert fits == [SHIPPED, SHIPPED]


def test_concurrent_requests_after_a_change_fit_the_index_once(app, fits):
    with app.app_context():
        ranking.index_cache().get()
        directory.bump_directory_version()
        db.session.commit()
    seen, barrier = [], threading.Barrier(4)

    def request() -> None:
        with app.app_context():
            barrier.wait()
            seen.append(ranking.index_cache().get())
            db.session.remove()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fits) == 2 and len({id(index) for index in seen}) == 1


def test_inactive_organizations_are_never_returned(app, fits):
    with app.app_context():
        top = ranked_slugs()[0]
        org = db.session.scalars(sa.select(Organization).filter_by(slug=top)).one()
        org.active = False
        db.session.commit()
        # Even before anyone bumps the version (the index still has it), it is filtered out.
        assert top not in ranked_slugs()
        directory.bump_directory_version()
        db.session.commit()
        assert top not in ranked_slugs()
        assert ranking.index_cache().get().size == SHIPPED - 1
    assert fits == [SHIPPED, SHIPPED - 1]


def test_an_empty_directory_ranks_nothing(app):
    with app.app_context():
        db.session.execute(sa.update(Organization).values(active=False))
        directory.bump_directory_version()
        db.session.commit()
        assert ranking.rank_inquiry(new_inquiry(interests=CDMO)) == []


def test_reindex_command_reports_count_and_time(app, runner):
    result = runner.invoke(args=["directory", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {SHIPPED} active organizations (directory version 1) in" in result.output
    bumped = runner.invoke(args=["directory", "reindex", "--bump"])
    assert "(directory version 2)" in bumped.output
