"""Read-only queries for the taxonomy pages: the index by field, field names, merge previews."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Column, ColumnElement, FromClause, and_, func, select
from sqlalchemy.orm import lazyload
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms yet

from community.expertise.links import tag_links
from community.expertise.models import FIELDS, Tag
from community.expertise.services import search_tags
from community.extensions import db

FIELD_LABELS = {
    "collaboration": _l("Collaboration"),
    "social-media": _l("Social media"),
    "ways-of-working": _l("Ways of working"),
    "productivity": _l("Productivity"),
    "data-ai": _l("Data & AI"),
    "security": _l("Security"),
    "change": lazy_pgettext("topic field: change management", "Change"),
}


def alphabetical(text: str) -> str:
    """A sort key for names in the reader's language, whatever the accents and case
    ("Überblick" with the U's, not after "Z")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def field_choices() -> list[tuple[str, str]]:
    return [(name, field_label(name)) for name in FIELDS]


def tags_grouped(q: str = "", *, synonyms: bool = True) -> list[tuple[str, list[Tag]]]:
    """Tags (all, or those matching q by name, German name, slug or synonym) grouped by field.
    Without `synonyms`, all tags in one query (for select boxes)."""
    if q or synonyms:
        tags = search_tags(q)
    else:
        tags = list(db.session.scalars(select(Tag).options(lazyload(Tag.synonyms))))
    groups: dict[str, list[Tag]] = {}
    for tag in sorted(tags, key=lambda t: alphabetical(t.display_name)):
        groups.setdefault(tag.field, []).append(tag)
    order = {name: i for i, name in enumerate(FIELDS)}
    return [(name, groups[name]) for name in sorted(groups, key=lambda n: (order.get(n, len(order)), n))]


def tag_choices(exclude_id: int | None = None, blank: str | None = None) -> list[SelectChoice]:
    """Every tag as select options, grouped by field (optgroups); optionally a blank first."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    for name, tags in tags_grouped(synonyms=False):
        label = field_label(name)
        choices += [SelectChoice(t.slug, t.display_name, optgroup=label) for t in tags if t.id != exclude_id]
    return choices


@dataclass
class MergePreview:
    source: Tag
    target: Tag
    moves: list[tuple[str, int]]  # (table, uses of the source)
    both: dict[str, int]  # table -> owners that hold both tags (their rows fold into one)
    synonyms: list[str]


def merge_preview(source: Tag, target: Tag) -> MergePreview:
    """What a merge would move: uses per table, owners holding both, names kept as synonyms."""
    moves, both = [], {}
    for link in tag_links():
        table = link.table
        count = db.session.scalar(select(func.count()).select_from(table).where(link.where_tag(table, source.id)))
        moves.append((table.name, count or 0))
        if link.owner_columns and count:
            twin = table.alias("twin")
            owners = [table.c[c] for c in link.owner_columns]
            overlap = db.session.scalar(
                select(func.count()).select_from(table).join(
                    twin, link.where_tag(twin, target.id) & _all_equal(owners, twin)
                ).where(link.where_tag(table, source.id))
            )
            both[table.name] = overlap or 0
    from community.expertise.services import normalise_term

    terms = {normalise_term(t) for t in [source.name, source.slug, source.name_de or "", *source.synonym_terms] if t}
    terms -= {normalise_term(t) for t in [target.name, target.slug, target.name_de or "", *target.synonym_terms] if t}
    return MergePreview(source=source, target=target, moves=moves, both=both, synonyms=sorted(terms))


def _all_equal(columns: list[Column[Any]], twin: FromClause) -> ColumnElement[bool]:
    return and_(*(twin.c[column.name] == column for column in columns))
