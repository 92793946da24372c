"""What provisioning stored about a person: exported, and removed on erasure."""

from __future__ import annotations

from sqlalchemy import delete

from community.accounts.models import User
from community.extensions import db
from community.scim.models import ScimUser


def export(user: User) -> dict:
    row = db.session.get(ScimUser, user.id)
    if row is None:
        return {}
    return {"provisioning": {"userName": row.user_name_display, "externalId": row.external_id,
                             "givenName": row.given_name, "familyName": row.family_name,
                             "updated_at": row.updated_at.isoformat()}}


def erase(user: User) -> None:
    db.session.execute(delete(ScimUser).where(ScimUser.user_id == user.id))
