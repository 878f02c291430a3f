"""The periodic task registry, its scheduler tick and CLI (real Redis, real RQ)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ckanext.cqgov import periodic

T0 = datetime(2026, 5, 6, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def calls():
    """Two registered tasks that record the ``now`` they were given."""
    seen: list[tuple[str, datetime]] = []

    @periodic.register("test.hourly", every=timedelta(hours=1))
    def hourly(now):
        seen.append(("test.hourly", now))

    periodic.register(
        "test.daily", timedelta(days=1), lambda now: seen.append(("test.daily", now))
    )
    yield seen
    periodic.unregister("test.hourly")
    periodic.unregister("test.daily")


@pytest.fixture
def fresh(reset_redis):
    reset_redis()
    yield
    reset_redis()


def mine(names):
    return sorted(n for n in names if n.startswith("test."))


# -- pure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "last, now, due",
    [
        (None, T0, True),
        (T0, T0, False),
        (T0, T0 + timedelta(minutes=59), False),
        (T0, T0 + timedelta(hours=1), True),
        (T0, T0 + timedelta(days=11), True),
        (T0, T0 - timedelta(seconds=1), True),  # clock moved back
    ],
)
def test_is_due(last, now, due):
    task = periodic.PeriodicTask("x", timedelta(hours=1), lambda now: None)
    assert task.is_due(now, last) is due


@pytest.mark.parametrize("every", [timedelta(0), timedelta(seconds=-1), 60])
def test_register_refuses_a_bad_interval(every):
    with pytest.raises(ValueError):
        periodic.register("test.bad", every=every)
    assert "test.bad" not in [t.name for t in periodic.tasks()]


def test_register_as_decorator_returns_the_function_and_replaces(calls):
    def other(now):
        return None

    assert periodic.register("test.hourly", every=timedelta(hours=2))(other) is other
    assert periodic.get_task("test.hourly").every == timedelta(hours=2)
    with pytest.raises(LookupError):
        periodic.get_task("test.nope")


def test_parse_time_treats_naive_as_utc():
    assert periodic.parse_time("2026-05-06T01:00:00") == T0
    assert periodic.parse_time("2026-05-06T09:00:00+08:00") == T0


# -- with Redis and the job queue -----------------------------------------------


@pytest.mark.usefixtures("with_plugins", "fresh")
class TestTick:
    def test_sync_runs_due_tasks_with_the_given_now(self, calls):
        assert mine(periodic.run_due(T0, sync=True)) == ["test.daily", "test.hourly"]
        assert sorted(calls) == [("test.daily", T0), ("test.hourly", T0)]
        assert periodic.last_runs()["test.hourly"] == T0

    def test_interval_decides_what_is_due_next(self, calls):
        periodic.run_due(T0, sync=True)
        calls.clear()
        assert mine(periodic.run_due(T0 + timedelta(minutes=30), sync=True)) == []
        later = T0 + timedelta(hours=1)
        assert mine(periodic.run_due(later, sync=True)) == ["test.hourly"]
        eleven_days = T0 + timedelta(days=11)
        assert mine(periodic.run_due(eleven_days, sync=True)) == [
            "test.daily",
            "test.hourly",
        ]
        assert calls == [
            ("test.hourly", later),
            ("test.daily", eleven_days),
            ("test.hourly", eleven_days),
        ]

    def test_only_runs_one_task_even_if_not_due(self, calls):
        periodic.run_due(T0, sync=True)
        calls.clear()
        assert periodic.run_due(T0, sync=True, only="test.daily") == ["test.daily"]
        assert calls == [("test.daily", T0)]
        with pytest.raises(LookupError):
            periodic.run_due(T0, only="test.nope")

    def test_forget_runs_makes_everything_due(self, calls):
        periodic.run_due(T0, sync=True)
        periodic.forget_runs()
        assert mine(periodic.run_due(T0, sync=True)) == ["test.daily", "test.hourly"]

    def test_a_second_scheduler_skips_a_tick_in_progress(self, calls):
        with periodic._tick_lock() as first:
            assert first
            assert periodic.run_due(T0, sync=True) == []
        assert calls == []

    def test_enqueues_on_the_job_queue_and_the_job_runs_the_task(self, calls):
        from ckan.lib import jobs

        queue = jobs.get_queue()
        queue.empty()
        names = mine(periodic.run_due(T0))
        assert names == ["test.daily", "test.hourly"]
        assert calls == []  # nothing ran in-process
        queued = [j for j in queue.jobs if j.args[0].startswith("test.")]
        assert sorted(j.args[0] for j in queued) == names
        assert all(j.func_name == "ckanext.cqgov.periodic.run_task" for j in queued)
        for job in queued:
            job.perform()
        assert sorted(calls) == [("test.daily", T0), ("test.hourly", T0)]
        queue.empty()

    def test_loop_ticks(self, calls, monkeypatch):
        monkeypatch.setattr(periodic, "utcnow", lambda: T0)
        monkeypatch.setattr(periodic, "_enqueue", lambda task, now: task.fn(now))
        results = list(periodic.loop(0, ticks=2))
        assert [mine(r) for r in results] == [["test.daily", "test.hourly"], []]
        assert len(calls) == 2


@pytest.mark.usefixtures("with_plugins", "fresh")
class TestCli:
    def test_run_sync_with_now(self, cli, calls):
        from ckan.cli.cli import ckan

        result = cli.invoke(
            ckan,
            [
                "cqgov",
                "periodic",
                "run",
                "--now",
                "2026-05-06T09:00:00+08:00",
                "--sync",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "ran:" in result.output and "test.hourly" in result.output
        assert ("test.hourly", T0) in calls

        listed = cli.invoke(ckan, ["cqgov", "periodic", "list"])
        assert listed.exit_code == 0, listed.output
        assert f"test.hourly\tevery 1:00:00\tlast run {T0.isoformat()}" in listed.output

    def test_unknown_task_is_a_usage_error(self, cli, calls):
        from ckan.cli.cli import ckan

        result = cli.invoke(ckan, ["cqgov", "periodic", "run", "--task", "test.nope"])
        assert result.exit_code == 2
        assert "test.nope" in result.output
