"""What a browser would make of a Markdown report: tags, text outside code, table cells.

mistune (nbconvert's Markdown renderer, GFM tables) stands in for GitHub's;
:func:`unescaped_pipes` is stricter than either, counting a pipe after an
escaped backslash as a cell separator, as some renderers do.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

mistune = pytest.importorskip("mistune")


class _Html(HTMLParser):
    """Tags, and the text outside ``<code>`` elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.outside_code: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.depth += tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.outside_code.append(data)


def rendered(text: str) -> _Html:
    html = mistune.create_markdown(escape=False, plugins=["table", "url", "strikethrough"])(text)
    parser = _Html()
    parser.feed(html)
    return parser


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def unescaped_pipes(line: str) -> int:
    """Pipes that end a cell under any reading: not directly after a single backslash."""
    return len(re.findall(r"(?<!\\)\||(?<=\\\\)\|", line))
