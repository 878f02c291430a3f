"""``ckan cqgov demo ...``: the demo catalog."""

from __future__ import annotations

import click


@click.group(short_help="Demo catalog")
def demo():
    """Load the generated demo catalog."""
