"""Fixtures for the integration tier: the assembled app against the harness's real servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from inboxbot.adapters.db import schema
from inboxbot.bootstrap import App, build
from inboxbot.config import Settings
from inboxbot.service.platforms import MailingPlatform
from inboxbot.service.ports import SegmentBackend
from tests.support import Clock, settings_for

AppFactory = Callable[..., App]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_app(clock: Clock) -> Iterator[AppFactory]:
    """``make_app(settings)`` or ``make_app(db_url=..., imap=..., smtp=...)``: a migrated, assembled app."""
    apps: list[App] = []

    def make(
        settings: Settings | None = None,
        backends: list[SegmentBackend] | None = None,
        platforms: list[MailingPlatform] | None = None,
        **kwargs: Any,
    ) -> App:
        app = build(settings or settings_for(**kwargs), clock=clock, backends=backends, platforms=platforms)
        schema.upgrade(app.store.engine)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()
