"""The staff console: a small server-rendered ASGI app over the same service functions as the CLI.

Each view (``views_*.py``) parses the request, calls a service function and renders a page; nothing
here writes SQL or decides a business rule. Security lives in :mod:`inboxbot.web.security`. No state is
kept in the process: sessions, tickets and everything else are in the database, so several instances
can serve one PostgreSQL database behind a proxy.
"""

from __future__ import annotations

from importlib.resources import files

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from inboxbot.bootstrap import App
from inboxbot.web import (
    views_auth,
    views_metrics,
    views_queue,
    views_spam,
    views_staff,
    views_ticket,
    views_unsubscribe,
)
from inboxbot.web.console import make_console
from inboxbot.web.security import ConsoleGuard

PUBLIC_PATHS = frozenset({"/login", "/healthz", "/metrics"})


def create_app(app: App) -> Starlette:
    console = make_console(app)
    routes = [
        Route("/", lambda _request: RedirectResponse("/tickets", status_code=303)),
        Route("/healthz", views_metrics.health),
        Route("/metrics", views_metrics.metrics),
        *views_auth.routes(),
        *views_queue.routes(),
        *views_ticket.routes(),
        *views_staff.routes(),
        *views_spam.routes(),
        *views_unsubscribe.routes(),
        Mount("/static", StaticFiles(directory=str(files("inboxbot") / "web" / "static")), name="static"),
    ]
    guard = Middleware(ConsoleGuard, accounts=app.accounts, public=is_public, exempt=is_open)
    web = Starlette(routes=routes, middleware=[guard])
    web.state.console = console
    web.state.one_click = views_unsubscribe.one_click_of(app)
    return web


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith("/static/")


def is_open(path: str) -> bool:
    """Pages for the recipients of mailings, who have no account: no session, no CSRF token (the link's
    own token is the proof, and a POST there only ever unsubscribes the address it names)."""
    return path.startswith(views_unsubscribe.PREFIX)
