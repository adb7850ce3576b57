"""Git over HTTPS with a token, kept off every command line.

A process's command line is readable by every user of the machine
(``/proc/PID/cmdline``), its environment only by itself: so the token
reaches git as an ``http.extraHeader`` set through ``GIT_CONFIG_*``
environment variables, never as an argument or inside a remote URL.
"""

from __future__ import annotations

import base64


def basic_auth_header(token: str) -> str:
    """The ``Authorization`` header git sends to GitHub for ``token`` (as ``actions/checkout`` does)."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return f"Authorization: Basic {basic}"


def git_auth_env(header: str) -> dict[str, str]:
    """Environment variables that make git send ``header`` with every HTTP request."""
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": header,
    }


__all__ = ["basic_auth_header", "git_auth_env"]
