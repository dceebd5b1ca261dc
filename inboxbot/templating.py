"""Render outgoing mail from the Jinja2 templates under ``templates/<kind>/<lang>.*``.

Each kind has, per language, ``<lang>.subject.txt``, ``<lang>.body.txt`` and ``<lang>.body.html``.
HTML is autoescaped; an undefined variable fails loudly instead of sending a broken mail.

The shipped templates are package data (``inboxbot/templates``, read through ``importlib.resources``,
so an installed wheel has them); an operator's own folder (``[templates] path``) is searched first,
so it may override any of them one file at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)

DEFAULT_TEMPLATES: Traversable = files("inboxbot") / "templates"
"""The templates shipped with inboxbot."""


class TemplateMissing(Exception):
    """No template for this kind of mail in any acceptable language."""


@dataclass(frozen=True)
class RenderedMail:
    language: str
    subject: str
    text: str
    html: str


class Templates:
    def __init__(self, root: Path | None = None, fallback_language: str = "ru") -> None:
        """``root``: an operator's folder searched before the shipped templates."""
        self.root = root
        self.fallback_language = fallback_language
        loaders: list[BaseLoader] = [PackageLoader("inboxbot", "templates")]
        if root is not None:
            loaders.insert(0, FileSystemLoader(str(root)))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    @property
    def where(self) -> str:
        shipped = "the templates shipped with inboxbot"
        return f"{self.root} or {shipped}" if self.root is not None else shipped

    def has(self, kind: str, language: str) -> bool:
        try:  # the source only: nothing compiled or cached
            self.env.loader.get_source(self.env, f"{kind}/{language}.body.txt")  # type: ignore[union-attr]
        except TemplateNotFound:
            return False
        return True

    def render(self, kind: str, language: str, context: dict[str, Any]) -> RenderedMail:
        """Render ``kind`` in ``language``, or in the fallback language when that one is missing."""
        for lang in dict.fromkeys((language, self.fallback_language)):
            try:
                return self._render(kind, lang, context)
            except TemplateNotFound:
                continue
        raise TemplateMissing(
            f"no template {kind!r} in {language!r} or {self.fallback_language!r} in {self.where}"
        )

    def _render(self, kind: str, language: str, context: dict[str, Any]) -> RenderedMail:
        subject = self.env.get_template(f"{kind}/{language}.subject.txt").render(context)
        text = self.env.get_template(f"{kind}/{language}.body.txt").render(context)
        html = self.env.get_template(f"{kind}/{language}.body.html").render(context)
        return RenderedMail(language=language, subject=" ".join(subject.split()), text=text, html=html)
