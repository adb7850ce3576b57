"""Text a submission controls, made safe for where it is shown: a terminal, Markdown, a CSV cell.

A cell's exception message, a label, a note quoting student output or an
item message that echoes what a function raised is written by the student.
Every writer passes such text through these functions, so that whatever
string arrives (the sandbox boundary cleans strings too, but a writer never
relies on it):

* it can be encoded: a lone surrogate is replaced, never a crash that
  stops a batch from writing the next student's files;
* it cannot drive a terminal: escape sequences (CSI, OSC: window title,
  clipboard; DCS...), other control characters and bidirectional overrides
  are removed;
* it cannot become Markdown: it is shown in a code span (no image, link,
  HTML, mention or emoji is rendered there), with pipes escaped so that it
  cannot end a table cell;
* it cannot start a spreadsheet formula in a CSV cell;
* it is clipped to a length, saying how much was cut.
"""

from __future__ import annotations

import csv
import io
import re

REPLACEMENT = "\ufffd"
# ESC and C1 sequences: CSI (colours, clear screen), OSC (window title, clipboard,
# hyperlinks) ended by BEL or ST, DCS/SOS/PM/APC strings, and two-character escapes.
_TERMINAL_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# what is left: C0 and C1 controls (tab and newline kept), DEL, and the
# bidirectional controls that make a terminal or a browser show text reordered
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# what can start inline markup (emphasis, code, links, HTML, entities, math, table cells)
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|~&!$])")


def printable(text: object) -> str:
    """``text`` as valid Unicode without terminal escapes or control characters (tab, newline kept)."""
    value = _as_str(text)
    # A surrogate pair spelled as two code points is joined; a lone one becomes U+FFFD.
    value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _CONTROL.sub("", _TERMINAL_SEQUENCE.sub("", value))


def one_line(text: object) -> str:
    """:func:`printable`, with every run of whitespace (newlines included) folded to one space."""
    return " ".join(printable(text).split())


def brief(text: object, limit: int | None) -> str:
    """``text`` on one line (:func:`one_line`), cut to ``limit`` characters, saying how many more.

    Only the start of a long text is read (cleaning never lengthens text), so
    a megabyte of student output costs no more than the part that is shown.
    """
    raw = _as_str(text)
    if limit is None:
        return one_line(raw)
    window = 2 * limit + 64
    shown = one_line(raw[:window])
    if len(shown) <= limit and len(raw) <= window:
        return shown
    return f"{shown[:limit].rstrip()} … ({max(len(raw) - limit, 1):,} more characters)"


def _as_str(text: object) -> str:
    if isinstance(text, str):
        return text
    try:
        return str(text)
    except ValueError:  # an integer with more digits than Python converts
        return "(a number too long to show)"


def markdown_code(text: object, *, limit: int | None = None, in_table: bool = False) -> str:
    """``text`` on one line as a Markdown code span: shown literally, never rendered as markup.

    The fence is longer than any run of backticks inside. In a table cell a
    pipe ends the cell even inside a code span, so it is escaped (``\\|``,
    which GitHub shows as ``|``), and a backslash right before it is kept
    apart from it so that no reading of ``\\\\|`` can turn it back into a
    cell separator.
    """
    content = brief(text, limit)
    if not content:
        return ""
    if in_table:
        content = re.sub(r"\\(?=\|)", "\\\\ ", content).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", content)), default=0) + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def markdown_escaped(text: object, *, limit: int | None = None) -> str:
    """Text the course wrote (a hint, a week name) on one line, its inline markup escaped.

    It renders as exactly its characters (no HTML entities, which a reader of
    the raw file would see). Text a submission controls goes through
    :func:`markdown_code` instead: GitHub finds mentions after escapes are gone.
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", brief(text, limit))


def markdown_block(text: object, *, limit: int) -> str:
    """Multi-line text a submission controls (a written answer) as a fenced code block: shown
    literally, line breaks kept, nothing rendered; cut to ``limit`` characters, saying how many more.

    The fence is longer than any run of backticks inside, so the text cannot close it.
    """
    raw = _as_str(text)
    content = printable(raw[:limit]).rstrip()
    if len(raw) > limit:
        content += f"\n… ({len(raw) - limit:,} more characters)"
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", content)), default=0) + 1)
    return f"{fence}text\n{content}\n{fence}"


def csv_cell(text: object) -> str:
    """A CSV cell that a spreadsheet shows as text: one that could start a formula gets a ``'``.

    The grader's own numbers are never signed, so every cell starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a line break is prefixed (OWASP's rule);
    control characters and invalid Unicode are removed as for a terminal.
    """
    value = printable(text)
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_text(table: list[list[str]]) -> str:
    """Rows as CSV text (``\\n`` line ends), every cell through :func:`csv_cell`."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    for cells in table:
        writer.writerow([csv_cell(cell) for cell in cells])
    return stream.getvalue()


__all__ = [
    "REPLACEMENT",
    "brief",
    "csv_cell",
    "csv_text",
    "markdown_block",
    "markdown_code",
    "markdown_escaped",
    "one_line",
    "printable",
]
