"""API v1: questions to topic contacts (the ask loop). Only the asker and the contact see a
question; for anyone else it answers 404, exactly like a question that does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import marshmallow as ma
from flask_login import current_user
from marshmallow import validate

from community.api.schemas import (
    Blueprint,
    ErrorSchema,
    JsonBoolean,
    PageArgsSchema,
    PersonRefSchema,
    page_of,
    text_field,
)
from community.profiles import questions
from community.profiles.models import QUESTION_STATUSES

if TYPE_CHECKING:
    from community.profiles.models import Question

blp = Blueprint("api_questions", __name__, description="Questions to topic contacts, their answers and resolution")


class TopicRefSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class AnswerSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    author = ma.fields.Nested(PersonRefSchema, required=True)
    body = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)


class QuestionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    asker = ma.fields.Nested(PersonRefSchema, required=True)
    contact = ma.fields.Nested(PersonRefSchema, required=True)
    person_id = ma.fields.Integer(required=True, metadata={"description": "The contact's id"})
    tag = ma.fields.String(required=True, metadata={"description": "The topic's slug"})
    topic = ma.fields.Nested(TopicRefSchema, required=True)
    body = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"enum": list(QUESTION_STATUSES)})
    helpful = ma.fields.Boolean(allow_none=True, metadata={"description": "The asker's verdict once resolved"})
    created_at = ma.fields.DateTime(required=True)
    answered_at = ma.fields.DateTime(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    answers = ma.fields.List(ma.fields.Nested(AnswerSchema), required=True)


def question_json(question: Question) -> dict[str, Any]:
    return {
        "id": question.id, "asker": question.asker, "contact": question.contact, "person_id": question.contact_id,
        "tag": question.tag.slug, "topic": {"slug": question.tag.slug, "name": question.tag.name},
        "body": question.body, "status": question.status, "helpful": question.helpful,
        "created_at": question.created_at, "answered_at": question.answered_at, "resolved_at": question.resolved_at,
        "answers": list(question.answers),
    }


class QuestionListArgs(PageArgsSchema):
    box = ma.fields.String(load_default="asked", validate=validate.OneOf(questions.BOXES),
                           metadata={"description": "`asked` by the caller, or `received` as a topic contact"})
    status = ma.fields.String(validate=validate.OneOf(QUESTION_STATUSES))


class AnswerCreateSchema(ma.Schema):
    body = text_field(questions.ANSWER_MAX)


class ResolveSchema(ma.Schema):
    helpful = JsonBoolean(required=True, allow_none=True, metadata={
        "description": "Whether the answers helped; null closes the question without rating it (the only choice "
                       "before there is an answer)"})


@blp.route("/questions")
@blp.arguments(QuestionListArgs, location="query")
@blp.response(200, page_of(QuestionSchema))
@blp.alt_response(422, schema=ErrorSchema, description="Unknown box or status")
def list_questions(args: dict):
    """The caller's questions, newest activity first: `box=asked` or `box=received`."""
    page = questions.questions_for(current_user, args["box"], status=args.get("status"), page=args["page"],
                                   per_page=args["per_page"])
    return page.as_dict(question_json)


@blp.route("/questions/<int:question_id>")
@blp.response(200, QuestionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such question, or not the caller's")
def get_question(question_id: int):
    """One question with its thread of answers (asker and contact only)."""
    return question_json(questions.get_question(current_user, question_id))


@blp.route("/questions/<int:question_id>/answers", methods=["POST"])
@blp.arguments(AnswerCreateSchema)
@blp.response(201, QuestionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such question, or not the caller's")
@blp.alt_response(409, schema=ErrorSchema, description="The question is resolved")
@blp.alt_response(422, schema=ErrorSchema, description="A missing, empty or too long body")
def answer_question(body: dict, question_id: int):
    """Answer (the contact) or write again (the asker); the other one is notified."""
    question = questions.get_question(current_user, question_id)
    questions.answer(current_user, question, body["body"])
    return question_json(question)


@blp.route("/questions/<int:question_id>/resolve", methods=["POST"])
@blp.arguments(ResolveSchema)
@blp.response(200, QuestionSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only the asker resolves")
@blp.alt_response(404, schema=ErrorSchema, description="No such question, or not the caller's")
@blp.alt_response(409, schema=ErrorSchema, description="Resolved already, or rated before there is an answer")
@blp.alt_response(422, schema=ErrorSchema, description="`helpful` missing or not a boolean")
def resolve_question(body: dict, question_id: int):
    """The asker says whether the answers helped (or closes it without rating); the question is then resolved."""
    question = questions.get_question(current_user, question_id)
    questions.resolve(current_user, question, body["helpful"])
    return question_json(question)
