"""The mentors' peer finder: similar and complementary mentors one is not yet connected to.

"Connected" comes from mentorships, which only the pair and change managers see: so the mentor
themself and change managers get the mentors already connected left out; anyone else gets the
list without that step, which would tell them who shares an executive.

The scoring is network.analysis's PeerIndex (Adamic–Adar on the mentor–topic graph for similar
mentors, topics the mentor lacks in their own fields for complementary ones); this module loads
the records in three queries and puts the reasons into words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, lazyload

from community.accounts.models import User, UserRole
from community.errors import NotFoundError
from community.expertise.models import Tag
from community.expertise.queries import field_label
from community.extensions import db
from community.mentoring.models import Mentorship
from community.network.analysis import PROVIDER_LEVELS, PersonRecord, TagRecord, peer_suggestions
from community.profiles.models import PersonTag
from community.profiles.queries import people_by_id, visible_people
from community.profiles.services import get_person

MAX_SUGGESTIONS = 40
NAMED_TOPICS = 3
TIE_STATUSES = ("requested", "active", "completed")


@dataclass
class Peer:
    person: User
    kind: str  # similar | complementary
    score: float
    reasons: list[str] = field(default_factory=list)
    ask_topic: Tag | None = None  # what to ask them about: a topic they cover that the mentor lacks, else one shared


def connected_mentor_ids(mentor_id: int) -> set[int]:
    """Mentors already connected to this one: they share (or shared) an executive.

    Later community interactions (replies, mentions) can be added here; the peer finder takes
    whatever this returns.
    """
    mine, theirs = aliased(Mentorship), aliased(Mentorship)
    stmt = (
        select(theirs.mentor_id)
        .join(mine, and_(mine.executive_id == theirs.executive_id, mine.mentor_id == mentor_id))
        .where(mine.status.in_(TIE_STATUSES), theirs.status.in_(TIE_STATUSES), theirs.mentor_id != mentor_id)
        .distinct()
    )
    return set(db.session.scalars(stmt))


def sees_connections(viewer: User, mentor: User) -> bool:
    """Whether the peer finder leaves out the mentors already connected to `mentor` for this viewer."""
    return getattr(viewer, "id", None) == mentor.id or viewer.has_role("change_manager")


def mentor_records(include_id: int | None = None) -> tuple[list[PersonRecord], list[TagRecord], dict[str, Tag]]:
    """Every listable mentor with their topics, and the taxonomy: three queries in all."""
    is_mentor = select(UserRole.user_id).where(UserRole.role == "mentor")
    listable = visible_people()
    if include_id is not None:
        listable = listable | (User.id == include_id)
    mentors = db.session.execute(
        select(User.id, User.department, User.capacity).where(User.id.in_(is_mentor), listable)
    ).all()
    ids = select(User.id).where(User.id.in_(is_mentor), listable)
    levels: dict[int, dict[str, str]] = defaultdict(dict)
    tags = {tag.slug: tag for tag in db.session.scalars(select(Tag).options(lazyload(Tag.synonyms)))}
    slug_of = {tag.id: tag.slug for tag in tags.values()}
    for user_id, tag_id, level in db.session.execute(
        select(PersonTag.user_id, PersonTag.tag_id, PersonTag.level).where(PersonTag.user_id.in_(ids))
    ):
        levels[user_id][slug_of[tag_id]] = level
    people = [
        PersonRecord(id=m.id, roles=frozenset({"mentor"}), department=m.department, capacity=m.capacity or 0,
                     tags=levels.get(m.id, {}))
        for m in mentors
    ]
    return people, [TagRecord(slug=t.slug, field=t.field) for t in tags.values()], tags


def _names(slugs, tags: dict[str, Tag]) -> str:
    names = [tags[s].display_name for s in slugs[:NAMED_TOPICS] if s in tags]
    return ", ".join(names) + (", …" if len(slugs) > NAMED_TOPICS else "")


def _reasons(suggestion, tags: dict[str, Tag], own: bool = True) -> list[str]:
    """"shares 3 topics: …" and "covers … in your field …" (for the mentor themself; "in the
    field …" for anyone else); the reason for its kind first."""
    shared = []
    if suggestion.shared_tags:
        n = len(suggestion.shared_tags)
        shared.append(ngettext("shares %(num)d topic: %(names)s", "shares %(num)d topics: %(names)s", n,
                               names=_names(list(suggestion.shared_tags), tags)))
    by_field: dict[str, list[str]] = defaultdict(list)
    for slug in suggestion.complementary_tags:
        if slug in tags:
            by_field[tags[slug].field].append(slug)
    covers = [
        _("covers %(names)s in your field %(field)s", names=_names(slugs, tags), field=field_label(field_name)) if own
        else _("covers %(names)s in the field %(field)s", names=_names(slugs, tags), field=field_label(field_name))
        for field_name, slugs in sorted(by_field.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    return covers + shared if suggestion.kind == "complementary" else shared + covers


def find_peers(viewer: User, mentor_id: int, *, limit: int = MAX_SUGGESTIONS) -> tuple[User, list[Peer]]:
    """Peer suggestions for a mentor the viewer may see; 404 for someone who is not a mentor.
    Mentors already connected are left out only where `sees_connections`."""
    mentor = get_person(viewer, mentor_id)
    if not mentor.has_role("mentor"):
        not_mentor = NotFoundError(_("%(name)s is not a mentor; the peer finder is for mentors.", name=mentor.name))
        not_mentor.informative = True  # the viewer may see this person: nothing is revealed
        raise not_mentor
    people, tag_records, tags = mentor_records(include_id=mentor.id)
    connected = connected_mentor_ids(mentor.id) if sees_connections(viewer, mentor) else set()
    suggestions = peer_suggestions(people, tag_records, mentor.id, connected, limit)
    found = people_by_id([s.person_id for s in suggestions])
    levels = {record.id: record.tags for record in people}
    peers = [
        Peer(person=found[s.person_id], kind=s.kind, score=round(s.score, 3), reasons=_reasons(s, tags, own=viewer.id == mentor.id),
             ask_topic=_ask_topic(s, levels.get(s.person_id, {}), tags))
        for s in suggestions if s.person_id in found
    ]
    return mentor, peers


def _ask_topic(suggestion, levels: Mapping[str, str], tags: dict[str, Tag]) -> Tag | None:
    """The topic a peer card offers to ask the peer about: the first topic they cover that the
    mentor lacks, else the first shared one they practise or know well (not one they are only
    interested in). The question is asked on the topic's contacts page, which lists them."""
    for slug in (*suggestion.complementary_tags, *suggestion.shared_tags):
        if levels.get(slug) in PROVIDER_LEVELS and slug in tags:
            return tags[slug]
    return None
