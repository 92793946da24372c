"""Security logging: one line per event, with user and address, newlines escaped.

Log lines are built from user-controlled text (e-mail addresses typed into the login form,
paths); escaping CR/LF keeps an attacker from forging extra log lines.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Flask, has_request_context, request

if TYPE_CHECKING:
    from community.accounts.models import User

SECURITY = logging.getLogger("community.security")


class EscapeNewlines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message or "\r" in message:
            record.msg = message.replace("\r", "\\r").replace("\n", "\\n")
            record.args = None
        return True


def security_event(event: str, *, user: User | None = None, **details) -> None:
    """Log a security-relevant event once: what, who, from where, details (never secrets)."""
    who = f"user={getattr(user, 'id', None)}" if user is not None else "user=-"
    where = f"ip={request.remote_addr}" if has_request_context() else "ip=-"
    path = f"path={request.path}" if has_request_context() else ""
    extra = " ".join(f"{key}={value!r}" for key, value in details.items())
    SECURITY.warning("%s %s %s %s %s", event, who, where, path, extra)


def init_app(app: Flask) -> None:
    for name in ("community.security", "community.audit", "community.errors"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, EscapeNewlines) for f in logger.filters):
            logger.addFilter(EscapeNewlines())
        logger.setLevel(logging.INFO)
    if not logging.getLogger().handlers and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
