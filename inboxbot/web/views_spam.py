"""``/spam``: what inboxbot kept aside as suspected spam or phishing, with the reason for each."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from inboxbot.service.suspected_spam import PAGE, suspected_spam
from inboxbot.web.console import console_of


def routes() -> list[BaseRoute]:
    return [Route("/spam", spam_page, methods=["GET"])]


async def spam_page(request: Request) -> Response:
    console = console_of(request)
    try:
        page = max(int(request.query_params.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows = await run_in_threadpool(suspected_spam, console.app.store, page)
    return console.render(request, "spam.html", {"rows": rows, "page": page, "more": len(rows) == PAGE})
