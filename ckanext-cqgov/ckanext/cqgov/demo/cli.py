"""``ckan cqgov demo ...``: the demo catalog."""

from __future__ import annotations

import click


@click.group(short_help="Demo catalog")
def demo():
    """Load the generated demo catalog."""


@demo.command()
@click.option(
    "--user",
    "user_name",
    default=None,
    help="Sysadmin to act as (default: the site user).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed of the generated content (default: the catalog's fixed seed).",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Name each object created or updated."
)
def load(user_name: str | None, seed: int | None, verbose: bool):
    """Create or update the demo departments, catalog entries and CSV files.

    Safe to run again: what already matches the demo catalog is left alone.
    """
    import ckan.plugins.toolkit as tk

    from ckanext.cqgov.demo.catalog import DEFAULT_SEED, build_catalog
    from ckanext.cqgov.demo.loader import Loader, LoadError, site_user_name

    if user_name is None:
        user_name = site_user_name()
    else:
        try:
            user = tk.get_action("user_show")({"ignore_auth": True}, {"id": user_name})
        except tk.ObjectNotFound:
            raise click.UsageError(f"no user named {user_name!r}") from None
        if not user.get("sysadmin"):
            raise click.UsageError(f"{user_name!r} is not a sysadmin")

    catalog = build_catalog(DEFAULT_SEED if seed is None else seed)
    loader = Loader(user_name, echo=click.echo if verbose else None)
    try:
        summary = loader.load(catalog)
    except LoadError as error:
        click.echo(f"Demo catalog not loaded completely: {error}", err=True)
        click.echo("\n".join(loader.summary.lines()), err=True)
        raise click.exceptions.Exit(1) from None
    click.echo("\n".join(summary.lines()))
