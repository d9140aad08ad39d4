"""Fixtures for the engine tests: the packaged directory and an index over it."""

from pathlib import Path

import pytest

from matchmaker.matching import Index, OrgDoc, build_index, load_orgs_csv

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY_CSV = ROOT / "matchmaker" / "data" / "organizations.csv"


@pytest.fixture(scope="session")
def directory() -> list[OrgDoc]:
    return load_orgs_csv(DIRECTORY_CSV)


@pytest.fixture(scope="session")
def index(directory: list[OrgDoc]) -> Index:
    return build_index(directory)
