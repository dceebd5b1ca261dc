"""What every view of the console shares: the assembled app, the page templates, and how a page is
rendered (the staff member's language, their CSRF token, times in the configured zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from inboxbot.bootstrap import App
from inboxbot.core.times import local_text
from inboxbot.web.i18n import LANGUAGES, event_label, translator
from inboxbot.web.security import CSRF_FIELD, staff_of


@dataclass(frozen=True)
class Console:
    """What every view needs: the assembled application and the page templates."""

    app: App
    pages: Jinja2Templates
    zone: ZoneInfo

    def render(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        session = staff_of(request)
        language = session.member.language if session else _preferred(request)
        values = {
            "_": translator(language),
            "language": language,
            "languages": LANGUAGES,
            "staff": session.member if session else None,
            "csrf_token": session.csrf_token if session else "",
            "csrf_field": CSRF_FIELD,
            "zone": self.zone.key,
            "local": lambda moment: local_text(moment, self.zone),
            "span": lambda delta: span_text(delta, language),
            "label": lambda kind: event_label(kind, language),
            "at_risk": timedelta(hours=self.app.settings.sla.at_risk_hours),
            **context,
        }
        return self.pages.TemplateResponse(request, name, values, status_code=status)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def page_environment() -> Environment:
    return Environment(
        loader=PackageLoader("inboxbot", "web/pages"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _preferred(request: Request) -> str:
    accepted = request.headers.get("accept-language", "")
    for part in accepted.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "ru"


_UNITS = {"ru": ("д", "ч", "мин"), "kk": ("күн", "сағ", "мин"), "en": ("d", "h", "min")}


def span_text(delta: timedelta, language: str) -> str:
    """``1 d 3 h``, ``3 h 20 min``, ``12 min`` in the staff member's language (sign ignored)."""
    days_unit, hours_unit, minutes_unit = _UNITS.get(language, _UNITS["en"])
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} {days_unit} {hours} {hours_unit}"
    if hours:
        return f"{hours} {hours_unit} {minutes} {minutes_unit}"
    return f"{minutes} {minutes_unit}"


def now_of(request: Request) -> datetime:
    return console_of(request).app.clock()


def make_console(app: App) -> Console:
    return Console(app, Jinja2Templates(env=page_environment()), ZoneInfo(app.settings.tickets.timezone))
