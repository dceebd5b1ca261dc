"""The migrations build exactly the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from inboxbot.adapters.db import models, schema
from inboxbot.adapters.db.store import make_engine

assert models  # the tables register on SQLModel.metadata when the module is imported


def test_migrated_database_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert schema.current_revision(engine) is None
        schema.upgrade(engine)
        # HEAD, which every command checks against, is the newest migration (else the worker would
        # refuse a database that 'inboxbot db upgrade' cannot bring any further)
        assert schema.current_revision(engine) == schema.head_revision(engine) == schema.HEAD
        schema.require_current(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
        schema.upgrade(engine)  # a second upgrade is a no-op
        assert schema.current_revision(engine) == schema.HEAD
    finally:
        engine.dispose()


def test_a_database_behind_the_code_is_refused_until_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        schema.upgrade(engine, "0001")
        with pytest.raises(schema.SchemaOutdated, match=f"at 0001, this version needs {schema.HEAD}"):
            schema.require_current(engine)
        schema.upgrade(engine)
        schema.require_current(engine)
    finally:
        engine.dispose()
