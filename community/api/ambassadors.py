"""API v1: nominations, decisions and the ambassador directory."""

from __future__ import annotations

from typing import TYPE_CHECKING

import marshmallow as ma
from flask import current_app
from flask_login import current_user
from marshmallow import validate

from community.ambassadors import queries, services
from community.api.people import PersonResourceSchema, person_data
from community.api.schemas import (
    Blueprint,
    ErrorSchema,
    PageArgsSchema,
    PersonRefSchema,
    id_field,
    page_of,
    text_field,
)
from community.errors import DomainError
from community.extensions import limiter

if TYPE_CHECKING:
    from community.accounts.models import User

blp = Blueprint("api_ambassadors", __name__, description="Ambassador programme: nominations, decisions, directory")


class NominationSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    nominee = ma.fields.Nested(PersonRefSchema, required=True)
    nominated_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    reason = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["open", "promoted", "declined", "withdrawn"]})
    decided_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    note = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime(required=True)
    decided_at = ma.fields.DateTime(allow_none=True)


class NominationCreateSchema(ma.Schema):
    nominee_id = id_field(required=True)
    reason = text_field(services.REASON_MAX, min_length=services.REASON_MIN)

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def service_checks_too(self, data, original_data, **kwargs):
        """A body refused for one field also names what the service would refuse in the other
        (an unknown nominee beside a too short reason): every field's error in one 422."""
        if not isinstance(original_data, dict) or {"nominee_id", "reason"} <= set(data):
            return  # both fields read: the service checks them together
        try:
            services.check_nomination(current_user, data.get("nominee_id"), data.get("reason"))
        except DomainError as refused:
            raise ma.ValidationError(refused.fields or {"_schema": [refused.message]}) from None


class NominationListArgs(PageArgsSchema):
    status = ma.fields.String(validate=validate.OneOf(["open", "promoted", "declined", "withdrawn"]))


class DecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(["promote", "decline"]))
    note = text_field(services.NOTE_MAX, min_length=3)


class AmbassadorSchema(PersonResourceSchema):
    ambassador_since = ma.fields.DateTime(allow_none=True)


def ambassador_data(person: User) -> dict:
    return {**person_data(person), "ambassador_since": person.ambassador_since}


class AmbassadorListArgs(PageArgsSchema):
    tag = ma.fields.String()
    department = ma.fields.String()
    location = ma.fields.String()


@blp.route("/nominations")
@blp.arguments(NominationListArgs, location="query")
@blp.response(200, page_of(NominationSchema))
def list_nominations(args):
    """Nominations the caller made or received; change managers and admins see all."""
    page = queries.nominations_for(current_user, status=args.get("status"), page=args["page"], per_page=args["per_page"])
    return page.as_dict(lambda n: n)


@blp.route("/nominations", methods=["POST"])
@limiter.limit(lambda: current_app.config["NOMINATION_RATE_LIMIT"], key_func=lambda: f"nominate:{current_user.id}")
@blp.arguments(NominationCreateSchema)
@blp.response(201, NominationSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such person")
@blp.alt_response(409, schema=ErrorSchema, description="Already nominated or already an ambassador")
@blp.alt_response(422, schema=ErrorSchema, description="Not a mentor, or a missing reason")
def create_nomination(body):
    nomination = services.nominate(current_user, body["nominee_id"], body["reason"])
    return nomination


@blp.route("/nominations/<int:nomination_id>")
@blp.response(200, NominationSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_nomination(nomination_id):
    return services.get_nomination(current_user, nomination_id)


@blp.route("/nominations/<int:nomination_id>/decision", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, NominationSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a change manager, or the nominee or nominator")
@blp.alt_response(409, schema=ErrorSchema, description="Decided already or withdrawn")
def decide(body, nomination_id):
    """Promote or decline, with a note (change managers; not the nominee, not the nominator)."""
    nomination = services.get_nomination(current_user, nomination_id)
    services.decide(current_user, nomination, body["decision"], body["note"])
    return nomination


@blp.route("/nominations/<int:nomination_id>/withdraw", methods=["POST"])
@blp.response(200, NominationSchema)
def withdraw(nomination_id):
    nomination = services.get_nomination(current_user, nomination_id)
    services.withdraw(current_user, nomination)
    return nomination


@blp.route("/ambassadors")
@blp.arguments(AmbassadorListArgs, location="query")
@blp.response(200, page_of(AmbassadorSchema))
def list_ambassadors(args):
    page = queries.ambassadors(current_user, tag=args.get("tag"), department=args.get("department"), location=args.get("location"),
                               page=args["page"], per_page=args["per_page"])
    return page.as_dict(ambassador_data)
