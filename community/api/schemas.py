"""Schemas shared across the API: errors, pagination, people in short."""

from __future__ import annotations

import re
from functools import cache
from typing import Any, cast
from zoneinfo import available_timezones

import flask_smorest
import marshmallow as ma
from flask import Response, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import validate
from webargs.flaskparser import FlaskParser

from community.database import MAX_ID


class StrictParser(FlaskParser):
    """webargs' parser, exact about what the OpenAPI document promises:

    - a query parameter given twice that is not a list (`page=1&page=2`) is refused (422)
      instead of silently taking the first value;
    - a request whose JSON body is required (every `@blp.arguments` body here) but missing, or
      not sent as JSON, is refused (422) instead of being read as an empty object (a schema
      with `BODY_OPTIONAL = True`, documented with `required=False`, takes no body as `{}`).
    """

    def load_querystring(self, req: Any, schema: ma.Schema) -> Any:
        proxy = super().load_querystring(req, schema)
        repeated = sorted(key for key in req.args if len(req.args.getlist(key)) > 1
                          and key not in proxy.multiple_keys)
        if repeated:
            raise ma.ValidationError({key: [_("Give this parameter only once.")] for key in repeated})
        return proxy

    def load_json(self, req: Any, schema: ma.Schema) -> Any:
        data = super().load_json(req, schema)
        if data is ma.missing and getattr(schema, "BODY_OPTIONAL", False):
            return {}
        if data is ma.missing:
            raise ma.ValidationError({"body": [_("A JSON body is required (Content-Type: application/json).")]})
        return data


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with the strict parser (every API module uses this one)."""

    ARGUMENTS_PARSER = StrictParser()


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    # marshmallow takes declared fields off the class, so this does not hide Schema.fields.
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))  # type: ignore[assignment]


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class QueryInteger(ma.fields.Integer):
    """An integer in a query string: ASCII digits with at most one sign, and a fraction of
    zeros allowed ("2.0" is 2: the document says integer, and JSON Schema counts 2.0 as one,
    as JsonInteger does in a body). int() also reads other scripts' digits ("٣" is 3), which
    the addresses of the pages do not."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            match = _QUERY_INTEGER.fullmatch(value.strip())
            if match is None:
                raise self.make_error("invalid")
            value = match.group(1)
        return super()._deserialize(value, attr, data, **kwargs)


_QUERY_INTEGER = re.compile(r"([-+]?[0-9]+)(?:\.0*)?", re.ASCII)


class PageArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    page = QueryInteger(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = QueryInteger(load_default=20, validate=validate.Range(min=1, max=100))


def dumped(data: Any, status: int = 200) -> Response:
    """A body already in its documented form (dumped by its schema once, e.g. when it was
    cached) as the JSON response. flask-smorest passes a Response through as it is, so the
    data is not dumped a second time; the route's `@blp.response` still documents it."""
    response = current_app.json.response(data)
    response.status_code = status
    return cast(Response, response)


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """`{"items": [...], "page", "per_page", "total", "more"}` around an item schema."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
            "total": ma.fields.Integer(required=True),
            "more": ma.fields.Boolean(
                dump_default=False,
                metadata={"description": "true: a search stopped counting, there are more than `total` items"}),
        },
    )


class AmbassadorBadge(ma.fields.Boolean):
    """The ambassador badge beside a name: not for people hidden from the directory, whom the
    ambassador list leaves out too (a badge on their posts would tell what the list keeps)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing) -> Any:
        value = super().get_value(obj, attr, accessor, default)
        if value is ma.missing:
            return value
        return bool(value) and super().get_value(obj, "directory_visible", accessor, True) is not False


class PersonRefSchema(ma.Schema):
    """A person in short, as embedded in threads, mentorships, nominations."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    handle = ma.fields.String()
    is_ambassador = AmbassadorBadge(dump_default=False)


# A character the server's strip() keeps: not one of Python's spaces, written out because `\S`
# means another set in the document's regular expressions (ECMA 262 counts U+FEFF as a space but
# not U+001C-U+001F or U+0085, which Python strips).
_NOT_SPACE = r"[^\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def text_field(max_length: int, *, min_length: int = 1, required: bool = True, too_large: bool = False,
               **kwargs: Any) -> ma.fields.String:
    """Text that must say something: at least `min_length` characters once the spaces around it
    are stripped (the server strips them and refuses what is left too short, so the document
    says so with a pattern). With `too_large` the service refuses a longer text itself with its
    documented 413 (posts), so the length is only declared here."""
    pattern = (f"[\\s\\S]*{_NOT_SPACE}" if min_length <= 1
               else f"[\\s\\S]*{_NOT_SPACE}[\\s\\S]{{{min_length - 2},}}{_NOT_SPACE}")
    metadata = dict(kwargs.pop("metadata", {}))
    if too_large:
        metadata["maxLength"] = max_length
    return ma.fields.String(
        required=required,
        validate=[validate.Length(min=min_length, max=None if too_large else max_length),
                  validate.Regexp(pattern, error=_l("Too short once the spaces around it are left out."))],
        metadata=metadata,
        **kwargs,
    )


TIMEZONES = sorted(available_timezones())


def distinct(values: list[Any]) -> None:
    """A list validator: no value twice."""
    if len(set(values)) != len(values):
        raise ma.ValidationError(_("Give each value only once."))


class JsonBoolean(ma.fields.Boolean):
    """A JSON boolean: true or false, not 0, 1 or "yes" (what the document's `boolean` says)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class JsonInteger(ma.fields.Integer):
    """A JSON integer: a number without a fraction, not a string or a boolean."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or (
            isinstance(value, float) and not value.is_integer()):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def id_field(*, query: bool = False, **kwargs: Any) -> ma.fields.Integer:
    """The id of a stored thing: 1 to 2**31 - 1 (what the database stores); in a JSON body a
    JSON integer, in a query string its digits."""
    field = QueryInteger if query else JsonInteger
    return field(validate=validate.Range(min=1, max=MAX_ID), **kwargs)
