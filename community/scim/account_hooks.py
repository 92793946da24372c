"""What the admin pages change about an account that the provisioning client must see.

Kept apart from services.py so it is registered when the app starts without loading
scim2-models (a worker that never serves SCIM never imports those).
"""

from __future__ import annotations

from sqlalchemy import update

from community.accounts.models import User
from community.extensions import db
from community.scim.models import ScimUser


def show_state_after_admin_change(user: User) -> None:
    """An account an administrator deactivated or reactivated shows `active` again (false or
    true), even where the client had cleared it (which leaves it out of the resource): the
    identity provider must learn of a change it did not make."""
    db.session.execute(update(ScimUser).where(ScimUser.user_id == user.id).values(active_stated=True))


def register() -> None:
    from community.accounts import services as accounts

    accounts.on_deactivation(show_state_after_admin_change)
    accounts.on_activation(show_state_after_admin_change)
