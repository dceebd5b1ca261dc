"""The migrations build exactly the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

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
        assert schema.current_revision(engine) == schema.head_revision(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
        schema.upgrade(engine)  # a second upgrade is a no-op
    finally:
        engine.dispose()
