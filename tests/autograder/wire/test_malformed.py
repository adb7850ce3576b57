"""Malformed data from the sandbox: every decoding path ends in a refusal, never a crash.

The frame reader raises only ``ProtocolError``, the payload decoder only
``ExchangeError``, the validators nothing; scoring turns each into a zero
for that item with a message.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import struct
import zipfile
from typing import Any

import numpy as np
import pytest

from autograder.scoring.compare import score_item
from autograder.spec import Item, Outcome
from autograder.wire import exchange, framing
from autograder.wire.export import Isolation, ItemExport, RunExport, cell_export, item_export

HUGE_INT = b"9" * 5000  # over Python's 4,300-digit limit for int('...')
FLOAT_OVERFLOW = b"9" * 400  # an int, fine as an int, too large for a float
DEEP = b"[" * 100_000 + b"]" * 100_000


def _frame_bytes(header: bytes, *blobs: bytes) -> bytes:
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


@pytest.mark.parametrize(
    "header",
    [
        b'{"type": "item", "seconds": ' + HUGE_INT + b"}",
        b'{"type": "item", "error": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"type": "\xff\xfe"}',
        b'{"blobs": [' + HUGE_INT + b"]}",
        b"[" * 200_000,
    ],
    ids=["huge-int", "deep", "not-utf8", "huge-length", "deep-unclosed"],
)
def test_a_malformed_header_is_a_protocol_error(header: bytes) -> None:
    with pytest.raises(framing.ProtocolError):
        list(framing.FrameReader().feed(_frame_bytes(header)))


def test_one_frame_cannot_claim_more_than_the_frame_cap() -> None:
    reader = framing.FrameReader(max_frame_bytes=1000)
    with pytest.raises(framing.ProtocolError, match="larger than"):
        # the claim alone is refused: the 10 GB never have to arrive
        list(reader.feed(_frame_bytes(b'{"blobs": [10000000000]}')))


def _npz_with_header(shape: tuple[int, ...], data: bytes) -> bytes:
    """An .npz whose one array claims ``shape`` (float64) but holds ``data``."""
    buffer = io.BytesIO()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a0.npy", np.lib.format.magic(1, 0) + header.getvalue() + data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("doc", "npz"),
    [
        (b'["i", ' + HUGE_INT + b"]", b""),
        (b'["f", ' + FLOAT_OVERFLOW + b"]", b""),
        (b'["d", [["k", ["f", ' + FLOAT_OVERFLOW + b"]]]]", b""),
        (DEEP, b""),
        (b'["l", ' * 5000 + b'["n"]' + b"]" * 5000, b""),
        (b'["a", "a0"]', _npz_with_header((10**12,), b"\0" * 64)),
        (b'["a", "a0"]', _npz_with_header((10**30, 10**30), b"")),
        (b'["a", "a0"]', b"PK\x03\x04" + b"\xff" * 200),
        (b"\xff\xfe\x00", b""),
        (b'["s", "\\ud800"', b""),
    ],
    ids=[
        "huge-int",
        "int-too-large-for-a-float",
        "overflow-inside-a-dict",
        "deep-json",
        "deep-tree",
        "array-claims-8-TB",
        "array-claims-more-than-numpy-can-count",
        "corrupt-zip",
        "not-utf8",
        "truncated",
    ],
)
def test_a_malformed_payload_is_an_exchange_error(doc: bytes, npz: bytes) -> None:
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(doc, npz)


def test_random_corruptions_of_a_payload_only_ever_raise_exchange_error() -> None:
    doc, npz = exchange.encode({"a": np.arange(12.0).reshape(3, 4), "b": [1, "two", None, 3.5]})
    rng = random.Random(0)
    for _ in range(400):
        d, n = bytearray(doc), bytearray(npz)
        for blob in (d, n):
            for _ in range(rng.randint(0, 4)):
                if blob:
                    blob[rng.randrange(len(blob))] = rng.randrange(256)
        if rng.random() < 0.3:
            n = n[: rng.randrange(len(n) + 1)]
        with contextlib.suppress(exchange.ExchangeError):  # anything else fails the test
            exchange.decode(bytes(d), bytes(n))


def test_decoded_strings_are_valid_unicode() -> None:
    got = exchange.decode(b'["d", [["k\\ud800", ["s", "v\\udfff"]]]]', b"")
    assert got == {"k\ufffd": "v\ufffd"}


HOSTILE_VALUES: list[Any] = [
    10**4000,
    -5,
    1e308 * 10,
    float("nan"),
    [[[[[]]]]],
    {"a": {"b": "c"}},
    "x" * 100_000,
    "\x1b]0;title\x07\ud800",
    None,
    True,
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=[str(i) for i in range(len(HOSTILE_VALUES))])
def test_the_validators_accept_any_header_values(value: Any) -> None:
    header = {
        key: value
        for key in (
            "item",
            "variant",
            "status",
            "error_type",
            "error_message",
            "location",
            "missing",
            "seconds",
            "builtin_type",
            "cell",
            "number",
            "execution_count",
            "defines",
        )
    }
    header["error"] = {"error_type": value, "error_message": value, "location": value}
    item = item_export(framing.Frame(header))
    cell = cell_export(header)
    for text in (item.name, item.error_type, item.error_message, item.location, cell.label):
        assert isinstance(text, str) and len(text) <= 600
        text.encode("utf-8")
    assert item.status in ("error", "ok", "timeout", "crashed", "missing")
    assert isinstance(item.seconds, float) and item.seconds >= 0
    assert cell.number == -1 or 0 <= cell.number < 10**9


def _item() -> Item:
    return Item("x", 2, probe=lambda ns: None, check=lambda got, ref, reveal: Outcome(1.0))


@pytest.mark.parametrize(
    "payload",
    [
        (b'["i", ' + HUGE_INT + b"]", b""),
        (b'["f", ' + FLOAT_OVERFLOW + b"]", b""),
        (DEEP, b""),
        (b'["a", "a0"]', _npz_with_header((10**12,), b"")),
    ],
    ids=["huge-int", "overflow", "deep", "lying-array"],
)
def test_scoring_a_malformed_payload_is_a_zero_for_that_item(payload: tuple[bytes, bytes]) -> None:
    run = RunExport(items={}, cells=[], isolation=Isolation("weak", None, False, False))
    result = score_item(_item(), ItemExport("x", None, "ok", payload=payload), {"x": 1}, run)
    assert result.score == 0 and result.status == "failed"
    assert "cannot be graded" in result.message
    json.dumps(result.as_dict())
