"""``/metrics`` for Prometheus (loopback, or a bearer token from the environment) and ``/healthz``."""

from __future__ import annotations

import hmac
import ipaddress
from datetime import timedelta

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from inboxbot.service.metrics import render_metrics
from inboxbot.web.console import console_of


async def metrics(request: Request) -> Response:
    console = console_of(request)
    if not _may_scrape(request, console.app.settings.web.metrics_token.get_secret_value()):
        return PlainTextResponse("403 Forbidden: loopback or a bearer token only", status_code=403)
    at_risk = timedelta(hours=console.app.settings.sla.at_risk_hours)
    body = await run_in_threadpool(render_metrics, console.app.store, console.app.clock(), at_risk=at_risk)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


def _may_scrape(request: Request, token: str) -> bool:
    """With a token configured, the token and nothing else (a proxy on this machine would make every
    client look local); without one, loopback clients only."""
    if token:
        supplied = request.headers.get("authorization", "")
        return hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode())
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
