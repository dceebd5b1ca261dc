"""A ticket's page (``/tickets/{number}``) and the actions on it. Every action is a POST that calls one
:class:`~inboxbot.service.desk.Desk` function as ``staff:<email>`` and redirects back (Post/Redirect/Get);
a refusal comes back as a one-line message, and a reply that someone else overtook is held back with
the draft kept in the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from inboxbot.bootstrap import App
from inboxbot.core.changes import FIELDS
from inboxbot.core.intents import Classification, Intent
from inboxbot.service.accounts import SessionInfo
from inboxbot.service.desk import Conflict
from inboxbot.service.mailer import greeting_name
from inboxbot.service.saved_replies import saved_replies
from inboxbot.service.staff import Refused, TicketNotFound
from inboxbot.service.ticket_view import attachment_of, staff_choices, ticket_view
from inboxbot.web.console import Console, console_of
from inboxbot.web.security import staff_of

Action = Callable[[App, str, SessionInfo, FormData], object]


def routes() -> list[BaseRoute]:
    return [
        Route("/tickets/{number}", page, methods=["GET"]),
        Route("/tickets/{number}/mail/{message_id:int}/attachment/{index:int}", download, methods=["GET"]),
        Route("/tickets/{number}/reply", reply, methods=["POST"]),
        *[Route(f"/tickets/{{number}}/{name}", _endpoint(name), methods=["POST"]) for name in ACTIONS],
    ]


async def page(request: Request, *, draft: str = "", warning: str = "", status: int = 200) -> Response:
    console = console_of(request)
    number = request.path_params["number"]
    try:
        view = await run_in_threadpool(ticket_view, console.app.store, number, now=console.app.clock())
    except TicketNotFound:
        return console.render(request, "error.html", {"message": "not_found"}, status=404)
    staff = await run_in_threadpool(staff_choices, console.app.store)
    values = {"client_name": greeting_name(view.ticket.sender_name), "ticket_number": view.ticket.number}
    saved = saved_replies(console.app.templates, view.ticket.language, values)
    chosen = request.query_params.get("saved", "")
    draft = draft or next((reply.body for reply in saved if reply.name == chosen), "")
    context = {
        "view": view,
        "ticket": view.ticket,
        "staff_list": staff,
        "saved": saved,
        "intents": [i.value for i in Intent if i is not Intent.AUTOMATED],
        "draft": draft,
        "warning": warning,
        "done": request.query_params.get("done", ""),
        "error": request.query_params.get("error", ""),
    }
    return console.render(request, "ticket.html", context, status=status)


async def download(request: Request) -> Response:
    """An attachment, always as a download of unknown type: never shown, never run by the browser."""
    console = console_of(request)
    params = request.path_params
    try:
        name, data = await run_in_threadpool(
            attachment_of, console.app.store, params["number"], params["message_id"], params["index"]
        )
    except TicketNotFound:
        return console.render(request, "error.html", {"message": "not_found"}, status=404)
    headers = {
        "content-disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "content-security-policy": "sandbox; default-src 'none'",
    }
    return Response(data, media_type="application/octet-stream", headers=headers)


async def reply(request: Request) -> Response:
    console, session, number = _who(request)
    form = await request.form()
    text = str(form.get("text", ""))
    mode = str(form.get("mode", "reply"))
    seen = _int(form.get("seen_event"))
    try:
        await run_in_threadpool(
            lambda: console.app.desk.reply(
                number,
                text,
                actor=session.member.actor,
                staff_name=session.member.name,
                mode=mode,
                seen_event=seen,
            )
        )
    except Conflict as exc:
        return await page(request, draft=text, warning=str(exc), status=409)
    except Refused as exc:
        return await page(request, draft=text, warning=str(exc), status=400)
    except TicketNotFound:
        return console.render(request, "error.html", {"message": "not_found"}, status=404)
    return _back(number, done="replied")


def _note(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.desk.note(number, str(form.get("text", "")), actor=session.member.actor)


def _assign(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    target = str(form.get("to", "")).strip() or None
    return app.desk.assign(number, target, actor=session.member.actor)


def _take(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.desk.assign(number, session.member.email, actor=session.member.actor)


def _wait(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.desk.wait(number, actor=session.member.actor)


def _reopen(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.desk.reopen(number, actor=session.member.actor)


def _resolve(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    note = str(form.get("note", "")).strip() or "resolved in the console"
    notify = form.get("notify") == "1"
    return app.desk.resolve(number, note=note, actor=session.member.actor, notify_client=notify)


def _dismiss(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    reason = str(form.get("reason", "not-a-request"))
    if reason not in {"spam", "robot", "not-a-request"}:
        raise Refused(f"unknown reason {reason!r}")
    return app.desk.dismiss(number, reason=reason, actor=session.member.actor)


def _triage(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    try:
        chosen = tuple(Intent(str(value)) for value in form.getlist("intents"))
        Classification(chosen, "ru", 1.0, False)
    except ValueError as exc:
        raise Refused(str(exc)) from exc
    return app.desk.triage(number, actor=session.member.actor, intents=chosen or None)


def _verify(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.data.verify(number, reason=str(form.get("reason", "")), actor=session.member.actor)


def _resend(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.data.resend_code(number, actor=session.member.actor)


def _proposal(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    values = {field: str(form.get(field, "")) for field in FIELDS if field in form}
    return app.data.edit_proposal(number, values, actor=session.member.actor)


def _apply(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.data.apply(number, actor=session.member.actor)


def _refuse(app: App, number: str, session: SessionInfo, form: FormData) -> object:
    return app.data.refuse(number, reason=str(form.get("reason", "")), actor=session.member.actor)


ACTIONS: dict[str, tuple[Action, str]] = {
    "note": (_note, "noted"),
    "assign": (_assign, "assigned"),
    "take": (_take, "assigned"),
    "wait": (_wait, "waiting"),
    "reopen": (_reopen, "reopened"),
    "resolve": (_resolve, "resolved"),
    "dismiss": (_dismiss, "dismissed"),
    "triage": (_triage, "triaged"),
    "verify": (_verify, "verified"),
    "resend-code": (_resend, "code_sent"),
    "proposal": (_proposal, "proposal_saved"),
    "apply": (_apply, "applied"),
    "refuse": (_refuse, "refused"),
}


def _endpoint(name: str) -> Callable[[Request], Any]:
    action, done = ACTIONS[name]

    async def endpoint(request: Request) -> Response:
        console, session, number = _who(request)
        form = await request.form()
        try:
            await run_in_threadpool(action, console.app, number, session, form)
        except Refused as exc:
            return _back(number, error=str(exc))
        except TicketNotFound:
            return console.render(request, "error.html", {"message": "not_found"}, status=404)
        return _back(number, done=done)

    endpoint.__name__ = f"ticket_{name}"
    return endpoint


def _who(request: Request) -> tuple[Console, SessionInfo, str]:
    session = staff_of(request)
    assert session is not None  # the guard lets no one without a session this far
    return console_of(request), session, str(request.path_params["number"])


def _back(number: str, **message: str) -> Response:
    key, value = next(iter(message.items()))
    return RedirectResponse(f"/tickets/{quote(number)}?{key}={quote(value)}", status_code=303)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
