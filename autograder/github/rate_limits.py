"""GitHub's rate limits: how long to wait, read from a response, as GitHub's guidance asks.

* A refused request (403 or 429) with ``Retry-After``: wait that many seconds.
* ``X-RateLimit-Remaining: 0`` (the primary limit, on a refusal or on the
  last allowed request): wait until ``X-RateLimit-Reset`` (UTC epoch seconds).
* A refusal that says "secondary rate limit" without either header: wait a
  minute, doubling on each further refusal.

Everything here is arithmetic on headers; the client does the waiting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SECONDARY_WAIT = 60.0  # GitHub: "wait for at least one minute before retrying"
RESET_MARGIN = 1.0  # the reset second itself may still be refused


@dataclass(frozen=True)
class Wait:
    """How long to wait before the next request, and why (said to the user)."""

    seconds: float
    reason: str


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def until_reset(headers: Mapping[str, str], now: float) -> Wait | None:
    """The wait the primary limit imposes: none while requests remain."""
    remaining = _number(_header(headers, "X-RateLimit-Remaining"))
    reset = _number(_header(headers, "X-RateLimit-Reset"))
    if remaining is None or remaining > 0 or reset is None:
        return None
    return Wait(max(0.0, reset - now) + RESET_MARGIN, "primary rate limit used up")


def after_refusal(
    status: int, headers: Mapping[str, str], message: str, refusals: int, now: float
) -> Wait | None:
    """The wait after a refused request, or None when the refusal is not a rate limit.

    ``refusals`` counts the rate-limit refusals of this request so far (0 on the first).
    """
    if status not in (403, 429):
        return None
    retry_after = _number(_header(headers, "Retry-After"))
    if retry_after is not None:
        return Wait(max(retry_after, 0.0), "secondary rate limit (Retry-After)")
    primary = until_reset(headers, now)
    if primary is not None:
        return primary
    if status == 429 or "rate limit" in message.lower():
        return Wait(SECONDARY_WAIT * 2**refusals, "secondary rate limit")
    return None  # an ordinary 403: permissions


__all__ = ["SECONDARY_WAIT", "Wait", "after_refusal", "until_reset"]
