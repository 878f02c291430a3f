"""What the cqgov plugin wires for access control (see ../plugin.py)."""

from __future__ import annotations

from typing import Any

from ckanext.cqgov.access.logic import action, auth


def get_actions() -> dict[str, Any]:
    return action.get_actions()


def get_auth_functions() -> dict[str, Any]:
    return auth.get_auth_functions()
