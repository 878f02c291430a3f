"""``ckan cqgov ...`` commands."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import click
from ckan import model

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


def get_commands():
    return [cqgov]
