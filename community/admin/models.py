"""A CSV import of people started on the web: the file, its check, and the job's progress."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import utcnow
from community.extensions import Model

if TYPE_CHECKING:
    from community.accounts.models import User


class PeopleImport(Model):
    """checked (bad rows listed, waiting for the start) → queued → running → done | failed."""

    __tablename__ = "people_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")  # the CSV as UTF-8 text; emptied when done
    status: Mapped[str] = mapped_column(String(20), default="checked")
    total_rows: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    header: Mapped[list[str]] = mapped_column(JSON, default=list)
    preview: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # the first rows
    check_errors: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)  # [line, reason] found by the check
    errors: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)  # [line, reason] found by the import
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship("User", foreign_keys=[created_by_id])

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.processed / self.total_rows) if self.total_rows else 0

    @property
    def in_progress(self) -> bool:
        return self.status in ("queued", "running")
