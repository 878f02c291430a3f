"""``ckan cqgov ...`` commands."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import click
from ckan import model

from ckanext.cqgov import periodic as periodic_tasks
from ckanext.cqgov.demo.cli import demo


@click.group(short_help="cqgov commands")
def cqgov():
    """Commands of the cqgov extension."""


@cqgov.command("sysadmin")
@click.option("--name", default="admin", show_default=True)
@click.option("--email", default="admin@cqgov.invalid", show_default=True)
@click.option("--password", envvar="CQGOV_ADMIN_PASSWORD", default=None)
@click.option("--token-name", default="cqgov-run", show_default=True)
def sysadmin(name: str, email: str, password: str | None, token_name: str):
    """Make sure sysadmin NAME exists and print its login and a new API token."""
    password = password or tk.config.get("ckanext.cqgov.demo.admin_password")
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    user = model.User.get(name)
    if user is None:
        tk.get_action("user_create")(
            dict(context),
            {
                "name": name,
                "email": email,
                "password": password,
                "fullname": "平台管理员",
            },
        )
        user = model.User.get(name)
    elif user.state != model.State.ACTIVE:
        user.state = model.State.ACTIVE
    user.sysadmin = True
    model.Session.commit()
    token = tk.get_action("api_token_create")(
        {"user": name, "ignore_auth": True}, {"user": name, "name": token_name}
    )["token"]
    click.echo(f"sysadmin login: {name} / {password}")
    click.echo(f"sysadmin API token: {token}")


cqgov.add_command(demo)


@cqgov.group("periodic")
def periodic():
    """Periodic tasks (deadlines, reminders, escalations, expiries)."""


@periodic.command("list")
def periodic_list():
    """List the registered tasks with their interval and last run."""
    last = periodic_tasks.last_runs()
    for task in periodic_tasks.tasks():
        when = last.get(task.name)
        click.echo(
            f"{task.name}\tevery {task.every}\t"
            f"last run {when.isoformat() if when else 'never'}"
        )


@periodic.command("run")
@click.option("--now", "now_iso", default=None, help="ISO time to run at.")
@click.option("--sync", is_flag=True, help="Run in this process, not on the queue.")
@click.option(
    "--task", "only", default=None, help="Run only this task (even if not due)."
)
def periodic_run(now_iso: str | None, sync: bool, only: str | None):
    """Run (or enqueue) the tasks due now, or at --now."""
    now = periodic_tasks.parse_time(now_iso) if now_iso else None
    try:
        names = periodic_tasks.run_due(now, sync=sync, only=only)
    except LookupError as error:
        raise click.UsageError(str(error)) from None
    verb = "ran" if sync else "enqueued"
    click.echo(f"{verb}: {', '.join(names) if names else 'nothing due'}")


@periodic.command("loop")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds between ticks (default: ckanext.cqgov.periodic.interval).",
)
def periodic_loop(interval: float | None):
    """Enqueue due tasks forever (the scheduler process)."""
    seconds = interval or tk.config.get("ckanext.cqgov.periodic.interval")
    click.echo(f"cqgov scheduler: ticking every {seconds}s")
    for names in periodic_tasks.loop(float(seconds)):
        if names:
            click.echo(f"enqueued: {', '.join(names)}")


def get_commands():
    return [cqgov]
