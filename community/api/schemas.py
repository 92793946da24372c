"""Schemas shared across the API: errors, pagination, people in short."""

from __future__ import annotations

from functools import cache

import marshmallow as ma
from marshmallow import validate


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    # marshmallow takes declared fields off the class, so this does not hide Schema.fields.
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))  # type: ignore[assignment]


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class PageArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """`{"items": [...], "page", "per_page", "total"}` around an item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
            "total": ma.fields.Integer(required=True),
        },
    )


class PersonRefSchema(ma.Schema):
    """A person in short, as embedded in threads, mentorships, nominations."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    handle = ma.fields.String()
    is_ambassador = ma.fields.Boolean(dump_default=False)
