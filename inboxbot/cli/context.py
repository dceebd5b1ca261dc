"""Shared CLI plumbing: loading settings once, exit codes, one-line failures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import click
from sqlalchemy.exc import OperationalError

from inboxbot.adapters.db.schema import SchemaOutdated, require_current
from inboxbot.adapters.network import one_line
from inboxbot.bootstrap import App, build
from inboxbot.config import ConfigError, Settings, config_path, load_settings
from inboxbot.logs import configure_logging
from inboxbot.service.ports import MailSourceError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_USAGE = 2  # a request that makes no sense (as click does for bad options)
EXIT_UNAVAILABLE = 3


@dataclass
class CliState:
    config: str | None
    _settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(config_path(self.config))
            except ConfigError as exc:
                fail(str(exc), EXIT_CONFIG)
            configure_logging(self._settings.logging.level, self._settings.logging.format)
        return self._settings


pass_state = click.make_pass_decorator(CliState)


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"inboxbot: {message}", err=True)
    raise SystemExit(code)


@contextmanager
def application(state: CliState) -> Iterator[App]:
    """The assembled app on a current schema; configuration, schema and connection failures end the
    command with one line (a database never upgraded says to run ``inboxbot db upgrade``, exit 2)."""
    with failures_as_exit():
        app = build(state.settings)
    try:
        with failures_as_exit():
            require_current(app.store.engine)
            yield app
    finally:
        app.close()


@contextmanager
def failures_as_exit() -> Iterator[None]:
    try:
        yield
    except ConfigError as exc:
        fail(str(exc), EXIT_CONFIG)
    except SchemaOutdated as exc:
        fail(str(exc), EXIT_CONFIG)
    except MailSourceError as exc:
        fail(str(exc), EXIT_UNAVAILABLE)
    except OperationalError as exc:
        fail(f"database unavailable: {one_line(exc.orig or exc)}", EXIT_UNAVAILABLE)
