"""SCIM bearer tokens (stored hashed) and what the provisioning client said about a person
beyond the account itself (its userName, externalId and name parts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import Model


class ScimToken(Model):
    __tablename__ = "scim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ScimUser(Model):
    """The SCIM side of an account; every account without one answers with its e-mail as userName."""

    __tablename__ = "scim_users"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case (not case-exact)
    user_name_display: Mapped[str] = mapped_column(String(254))  # as the client sent it
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    given_name: Mapped[str | None] = mapped_column(String(120))
    family_name: Mapped[str | None] = mapped_column(String(120))
    display_name: Mapped[str | None] = mapped_column(String(120))
    email_type: Mapped[str | None] = mapped_column(String(20))
    email_primary: Mapped[bool | None]
    # False: the client sent no e-mail address (the account holds a placeholder or the last one)
    email_provided: Mapped[bool] = mapped_column(default=True)
    # False: the client cleared `active` (PATCH remove, PUT without it), so it is left out of the
    # resource, until an administrator deactivates or reactivates the account (then it shows again)
    active_stated: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined", innerjoin=True)
