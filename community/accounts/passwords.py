"""Password policy: hashing with werkzeug, a minimum length and a common-password check."""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("community.accounts").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    return check_password_hash(password_hash, password)


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Reasons a new password is refused, in the user's language; empty when it is fine."""
    problems = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        problems.append(_("Use at least %(n)d characters.", n=minimum))
    if len(password) > 200:
        problems.append(_("Use at most 200 characters."))
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.rstrip("0123456789!.?") in _common_passwords():
        problems.append(_("This password is too common; choose a less guessable one."))
    elif len(set(lowered)) <= 3:
        problems.append(_("This password uses too few different characters."))
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (
        name and len(name) >= 4 and name.lower().replace(" ", "") in lowered.replace(" ", "")
    ):
        problems.append(_("Do not use your name or e-mail address in the password."))
    return problems
