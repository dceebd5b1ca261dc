"""The queue (``/tickets``): open tickets, soonest deadline first, filtered, searched and paged; its table
refreshes itself (``/tickets/rows``, polled by htmx) so new tickets appear without a reload."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from inboxbot.core.intents import Intent
from inboxbot.service.queue import SHORTCUTS, STATUSES, BadFilter, QueueFilter, queue_page
from inboxbot.web.console import console_of
from inboxbot.web.security import staff_of


def routes() -> list[BaseRoute]:
    return [
        Route("/tickets", queue, methods=["GET"]),
        Route("/tickets/rows", rows, methods=["GET"]),
    ]


async def queue(request: Request) -> Response:
    return await _render(request, "queue.html")


async def rows(request: Request) -> Response:
    return await _render(request, "_queue_table.html")


async def _render(request: Request, template: str) -> Response:
    console = console_of(request)
    session = staff_of(request)
    assert session is not None
    try:
        wanted = parse_filter(request)
    except BadFilter as exc:
        return console.render(request, "error.html", {"message": str(exc)}, status=400)
    page = await run_in_threadpool(
        queue_page,
        console.app.store,
        wanted,
        me=session.member.id,
        now=console.app.clock(),
        page_size=console.app.settings.web.queue_page_size,
    )
    context = {
        "page": page,
        "wanted": wanted,
        "shortcuts": SHORTCUTS,
        "statuses": STATUSES,
        "intents": [i.value for i in Intent],
        "query": _query(wanted),
        "page_link": lambda number: "/tickets?" + _query(wanted, page=number),
        "rows_link": "/tickets/rows?" + _query(wanted),
    }
    return console.render(request, template, context)


def parse_filter(request: Request) -> QueueFilter:
    params = request.query_params
    hours = params.get("due_within", "").strip()
    try:
        due_within = timedelta(hours=float(hours)) if hours else None
        page = int(params.get("page", "1") or 1)
    except ValueError as exc:
        raise BadFilter("due within and page must be numbers") from exc
    view = params.get("view", "")
    return QueueFilter(
        status=params.get("status") or None,
        intent=params.get("intent") or None,
        mine=view == "mine",
        unassigned=view == "unassigned",
        overdue=view == "overdue",
        review=view == "review",
        due_within=due_within,
        search=params.get("q", "")[:200],
        page=page,
    )


def _query(wanted: QueueFilter, page: int | None = None) -> str:
    view = next((name for name in ("mine", "unassigned", "overdue", "review") if getattr(wanted, name)), "")
    values = {
        "view": view,
        "status": wanted.status or "",
        "intent": wanted.intent or "",
        "due_within": f"{wanted.due_within.total_seconds() / 3600:g}" if wanted.due_within else "",
        "q": wanted.search,
        "page": str(page or wanted.page),
    }
    return urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == "1")})
