"""Framing of the messages the sandbox sends to the trusted process.

One frame is a 4-byte big-endian header length, a JSON header, then the
binary blobs whose lengths the header lists under ``"blobs"``. The harness
writes frames to an inherited pipe; the trusted side reads them with a cap
on the whole stream and a much smaller one on each frame, so that one forged
length cannot make it buffer hundreds of megabytes. Nothing here interprets
more than lengths and JSON, and whatever the bytes are, reading them either
gives frames or raises :class:`ProtocolError`.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_HEADER_BYTES = 1_000_000
MAX_STREAM_BYTES = 512_000_000
MAX_FRAME_BYTES = 40_000_000  # one frame, header and blobs: room for a job (a 32 MiB notebook)


class ProtocolError(ValueError):
    """The frame stream is malformed or too large."""


@dataclass
class Frame:
    header: dict[str, Any]
    blobs: list[bytes] = field(default_factory=list)

    @property
    def kind(self) -> str:
        kind = self.header.get("type")
        return kind if type(kind) is str else ""


def pack(header: dict[str, Any], *blobs: bytes) -> bytes:
    head = json.dumps({**header, "blobs": [len(b) for b in blobs]}, allow_nan=True).encode()
    return struct.pack(">I", len(head)) + head + b"".join(blobs)


class FrameReader:
    """Incrementally splits a byte stream into frames."""

    def __init__(
        self, max_bytes: int = MAX_STREAM_BYTES, max_frame_bytes: int = MAX_FRAME_BYTES
    ) -> None:
        self._buffer = bytearray()
        self._total = 0
        self._max = max_bytes
        self._max_frame = max_frame_bytes

    def feed(self, data: bytes) -> Iterator[Frame]:
        self._total += len(data)
        if self._total > self._max:
            raise ProtocolError(f"the sandbox sent more than {self._max} bytes")
        self._buffer += data
        while True:
            frame = self._next()
            if frame is None:
                return
            yield frame

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame left in the buffer."""
        return len(self._buffer)

    def _next(self) -> Frame | None:
        if len(self._buffer) < 4:
            return None
        (size,) = struct.unpack(">I", self._buffer[:4])
        if size > MAX_HEADER_BYTES:
            raise ProtocolError("frame header too large")
        if len(self._buffer) < 4 + size:
            return None
        try:
            header = json.loads(bytes(self._buffer[4 : 4 + size]))
        except (ValueError, RecursionError):
            # not JSON, not UTF-8, an integer of more than 4,300 digits, nesting too deep
            raise ProtocolError("frame header is not valid JSON") from None
        if not isinstance(header, dict):
            raise ProtocolError("frame header is not an object")
        lengths = header.get("blobs", [])
        if not isinstance(lengths, list) or not all(type(n) is int and n >= 0 for n in lengths):
            raise ProtocolError("frame blob lengths are malformed")
        if 4 + size + sum(lengths) > self._max_frame:
            raise ProtocolError(f"a frame is larger than {self._max_frame} bytes")
        end = 4 + size + sum(lengths)
        if len(self._buffer) < end:
            return None
        blobs = []
        offset = 4 + size
        for n in lengths:
            blobs.append(bytes(self._buffer[offset : offset + n]))
            offset += n
        del self._buffer[:end]
        return Frame(header, blobs)
