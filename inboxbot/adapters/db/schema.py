"""Schema migrations (Alembic), run from the CLI: ``inboxbot db upgrade``.

Checking that the database is current (every command does) reads Alembic's version table directly and
compares it with :data:`HEAD`: importing Alembic costs a tenth of a second, which every cron run would
pay. A test keeps :data:`HEAD` equal to the newest migration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = "inboxbot.adapters.db:migrations"
"""Alembic's scripts, as package data (Alembic reads a ``package:folder`` location through
``importlib.resources``, so an installed wheel migrates as well as the checkout)."""
HEAD = "0008"
"""The newest migration's revision: what this version of inboxbot needs."""
VERSION_TABLE = "alembic_version"


class SchemaOutdated(Exception):
    """The database is not at the schema this version of inboxbot needs."""


def _config(engine: Engine) -> Config:
    from alembic.config import Config  # noqa: PLC0415  (Alembic only when migrating: see above)

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command  # noqa: PLC0415  (as above)

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def head_revision(engine: Engine) -> str | None:
    """The newest revision among the migration scripts, as Alembic sees them."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415  (as above)

    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def require_current(engine: Engine) -> None:
    current = current_revision(engine)
    if current != HEAD:
        shown = current or "empty"
        raise SchemaOutdated(
            f"database schema is at {shown}, this version needs {HEAD}: run 'inboxbot db upgrade'"
        )
