"""Look-ups made once per batch of bulk work instead of once per item.

Hooks that run once per dataset (``after_dataset_show``, permission labels)
read organization-level facts: the same few rows for every dataset of an
organization. Inside :func:`scope` (the search-index rebuild opens one per
batch of datasets) :func:`remembered` answers a repeated look-up from memory,
or one :func:`remember` was given from a bulk read; outside it, every call
reads the database as before.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_memo: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "cqgov_batch_memo", default=None
)


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Within this block, :func:`remembered` keeps what it computed."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or inside :func:`scope` its value from the first call
    with this ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def remember(key: Hashable, value: Any) -> None:
    """Inside :func:`scope`, answer :func:`remembered` for ``key`` with
    ``value`` (read in bulk beforehand); outside it, nothing."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value
