"""Reaching people where they work: e-mail (immediately or as a daily digest), reminders,
the weekly briefing for change managers, and posts to Teams and Slack channels."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)

from community.outreach import views  # noqa: E402,F401


@bp.app_context_processor
def channel_helpers() -> dict:
    """For the category's settings page: its channel, masked, with the last error."""
    from community.outreach import services

    return {"category_channel": services.channel_for_category, "mask_webhook": services.mask}
