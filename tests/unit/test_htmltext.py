from __future__ import annotations

from inboxbot.core.htmltext import html_to_text


def test_blocks_and_line_breaks_become_lines() -> None:
    html = "<div><p>Добрый день!</p><p>Строка 1<br>Строка 2</p><ul><li>a</li><li>b</li></ul></div>"
    assert html_to_text(html) == "Добрый день!\n\nСтрока 1\nСтрока 2\n\na\nb"


def test_quoted_blocks_are_prefixed_like_plain_text_quotes() -> None:
    html = (
        '<div>Stop please</div><div class="gmail_quote">On Mon X wrote:'
        "<blockquote>Newsletter<br>Unsubscribe</blockquote></div>"
    )
    assert html_to_text(html) == "Stop please\n> On Mon X wrote:\n> > Newsletter\n> > Unsubscribe"


def test_scripts_styles_and_comments_are_dropped() -> None:
    html = "<style>p{}</style><script>evil()</script><p>Visible<!-- hidden --></p><noscript>x</noscript>"
    assert html_to_text(html) == "Visible"


def test_entities_and_whitespace_are_normalised() -> None:
    assert html_to_text("<p>a&nbsp;&amp;\n\n   b</p>") == "a & b"


def test_hostile_markup_never_raises() -> None:
    for markup in ("<" * 10_000, "<div>" * 100_000, "\x00\x01<p>", "<![CDATA[x]]>", "<?xml?><html"):
        assert isinstance(html_to_text(markup), str)
