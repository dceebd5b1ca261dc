"""Render outgoing mail from the Jinja2 templates under ``templates/<kind>/<lang>.*``.

Each kind has, per language, ``<lang>.subject.txt``, ``<lang>.body.txt`` and ``<lang>.body.html``.
HTML is autoescaped; an undefined variable fails loudly instead of sending a broken mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplateMissing(Exception):
    """No template for this kind of mail in any acceptable language."""


@dataclass(frozen=True)
class RenderedMail:
    language: str
    subject: str
    text: str
    html: str


class Templates:
    def __init__(self, root: Path = DEFAULT_TEMPLATES, fallback_language: str = "ru") -> None:
        self.root = root
        self.fallback_language = fallback_language
        self.env = Environment(
            loader=FileSystemLoader(str(root)),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def has(self, kind: str, language: str) -> bool:
        return (self.root / kind / f"{language}.body.txt").is_file()

    def render(self, kind: str, language: str, context: dict[str, Any]) -> RenderedMail:
        """Render ``kind`` in ``language``, or in the fallback language when that one is missing."""
        for lang in dict.fromkeys((language, self.fallback_language)):
            try:
                return self._render(kind, lang, context)
            except TemplateNotFound:
                continue
        raise TemplateMissing(
            f"no template {kind!r} in {language!r} or {self.fallback_language!r} under {self.root}"
        )

    def _render(self, kind: str, language: str, context: dict[str, Any]) -> RenderedMail:
        subject = self.env.get_template(f"{kind}/{language}.subject.txt").render(context)
        text = self.env.get_template(f"{kind}/{language}.body.txt").render(context)
        html = self.env.get_template(f"{kind}/{language}.body.html").render(context)
        return RenderedMail(language=language, subject=" ".join(subject.split()), text=text, html=html)
