"""The console's security in one place, as one ASGI middleware around every request:

- the session: the cookie's token is looked up in the database (``scope["state"]["staff"]``); every
  page but the public ones needs one, else a GET goes to the login page and anything else gets 403;
- CSRF: every request that is not GET/HEAD carries the session's token (form field ``csrf_token`` or
  header ``X-CSRF-Token``); the login form, before any session, a token of its own cookie; a request
  without the right token gets 403 and reaches no handler, so it changes nothing;
- open endpoints (``exempt``: the one-click unsubscribe links in mailings, ``/u/...``) are for people
  who have no account: no session is looked up and no CSRF token asked for (their own token is the
  proof), but they get the same headers;
- headers on every response: a Content-Security-Policy that allows no inline script and nothing from
  elsewhere, no framing, no MIME sniffing, no referrer, and no caching of pages.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inboxbot.service.accounts import Accounts, SessionInfo

SESSION_COOKIE = "inboxbot_session"
LOGIN_CSRF_COOKIE = "inboxbot_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
POLL_HEADER = "x-inboxbot-poll"  # the queue's own refresh: does not count as activity
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 512 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class ConsoleGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        accounts: Accounts,
        public: Callable[[str], bool],
        exempt: Callable[[str], bool] = lambda _path: False,
    ) -> None:
        self.app = app
        self.accounts = accounts
        self.public = public
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send, no_store=not scope["path"].startswith("/static/"))
        if self.exempt(scope["path"]):
            scope.setdefault("state", {})["staff"] = None
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session = await self._session(request)
        scope.setdefault("state", {})["staff"] = session
        if request.method not in SAFE_METHODS:
            body = await _read_body(receive)
            if body is None or not _csrf_ok(request, body, session):
                await _forbidden("CSRF token missing or wrong")(scope, receive, send)
                return
            receive = replay(body)
        if session is None and not self.public(scope["path"]):
            await _to_login(request)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _session(self, request: Request) -> SessionInfo | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token or request.url.path.startswith("/static/"):
            return None  # a stylesheet needs no session, and fetching one is no activity
        touch = request.headers.get(POLL_HEADER) != "1"
        return await run_in_threadpool(self.accounts.session, token, touch=touch)


def staff_of(request: Request) -> SessionInfo | None:
    session: SessionInfo | None = request.scope.get("state", {}).get("staff")
    return session


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def _csrf_ok(request: Request, body: bytes, session: SessionInfo | None) -> bool:
    expected = session.csrf_token if session else request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected:
        return False
    supplied = request.headers.get(CSRF_HEADER) or _form_field(request, body, CSRF_FIELD)
    return bool(supplied) and hmac.compare_digest(supplied.encode(), expected.encode())


def _form_field(request: Request, body: bytes, name: str) -> str:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return ""
    values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get(name, [""])
    return values[0]


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (None when it is larger than a form may be)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes) -> Receive:
    """A ``receive`` that hands an already-read request body to the next reader once."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_headers(send: Send, *, no_store: bool) -> Send:
    async def send_with_headers(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.decode().lower() for name, _ in headers}
            extra = dict(SECURITY_HEADERS)
            if no_store:
                extra["cache-control"] = "no-store"
            headers += [(k.encode(), v.encode()) for k, v in extra.items() if k not in present]
            message["headers"] = headers
        await send(message)

    return send_with_headers


def _forbidden(reason: str) -> Response:
    return PlainTextResponse(f"403 Forbidden: {reason}", status_code=403)


def _to_login(request: Request) -> Response:
    if request.method in SAFE_METHODS:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request") == "true":
            # htmx (the queue's refresh) would follow a redirect and swap the login page into the
            # table: send the whole page to the login instead, to come back to it afterwards.
            page = urlsplit(request.headers.get("hx-current-url", ""))
            target = page.path + (f"?{page.query}" if page.query else "")
            login = f"/login?next={quote(target or '/tickets', safe='')}"
            return Response(status_code=204, headers={"HX-Redirect": login})
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return _forbidden("sign in first")
