"""The only data format that crosses the trust boundary.

The sandbox encodes what a probe returned into a *payload*: one JSON document
plus one ``.npz`` archive holding its arrays. The trusted process decodes it
with strict limits: no pickle (``allow_pickle=False``), only numeric and
boolean array dtypes, bounded sizes and depth, and whatever the bytes are,
decoding either gives a value or raises :class:`ExchangeError` (so a forged
payload costs its item only). Strings come out as valid Unicode. Every node of the JSON tree is
tagged, so a student's dict with a key such as ``"__array__"`` cannot be
mistaken for an array, and a decoded value is always a plain built-in or a
base-class ``numpy.ndarray``; an "always equal" object or an ndarray subclass
never survives the trip.

This module is imported by the sandbox harness and by the trusted side; it
executes nothing it reads.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

from autograder.wire.text import valid_unicode

MAX_JSON_BYTES = 2_000_000
MAX_NPZ_BYTES = 16_000_000  # a week's references, every item together, are under 0.5 MB
MAX_PAYLOAD_BYTES = MAX_JSON_BYTES + MAX_NPZ_BYTES
MAX_ARRAYS = 256
MAX_DEPTH = 32
MAX_NODES = 200_000
ALLOWED_KINDS = frozenset("biuf")  # bool, int, unsigned, float: never object, never void


class ExchangeError(ValueError):
    """The exported data is malformed, oversized or of a forbidden type."""


# --------------------------------------------------------------------------- encode
def encode(value: Any) -> tuple[bytes, bytes]:
    """Encode ``value`` into (json_bytes, npz_bytes). Runs in the sandbox.

    Tensors (anything with ``detach``/``numpy``) are converted to arrays;
    numpy scalars to Python numbers; tuples to lists; sets are refused.
    """
    arrays: dict[str, np.ndarray] = {}
    tree = _encode_node(value, arrays, 0)
    doc = json.dumps(tree, allow_nan=True, separators=(",", ":")).encode()
    return doc, _write_npz(arrays)


def _write_npz(arrays: dict[str, np.ndarray]) -> bytes:
    """An uncompressed ``.npz`` with fixed timestamps: the same arrays give the same bytes."""
    if not arrays:
        return b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(info, "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, array, allow_pickle=False)
    return buffer.getvalue()


def _encode_node(value: Any, arrays: dict[str, np.ndarray], depth: int) -> list[Any]:
    if depth > MAX_DEPTH:
        raise ExchangeError("value is nested too deeply")
    # exact type checks on purpose: subclasses of bool/int/float/str are refused
    kind = type(value)
    if value is None:
        return ["n"]
    if kind is bool:
        return ["b", value]
    if kind is int:
        if abs(value) > 2**63:
            return ["f", float(value)]
        return ["i", value]
    if kind is float:
        return ["f", value]
    if kind is str:
        return ["s", value]
    if kind in (list, tuple):
        return ["l", [_encode_node(v, arrays, depth + 1) for v in value]]
    if kind is dict:
        entries = []
        for key, item in value.items():
            if type(key) is not str:
                key = str(key)
            entries.append([key, _encode_node(item, arrays, depth + 1)])
        return ["d", entries]
    if isinstance(value, np.generic):
        return _encode_node(value.item(), arrays, depth)
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        array = np.array(value, copy=True)  # base class, owns its data
        array = np.asarray(array).view(np.ndarray)
        if array.dtype.kind not in ALLOWED_KINDS:
            raise ExchangeError(f"arrays of dtype {array.dtype} cannot be exported")
        key = f"a{len(arrays)}"
        arrays[key] = array
        return ["a", key]
    raise ExchangeError(f"values of type {kind.__name__} cannot be exported")


# --------------------------------------------------------------------------- decode
def decode(doc: bytes, npz: bytes) -> Any:
    """Decode a payload. Runs in the trusted process; raises only :class:`ExchangeError`."""
    if len(doc) > MAX_JSON_BYTES:
        raise ExchangeError(f"exported data is too large ({len(doc)} bytes of JSON)")
    if len(npz) > MAX_NPZ_BYTES:
        raise ExchangeError(f"exported arrays are too large ({len(npz)} bytes)")
    try:
        tree = json.loads(doc.decode("utf-8"))
        arrays = _load_arrays(npz)
        return _decode_node(tree, arrays, 0, [0])
    except ExchangeError:
        raise
    except OverflowError:
        raise ExchangeError("exported data holds a number too large for a float") from None
    except (ValueError, RecursionError):
        # not JSON or UTF-8, an integer of more than 4,300 digits, nesting deeper than the parser's stack
        raise ExchangeError("exported data is not valid JSON") from None
    except Exception as error:  # whatever else a forged payload makes a decoder raise
        raise ExchangeError(f"exported data cannot be read ({type(error).__name__})") from None


def _load_arrays(npz: bytes) -> dict[str, np.ndarray]:
    if not npz:
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(npz)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARRAYS:
                raise ExchangeError(f"too many exported arrays ({len(infos)})")
            if sum(i.file_size for i in infos) > MAX_NPZ_BYTES:
                raise ExchangeError("exported arrays expand to too many bytes")
            for info in infos:
                _check_array_header(archive, info)
        loaded = np.load(io.BytesIO(npz), allow_pickle=False)
        arrays = {}
        for key in loaded.files:
            array = loaded[key]
            if type(array) is not np.ndarray or array.dtype.kind not in ALLOWED_KINDS:
                raise ExchangeError(f"exported array {key} has a forbidden type")
            arrays[key] = array
        return arrays
    except ExchangeError:
        raise
    except Exception as error:  # a corrupt archive can raise almost anything
        raise ExchangeError(f"exported arrays cannot be read: {type(error).__name__}") from None


def _check_array_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an array whose header claims more data than its file holds (numpy would
    allocate the claimed size before finding out)."""
    with archive.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ExchangeError(f"exported array {info.filename} has an unknown format")
        count = 1
        for n in shape:
            count *= n
        if dtype.kind not in ALLOWED_KINDS or count * dtype.itemsize > info.file_size:
            raise ExchangeError(f"exported array {info.filename} is malformed")


def _decode_node(node: Any, arrays: dict[str, np.ndarray], depth: int, counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise ExchangeError("exported data has too many values")
    if depth > MAX_DEPTH:
        raise ExchangeError("exported data is nested too deeply")
    if type(node) is not list or not node or type(node[0]) is not str:
        raise ExchangeError("exported data is malformed")
    tag = node[0]
    if tag == "n" and len(node) == 1:
        return None
    if len(node) != 2:
        raise ExchangeError("exported data is malformed")
    value = node[1]
    if tag == "b" and type(value) is bool:
        return value
    if tag == "i" and type(value) is int:
        return value
    if tag == "f" and type(value) in (int, float):
        return float(value)  # an int too large for a float raises OverflowError: refused above
    if tag == "s" and type(value) is str:
        return valid_unicode(value)
    if tag == "l" and type(value) is list:
        return [_decode_node(v, arrays, depth + 1, counter) for v in value]
    if tag == "d" and type(value) is list:
        out: dict[str, Any] = {}
        for entry in value:
            if type(entry) is not list or len(entry) != 2 or type(entry[0]) is not str:
                raise ExchangeError("exported data is malformed")
            out[valid_unicode(entry[0])] = _decode_node(entry[1], arrays, depth + 1, counter)
        return out
    if tag == "a" and type(value) is str and value in arrays:
        return arrays[value]
    raise ExchangeError(f"exported data has an unknown node {tag!r}")
