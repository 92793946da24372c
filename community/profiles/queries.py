"""Read-only queries for profiles and the directory; a constant number of statements per page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    and_,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from community.accounts.models import ROLES, User, UserLanguage, UserRole
from community.errors import ValidationFailed
from community.expertise.models import FIELDS, Tag
from community.expertise.services import find_tag
from community.extensions import db
from community.mentoring.models import MentoringSession, Mentorship
from community.pagination import Page, paginate
from community.profiles.models import LEVEL_RANK, PersonTag, level_rank
from community.profiles.search import has_match, matches, search_terms, walks_people

FILTERS = ("q", "tag", "role", "department", "location", "language")
COUNT_LIMIT = 100  # people counted at most by a search with words (beyond the current page)


@dataclass
class DirectoryQuery:
    q: str = ""
    tag: str = ""
    role: str = ""
    department: str = ""
    location: str = ""
    language: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> DirectoryQuery:
        return cls(**{name: (args.get(name) or "").strip()[:200] for name in FILTERS})

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in FILTERS)


@dataclass
class Directory:
    page: Page
    tag: Tag | None = None
    terms: list[str] = field(default_factory=list)
    topic: Tag | None = None  # the topic the search words name (name or synonym): its people come first


def with_topics() -> LoaderOption:
    """Loader option: a person's topics with their tags in one more query (no synonyms)."""
    return selectinload(User.tag_rows).joinedload(PersonTag.tag).lazyload(Tag.synonyms)


def with_profile() -> tuple[LoaderOption, ...]:
    """Loader options for lists that show whole profiles (topics and languages)."""
    return (with_topics(), selectinload(User.language_rows))


def visible_people() -> ColumnElement[bool]:
    """People the directory, topic contacts and peers may list."""
    return and_(User.active.is_(True), User.directory_visible.is_(True))


def listed_for(viewer: User) -> ColumnElement[bool]:
    """People a list may show `viewer` by name (services.can_view in SQL): the visible ones,
    the viewer, and for change managers and admins the hidden ones too."""
    from community.profiles.services import sees_hidden

    if sees_hidden(viewer):
        return User.active.is_(True)
    return and_(User.active.is_(True), or_(User.directory_visible.is_(True), User.id == viewer.id))


def _terms_and_topic(query: DirectoryQuery) -> tuple[list[str], Tag | None]:
    """The search words as full-text terms, and the topic they name (unless a topic filter is set)."""
    terms = search_terms(query.q)
    words = "".join(ch for ch in query.q if ch.isprintable())  # PostgreSQL refuses NUL in text
    topic = find_tag(words) if words.strip() and not query.tag else None
    if words.strip() and not terms and topic is None:
        # Only punctuation ("%", "'", "-"): it searched for nothing and listed everyone under "Search: %".
        message = _("Type letters or digits to search.")
        raise ValidationFailed(message, {"q": [message]})
    return terms, topic


def search_people(query: DirectoryQuery, *, page: int, per_page: int) -> Directory:
    """Directory search: full text, then filters; by relevance (text rank, level for a topic
    filter), then name. When the search words name a topic (its name or a synonym), the
    people who hold that topic come first, strongest level first. A very common word
    (PostgreSQL, search.walks_people) lists the people it finds by name."""
    stmt = select(User).where(visible_people())
    order = []
    terms, topic = _terms_and_topic(query)
    if topic is not None:
        holds = aliased(PersonTag)
        stmt = stmt.outerjoin(holds, and_(holds.user_id == User.id, holds.tag_id == topic.id))
        order.append(level_rank(holds.level).desc())
    if terms and topic is None and walks_people(terms):
        # A very common word: the people it finds in name order (see search.walks_people).
        stmt = stmt.where(has_match(terms, User.id))
    elif terms:
        found = matches(terms)
        if topic is not None:
            # Only the people found or holding the topic are read (a semi-join on their ids):
            # the outer joins alone let PostgreSQL read every person and filter afterwards.
            candidates = union(select(found.c.user_id), select(PersonTag.user_id).where(PersonTag.tag_id == topic.id))
            stmt = stmt.outerjoin(found, found.c.user_id == User.id).where(
                User.id.in_(candidates), or_(found.c.user_id.is_not(None), holds.user_id.is_not(None)))
        else:
            stmt = stmt.join(found, found.c.user_id == User.id)
        order.append(func.coalesce(found.c.score, 0).desc())
    tag = None
    if query.tag:
        tag = find_tag(query.tag)
        if tag is None:
            message = _("No topic “%(slug)s”.", slug=query.tag)
            raise ValidationFailed(message, {"tag": [message]})
        held = aliased(PersonTag)
        stmt = stmt.join(held, and_(held.user_id == User.id, held.tag_id == tag.id))
        order.append(level_rank(held.level).desc())
    if query.role:
        if query.role not in ROLES:
            message = _("Unknown role.")
            raise ValidationFailed(message, {"role": [message]})
        stmt = stmt.where(exists().where(UserRole.user_id == User.id, UserRole.role == query.role))
    if query.department:
        stmt = stmt.where(User.department == query.department)
    if query.location:
        stmt = stmt.where(User.location == query.location)
    if query.language:
        stmt = stmt.where(exists().where(UserLanguage.user_id == User.id, UserLanguage.code == query.language.lower()))
    stmt = stmt.order_by(*order, User.name, User.id).options(*with_profile())
    # Words count the people they find only up to COUNT_LIMIT ("more than"): a frequent word
    # matches thousands, and counting them all cost as much as the page itself.
    found_page = paginate(stmt, page=page, per_page=per_page, count_limit=COUNT_LIMIT if terms else None)
    return Directory(page=found_page, tag=tag, terms=terms, topic=topic)


def filter_options() -> dict[str, list[str]]:
    """Values offered by the directory's filters: only those of people the directory lists (a
    value that only hidden, deactivated or erased people have would tell that someone hidden
    works there). The same for every viewer, as the directory lists the same people for all
    (hidden people not even for change managers), so one cached copy serves everyone.

    One statement: each value read from the index on its column, then kept if one listed
    person has it (the index again, stopping at the first) — as fast as reading the values
    alone, where joining every row to its person took ten times as long."""
    holder, spoken = aliased(User), aliased(UserLanguage)
    listed = and_(holder.active.is_(True), holder.directory_visible.is_(True))
    parts = []
    for kind, column, held_by in (("departments", User.department, holder.department),
                                  ("locations", User.location, holder.location),
                                  ("languages", UserLanguage.code, spoken.code)):
        values = select(column.label("value")).where(column.is_not(None)).distinct().subquery()
        holds = exists().where(held_by == values.c.value, listed)
        if kind == "languages":
            holds = holds.where(holder.id == spoken.user_id)
        parts.append(select(literal(kind).label("kind"), values.c.value).where(holds))
    options: dict[str, list[str]] = {"departments": [], "locations": [], "languages": []}
    for kind, value in db.session.execute(union_all(*parts)):
        if value:
            options[kind].append(value)
    return {kind: sorted(values, key=str.lower) for kind, values in options.items()}


def tags_by_field(rows: list[PersonTag]) -> list[tuple[str, list[PersonTag]]]:
    """A person's topics grouped by field (taxonomy order), strongest level first."""
    groups: dict[str, list[PersonTag]] = defaultdict(list)
    for row in rows:
        groups[row.tag.field].append(row)
    order = {name: i for i, name in enumerate(FIELDS)}
    return [
        (name, sorted(groups[name], key=lambda r: (-LEVEL_RANK.get(r.level, 0), r.tag.name.lower())))
        for name in sorted(groups, key=lambda n: (order.get(n, len(order)), n))
    ]


@dataclass
class MentoringFigures:
    mentees: int = 0
    current_mentees: int = 0
    open_mentorships: int = 0
    sessions_held: int = 0
    mentors: int = 0
    sessions_attended: int = 0


def mentoring_figures(person_id: int) -> MentoringFigures:
    """What a profile shows about mentoring, in two queries."""
    tie = Mentorship.status.in_(("active", "completed"))
    as_mentor = (Mentorship.mentor_id == person_id)
    row = db.session.execute(
        select(
            func.count(distinct(Mentorship.executive_id)).filter(as_mentor, tie),
            func.count(distinct(Mentorship.executive_id)).filter(as_mentor, Mentorship.status == "active"),
            func.count().filter(as_mentor, Mentorship.status.in_(("requested", "active"))),
            func.count(distinct(Mentorship.mentor_id)).filter(Mentorship.executive_id == person_id, tie),
        ).where((Mentorship.mentor_id == person_id) | (Mentorship.executive_id == person_id))
    ).one()
    sessions = db.session.execute(
        select(
            func.count().filter(MentoringSession.mentor_id == person_id),
            func.count().filter(Mentorship.executive_id == person_id),
        )
        .select_from(MentoringSession)
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(MentoringSession.status == "done",
               (MentoringSession.mentor_id == person_id) | (Mentorship.executive_id == person_id))
    ).one()
    return MentoringFigures(
        mentees=row[0] or 0, current_mentees=row[1] or 0, open_mentorships=row[2] or 0, mentors=row[3] or 0,
        sessions_held=sessions[0] or 0, sessions_attended=sessions[1] or 0,
    )


def person_with_tags(person: User) -> list[PersonTag]:
    return list(db.session.scalars(select(PersonTag).where(PersonTag.user_id == person.id)))


def people_by_id(ids: list[int]) -> dict[int, User]:
    """People with roles, languages and tags loaded, in a constant number of queries."""
    if not ids:
        return {}
    stmt = select(User).where(User.id.in_(ids)).options(*with_profile())
    return {user.id: user for user in db.session.scalars(stmt)}


def tag_holders(tag: Tag, *, page: int, per_page: int) -> Page:
    """Visible people with a topic, strongest level first, then by name: Page of (User, level)."""
    stmt = (
        select(User, PersonTag.level)
        .join(PersonTag, PersonTag.user_id == User.id)
        .where(PersonTag.tag_id == tag.id, visible_people())
        .order_by(level_rank(PersonTag.level).desc(), User.name, User.id)
    )
    return paginate(stmt, page=page, per_page=per_page, scalars=False)


def level_counts(tag_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Visible holders per topic and level (one GROUP BY)."""
    stmt = (
        select(PersonTag.tag_id, PersonTag.level, func.count())
        .join(User, User.id == PersonTag.user_id)
        .where(visible_people())
        .group_by(PersonTag.tag_id, PersonTag.level)
    )
    if tag_ids is not None:
        stmt = stmt.where(PersonTag.tag_id.in_(tag_ids))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for tag_id, level, n in db.session.execute(stmt):
        counts[tag_id][level] = n
    return counts


def has_tags(user_id: int) -> bool:
    return db.session.scalar(select(PersonTag.tag_id).where(PersonTag.user_id == user_id).limit(1)) is not None


SUGGEST_LIMIT = 8


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def open_mentorships_of(mentor_ids: Iterable[int]) -> dict[int, int]:
    """Requested or active mentorships per mentor, for a few mentors (those with none are absent)."""
    ids = list(mentor_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.mentor_id.in_(ids), Mentorship.status.in_(("requested", "active")))
        .group_by(Mentorship.mentor_id))
    return {mentor_id: count for mentor_id, count in rows}


def mentor_place_marks(people: list[User]) -> dict[int, str]:
    """"mentoring paused" or "no free place" for the mentors among `people` who take nobody new."""
    taken = open_mentorships_of(p.id for p in people if not p.mentoring_paused)
    return {p.id: _("mentoring paused") if p.mentoring_paused else _("no free place") for p in people
            if p.mentoring_paused or taken.get(p.id, 0) >= max(0, p.capacity or 0)}


def suggest_people(q: str, *, role: str | tuple[str, ...] | None = None, limit: int = SUGGEST_LIMIT,
                   exclude: Iterable[int] = ()) -> list[User]:
    """People for a picker: a word of the name or the @handle starts with `q`, holding `role`
    (or any of several). Only people the directory lists (hidden and inactive people never
    appear, whoever asks)."""
    q = q.strip().lstrip("@").lower()[:80]
    if not q:
        return []
    prefix, inner = _like_prefix(q), "% " + _like_prefix(q)
    name = func.lower(User.name)
    stmt = select(User).where(
        visible_people(),
        or_(name.like(prefix, escape="\\"), name.like(inner, escape="\\"), func.lower(User.handle).like(prefix, escape="\\")),
    )
    if role:
        roles = (role,) if isinstance(role, str) else role
        stmt = stmt.where(exists().where(UserRole.user_id == User.id, UserRole.role.in_(roles)))
    if exclude := list(exclude):  # a handover's picker: not the current mentor nor the executive
        stmt = stmt.where(User.id.not_in(exclude))
    stmt = stmt.order_by(name.like(prefix, escape="\\").desc(), User.name, User.id).limit(limit)
    return list(db.session.scalars(stmt))


MAX_LINKED_HANDLES = 100  # more @handles than this in one page's texts stay plain text


def profile_links(viewer: User, handles: Iterable[str]) -> dict[str, str]:
    """Profile addresses by @handle (lower-cased, as written) of the people `viewer` may open,
    in one query: for @mentions rendered when read, so a mention never links to a page that
    answers "not found" (a hidden or deactivated person stays "@handle", as nobody does). As
    in the community's posts, "@anna.berg." at the end of a sentence means @anna.berg."""
    from community.profiles.services import can_view

    wanted = sorted({handle.lower() for handle in handles})[:MAX_LINKED_HANDLES]
    if not wanted:
        return {}
    candidates = sorted(set(wanted) | {handle.rstrip("._-") for handle in wanted})
    found = {user.handle.lower(): user for user in db.session.scalars(select(User).where(User.handle.in_(candidates)))}
    links = {}
    for handle in wanted:
        user = found.get(handle) or found.get(handle.rstrip("._-"))
        if user is not None and can_view(viewer, user):
            links[handle] = f"/people/{user.id}"
    return links
