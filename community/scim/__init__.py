"""SCIM 2.0 provisioning at /scim/v2/: the HR system creates, changes and removes accounts."""

from flask import Blueprint

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")


@bp.record_once
def _errors_in_scim_format(_state) -> None:
    from community.error_pages import ERROR_RENDERERS
    from community.scim.views import render_error

    ERROR_RENDERERS["/scim/"] = render_error


@bp.record_once
def _admin_changes_shown(_state) -> None:
    from community.scim.account_hooks import register

    register()

from community.scim import views  # noqa: E402,F401
