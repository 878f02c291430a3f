"""E-mail notifications of the workflow, sent by a background job through
CKAN's mailer.

Messages are composed when the event happens (in the request's or task's
language) and the job only sends them, so a retried job sends the same text.
"""

from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan import model

log = logging.getLogger(__name__)


def send_mail(recipients: list[list[str]], subject: str, body: str) -> None:
    """Job: send one message to each ``[name, email]``. A failure for one
    recipient is logged and does not stop the others."""
    from ckan.lib.mailer import MailerException, mail_recipient

    for name, email in recipients:
        try:
            mail_recipient(name, email, subject, body)
        except MailerException:
            log.exception("could not mail %s", email)


def notify_users(users: list[model.User], subject: str, body: str) -> int:
    """Enqueue one mail job for ``users`` that have an address; return how many."""
    seen: set[str] = set()
    recipients = []
    for user in users:
        if user is None or not user.email or user.email in seen:
            continue
        seen.add(user.email)
        recipients.append([user.fullname or user.name, user.email])
    if recipients:
        tk.enqueue_job(
            send_mail, [recipients, subject, body], title=f"cqgov mail: {subject}"
        )
    return len(recipients)


def item_url(item) -> str:
    return tk.config.get("ckan.site_url").rstrip("/") + f"/workflow/{item.id}"
