"""The tag taxonomy: resolving words to tags, curating (create, rename, synonyms) and merging.

A merge moves every use of the source tag to the target (profiles, thread tags, session
agendas, learning goals: each feature registers its link table in
community.expertise.links) and keeps the source's
names as synonyms of the target, so nothing is lost and old words still find the topic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, and_, case, delete, exists, func, or_, select, update

from community.audit import services as audit
from community.database import rowcount
from community.errors import ConflictError, NotFoundError, PermissionDenied, ValidationFailed
from community.expertise.links import (  # noqa: F401 - the registry's names, kept importable here
    TAG_LINKS,
    TAGS_CHANGED_LISTENERS,
    TagLink,
    register_tag_link,
    register_tags_changed_listener,
    tag_links,
    tags_changed,
)
from community.expertise.models import FIELDS, Tag, TagSynonym
from community.extensions import db

if TYPE_CHECKING:
    from community.accounts.models import User

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def normalise_term(term: str) -> str:
    return " ".join(term.strip().lower().split())


def slugify_tag(text: str) -> str:
    from community.accounts.services import slugify

    return slugify(text, max_length=60)


def is_curator(actor: User) -> bool:
    return actor.has_role("change_manager", "admin")


def require_curator(actor: User) -> None:
    if not is_curator(actor):
        raise PermissionDenied(_("Only change managers and administrators curate topics."))


def get_tag(slug: str) -> Tag:
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None:
        raise NotFoundError(_("No topic “%(slug)s”.", slug=slug))
    return tag


def tag_id_for(slug: str) -> int:
    """The topic's id by its slug, remembered until the directory's data changes (a page that
    is kept whole needs no more to find its key); NotFoundError like get_tag."""
    from community.caching import cached

    found: int = cached(("tag-id", slug), lambda: db.session.scalar(select(Tag.id).where(Tag.slug == slug)) or 0)
    if not found:
        raise NotFoundError(_("No topic “%(slug)s”.", slug=slug))
    return found


def find_tag(term: str) -> Tag | None:
    """A tag by slug, name (English or German) or synonym, case-insensitive."""
    term = normalise_term(term)
    if not term:
        return None
    by_name = db.session.scalar(
        select(Tag).where(or_(Tag.slug == term, func.lower(Tag.name) == term, func.lower(Tag.name_de) == term))
    )
    if by_name is not None:
        return by_name
    return db.session.scalar(select(Tag).join(TagSynonym).where(TagSynonym.term == term))


def resolve_tags(terms: Iterable[str], field: str = "tags") -> list[Tag]:
    """Tags for slugs/synonyms in order, without duplicates; unknown words are a field error."""
    tags, unknown, seen = [], [], set()
    for term in terms:
        if not term or not term.strip():
            continue
        tag = find_tag(term)
        if tag is None:
            unknown.append(term.strip())
        elif tag.id not in seen:
            seen.add(tag.id)
            tags.append(tag)
    if unknown:
        message = ngettext("Unknown topic: %(terms)s.", "Unknown topics: %(terms)s.", len(unknown), terms=", ".join(unknown))
        raise ValidationFailed(message, {field: [message]})
    return tags


def search_tags(q: str = "", *, limit: int | None = None) -> list[Tag]:
    """Topics whose name, German name, slug or a synonym contains q: the one named exactly
    first, then those starting with it, then those with a word starting with it, then the rest
    ("ai" finds "AI tools" before "Chain of custody"; a picker shows only the first few)."""
    stmt = select(Tag)
    q = normalise_term(q)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        texts = (Tag.slug, func.lower(Tag.name), func.lower(Tag.name_de))

        def matching(pattern: str, *, slug_pattern: str | None = None) -> ColumnElement[bool]:
            slug_pattern = slug_pattern or pattern
            return or_(Tag.slug.like(slug_pattern, escape="\\"),
                       *(text.like(pattern, escape="\\") for text in texts[1:]),
                       exists().where(and_(TagSynonym.tag_id == Tag.id, TagSynonym.term.like(pattern, escape="\\"))))

        rank = case(
            (or_(*(text == q for text in texts), Tag.slug == slugify_tag(q),
                 exists().where(and_(TagSynonym.tag_id == Tag.id, TagSynonym.term == q))), 0),
            (matching(f"{escaped}%"), 1),
            (matching(f"% {escaped}%", slug_pattern=f"%-{escaped}%"), 2),
            else_=3,
        )
        stmt = stmt.where(matching(f"%{escaped}%")).order_by(rank)
    stmt = stmt.order_by(Tag.name)
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def all_tags() -> list[Tag]:
    return list(db.session.scalars(select(Tag).order_by(Tag.field, Tag.name)))


# Curating ------------------------------------------------------------------------------

def _check_term_free(term: str, *, except_tag: Tag | None = None, field: str = "name") -> None:
    other = find_tag(term)
    if other is not None and (except_tag is None or other.id != except_tag.id):
        message = _("“%(term)s” already names the topic %(tag)s.", term=term, tag=other.name)
        raise ConflictError(message, {field: [message]})


def create_tag(actor: User, *, name: str, slug: str | None = None, name_de: str | None = None, field: str = "ways-of-working",
               description: str | None = None, description_de: str | None = None, synonyms: Iterable[str] = ()) -> Tag:
    require_curator(actor)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ValidationFailed(_("A topic needs a name of at most 80 characters."), {"name": [_("A topic needs a name of at most 80 characters.")]})
    slug = slug or slugify_tag(name)
    if not SLUG.match(slug) or len(slug) > 60:
        raise ValidationFailed(_("Use lower-case letters, digits and hyphens."), {"slug": [_("Use lower-case letters, digits and hyphens.")]})
    if field not in FIELDS:
        raise ValidationFailed(_("Unknown field."), {"field": [_("Unknown field.")]})
    _check_term_free(name)
    _check_term_free(slug, field="slug")
    tag = Tag(slug=slug, name=name, name_de=(name_de or "").strip() or None, field=field,
              description=description or None, description_de=description_de or None)
    db.session.add(tag)
    db.session.flush()
    for term in synonyms:
        add_synonym(actor, tag, term, audit_it=False)
    audit.record("tag.created", actor=actor, subject_type="tag", subject_id=tag.id, data={"slug": slug})
    return tag


def update_tag(actor: User, tag: Tag, *, name: str | None = None, name_de: str | None = None, field: str | None = None,
               description: str | None = None, description_de: str | None = None) -> None:
    """Rename or describe a tag; an old English name stays findable as a synonym."""
    require_curator(actor)
    before = {"name": tag.name, "name_de": tag.name_de}
    old_terms = {normalise_term(t) for t in (tag.name, tag.name_de or "") if t}
    _rename(tag, name, name_de)
    db.session.flush()
    # Old English and German names stay findable as synonyms.
    for old in sorted(old_terms):
        if find_tag(old) is None:
            db.session.add(TagSynonym(tag_id=tag.id, term=old[:80]))
    _describe(tag, field, description, description_de)
    db.session.flush()
    audit.record("tag.updated", actor=actor, subject_type="tag", subject_id=tag.id, data={"before": before, "after": {"name": tag.name, "name_de": tag.name_de}})


def _rename(tag: Tag, name: str | None, name_de: str | None) -> None:
    if name is not None:
        name = " ".join(name.split())
        if not name or len(name) > 80:
            raise ValidationFailed(_("A topic needs a name of at most 80 characters."), {"name": [_("A topic needs a name of at most 80 characters.")]})
        if name != tag.name:
            _check_term_free(name, except_tag=tag)
            tag.name = name
    if name_de is not None:
        name_de = " ".join(name_de.split())
        if len(name_de) > 80:
            raise ValidationFailed(_("A topic needs a name of at most 80 characters."), {"name_de": [_("A topic needs a name of at most 80 characters.")]})
        if name_de and name_de != tag.name_de:
            _check_term_free(name_de, except_tag=tag, field="name_de")
        tag.name_de = name_de or None


def _describe(tag: Tag, field: str | None, description: str | None, description_de: str | None) -> None:
    if field is not None:
        if field not in FIELDS:
            raise ValidationFailed(_("Unknown field."), {"field": [_("Unknown field.")]})
        tag.field = field
    if description is not None:
        tag.description = description.strip() or None
    if description_de is not None:
        tag.description_de = description_de.strip() or None


def add_synonym(actor: User, tag: Tag, term: str, *, audit_it: bool = True) -> TagSynonym:
    require_curator(actor)
    term = normalise_term(term)
    if not term or len(term) > 80:
        raise ValidationFailed(_("A synonym has 1 to 80 characters."), {"term": [_("A synonym has 1 to 80 characters.")]})
    _check_term_free(term, except_tag=None, field="term")
    synonym = TagSynonym(tag_id=tag.id, term=term)
    db.session.add(synonym)
    db.session.flush()
    if audit_it:
        audit.record("tag.synonym_added", actor=actor, subject_type="tag", subject_id=tag.id, data={"term": term})
    return synonym


def remove_synonym(actor: User, tag: Tag, synonym_id: int) -> None:
    require_curator(actor)
    synonym = db.session.get(TagSynonym, synonym_id)
    if synonym is None or synonym.tag_id != tag.id:
        raise NotFoundError(_("No such synonym."))
    db.session.delete(synonym)
    audit.record("tag.synonym_removed", actor=actor, subject_type="tag", subject_id=tag.id, data={"term": synonym.term})
    db.session.flush()


def merge_tags(actor: User, source: Tag, target: Tag) -> dict[str, int]:
    """Move every use of `source` to `target`, keep source's names as synonyms, delete source.

    Returns how many uses moved per table. Runs in the caller's transaction: all or nothing.
    """
    require_curator(actor)
    if source.id == target.id:
        raise ValidationFailed(_("Choose two different topics."), {"target": [_("Choose two different topics.")]})
    moved: dict[str, int] = {}
    for link in tag_links():
        table = link.table
        owners = [table.c[c] for c in link.owner_columns]
        if link.fold is not None:
            link.fold(table, source.id, target.id)
        if owners:
            # Owners that have both: the source row is a duplicate once moved; drop it.
            twin = table.alias("twin")
            duplicate = exists().where(
                and_(link.where_tag(twin, target.id), *[twin.c[c.name] == c for c in owners])
            )
            db.session.execute(delete(table).where(link.where_tag(table, source.id), duplicate))
        result = db.session.execute(update(table).where(link.where_tag(table, source.id)).values({link.tag_column: target.id}))
        moved[table.name] = rowcount(result)
    terms = {normalise_term(t) for t in [source.name, source.slug, source.name_de or "", *source.synonym_terms] if t}
    terms -= {normalise_term(t) for t in [target.name, target.slug, target.name_de or "", *target.synonym_terms] if t}
    source_id, source_slug = source.id, source.slug
    db.session.delete(source)
    db.session.flush()
    for term in sorted(terms):
        db.session.add(TagSynonym(tag_id=target.id, term=term[:80]))
    db.session.flush()
    db.session.expire(target)
    tags_changed([target.id])
    audit.record("tag.merged", actor=actor, subject_type="tag", subject_id=target.id,
                 data={"source": source_slug, "source_id": source_id, "moved": moved})
    return moved


def seed_taxonomy() -> int:
    """Create the built-in digital-workplace taxonomy; existing tags are left as they are."""
    data = json.loads(resources.files("community.expertise").joinpath("taxonomy.json").read_text(encoding="utf-8"))
    existing = set(db.session.scalars(select(Tag.slug)))
    taken_terms = set(db.session.scalars(select(TagSynonym.term)))
    created = 0
    for entry in data:
        if entry["slug"] in existing or normalise_term(entry["name"]) in taken_terms:
            continue  # there already, or merged into another topic (its name is a synonym now)
        tag = Tag(slug=entry["slug"], name=entry["name"], name_de=entry.get("name_de"), field=entry["field"],
                  description=entry.get("description"), description_de=entry.get("description_de"))
        for term in entry.get("synonyms", []):
            term = normalise_term(term)
            if term not in taken_terms:
                taken_terms.add(term)
                tag.synonyms.append(TagSynonym(term=term))
        db.session.add(tag)
        created += 1
    db.session.flush()
    return created
