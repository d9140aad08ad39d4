"""The matching engine: ranks organization profiles for an investor's inquiry (no web code)."""

from matchmaker.matching.explain import Ranked
from matchmaker.matching.index import (
    ENGINE_VERSION,
    EmptyQueryError,
    Index,
    OrgDoc,
    Query,
    build_index,
    load_orgs_csv,
)

__all__ = [
    "ENGINE_VERSION",
    "EmptyQueryError",
    "Index",
    "OrgDoc",
    "Query",
    "Ranked",
    "build_index",
    "load_orgs_csv",
]
