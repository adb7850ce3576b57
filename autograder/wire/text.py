"""Text that came out of the sandbox, made safe to store, write and print.

Every string the trusted side takes from the sandbox (an exception's type
and message, a location, a missing name, a string inside an exported value)
passes through :func:`clean_text` once, where it crosses the boundary:

* invalid Unicode (a lone surrogate, which no UTF-8 writer accepts and which
  would crash writing a report) becomes U+FFFD;
* terminal escape sequences (colours, window titles, clipboard writes,
  clearing the screen) and every other control character are removed, as
  are the Unicode controls that reorder how a line is displayed;
* line breaks become spaces unless the caller keeps them;
* the text is capped at ``limit`` characters, saying how much was cut.

Anything that is not a ``str`` gives ``""``: a validator never calls
``str()`` on a value the sandbox chose (a 4,300-digit integer, a deeply
nested list).
"""

from __future__ import annotations

import re
from typing import Any

# ESC-introduced sequences: CSI (ESC [ ... final byte), OSC/DCS/SOS/PM/APC
# (ESC ] P X ^ _ ... up to BEL or ST), and two-character escapes (ESC x).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # the 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|$)",  # 8-bit DCS, SOS, OSC, PM, APC
    re.DOTALL,
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x85\u2028\u2029]")
# C0 and C1 controls, DEL, and the bidirectional controls that make a line
# display in another order than it reads (U+061C, U+200E/F, U+202A-E, U+2066-9)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
TRUNCATED = " [... {total} characters in all]"


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (it can then be encoded as UTF-8)."""
    return _SURROGATE.sub("\ufffd", text)


def clean_text(value: Any, limit: int, *, keep_newlines: bool = False) -> str:
    """Untrusted ``value`` as printable text of at most ``limit`` characters ("" if not a str)."""
    if type(value) is not str:
        return ""
    # clean only what can be kept: a 2 MB message costs no more than a short one
    text = valid_unicode(value[: 2 * limit + 64])
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAK.sub("\n" if keep_newlines else " ", text).replace("\t", " ")
    text = _CONTROL.sub("", text).strip()
    if len(text) <= limit and len(value) <= 2 * limit + 64:
        return text
    marker = TRUNCATED.format(total=len(value))
    if len(marker) * 2 > limit:  # too short to say so
        return text[:limit]
    return text[: limit - len(marker)].rstrip() + marker


def first_line(value: Any, limit: int) -> str:
    """The first non-empty line of untrusted ``value``, cleaned and capped (see :func:`clean_text`)."""
    if type(value) is not str:
        return ""
    for line in _LINE_BREAK.split(value[: 2 * limit + 64]):
        cleaned = clean_text(line, limit)
        if cleaned:
            return cleaned
    return ""
