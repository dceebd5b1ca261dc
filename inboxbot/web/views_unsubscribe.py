"""One-click unsubscribe links (RFC 8058): ``/u/TOKEN``, for the recipients of mailings, who have no account.

- ``POST /u/TOKEN`` with the body ``List-Unsubscribe=One-Click`` (form-encoded or multipart, as RFC 8058
  section 3.1 allows) unsubscribes the token's address everywhere and answers 200 with a short page,
  never a redirect; asked again it changes nothing. The platform calls it owes start right after the
  answer, in the background, instead of waiting for the worker's next cycle.
- ``GET /u/TOKEN`` only shows a page with a button that makes that POST: link scanners and mail
  previews fetch links, and must never unsubscribe anyone.
- A token that is not ours (forged, altered, of a retired key) gets 404 and changes nothing; a POST
  whose body is not ``List-Unsubscribe=One-Click`` gets 400 and changes nothing: RFC 8058 defines the
  one-click request by that body, so anything else is not one (a prefetch, a broken client).

The guard exempts ``/u/`` from sessions and CSRF (``web/app.py``: the token is the proof); the pages carry
the console's Content-Security-Policy and have no script at all.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import structlog
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from inboxbot.bootstrap import App, link_keys
from inboxbot.core.unsubscribe_links import POST_BODY, LinkTarget
from inboxbot.service.one_click import OneClick
from inboxbot.web.console import console_of
from inboxbot.web.security import replay

log = structlog.get_logger("inboxbot.web")

PREFIX = "/u/"
MAX_BODY_BYTES = 16 * 1024  # the one-click body is 26 bytes; a multipart envelope a few hundred
FIELD, VALUE = POST_BODY.split("=")

_WORDS = {
    "ru": {
        "title": "Отписка от рассылок {company}",
        "question": "Больше не присылать письма {company} на адрес {address}?",
        "button": "Отписаться",
        "done": "Готово: адрес {address} больше не будет получать рассылки {company}.",
        "invalid": "Эта ссылка недействительна. Чтобы отписаться, напишите нам на {mailbox}.",
        "bad_request": "Запрос не распознан: ничего не изменено. Откройте ссылку из письма ещё раз.",
    },
    "kk": {
        "title": "{company} таратылымдарынан бас тарту",
        "question": "{address} мекенжайына {company} хаттарын енді жібермеуді қалайсыз ба?",
        "button": "Жазылымнан бас тарту",
        "done": "Дайын: {address} мекенжайына {company} таратылымдары енді жіберілмейді.",
        "invalid": "Бұл сілтеме жарамсыз. Жазылымнан бас тарту үшін бізге {mailbox} мекенжайына жазыңыз.",
        "bad_request": "Сұрау танылмады: ештеңе өзгертілген жоқ. Хаттағы сілтемені қайта ашыңыз.",
    },
    "en": {
        "title": "Unsubscribe from {company} mailings",
        "question": "Stop sending {company} mailings to {address}?",
        "button": "Unsubscribe",
        "done": "Done: {address} will receive no more mailings from {company}.",
        "invalid": "This link is not valid. To unsubscribe, write to us at {mailbox}.",
        "bad_request": "Not understood: nothing was changed. Open the link in the mail again.",
    },
}


def routes() -> list[BaseRoute]:
    return [
        Route(PREFIX + "{token}", confirm_page, methods=["GET"]),
        Route(PREFIX + "{token}", unsubscribe, methods=["POST"]),
    ]


def one_click_of(app: App) -> OneClick:
    return OneClick(
        app.store, link_keys(app.settings), app.clock, app.platforms.names, app.settings.acks.default_language
    )


async def confirm_page(request: Request) -> Response:
    one_click: OneClick = request.app.state.one_click
    target = one_click.target(request.path_params["token"])
    if target is None:
        return await _page(request, None, "invalid", status=404)
    return await _page(request, target, "confirm")


async def unsubscribe(request: Request) -> Response:
    one_click: OneClick = request.app.state.one_click
    target = one_click.target(request.path_params["token"])
    if target is None:
        return await _page(request, None, "invalid", status=404)
    if not await _is_one_click(request):
        return await _page(request, target, "bad_request", status=400)
    done = await run_in_threadpool(one_click.unsubscribe, target)
    sync = BackgroundTask(_sync_platforms, console_of(request).app) if done.platforms else None
    return await _page(request, target, "done", background=sync)


async def _is_one_click(request: Request) -> bool:
    """Whether the body is RFC 8058's ``List-Unsubscribe=One-Click``, form-encoded or multipart."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return False
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        replayed = Request(request.scope, receive=replay(bytes(body)))
        async with replayed.form(max_files=0, max_fields=20) as form:
            return form.get(FIELD) == VALUE
    values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return values.get(FIELD, [""])[0] == VALUE


def _sync_platforms(app: App) -> None:
    """The platform calls the unsubscribe owes, made now rather than at the worker's next cycle; what
    fails here is retried by the worker (the rows stay due)."""
    try:
        app.platforms.run()
    except Exception as exc:  # never the client's problem: the answer is already sent
        log.warning("unsubscribe.platforms_deferred", error=type(exc).__name__)


async def _page(
    request: Request,
    target: LinkTarget | None,
    state: str,
    *,
    status: int = 200,
    background: BackgroundTask | None = None,
) -> Response:
    console = console_of(request)
    one_click: OneClick = request.app.state.one_click
    language = await run_in_threadpool(one_click.language, target, request.headers.get("accept-language", ""))
    settings = console.app.settings
    values = {
        "company": settings.mailbox.display_name,
        "address": target.address if target else "",
        "mailbox": settings.mailbox.address,
    }
    words = {key: text.format(**values) for key, text in _WORDS[language].items()}
    context = {
        "language": language,
        "words": words,
        "state": state,
        "field": FIELD,
        "value": VALUE,
        "action": request.url.path,
    }
    response = console.pages.TemplateResponse(
        request, "unsubscribe.html", context, status_code=status, background=background
    )
    response.headers["x-robots-tag"] = "noindex"
    return response
