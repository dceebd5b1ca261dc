"""Signing in and out, and the staff member's interface language."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from inboxbot.core.times import local_text
from inboxbot.service.accounts import LoginRefused
from inboxbot.web.console import console_of
from inboxbot.web.i18n import LANGUAGES
from inboxbot.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, new_login_token, staff_of


def routes() -> list[BaseRoute]:
    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/account/language", set_language, methods=["POST"]),
    ]


async def login_page(request: Request) -> Response:
    if staff_of(request) is not None:
        return RedirectResponse(_next(request.query_params.get("next")), status_code=303)
    return _login_form(request, error=None)


async def login(request: Request) -> Response:
    console = console_of(request)
    form = await request.form()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    try:
        session = await run_in_threadpool(console.app.accounts.login, email, password)
    except LoginRefused as exc:
        await asyncio.sleep(exc.delay)  # repeated failures are slowed; the lock comes after five
        error = (
            ("login.locked", local_text(exc.locked_until, console.zone))
            if exc.locked_until
            else ("login.failed", "")
        )
        return _login_form(request, error=error, email=email, status=401)
    response = RedirectResponse(_next(str(form.get("next", ""))), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await run_in_threadpool(console_of(request).app.accounts.logout, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def set_language(request: Request) -> Response:
    session = staff_of(request)
    form = await request.form()
    language = str(form.get("language", ""))
    if session is not None and language in LANGUAGES:
        await run_in_threadpool(console_of(request).app.accounts.set_language, session.member.email, language)
    return RedirectResponse(_next(str(form.get("next", ""))), status_code=303)


def _login_form(
    request: Request, *, error: tuple[str, str] | None, email: str = "", status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_token()
    context = {
        "error": error,
        "email": email,
        "next": _next(request.query_params.get("next")),
        "login_token": token,
    }
    response = console_of(request).render(request, "login.html", context, status=status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/login"
    )
    return response


def _next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another host."""
    if not target:
        return "/tickets"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/tickets"
    return target


def _secure(request: Request) -> bool:
    """Secure cookies unless the console is served on loopback over plain HTTP (development, or a
    proxy on the same machine that says it took the request over HTTPS, which makes it secure again)."""
    if request.url.scheme == "https":
        return True
    return console_of(request).app.settings.web.host not in LOOPBACK


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
