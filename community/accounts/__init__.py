"""Accounts: registration, login, passwords, API tokens, settings."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from community.accounts import oidc_views, views  # noqa: E402,F401
