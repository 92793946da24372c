"""API v1: people — the directory, profiles (read and edit) and the mentors' peer finder."""

from __future__ import annotations

from typing import TYPE_CHECKING

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError, validate

from community.accounts.models import ROLES
from community.api.schemas import (
    TIMEZONES,
    Blueprint,
    ErrorSchema,
    JsonBoolean,
    JsonInteger,
    PageArgsSchema,
    dumped,
    page_of,
)
from community.caching import cached
from community.errors import DomainError
from community.pagination import Page
from community.profiles import peers, queries, services
from community.profiles.models import LEVELS
from community.profiles.services import CAPACITY_MAX, TOPICS_MAX

if TYPE_CHECKING:
    from community.accounts.models import User

blp = Blueprint("api_people", __name__, description="People: directory search, profiles, peer finder")


class PersonTagSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    level = ma.fields.String(required=True, metadata={"enum": list(LEVELS)})
    field = ma.fields.String()


class PersonResourceSchema(ma.Schema):
    """SPEC's Person resource (named apart from the network API's pseudonymisable person)."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    handle = ma.fields.String()
    roles = ma.fields.List(ma.fields.String(), required=True)
    department = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String(), required=True)
    timezone = ma.fields.String()
    capacity = ma.fields.Integer()
    tags = ma.fields.List(ma.fields.Nested(PersonTagSchema), required=True)
    is_ambassador = ma.fields.Boolean(required=True)
    bio = ma.fields.String(allow_none=True, metadata={"description": "Markdown source"})
    bio_html = ma.fields.String(allow_none=True, metadata={"description": "Sanitised HTML of the bio"})
    availability = ma.fields.String(allow_none=True)
    link = ma.fields.String(allow_none=True)
    directory_visible = ma.fields.Boolean()
    email = ma.fields.String(metadata={"description": "Only for the person themselves, change managers and admins"})


PersonSchema = PersonResourceSchema
_PEOPLE_PAGE = page_of(PersonSchema)()


def person_data(person: User, viewer: User | None = None, *, email: bool | None = None) -> dict:
    """A person as SPEC's Person resource; `email` only for those who may see it
    (email=False leaves it out whoever asks)."""
    viewer = viewer or current_user
    data = {
        "id": person.id, "name": person.name, "handle": person.handle, "roles": person.roles,
        "department": person.department, "location": person.location, "languages": person.languages,
        "timezone": person.timezone, "capacity": person.capacity or 0,
        "tags": [
            {"slug": row.tag.slug, "name": row.tag.name, "level": row.level, "field": row.tag.field}
            for row in sorted(person.tag_rows, key=lambda r: (services.level_sort_key(r.level), r.tag.slug))
        ],
        "is_ambassador": bool(person.is_ambassador), "bio": person.bio, "bio_html": person.bio_html,
        "availability": person.availability, "link": person.link, "directory_visible": person.directory_visible,
    }
    if email is not False and services.sees_email(viewer, person):
        data["email"] = person.email
    return data


class DirectoryArgsSchema(PageArgsSchema):
    q = ma.fields.String(load_default="", validate=validate.Length(max=200))
    tag = ma.fields.String(load_default="", validate=validate.Length(max=80))
    role = ma.fields.String(load_default="", validate=validate.OneOf(("", *ROLES)),
                            metadata={"description": "people holding this role; empty: any"})
    department = ma.fields.String(load_default="", validate=validate.Length(max=120))
    location = ma.fields.String(load_default="", validate=validate.Length(max=120))
    language = ma.fields.String(load_default="", validate=validate.Length(max=8))


class TagLevelSchema(ma.Schema):
    slug = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    level = ma.fields.String(required=True, validate=validate.OneOf(LEVELS))


# Fields SPEC says a PATCH never changes: refused by name, not silently dropped.
READ_ONLY_FIELDS = ("id", "roles", "is_ambassador", "ambassador_since", "email", "name", "handle", "bio_html")


class ProfilePatchSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    bio = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,3}$")), validate=validate.Length(max=20),
                               metadata={"description": "ISO 639 codes such as en, de, fr"})
    timezone = ma.fields.String(validate=validate.OneOf(TIMEZONES))
    capacity = JsonInteger(validate=validate.Range(min=0, max=CAPACITY_MAX))
    availability = ma.fields.String(allow_none=True)
    link = ma.fields.String(allow_none=True)
    # 100 bounds the body; the service refuses more than TOPICS_MAX with its own message on `tags`.
    tags = ma.fields.List(ma.fields.Nested(TagLevelSchema), validate=validate.Length(max=100), metadata={
        "description": f"The complete list of topics (it replaces the profile's); a profile has at most {TOPICS_MAX}, "
                       "more are refused (422 naming `tags`)"})
    directory_visible = JsonBoolean()

    @ma.pre_load
    def refuse_read_only(self, data, **kwargs):
        if isinstance(data, dict):
            refused = {name: [_("This field cannot be changed here.")] for name in READ_ONLY_FIELDS if name in data}
            if refused:
                raise ValidationError(refused)
        return data

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def service_checks_too(self, data, original_data, **kwargs):
        """A body refused for some fields also names what the service would refuse in the others
        (it checks them only once the body is valid): every field's error in one answer, not a
        capacity of 99 first and the javascript: link on the next try."""
        if not isinstance(original_data, dict):
            return
        # A list keeps what passed of its items: not as sent, it was refused here too.
        refused_here = {name for name in original_data if name not in data or (
            isinstance(data[name], list) and data[name] != original_data[name])}
        if not refused_here:
            return  # nothing refused here: the service checks it all, after who may edit
        values = {name: value for name, value in data.items() if name not in refused_here}
        if "tags" in values:
            try:
                values["tags"] = [(item["slug"], item["level"]) for item in values["tags"]]
            except (KeyError, TypeError):  # an item without its slug or level: refused here (and named) already
                del values["tags"]
        try:
            services.check_profile(values)
        except DomainError as refused:
            raise ValidationError(refused.fields or {"_schema": [refused.message]}) from None


class PeerSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    score = ma.fields.Float(required=True)
    kind = ma.fields.String(required=True, metadata={"enum": ["similar", "complementary"]})
    reasons = ma.fields.List(ma.fields.String(), required=True)
    ask_topic = ma.fields.String(allow_none=True, metadata={
        "description": "The slug of a topic to ask this peer about (POST /api/v1/tags/{slug}/questions): one "
                       "they practise that the mentor lacks, else one they share; null when there is none"})


@blp.route("/people")
@blp.arguments(DirectoryArgsSchema(), location="query")  # an instance: not made anew per request
@blp.response(200, page_of(PersonSchema))
@blp.alt_response(422, schema=ErrorSchema, description="Unknown topic or role in a filter, or search words of punctuation alone")
def list_people(args: dict):
    """Directory search: full text (`q`, prefix per word) and filters; hidden people are not listed.
    By relevance, then name; people holding a topic the words name come first; a very common
    word (PostgreSQL: in at least 5 % of the directory) lists the people it finds by name."""
    query = queries.DirectoryQuery(**{name: (args.get(name) or "").strip() for name in queries.FILTERS})
    page, per_page = args["page"], args["per_page"]

    def search() -> dict:
        result = queries.search_people(query, page=page, per_page=per_page)
        return _PEOPLE_PAGE.dump(result.page.as_dict(lambda person: person_data(person, email=False)))

    # The same for every caller until the directory changes (community.caching), cached as
    # dumped by its schema (so dumped once, not on every request); e-mail addresses (plain
    # strings) are added afterwards for those who may see them, and never cached.
    key = sorted((k, str(v)) for k, v in args.items())
    body = cached(("directory-api", key), search)
    return dumped({**body, "items": _with_emails(current_user._get_current_object(), key, body["items"])})


def _with_emails(viewer: User, key: list, items: list[dict]) -> list[dict]:
    """`services.with_visible_emails`; for those who see everyone's address (change managers,
    admins) its answer for this page is cached too, under a part that only they ever read and
    with the directory's generation (an e-mail change is a change of `users`)."""
    if not services.sees_every_email(viewer):
        return services.with_visible_emails(viewer, items)

    def addresses() -> list[list]:
        return [[item["id"], item["email"]] for item in services.with_visible_emails(viewer, items) if "email" in item]

    emails = dict(cached(("directory-api-emails", key), addresses))
    return [{**item, "email": emails[item["id"]]} if item["id"] in emails else item for item in items]


def _person(person_id: int):
    return services.get_person(current_user, person_id)


@blp.route("/people/<int:person_id>")
@blp.response(200, PersonSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown, or hidden from the caller")
def get_person(person_id: int):
    return person_data(_person(person_id))


@blp.route("/people/<int:person_id>", methods=["PATCH"])
@blp.arguments(ProfilePatchSchema)
@blp.response(200, PersonSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not your profile (and you are not an admin)")
@blp.alt_response(422, schema=ErrorSchema, description="Invalid value, or a field that cannot be set here")
def patch_person(changes: dict, person_id: int):
    """Edit a profile (the person or an admin). `tags` replaces the whole list of topics."""
    person = _person(person_id)
    if "tags" in changes:
        changes["tags"] = [(item["slug"], item["level"]) for item in changes["tags"]]
    services.update_profile(current_user, person, **changes)
    return person_data(person)


@blp.route("/people/<int:person_id>/peers")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(PeerSchema))
@blp.alt_response(404, schema=ErrorSchema, description="Unknown person, or not a mentor")
def person_peers(args: dict, person_id: int):
    """Similar and complementary mentors, with reasons. For the mentor themself and change
    managers, mentors already connected to them (sharing an executive) are left out."""
    _mentor, found = peers.find_peers(current_user, person_id)
    page, per_page = args["page"], args["per_page"]
    chosen = found[(page - 1) * per_page: page * per_page]
    return Page(items=chosen, page=page, per_page=per_page, total=len(found)).as_dict(
        lambda p: {"person": person_data(p.person), "score": p.score, "kind": p.kind, "reasons": p.reasons,
                   "ask_topic": p.ask_topic.slug if p.ask_topic is not None else None}
    )
