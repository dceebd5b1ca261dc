"""Saved replies: texts staff start a reply from, one per language, kept as templates
(``templates/_saved/<name>/<lang>.title.txt`` and ``<lang>.body.txt``; an operator's folder may add
or override them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateNotFound

from inboxbot.templating import Templates

FOLDER = "_saved"


@dataclass(frozen=True)
class SavedReply:
    name: str
    language: str
    title: str
    body: str


def saved_replies(
    templates: Templates, language: str, context: dict[str, Any] | None = None
) -> list[SavedReply]:
    """Every saved reply in ``language`` (the ticket's), each falling back to the default language."""
    names = sorted({name.split("/")[1] for name in _listed(templates) if name.count("/") == 2})
    found = (_one(templates, name, language, context or {}) for name in names)
    return [reply for reply in found if reply is not None]


def _listed(templates: Templates) -> list[str]:
    loader = templates.env.loader
    assert loader is not None
    return [name for name in loader.list_templates() if name.startswith(f"{FOLDER}/")]


def _one(templates: Templates, name: str, language: str, context: dict[str, Any]) -> SavedReply | None:
    for lang in dict.fromkeys((language, templates.fallback_language)):
        try:
            title = templates.env.get_template(f"{FOLDER}/{name}/{lang}.title.txt").render(context)
            body = templates.env.get_template(f"{FOLDER}/{name}/{lang}.body.txt").render(context)
        except TemplateNotFound:
            continue
        return SavedReply(name, lang, " ".join(title.split()), body.strip())
    return None
