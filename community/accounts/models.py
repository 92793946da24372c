"""People, their roles, login sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, SQLColumnExpression, String, Text, UniqueConstraint, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import TimestampMixin, utcnow
from community.extensions import Model

if TYPE_CHECKING:
    from community.profiles.models import PersonTag

ROLES = ("mentor", "executive", "staff", "change_manager", "admin")
LEVELS = ("interested", "practitioner", "expert")
# The people the directory may list (active and visible), as SQL for the index on them.
LISTED_CONDITION = "active IS true AND directory_visible IS true"
# As SQLAlchemy writes `User.analysis_opt_out.is_(True)` for each database, so that each
# planner sees the query's condition is the index's.
OPTED_OUT_CONDITION = {"sqlite": "analysis_opt_out IS 1", "postgresql": "analysis_opt_out IS true"}


def former_member() -> str:
    """What an erased person is called, in the reader's language."""
    return gettext("Former member")


def shown_name(stored: str, erased_at: datetime | None) -> str:
    """`User.name` for a row read in SQL (`User.stored_name`, `User.erased_at`)."""
    return former_member() if erased_at is not None else stored


class User(UserMixin, TimestampMixin, Model):
    """A person in the organisation; SPEC calls the public view of it a Person."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The name as stored; read `name`, which says "Former member" for an erased person in the
    # reader's language (the stored text is in the language of whoever erased them).
    stored_name: Mapped[str] = mapped_column("name", String(120))
    handle: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str | None] = mapped_column(String(120), index=True)
    location: Mapped[str | None] = mapped_column(String(120), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]  # erased accounts stay as anonymous "former members"
    # Profile (profiles feature): bio in Markdown and its sanitised HTML, mentoring capacity.
    bio: Mapped[str | None] = mapped_column(Text)
    bio_html: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(default=0)  # max concurrent mentees (mentors)
    mentoring_paused: Mapped[bool] = mapped_column(default=False)  # no new requests while paused
    availability: Mapped[str | None] = mapped_column(String(300))
    link: Mapped[str | None] = mapped_column(String(500))
    directory_visible: Mapped[bool] = mapped_column(default=True)
    analysis_opt_out: Mapped[bool] = mapped_column(default=False)
    is_ambassador: Mapped[bool] = mapped_column(default=False)
    ambassador_since: Mapped[datetime | None]

    # The directory's order over the people it may list (profiles.queries.visible_people);
    # a search for a very common word walks it (profiles.search.walks_people).
    __table_args__ = (
        Index("ix_users_directory_name", "name", "id", sqlite_where=text(LISTED_CONDITION),
              postgresql_where=text(LISTED_CONDITION)),
        # The few who left the network analysis, read by every analysis page and what-if.
        Index("ix_users_analysis_opt_out", "id", sqlite_where=text(OPTED_OUT_CONDITION["sqlite"]),
              postgresql_where=text(OPTED_OUT_CONDITION["postgresql"])),
    )

    @hybrid_property
    def name(self) -> str:
        if self.erased_at is not None:
            return former_member()
        return self.stored_name

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        self.stored_name = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls) -> SQLColumnExpression[str]:
        return cls.stored_name  # in SQL (search, order, Core reads): the stored text

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tag_rows: Mapped[list[PersonTag]] = relationship(
        "PersonTag", back_populates="user", cascade="all, delete-orphan"
    )
    language_rows: Mapped[list[UserLanguage]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="select",  # lists that show languages load them with selectinload
        order_by="UserLanguage.code",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # A signed-in person remembered for a few seconds (community.accounts.auth) joins each
    # request's session without their role and language rows, which would cost more to copy in
    # than the rest of them; they carry the names instead. Rows loaded in this request (a
    # change of one's own roles) always win.
    IDENTITY_ROLES = "_identity_roles"
    IDENTITY_LANGUAGES = "_identity_languages"

    def _role_names(self) -> tuple[str, ...]:
        state = self.__dict__
        if "role_rows" not in state and self.IDENTITY_ROLES in state:
            return state[self.IDENTITY_ROLES]
        return tuple(row.role for row in self.role_rows)

    @property
    def roles(self) -> list[str]:
        held = set(self._role_names())
        return [role for role in ROLES if role in held]

    def has_role(self, *roles: str) -> bool:
        return any(role in roles for role in self._role_names())

    @property
    def is_admin(self) -> bool:
        return self.has_role("admin")

    @property
    def is_change_manager(self) -> bool:
        return self.has_role("change_manager")

    @property
    def languages(self) -> list[str]:
        state = self.__dict__
        if "language_rows" not in state and self.IDENTITY_LANGUAGES in state:
            return list(state[self.IDENTITY_LANGUAGES])
        return [row.code for row in self.language_rows]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (Index("ix_user_roles_role", "role", "user_id"),)


class UserLanguage(Model):
    __tablename__ = "user_languages"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), primary_key=True)

    user: Mapped[User] = relationship(back_populates="language_rows")

    __table_args__ = (Index("ix_user_languages_code", "code", "user_id"),)


class LoginSession(Model):
    """One browser login; the cookie carries its secret, the table only a hash of it."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class ApiToken(TimestampMixin, Model):
    """A personal API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()



class ExternalIdentity(Model):
    """A person's account at the company's identity provider (OpenID Connect issuer + subject)."""

    __tablename__ = "external_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("issuer", "subject"),)
