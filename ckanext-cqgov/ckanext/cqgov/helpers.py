"""Template helpers of the cqgov plugin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def get_helpers() -> dict[str, Callable[..., Any]]:
    return {}
