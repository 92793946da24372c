"""GET/PATCH /api/v1/me: the caller's own profile and settings."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from marshmallow import validate

from community.accounts import services as accounts
from community.api.schemas import TIMEZONES, Blueprint, JsonBoolean, dumped
from community.caching import cached
from community.outreach import services as outreach

blp = Blueprint("api_me", __name__, description="The authenticated person")


class MeSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    handle = ma.fields.String(required=True)
    roles = ma.fields.List(ma.fields.String(), required=True)
    department = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String(), required=True)
    timezone = ma.fields.String(required=True)
    locale = ma.fields.String(allow_none=True)
    directory_visible = ma.fields.Boolean()
    analysis_opt_out = ma.fields.Boolean()
    notification_prefs = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.String(),
        metadata={"description": "Per kind of notification: immediately | digest | off (e-mail)"})
    mentoring_paused = ma.fields.Boolean(metadata={"description": "mentors: no new requests while paused"})


# Every kind of notification by name (an unknown kind is refused, and the document lists them),
# each with the modes it offers (the weekly briefing has no digest: the document says so).
NotificationPrefsSchema = ma.Schema.from_dict(
    {pref.key: ma.fields.String(validate=validate.OneOf(list(outreach.modes_of(pref)), error=outreach.mode_refusal(pref)))
     for pref in outreach.PREF_KINDS},
    name="NotificationPrefsSchema",
)


class MeSettingsSchema(ma.Schema):
    locale = ma.fields.String(validate=validate.OneOf(["en", "de"]))
    timezone = ma.fields.String(validate=validate.OneOf(TIMEZONES))
    directory_visible = JsonBoolean()
    analysis_opt_out = JsonBoolean()
    notification_prefs = ma.fields.Nested(
        NotificationPrefsSchema, metadata={"description": "Kinds to change: immediately | digest | off"})
    mentoring_paused = JsonBoolean(metadata={"description": "pause mentoring: no new requests; current "
                                                                  "mentorships are handed over"})


_ME_WITHOUT_PREFS = MeSchema(exclude=("notification_prefs",))


def me_data(*, changed: bool = False):
    """The caller as MeSchema, dumped once (the response passes it on as it is). The e-mail
    choices change only through the settings, whose commit moves the "accounts" generation on;
    a request that `changed` them reads them afresh."""
    user = current_user._get_current_object()
    data = _ME_WITHOUT_PREFS.dump(user)
    if changed:
        data["notification_prefs"] = outreach.preferences(user)
    else:
        # As pairs, which the worker keeps itself (community.caching.cached): no round trip to a shared cache.
        data["notification_prefs"] = dict(cached(("notification-prefs", user.id),
                                                 lambda: tuple(outreach.preferences(user).items())))
    return dumped(data)


@blp.route("/me")
@blp.response(200, MeSchema)
def get_me():
    return me_data()


@blp.route("/me", methods=["PATCH"])
@blp.arguments(MeSettingsSchema)
@blp.response(200, MeSchema)
def patch_me(settings: dict):
    prefs = settings.pop("notification_prefs", None)
    paused = settings.pop("mentoring_paused", None)
    if settings:
        accounts.update_settings(current_user, **settings)
    if prefs:
        outreach.set_preferences(current_user, prefs)
    if paused is not None:
        from community.mentoring.services import set_mentoring_paused

        set_mentoring_paused(current_user, paused)
    return me_data(changed=True)


class RevokeAllSchema(ma.Schema):
    confirm = JsonBoolean(required=True, validate=validate.Equal(True),
                                metadata={"description": "Must be true: every token of the caller stops working, this one too"})


class RevokedSchema(ma.Schema):
    revoked = ma.fields.Integer(required=True, metadata={"description": "How many tokens were revoked"})


@blp.route("/me/tokens", methods=["DELETE"])
@blp.arguments(RevokeAllSchema)
@blp.response(200, RevokedSchema)
def revoke_all_tokens(_body):
    """Revoke every API token of the caller at once (e.g. after a leak), the calling one too."""
    return {"revoked": accounts.revoke_all_api_tokens(current_user)}


class EraseSchema(ma.Schema):
    password = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


@blp.route("/me/export")
@blp.response(200, description="Everything stored about the caller, grouped by feature")
def export_me():
    from community.privacy.services import export_person

    return export_person(current_user)


@blp.route("/me", methods=["DELETE"])
@blp.arguments(EraseSchema)
@blp.response(204)
def erase_me(body):
    """Erase the caller's account (the password confirms it, or for an account that signs in with the
    company account and has no password, its e-mail address; a leaked token alone cannot)."""
    from community.privacy.services import erase_person

    erase_person(current_user, current_user, password=body["password"])
    return ""
