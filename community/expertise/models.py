"""The curated tag taxonomy: topics of the digital workplace, with synonyms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.database import BilingualMixin, utcnow
from community.extensions import Model

FIELDS = ("collaboration", "social-media", "ways-of-working", "productivity", "data-ai", "security", "change")


class Tag(BilingualMixin, Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_de: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    description_de: Mapped[str | None] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(40), default="ways-of-working")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    synonyms: Mapped[list[TagSynonym]] = relationship(
        back_populates="tag", cascade="all, delete-orphan", lazy="selectin", order_by="TagSynonym.term"
    )

    @property
    def synonym_terms(self) -> list[str]:
        return [s.term for s in self.synonyms]

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class TagSynonym(Model):
    """Another word for a tag; searching it finds the tag. Merged tags leave their names here."""

    __tablename__ = "tag_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(80), unique=True)

    tag: Mapped[Tag] = relationship(back_populates="synonyms")
