"""Periodic tasks: functions the platform runs every so often on the job queue.

A task is a function ``fn(now: datetime) -> None`` registered under a name with
an interval::

    from datetime import timedelta
    from ckanext.cqgov import periodic

    @periodic.register("grants.expire", every=timedelta(hours=1))
    def expire_grants(now):
        ...

Register at import time in a module the plugin imports, so that the web
process, the scheduler and the job worker all know the task.

:func:`run_due` is the scheduler's tick: every task whose interval has passed
since its last run is enqueued on CKAN's job queue (``toolkit.enqueue_job``) with
the tick's ``now``, and the time of that run is recorded in Redis. ``ckan cqgov
periodic loop`` ticks once a minute (``ckanext.cqgov.periodic.interval``);
``ckan cqgov periodic run --now ISO --sync`` runs one tick in-process with any
clock, which is how tests move to "11 working days later".

Tasks receive ``now`` rather than reading the clock, so the same tick always
computes the same thing; they must be idempotent (a tick may be repeated, e.g.
after the clock is moved back in a test, or when a job is retried).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

log = logging.getLogger(__name__)

TaskFn = Callable[[datetime], None]

#: Redis hash: task name → ISO time of the last tick that ran or enqueued it.
LAST_RUN_KEY = "cqgov:periodic:last_run"
#: Redis key held while one scheduler decides which tasks are due.
TICK_LOCK_KEY = "cqgov:periodic:tick"


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: timedelta
    fn: TaskFn

    def is_due(self, now: datetime, last_run: datetime | None) -> bool:
        """Due when never run, when ``every`` has passed since the last run,
        or when the clock went back before the last run (a moved test clock)."""
        if last_run is None:
            return True
        return now < last_run or now - last_run >= self.every


_registry: dict[str, PeriodicTask] = {}


def register(name: str, every: timedelta, fn: TaskFn | None = None):
    """Register ``fn`` as periodic task ``name`` run every ``every``.

    Usable as a decorator (``@register(name, every=...)``) or called with the
    function. Registering the same name again replaces the earlier task (a module
    re-imported in tests must not fail).
    """
    if not isinstance(every, timedelta) or every <= timedelta(0):
        raise ValueError(f"every must be a positive timedelta, got {every!r}")

    def decorate(func: TaskFn) -> TaskFn:
        _registry[name] = PeriodicTask(name, every, func)
        return func

    return decorate(fn) if fn is not None else decorate


def unregister(name: str) -> None:
    _registry.pop(name, None)


def tasks() -> list[PeriodicTask]:
    """The registered tasks, by name."""
    return [_registry[name] for name in sorted(_registry)]


def get_task(name: str) -> PeriodicTask:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no periodic task named {name!r}") from None


def utcnow() -> datetime:
    """The scheduler's clock (aware, UTC)."""
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (``2026-05-06T09:00:00+08:00``; naive means UTC)."""
    return aware(datetime.fromisoformat(text))


# -- state in Redis ------------------------------------------------------------


def _redis():
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def last_runs() -> dict[str, datetime]:
    """Task name → when it last ran (or was enqueued)."""
    raw = _redis().hgetall(LAST_RUN_KEY)
    return {
        (k.decode() if isinstance(k, bytes) else k): parse_time(
            v.decode() if isinstance(v, bytes) else v
        )
        for k, v in raw.items()
    }


def forget_runs() -> None:
    """Forget every recorded run, so every task is due at the next tick."""
    _redis().delete(LAST_RUN_KEY)


def _record_run(name: str, now: datetime) -> None:
    _redis().hset(LAST_RUN_KEY, name, now.isoformat())


# -- running -------------------------------------------------------------------


def run_task(name: str, now_iso: str) -> None:
    """Run one task in this process. The job queue calls this."""
    task = get_task(name)
    log.info("periodic task %s at %s", name, now_iso)
    task.fn(parse_time(now_iso))


def due_tasks(now: datetime) -> list[PeriodicTask]:
    now = aware(now)
    last = last_runs()
    return [task for task in tasks() if task.is_due(now, last.get(task.name))]


def run_due(
    now: datetime | None = None,
    *,
    sync: bool = False,
    only: str | None = None,
) -> list[str]:
    """Run every task due at ``now`` (default: the clock); return their names.

    By default the tasks are enqueued on CKAN's job queue; ``sync=True`` runs them
    here, one after the other (tests, one-off commands). ``only`` restricts the
    tick to one task, which then runs even if it is not due.
    """
    now = aware(now or utcnow())
    with _tick_lock() as acquired:
        if not acquired:
            log.info("another scheduler is ticking; skipped")
            return []
        chosen = [get_task(only)] if only else due_tasks(now)
        for task in chosen:
            # Recorded before running: a task that fails is retried at its next
            # interval, not at every tick.
            _record_run(task.name, now)
            if sync:
                run_task(task.name, now.isoformat())
            else:
                _enqueue(task, now)
    return [task.name for task in chosen]


def _enqueue(task: PeriodicTask, now: datetime) -> None:
    import ckan.plugins.toolkit as tk

    tk.enqueue_job(
        run_task,
        [task.name, now.isoformat()],
        title=f"cqgov periodic {task.name}",
    )


class _tick_lock:
    """A short Redis lock so two schedulers never enqueue the same tick twice."""

    def __init__(self, seconds: int = 60) -> None:
        self.seconds = seconds
        self.acquired = False

    def __enter__(self) -> bool:
        self.acquired = bool(_redis().set(TICK_LOCK_KEY, "1", nx=True, ex=self.seconds))
        return self.acquired

    def __exit__(self, *exc) -> None:
        if self.acquired:
            _redis().delete(TICK_LOCK_KEY)


def loop(interval: float, ticks: int | None = None) -> Iterator[list[str]]:
    """Tick every ``interval`` seconds (forever, or ``ticks`` times)."""
    count = 0
    while ticks is None or count < ticks:
        started = time.monotonic()
        try:
            yield run_due()
        except Exception:  # a broken tick must not stop the scheduler
            log.exception("periodic tick failed")
            yield []
        count += 1
        if ticks is None or count < ticks:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
