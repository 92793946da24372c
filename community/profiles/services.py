"""Changes to profiles: the profile itself, a person's topics with levels (questions: profiles.questions).

Services take the acting person first, flush and never commit. The search index follows by
itself (community.profiles.search).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from enum import Enum, auto
from functools import partial
from typing import Any, Final, NamedTuple, NoReturn
from urllib.parse import urlsplit

from flask import g
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from community import markdown
from community.accounts import services as accounts
from community.accounts.models import User, UserLanguage
from community.errors import NotFoundError, PermissionDenied, Refusals, ValidationFailed
from community.expertise.models import Tag
from community.expertise.services import find_tag, normalise_term
from community.extensions import db
from community.profiles.models import LEVEL_RANK, LEVELS, PersonTag

BIO_MAX = 5_000
AVAILABILITY_MAX = 300
LINK_MAX = 500
PLACE_MAX = 120
CAPACITY_MAX = 10
# Topics a profile holds: the demo's busiest people have 7 and the taxonomy about 40. Past a
# few dozen, "expert" and "interested" stop telling the directory, topic contacts and the peer
# finder what someone actually knows.
TOPICS_MAX = 30


class _Unset(Enum):
    """The value of a keyword that was not given (None is a value: "clear it")."""

    UNSET = auto()


UNSET: Final = _Unset.UNSET

def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, {field: [message]})


# Who sees and edits whom -------------------------------------------------------------------

def sees_hidden(viewer: User) -> bool:
    return viewer.has_role("change_manager", "admin")


def can_view(viewer: User, person: User | PersonFacts) -> bool:
    """Hidden or deactivated people stay reachable for themselves, change managers and admins.
    An erased account is no person any more: not found for anyone, as if it never existed (its
    administration page stays, /admin/users/<id>)."""
    if person.erased_at is not None:
        return False
    if person.id == viewer.id or sees_hidden(viewer):
        return True
    return person.active and person.directory_visible


def can_edit(viewer: User, person: User | PersonFacts) -> bool:
    return person.id == viewer.id or viewer.is_admin


def sees_every_email(viewer: User) -> bool:
    return viewer.has_role("change_manager", "admin")


def sees_email(viewer: User, person: User | PersonFacts) -> bool:
    return person.id == viewer.id or sees_every_email(viewer)


def with_visible_emails(viewer: User, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Person dicts (with "id") plus "email" where the viewer may see it, in one query at most."""
    ids = [item["id"] for item in items]
    if sees_every_email(viewer):
        emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())
    else:
        emails = {viewer.id: viewer.email} if viewer.id in ids else {}
    return [{**item, "email": emails[item["id"]]} if item["id"] in emails else item for item in items]


class PersonFacts(NamedTuple):
    """What the access rules read of a person (can_view, can_edit, sees_email)."""

    id: int
    active: bool
    directory_visible: bool
    erased_at: datetime | None


def visible_person(viewer: User, person_id: int) -> PersonFacts:
    """get_person's answer without loading the person: the facts the rules read, remembered
    until the directory's data changes; 404 the same way for a missing and a hidden person."""
    from community.caching import cached

    def load() -> PersonFacts | tuple[()]:
        row = db.session.execute(
            select(User.id, User.active, User.directory_visible, User.erased_at).where(User.id == person_id)).first()
        return PersonFacts(*row) if row is not None else ()

    facts: PersonFacts | tuple[()] = cached(("person-facts", 2, person_id), load)
    if not isinstance(facts, PersonFacts) or not can_view(viewer, facts):
        raise NotFoundError(_("No such person."))
    return facts


def get_person(viewer: User, person_id: int) -> User:
    """A person the viewer may see; 404 otherwise (hidden people are not even confirmed)."""
    person = db.session.get(User, person_id)
    if person is None or not can_view(viewer, person):
        raise NotFoundError(_("No such person."))
    return person


def require_editor(viewer: User, person: User) -> None:
    if not can_edit(viewer, person):
        raise PermissionDenied(_("Only the person themselves or an administrator may edit this profile."))
    accounts.require_not_erased(person)


# Checking values -------------------------------------------------------------------------------

def check_link(value: str | None) -> str | None:
    """Only absolute http(s) links to a host; anything else (javascript:, data:, relative) is refused."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > LINK_MAX:
        _refuse("link", _("Links have at most %(n)d characters.", n=LINK_MAX))
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc or any(ord(c) < 33 for c in value):
        _refuse("link", _("Enter a web address starting with http:// or https://."))
    return value


def check_level(level: str | None, field: str = "tags") -> str:
    if level not in LEVELS:
        _refuse(field, _("Choose a level: interested, practitioner or expert."))
    return level


def _clean_line(value: str | None, field: str, limit: int) -> str | None:
    value = " ".join((value or "").split())
    if len(value) > limit:
        _refuse(field, _("At most %(n)d characters.", n=limit))
    return value or None


def _clean_capacity(value: object) -> int:
    if not isinstance(value, int | float | str):
        _refuse("capacity", _("Capacity is a whole number from 0 to %(n)d.", n=CAPACITY_MAX))
    try:
        number = int(value)
    except (TypeError, ValueError):
        _refuse("capacity", _("Capacity is a whole number from 0 to %(n)d.", n=CAPACITY_MAX))
    if isinstance(value, bool) or not 0 <= number <= CAPACITY_MAX:
        _refuse("capacity", _("Capacity is a whole number from 0 to %(n)d.", n=CAPACITY_MAX))
    return number


def _clean_bio(bio: str | None) -> str | None:
    bio = (bio or "").strip()
    if len(bio) > BIO_MAX:
        _refuse("bio", _("The bio has at most %(n)d characters.", n=BIO_MAX))
    return bio or None


# Each profile field: how its value is checked (and cleaned), and how the clean value is stored.
PROFILE_CHECKS: Final[dict[str, Callable[[Any], Any]]] = {
    "bio": _clean_bio,
    "department": lambda v: _clean_line(v, "department", PLACE_MAX),
    "location": lambda v: _clean_line(v, "location", PLACE_MAX),
    "availability": lambda v: _clean_line(v, "availability", AVAILABILITY_MAX),
    "link": lambda v: check_link(v),
    "capacity": lambda v: _clean_capacity(v),
    "timezone": lambda v: accounts.check_timezone(v or ""),
    "directory_visible": bool,
    "languages": lambda v: accounts.check_languages(v or []),
    "tags": lambda v: _topics_within_limit(_tag_levels(v)),
}


def check_profile(values: Mapping[str, Any]) -> dict[str, Any]:
    """Profile values (field name → value, as `update_profile` takes them) checked and cleaned,
    writing nothing: every field's error at once, one ValidationFailed naming each refused field."""
    refusals = Refusals()
    cleaned = {name: refusals.check(partial(PROFILE_CHECKS[name], value), field=name) for name, value in values.items()}
    refusals.raise_if_any()
    return cleaned


# Changing profiles ------------------------------------------------------------------------------

def update_profile(actor: User, person: User, *, bio: str | None | _Unset = UNSET,
                   department: str | None | _Unset = UNSET, location: str | None | _Unset = UNSET,
                   languages: Iterable[str] | None | _Unset = UNSET, timezone: str | None | _Unset = UNSET,
                   capacity: object = UNSET, availability: str | None | _Unset = UNSET,
                   link: str | None | _Unset = UNSET, tags: Iterable[tuple[str, str]] | _Unset = UNSET,
                   directory_visible: bool | None | _Unset = UNSET) -> User:
    """Change what is given, all or nothing; every refused field is named at once.
    `tags` is the complete list of (slug, level)."""
    require_editor(actor, person)
    given = {"bio": bio, "department": department, "location": location, "availability": availability, "link": link,
             "capacity": capacity, "timezone": timezone, "directory_visible": directory_visible, "languages": languages,
             "tags": tags}
    cleaned = check_profile({name: value for name, value in given.items() if value is not UNSET})
    for name, value in cleaned.items():
        _STORE.get(name, _store_attribute)(person, name, value)
    db.session.flush()
    return person


def _store_attribute(person: User, name: str, value: object) -> None:
    setattr(person, name, value)


def _store_bio(person: User, _name: str, bio: str | None) -> None:
    person.bio = bio
    person.bio_html = (markdown.render(bio) or None) if bio else None


def _store_languages(person: User, _name: str, codes: list[str]) -> None:
    if codes != person.languages:
        person.language_rows = [row for row in person.language_rows if row.code in codes]
        held = {row.code for row in person.language_rows}
        person.language_rows += [UserLanguage(code=code) for code in codes if code not in held]


_STORE: Final[dict[str, Callable[[User, str, Any], None]]] = {
    "bio": _store_bio,
    "languages": _store_languages,
    "directory_visible": lambda person, _name, visible: accounts.set_directory_visible(person, visible),
    "tags": lambda person, _name, wanted: _replace_tags(person, wanted),
}


def _tag_levels(pairs: Iterable[tuple[str, str]]) -> list[tuple[Tag, str]]:
    """Tags for (slug or synonym, level) pairs; each topic once (the last level given wins)."""
    chosen: dict[int, tuple[Tag, str]] = {}
    unknown = []
    known = g.setdefault("tags_by_term", {})  # an import names the same few topics row after row
    for term, level in pairs:
        check_level(level)
        key = normalise_term(term or "")
        if key not in known:
            known[key] = find_tag(term or "")
        tag = known[key]
        if tag is None:
            unknown.append((term or "").strip())
        else:
            chosen[tag.id] = (tag, level)
    if unknown:
        message = ngettext("Unknown topic: %(terms)s.", "Unknown topics: %(terms)s.", len(unknown), terms=", ".join(unknown))
        raise ValidationFailed(message, {"tags": [message]})
    return list(chosen.values())


def _topics_within_limit(levels: list[tuple[Tag, str]], held: int = 0) -> list[tuple[Tag, str]]:
    """`levels`, refused when a profile would then hold more than TOPICS_MAX topics (`held`: the
    topics it keeps besides those given)."""
    count = held + len(levels)
    if count > TOPICS_MAX:
        _refuse("tags", ngettext("A profile has at most %(num)d topic; this one would have %(given)d.",
                                 "A profile has at most %(num)d topics; this one would have %(given)d.",
                                 TOPICS_MAX, given=count))
    return levels


def set_person_tags(actor: User, person: User, pairs: Iterable[tuple[str, str]]) -> None:
    """Exactly these topics with these levels (others are removed)."""
    require_editor(actor, person)
    _replace_tags(person, _topics_within_limit(_tag_levels(pairs)))


def _replace_tags(person: User, levels: list[tuple[Tag, str]]) -> None:
    wanted = {tag.id: level for tag, level in levels}
    rows = _tag_rows(person.id)
    for tag_id, row in rows.items():
        if tag_id not in wanted:
            db.session.delete(row)
        elif row.level != wanted[tag_id]:
            row.level = wanted[tag_id]
    for tag_id, level in wanted.items():
        if tag_id not in rows:
            db.session.add(PersonTag(user_id=person.id, tag_id=tag_id, level=level))
    db.session.flush()


def add_person_tags(person: User, pairs: Iterable[tuple[str, str]]) -> bool:
    """Add topics or change their levels; never removes one. Returns whether anything changed."""
    changed = False
    rows = _tag_rows(person.id)
    wanted = _tag_levels(pairs)
    _topics_within_limit([(tag, level) for tag, level in wanted if tag.id not in rows], held=len(rows))
    for tag, level in wanted:
        row = rows.get(tag.id)
        if row is None:
            db.session.add(PersonTag(user_id=person.id, tag_id=tag.id, level=level))
            changed = True
        elif row.level != level:
            row.level = level
            changed = True
    if changed:
        db.session.flush()
    return changed


def _tag_rows(user_id: int) -> dict[int, PersonTag]:
    return {row.tag_id: row for row in db.session.scalars(select(PersonTag).where(PersonTag.user_id == user_id))}


def parse_tag_column(raw: str) -> list[tuple[str, str]]:
    """"slug:level;slug2" (also | or , between topics) → [(slug, level)]; level defaults to interested."""
    pairs = []
    for part in raw.replace("|", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        slug, _sep, level = part.partition(":")
        level = level.strip().lower() or "interested"
        if level not in LEVELS:
            raise ValidationFailed(
                _("Unknown level “%(level)s” for %(tag)s (use interested, practitioner or expert).", level=level, tag=slug.strip()),
                {"tags": [_("Unknown level “%(level)s” for %(tag)s (use interested, practitioner or expert).", level=level, tag=slug.strip())]},
            )
        pairs.append((slug.strip(), level))
    return pairs


def import_tags_column(user: User, raw: str) -> bool:
    """CSV import handler for the `tags` column: adds and raises levels, never removes."""
    return add_person_tags(user, parse_tag_column(raw))


def check_tags_column(user: User | None, raw: str) -> bool:
    """The `tags` column checked without writing (the import's check): refused exactly as
    `import_tags_column` refuses it; whether it would change `user` (None: a new person)."""
    wanted = _tag_levels(parse_tag_column(raw))
    if user is None:
        return bool(_topics_within_limit(wanted))
    rows = _tag_rows(user.id)
    _topics_within_limit([(tag, level) for tag, level in wanted if tag.id not in rows], held=len(rows))
    return any(tag.id not in rows or rows[tag.id].level != level for tag, level in wanted)


def update_settings(actor: User, *, directory_visible: bool | _Unset = UNSET, analysis_opt_out: bool | _Unset = UNSET,
                    locale: str | None = None, timezone: str | None = None) -> None:
    """The settings page: privacy switches plus language and time zone."""
    kwargs: dict[str, bool] = {}
    if directory_visible is not UNSET:
        kwargs["directory_visible"] = directory_visible
    if analysis_opt_out is not UNSET:
        kwargs["analysis_opt_out"] = analysis_opt_out
    accounts.update_settings(actor, locale=locale, timezone=timezone, **kwargs)


def level_sort_key(level: str) -> int:
    return -LEVEL_RANK.get(level, 0)
