"""Reduce an HTML mail body to plain text, keeping quoted blocks recognisable.

Quoted material (``<blockquote>``, Gmail's ``gmail_quote``, Yahoo's and Proton's quote containers) is
rendered with ``> `` prefixes so that :mod:`inboxbot.core.quotes` treats it like any plain-text quote.
Scripts, styles and comments are dropped; the walk is iterative, so hostile nesting cannot exhaust
the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html

_SKIP = frozenset(
    {"script", "style", "head", "title", "meta", "template", "noscript", "svg", "object", "iframe"}
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "li",
        "tr",
        "table",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "pre",
        "hr",
        "address",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "form",
        "fieldset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "center",
        "main",
        "nav",
        "aside",
        "figure",
        "figcaption",
        "details",
        "summary",
    }
)
_QUOTE_CLASSES = frozenset({"gmail_quote", "yahoo_quoted", "protonmail_quote", "moz-forward-container"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_MAX_BLANK_RUN = 2


@dataclass
class _Renderer:
    lines: list[tuple[int, str]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    line_depth: int = 0
    depth: int = 0
    in_pre: int = 0

    def text(self, value: str | None) -> None:
        if not value:
            return
        if self.in_pre:
            chunks = value.split("\n")
            for i, chunk in enumerate(chunks):
                if i:
                    self.newline()
                self._append(chunk)
            return
        collapsed = _SPACES.sub(" ", value)
        if not self.parts:
            collapsed = collapsed.lstrip()
        self._append(collapsed)

    def _append(self, value: str) -> None:
        if not value:
            return
        if not self.parts:
            self.line_depth = self.depth
        self.parts.append(value)

    def newline(self) -> None:
        line = "".join(self.parts).rstrip()
        self.lines.append((self.line_depth if line else self.depth, line))
        self.parts = []

    def block_edge(self) -> None:
        if self.parts:
            self.newline()

    def result(self) -> str:
        self.block_edge()
        out: list[str] = []
        blank_run = 0
        for depth, line in self.lines:
            blank_run = blank_run + 1 if not line else 0
            if blank_run >= _MAX_BLANK_RUN:
                continue
            out.append(("> " * depth + line).rstrip() if depth else line)
        return "\n".join(out).strip("\n")


def _is_quote(el: etree._Element) -> bool:
    if el.tag == "blockquote":
        return True
    classes = set((el.get("class") or "").split())
    return bool(classes & _QUOTE_CLASSES)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML document or fragment; quoted blocks become ``> `` lines."""
    if not markup.strip():
        return ""
    try:
        root = html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return ""
    return _render(root)


_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)


def _render(root: etree._Element) -> str:
    out = _Renderer()
    skipping = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None
        skipping = _on_start(out, el, tag, skipping) if event == "start" else _on_end(out, el, tag, skipping)
    return out.result()


def _on_start(out: _Renderer, el: etree._Element, tag: str | None, skipping: int) -> int:
    if tag is None:
        return skipping
    if skipping or tag in _SKIP:
        return skipping + 1
    if tag in _BLOCK:
        out.block_edge()
    if _is_quote(el):
        out.depth += 1
    if tag == "pre":
        out.in_pre += 1
    out.text(el.text)
    return skipping


def _on_end(out: _Renderer, el: etree._Element, tag: str | None, skipping: int) -> int:
    if tag is not None and skipping:
        skipping -= 1
        if skipping:
            return skipping
        out.text(el.tail)
        return 0
    if tag == "br":
        out.newline()
    elif tag in _BLOCK:
        out.block_edge()
        if tag in {"p", "hr"} or (tag and tag[0] == "h" and tag[1:].isdigit()):
            out.lines.append((out.depth, ""))
    if tag is not None and _is_quote(el):
        out.block_edge()
        out.depth = max(0, out.depth - 1)
    if tag == "pre":
        out.in_pre = max(0, out.in_pre - 1)
    if not skipping:
        out.text(el.tail)
    return skipping
