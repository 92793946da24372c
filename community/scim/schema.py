"""What this service provider serves, described with scim2-models.

The User schema (RFC 7643 §4.1) and the enterprise extension (§4.3) are cut down to the
attributes this product stores, so the published Schemas say exactly what a client can rely
on; the resource model used to read and write payloads is built from those same schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Extension,
    Filter,
    Meta,
    Patch,
    Resource,
    ResourceType,
    Schema,
    SchemaExtension,
    ServiceProviderConfig,
    Sort,
    User,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_RESULTS = 200

_USER_ATTRIBUTES = {"userName": None, "name": ("givenName", "familyName"), "displayName": None,
                    "active": None, "emails": ("value", "type", "primary")}
_ENTERPRISE_ATTRIBUTES = {"department": None}


def _cut(schema: Schema, keep: Mapping[str, tuple[str, ...] | None]) -> Schema:
    schema.attributes = [a for a in schema.attributes or [] if a.name in keep]
    for attribute in schema.attributes:
        subs = keep[attribute.name or ""]
        if subs is not None:
            attribute.sub_attributes = [s for s in attribute.sub_attributes or [] if s.name in subs]
    return schema


@cache
def user_schema() -> Schema:
    schema = _cut(User.to_schema(), _USER_ATTRIBUTES)
    schema.description = "People in the organisation"
    return schema


@cache
def enterprise_schema() -> Schema:
    return _cut(EnterpriseUser.to_schema(), _ENTERPRISE_ATTRIBUTES)


@cache
def enterprise_model() -> type[Extension]:
    return Extension.from_schema(enterprise_schema())


@cache
def user_model() -> Any:
    """User[EnterpriseUser], restricted to the attributes published in the schemas."""
    return Resource.from_schema(user_schema())[enterprise_model()]  # type: ignore[index]


def _meta(base_url: str, resource_type: str, path: str) -> Meta:
    return Meta(resource_type=resource_type, location=f"{base_url}{path}")


def service_provider_config(base_url: str, docs_url: str | None = None) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=docs_url,  # type: ignore[arg-type]
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken", name="Bearer token",  # type: ignore[arg-type]
                description="A token from `flask --app wsgi scim token`, sent as Authorization: Bearer <token>",
                primary=True,
            )
        ],
        meta=_meta(base_url, "ServiceProviderConfig", "/ServiceProviderConfig"),
    )


def resource_types(base_url: str) -> list[ResourceType]:
    return [
        ResourceType(
            id="User", name="User", description="People in the organisation", endpoint="/Users",  # type: ignore[arg-type]
            schema_=USER_SCHEMA,  # type: ignore[call-arg]
            schema_extensions=[SchemaExtension(schema_=ENTERPRISE_SCHEMA, required=False)],  # type: ignore[call-arg]
            meta=_meta(base_url, "ResourceType", "/ResourceTypes/User"),
        )
    ]


def schemas(base_url: str) -> list[Schema]:
    found = []
    for schema in (user_schema(), enterprise_schema()):
        copy = schema.model_copy(deep=True)
        copy.meta = _meta(base_url, "Schema", f"/Schemas/{schema.id}")
        found.append(copy)
    return found
