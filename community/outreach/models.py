from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from community.database import utcnow
from community.extensions import Model
from community.secrets_at_rest import EncryptedString

MESSAGE_STATUSES = ("queued", "sending", "sent", "outbox", "failed")


class OutgoingMessage(Model):
    """One message to one recipient (an e-mail, or a post to a Teams/Slack channel), and the
    sent-log at the same time: `key` is unique, so the same message is never made twice, and
    a worker sends only after claiming the row (queued -> sending), so never twice either.

    Without MAIL_SERVER an e-mail stays here with status "outbox" for admins to read."""

    __tablename__ = "outgoing_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email | webhook
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("channel_webhooks.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))  # the address; for a webhook its masked URL
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # The ids of the people the message names or was made from, besides its recipient (the
    # actors and people of the notifications a digest collects, a briefing's nominees, a
    # channel post's author), so that erasing one of them finds it by who they are, never by
    # a name a namesake shares. None: made before this was kept (community.outreach.services.erase).
    named_ids: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True))

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'outbox', 'failed')", name="status_known"),
        Index("ix_outgoing_messages_due", "status", "next_attempt_at"),
    )


class NotificationPreference(Model):
    """How a person wants one kind of notification by e-mail: immediately | digest | off.
    No row means the kind's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))

    __table_args__ = (CheckConstraint("mode IN ('immediately', 'digest', 'off')", name="mode_known"),)


class TaskClaim(Model):
    """Periodic work done once per period ("digest:<user>:<date>", "snapshot:<date>"): the
    unique key lets only the first of two workers do it."""

    __tablename__ = "task_claims"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ChannelWebhook(Model):
    """An incoming-webhook URL of a Teams or Slack channel: for one community category, or
    (category_id NULL, scope "ambassadors") for ambassador news. The URL is a secret: shown
    only masked, never exported or logged."""

    __tablename__ = "channel_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))  # category | ambassadors
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_categories.id", ondelete="CASCADE"), unique=True
    )
    url: Mapped[str] = mapped_column(EncryptedString(2000))  # encrypted at rest (community.secrets_at_rest)
    flavour: Mapped[str] = mapped_column(String(10))  # teams | slack
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_error_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("scope IN ('category', 'ambassadors')", name="scope_known"),
        CheckConstraint("flavour IN ('teams', 'slack')", name="flavour_known"),
        Index("uq_channel_webhooks_ambassadors", "scope", unique=True, sqlite_where=text("scope = 'ambassadors'"),
              postgresql_where=text("scope = 'ambassadors'")),
    )
