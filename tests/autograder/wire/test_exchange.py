"""The data format that crosses the trust boundary: round trips and refusals."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from autograder.wire import exchange


def test_round_trip_of_plain_data() -> None:
    value = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        "b": [1, 2.5, "x", None, True],
        "c": (1, 2),
    }
    got = exchange.decode(*exchange.encode(value))
    assert got["b"] == [1, 2.5, "x", None, True] and got["c"] == [1, 2]
    assert got["a"].dtype == np.float32 and type(got["a"]) is np.ndarray


def test_encoding_is_deterministic() -> None:
    value = {"x": np.linspace(0, 1, 5), "y": [np.int64(3)]}
    assert exchange.encode(value) == exchange.encode(value)


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True


class SneakyArray(np.ndarray):
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return True


@pytest.mark.parametrize("value", [AlwaysEqual(), {1, 2}, np.array(["a"], dtype=object), lambda: 1])
def test_refuses_objects_that_are_not_data(value: object) -> None:
    with pytest.raises(exchange.ExchangeError):
        exchange.encode(value)


def test_ndarray_subclass_becomes_a_plain_array() -> None:
    sneaky = np.arange(3.0).view(SneakyArray)
    got = exchange.decode(*exchange.encode(sneaky))
    assert type(got) is np.ndarray and not (got == np.zeros(3)).all()


def test_int_and_float_subclasses_are_refused() -> None:
    class Int(int):
        pass

    with pytest.raises(exchange.ExchangeError):
        exchange.encode(Int(3))


def _npz_with_pickle() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([{"evil": 1}], dtype=object))
    return buffer.getvalue()


def test_decode_refuses_pickled_arrays() -> None:
    doc = json.dumps(["a", "a0"]).encode()
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(doc, _npz_with_pickle())


@pytest.mark.parametrize(
    "doc",
    [
        b"not json",
        b'["x", 1]',
        b'{"a": 1}',
        b'["l", [["i", "3"]]]',
        b'["a", "missing"]',
        b"[" * 5000,
    ],
)
def test_decode_refuses_malformed_documents(doc: bytes) -> None:
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(doc, b"")


def test_decode_refuses_oversized_data() -> None:
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(b" " * (exchange.MAX_JSON_BYTES + 1), b"")
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(b'["n"]', b"0" * (exchange.MAX_NPZ_BYTES + 1))


def test_nan_and_inf_survive() -> None:
    got = exchange.decode(*exchange.encode([float("nan"), float("inf")]))
    assert np.isnan(got[0]) and got[1] == float("inf")
