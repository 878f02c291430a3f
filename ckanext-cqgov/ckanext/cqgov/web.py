"""What the extension's pages share about the current web request."""

from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk


def request_context(user_object: bool = False) -> dict[str, Any]:
    """The action context of the current request: the signed-in user's name
    (``""`` for anonymous visitors), whether signed in by session cookie or
    by API token (a token user's ``is_authenticated`` flag stays unset, so
    only the name is asked); ``user_object`` adds ``auth_user_obj``."""
    user = tk.current_user
    context: dict[str, Any] = {"user": getattr(user, "name", "") or ""}
    if user_object:
        context["auth_user_obj"] = user
    return context
