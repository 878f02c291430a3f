"""Template helpers of the cqgov plugin."""

from __future__ import annotations

from typing import Any, Callable


def get_helpers() -> dict[str, Callable[..., Any]]:
    return {}
