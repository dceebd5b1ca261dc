"""Managing staff (``/staff``): admins add and disable accounts; agents are refused (403)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from inboxbot.service.accounts import AccountError, Role
from inboxbot.web.console import console_of
from inboxbot.web.i18n import LANGUAGES
from inboxbot.web.security import staff_of


def routes() -> list[BaseRoute]:
    return [
        Route("/staff", staff_page, methods=["GET"]),
        Route("/staff", add_staff, methods=["POST"]),
        Route("/staff/disable", disable_staff, methods=["POST"]),
    ]


def _admin(request: Request) -> Response | None:
    """None for an admin; the refusal page for anyone else."""
    session = staff_of(request)
    if session is not None and session.member.is_admin:
        return None
    return console_of(request).render(request, "error.html", {"message": "forbidden"}, status=403)


async def staff_page(request: Request, *, error: str = "", status: int = 200) -> Response:
    refused = _admin(request)
    if refused is not None:
        return refused
    console = console_of(request)
    members = await run_in_threadpool(console.app.accounts.list)
    context = {
        "members": members,
        "roles": [r.value for r in Role],
        "error": error,
        "done": request.query_params.get("done", ""),
        "ui_languages": LANGUAGES,
    }
    return console.render(request, "staff.html", context, status=status)


async def add_staff(request: Request) -> Response:
    refused = _admin(request)
    if refused is not None:
        return refused
    form = await request.form()
    try:
        role = Role(str(form.get("role", "agent")))
        language = str(form.get("language", "ru"))
        if language not in LANGUAGES:
            raise AccountError(f"unknown language {language!r}")
        await run_in_threadpool(
            console_of(request).app.accounts.add,
            str(form.get("email", "")),
            str(form.get("name", "")),
            str(form.get("password", "")),
            role=role,
            language=language,
        )
    except (AccountError, ValueError) as exc:
        return await staff_page(request, error=str(exc), status=400)
    return RedirectResponse("/staff?done=added", status_code=303)


async def disable_staff(request: Request) -> Response:
    refused = _admin(request)
    if refused is not None:
        return refused
    form = await request.form()
    try:
        await run_in_threadpool(console_of(request).app.accounts.disable, str(form.get("email", "")))
    except AccountError as exc:
        return await staff_page(request, error=str(exc), status=400)
    return RedirectResponse("/staff?done=disabled", status_code=303)
