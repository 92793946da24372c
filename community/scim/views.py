"""SCIM 2.0 endpoints (RFC 7644) under /scim/v2/: discovery, Users, search.

Every request carries a provisioning token (`flask --app wsgi scim token`). Every answer is
`application/scim+json`; every refusal a SCIM Error body with its status and scimType.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, request, url_for

from community.errors import ConflictError, DomainError, NotFoundError, PermissionDenied
from community.extensions import csrf
from community.logs import security_event
from community.scim import bp

# scim2-models (pydantic) and the services built on it load on the first SCIM request, so
# a web worker that never serves SCIM starts without them.

MEDIA_TYPE = "application/scim+json"
MAX_RESULTS = 200  # community.scim.schema.MAX_RESULTS, kept here to spare the import
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
log = logging.getLogger(__name__)
csrf.exempt(bp)  # bearer tokens only; a browser's cookies are never looked at here


def base_url() -> str:
    return url_for("scim.service_provider_config_endpoint", _external=True).rsplit("/", 1)[0]


def scim_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = current_app.response_class(json.dumps(payload, default=str), status=status, mimetype=MEDIA_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(status: int, detail: str, scim_type: str | None = None, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": str(status)}
    if scim_type:
        body["scimType"] = scim_type
    body["detail"] = detail
    return scim_json(body, status, headers)


def scim_endpoint(view: Callable[..., Response]) -> Callable[..., Response]:
    """SCIM refusals (scim2-models exceptions, invalid payloads) become SCIM Error bodies."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Response:
        from pydantic import ValidationError
        from scim2_models import Error, SCIMException

        try:
            return view(*args, **kwargs)
        except SCIMException as error:
            if error.status >= 500:
                log.error("SCIM error %s: %s", error.status, error.detail)
            return error_response(error.status, error.detail, error.scim_type or None)
        except ValidationError as error:
            first = Error.from_validation_errors(error)[0]
            return error_response(int(first.status or 400), first.detail or "invalid payload", first.scim_type or "invalidValue")

    return run


@bp.before_request
def require_token():
    from community.scim import services

    token = services.authenticate(request.headers.get("Authorization"))
    if token is None:
        security_event("scim.unauthorized")
        return error_response(401, "A valid SCIM bearer token is required", None, {"WWW-Authenticate": 'Bearer realm="scim"'})
    g.scim_token_id = token.id
    return None


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    if isinstance(error, NotFoundError):
        return error_response(404, error.message)
    if isinstance(error, PermissionDenied):
        return error_response(403, error.message)
    if isinstance(error, ConflictError):
        return error_response(409, error.message, "uniqueness")
    return error_response(400, error.message, "invalidValue")


def render_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """App-wide errors on /scim/ paths (unknown address, wrong method, too large, server error)."""
    return error_response(status, message, None, headers)


def _body() -> dict[str, Any]:
    from scim2_models import InvalidSyntaxException

    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise InvalidSyntaxException(detail="The request body must be a JSON object")
    return body


def _response_parameters(source: dict[str, Any] | None = None) -> Any:
    from pydantic import ValidationError
    from scim2_models import Error, InvalidValueException, ResponseParameters

    raw: dict[str, Any] = {}
    for key in ("attributes", "excludedAttributes"):
        value = source.get(key) if source else request.args.get(key)
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if value:
            raw[key] = value
    if raw.get("attributes") and raw.get("excludedAttributes"):
        raise InvalidValueException(detail="attributes and excludedAttributes cannot be used together")
    try:
        return ResponseParameters.model_validate(raw)
    except ValidationError as error:
        raise InvalidValueException(detail=str(Error.from_validation_errors(error)[0].detail)) from None


def _int_param(value: Any, name: str, default: int) -> int:
    from scim2_models import InvalidValueException

    from community.database import ascii_digits

    if value in (None, ""):
        return default
    text = str(value)
    digits = text[1:] if text[:1] in ("-", "+") else text  # one sign at most: "-+1" is no integer
    if not ascii_digits(digits):  # int() also reads "１" and " 1"
        raise InvalidValueException(detail=f"{name} must be an integer")
    if len(digits.lstrip("0")) > 12:  # far outside any range (and int() refuses 4,300 digits)
        raise InvalidValueException(detail=f"{name} must be between {INT_MIN} and {INT_MAX}")
    return int(text)


def _in_range(value: int, name: str) -> int:
    """startIndex and count are 32-bit integers (within that, below 1 and above MAX_RESULTS are
    read as RFC 7644 §3.4.2.4 says); beyond, a SCIM error rather than the database's overflow."""
    from scim2_models import InvalidValueException

    if not INT_MIN <= value <= INT_MAX:
        raise InvalidValueException(detail=f"{name} must be between {INT_MIN} and {INT_MAX}")
    return value


def _dump(resource: Any, context: Any, parameters: Any = None) -> dict[str, Any]:
    return resource.model_dump(scim_ctx=context, response_parameters=parameters)


# Discovery ------------------------------------------------------------------------------

@bp.get("/ServiceProviderConfig")
@scim_endpoint
def service_provider_config_endpoint():
    from scim2_models import Context

    from community.scim.schema import service_provider_config

    config = service_provider_config(base_url())
    return scim_json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.get("/ResourceTypes")
@scim_endpoint
def resource_types_endpoint():
    from scim2_models import Context, ListResponse, ResourceType

    from community.scim.schema import resource_types

    found = resource_types(base_url())
    listing = ListResponse[ResourceType](total_results=len(found), start_index=1, items_per_page=len(found), resources=found)
    return scim_json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


@bp.get("/ResourceTypes/<resource_type>")
@scim_endpoint
def resource_type_endpoint(resource_type: str):
    from scim2_models import Context, NotFoundException

    from community.scim.schema import resource_types

    for found in resource_types(base_url()):
        if found.id == resource_type:
            return scim_json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No resource type {resource_type}")


@bp.get("/Schemas")
@scim_endpoint
def schemas_endpoint():
    from scim2_models import Context, ListResponse, Schema

    from community.scim.schema import schemas

    found = schemas(base_url())
    listing = ListResponse[Schema](total_results=len(found), start_index=1, items_per_page=len(found), resources=found)
    return scim_json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


@bp.get("/Schemas/<path:schema_id>")
@scim_endpoint
def schema_endpoint(schema_id: str):
    from scim2_models import Context, NotFoundException

    from community.scim.schema import schemas

    for found in schemas(base_url()):
        if found.id == schema_id:
            return scim_json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=f"No schema {schema_id}")


# Users ----------------------------------------------------------------------------------

def _listing(filter_text: str | None, start_index: int, count: int, parameters: Any) -> Response:
    from scim2_models import Context, ListResponse

    from community.scim import services
    from community.scim.schema import user_model

    start_index = max(_in_range(start_index, "startIndex"), 1)
    count = min(max(_in_range(count, "count"), 0), MAX_RESULTS)
    total, resources = services.list_users(filter_text, start_index, count, base_url())
    listing = ListResponse[user_model()](  # type: ignore[misc,operator]
        total_results=total, start_index=start_index, items_per_page=len(resources), resources=resources
    )
    return scim_json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters))


@bp.get("/Users")
@scim_endpoint
def list_users():
    return _listing(
        request.args.get("filter"),
        _int_param(request.args.get("startIndex"), "startIndex", 1),
        _int_param(request.args.get("count"), "count", 100),
        _response_parameters(),
    )


@bp.post("/Users/.search")
@bp.post("/.search")
@scim_endpoint
def search_users():
    from scim2_models import Context, SearchRequest

    body = _body()
    search: SearchRequest = SearchRequest.model_validate(body, scim_ctx=Context.SEARCH_REQUEST)
    return _listing(
        str(search.filter) if search.filter else None,
        search.start_index or 1,
        search.count if search.count is not None else 100,
        _response_parameters(body),
    )


@bp.post("/Users")
@scim_endpoint
def create_user():
    from scim2_models import Context

    from community.scim import services
    from community.scim.schema import user_model

    resource = user_model().model_validate(_body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    user = services.create(resource)
    created = services.to_resource(user, services.row_of(user), base_url())
    return scim_json(_dump(created, Context.RESOURCE_CREATION_RESPONSE, _response_parameters()), 201,
                     {"Location": created.meta.location})


@bp.get("/Users/<resource_id>")
@scim_endpoint
def get_user(resource_id: str):
    from scim2_models import Context

    from community.scim import services

    user = services.get_user(resource_id)
    resource = services.to_resource(user, services.row_of(user), base_url())
    return scim_json(_dump(resource, Context.RESOURCE_QUERY_RESPONSE, _response_parameters()))


@bp.put("/Users/<resource_id>")
@scim_endpoint
def replace_user(resource_id: str):
    from scim2_models import Context

    from community.scim import services
    from community.scim.schema import user_model

    user = services.get_user(resource_id)
    resource = user_model().model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    services.replace(user, resource)
    replaced = services.to_resource(user, services.row_of(user), base_url())
    return scim_json(_dump(replaced, Context.RESOURCE_REPLACEMENT_RESPONSE, _response_parameters()))


@bp.patch("/Users/<resource_id>")
@scim_endpoint
def patch_user(resource_id: str):
    from scim2_models import Context

    from community.scim import services

    user = services.get_user(resource_id)
    operations = services.parse_patch(_body())
    services.patch(user, operations, base_url())
    patched = services.to_resource(user, services.row_of(user), base_url())
    return scim_json(_dump(patched, Context.RESOURCE_PATCH_RESPONSE, _response_parameters()))


@bp.delete("/Users/<resource_id>")
@scim_endpoint
def delete_user(resource_id: str):
    from community.scim import services

    services.delete(services.get_user(resource_id))
    return Response(status=204)
