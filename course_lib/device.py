"""Device-agnostic code: pick CUDA when it is there, the CPU otherwise.

Notebooks write ``device = pick_device()`` once and move models and batches
with :func:`move_to`; the same code then runs on a laptop, on a GPU machine
and in the grader, which always runs on the CPU (it hides every GPU).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch


def pick_device(prefer: str | None = None) -> torch.device:
    """The device to compute on: ``cuda`` when available, else ``cpu``.

    Parameters
    ----------
    prefer : str or None
        ``"cpu"`` forces the CPU; ``"cuda"`` asks for the GPU and raises if
        there is none; None (default) picks CUDA when available.

    Returns
    -------
    torch.device

    Raises
    ------
    RuntimeError
        ``prefer="cuda"`` on a machine without a usable GPU.
    ValueError
        ``prefer`` is not one of None, ``"cpu"``, ``"cuda"``.

    Examples
    --------
    >>> pick_device("cpu")
    device(type='cpu')
    """
    if prefer not in (None, "cpu", "cuda"):
        raise ValueError(f"prefer must be None, 'cpu' or 'cuda', got {prefer!r}")
    if prefer == "cpu":
        return torch.device("cpu")
    if torch.cuda.is_available():
        return torch.device("cuda")
    if prefer == "cuda":
        raise RuntimeError("a CUDA device was asked for, but torch.cuda.is_available() is False")
    return torch.device("cpu")


def move_to(data: Any, device: torch.device | str) -> Any:
    """Move tensors, and tensors inside tuples, lists and dicts, to ``device``.

    Anything else (numbers, strings, None) is returned unchanged, so a whole
    batch ``(x, y)`` or ``{"x": ..., "y": ...}`` moves in one call.

    Parameters
    ----------
    data : Any
        A tensor, a module, or a (nested) tuple, list or dict of them.
    device : torch.device or str

    Returns
    -------
    Any
        The same structure with every tensor on ``device``.
    """
    if isinstance(data, torch.Tensor | torch.nn.Module):
        return data.to(device)
    if isinstance(data, Mapping):
        return type(data)({key: move_to(value, device) for key, value in data.items()})  # type: ignore[call-arg]
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple
        return type(data)(*(move_to(value, device) for value in data))
    if isinstance(data, list | tuple):
        return type(data)(move_to(value, device) for value in data)
    return data
