"""API v1: the tag taxonomy and topic contacts ("whom do I ask about X?")."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from marshmallow import validate

from community.api.people import PersonSchema, person_data
from community.api.questions import QuestionSchema, question_json
from community.api.schemas import (
    Blueprint,
    ErrorSchema,
    PageArgsSchema,
    id_field,
    page_of,
    text_field,
)
from community.expertise.services import get_tag, search_tags
from community.pagination import Page
from community.profiles import contacts, queries, questions

blp = Blueprint("api_tags", __name__, description="Topics (tags), their synonyms and topic contacts")


class TagSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    name_de = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    description_de = ma.fields.String(allow_none=True)
    field = ma.fields.String(required=True)
    synonyms = ma.fields.List(ma.fields.String(), required=True)
    people = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                            metadata={"description": "Listed people per level"})


def tag_data(tag, counts: dict | None = None) -> dict:
    data = {
        "slug": tag.slug, "name": tag.name, "name_de": tag.name_de, "description": tag.description,
        "description_de": tag.description_de, "field": tag.field, "synonyms": tag.synonym_terms,
    }
    if counts is not None:
        data["people"] = {level: counts.get(level, 0) for level in ("expert", "practitioner", "interested")}
    return data


class TagArgsSchema(PageArgsSchema):
    q = ma.fields.String(load_default="", validate=validate.Length(max=80))


class ContactSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    score = ma.fields.Float(required=True)
    level = ma.fields.String(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)


class AskSchema(ma.Schema):
    person_id = id_field(required=True)
    message = text_field(questions.QUESTION_MAX)


@blp.route("/tags")
@blp.arguments(TagArgsSchema, location="query")
@blp.response(200, page_of(TagSchema))
def list_tags(args: dict):
    """The taxonomy; `q` matches names (English, German), slugs and synonyms."""
    tags = search_tags(args["q"])
    page, per_page = args["page"], args["per_page"]
    chosen = tags[(page - 1) * per_page: page * per_page]
    counts = queries.level_counts([t.id for t in chosen])
    return Page(items=chosen, page=page, per_page=per_page, total=len(tags)).as_dict(
        lambda t: tag_data(t, counts.get(t.id, {}))
    )


@blp.route("/tags/<slug>")
@blp.response(200, TagSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown topic")
def get_one_tag(slug: str):
    tag = get_tag(slug)
    return tag_data(tag, queries.level_counts([tag.id]).get(tag.id, {}))


@blp.route("/tags/<slug>/contacts")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(ContactSchema))
@blp.alt_response(404, schema=ErrorSchema, description="Unknown topic")
def tag_contacts(args: dict, slug: str):
    """People to ask about a topic, best first, each with the reasons for the place."""
    tag = get_tag(slug)
    page = contacts.topic_contacts(current_user, tag, page=args["page"], per_page=args["per_page"])
    return page.as_dict(lambda c: {"person": person_data(c.person), "score": c.score, "level": c.level, "reasons": c.reasons})


@blp.route("/tags/<slug>/questions", methods=["POST"])
@blp.arguments(AskSchema)
@blp.response(201, QuestionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown topic or person, or the person is not listed for it")
@blp.alt_response(422, schema=ErrorSchema, description="An empty or too long message, or asking oneself")
@blp.alt_response(429, schema=ErrorSchema, description="Too many questions in the last 24 hours")
def ask_question(body: dict, slug: str):
    """Ask a listed person about the topic; they get a notification that opens the question
    (`/questions/{id}`, `GET /api/v1/questions/{id}`)."""
    question = questions.ask(current_user, body["person_id"], slug, body["message"])
    return question_json(question)
