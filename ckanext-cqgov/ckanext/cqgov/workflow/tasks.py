"""The workflow's periodic task: reminders before and escalation after the
deadlines (see ``deadlines.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ckanext.cqgov import periodic


@periodic.register("workflow.deadlines", every=timedelta(minutes=30))
def check_deadlines(now: datetime) -> None:
    from ckanext.cqgov.workflow import engine

    engine.check_deadlines(now)
