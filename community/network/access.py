"""Who may use the network analysis: change managers and admins; the settings are admins'.

Every network service starts with one of these checks, so pages and API routes over the same
service are refused the same way.
"""

from __future__ import annotations

from flask_babel import gettext as _

from community.accounts.models import User
from community.errors import PermissionDenied

ANALYST_ROLES = ("change_manager", "admin")


def is_analyst(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(*ANALYST_ROLES))


def require_analyst(user: User | None) -> None:
    if not is_analyst(user):
        raise PermissionDenied(_("Only change managers and admins see the network analysis."))


def require_admin(user: User | None) -> None:
    """Only admins change the analysis settings."""
    if not (user is not None and getattr(user, "is_authenticated", False) and user.has_role("admin")):
        raise PermissionDenied(_("Only admins change the analysis settings."))
