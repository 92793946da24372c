"""Notification settings, one-click unsubscribe, the admins' outbox, Teams / Slack channels."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts.forms import EmptyForm
from community.outreach import bp, services
from community.outreach.forms import WebhookForm, preferences_form
from community.pagination import clamp
from community.unit_of_work import form_attempt


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    """Only the kinds that can reach the person (by role), under headings; only those are saved."""
    current = services.preferences(current_user)
    groups = services.pref_groups_for(current_user)
    shown = [pref for _heading, prefs in groups for pref in prefs]
    form = preferences_form(current, prefs=shown)
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.set_preferences(current_user, {pref.key: getattr(form, pref.key).data for pref in shown})
        if attempt.ok:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for("outreach.notification_settings"))
    return render_template("outreach/settings.html", form=form, groups=groups)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Works without login: the signed link names the person and the kind. GET asks (mail
    scanners follow links), POST switches off, also as RFC 8058 one-click from the mail program."""
    user, pref = services.read_unsubscribe_token(token)
    if request.method == "POST":
        services.unsubscribe(token)
    # In the language the e-mail was written in (the person's), whatever the browser asks for.
    with services.as_reader(user):
        return render_template("outreach/unsubscribed.html", pref=pref, done=request.method == "POST", token=token)


@bp.get("/admin/outbox")
@login_required
def outbox():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    status = request.args.get("status") or None
    result = services.outbox(current_user, status=status, page=page, per_page=per_page)
    return render_template("outreach/outbox.html", page=result, status=status, retry_form=EmptyForm())


@bp.get("/admin/outbox/<int:message_id>")
@login_required
def outbox_message(message_id: int):
    message = services.outbox_message(current_user, message_id)
    return render_template("outreach/outbox_message.html", message=message, retry_form=EmptyForm())


@bp.post("/admin/outbox/<int:message_id>/retry")
@login_required
def retry_message(message_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    with form_attempt(form) as attempt:
        services.retry(current_user, message_id)
    if attempt.ok:
        flash(_("The message is queued again."), "success")
    else:
        flash(attempt.error.message if attempt.error else _("The message could not be queued."), "error")
    return redirect(url_for("outreach.outbox_message", message_id=message_id))


@bp.get("/community/channels")
@login_required
def channels():
    categories, ambassadors, by_category = services.channels(current_user)
    return render_template("outreach/channels.html", categories=categories, ambassadors=ambassadors,
                           by_category=by_category, mask=services.mask)


@bp.route("/community/channels/category/<int:category_id>", methods=["GET", "POST"])
@login_required
def category_channel(category_id: int):
    return _channel_page("category", category_id)


@bp.route("/community/channels/ambassadors", methods=["GET", "POST"])
@login_required
def ambassadors_channel():
    return _channel_page("ambassadors", None)


def _channel_page(scope: str, category_id: int | None):
    from community.discussions.models import Category
    from community.extensions import db

    categories, ambassadors, by_category = services.channels(current_user)
    category = None
    if scope == "category":
        category = db.session.get(Category, category_id)
        if category is None:
            abort(404)
        hook = by_category.get(category.id)
    else:
        hook = ambassadors
    form = WebhookForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            saved = services.set_channel(current_user, scope, category_id, form.url.data)
        if attempt.ok:
            flash(_("The channel is saved.") if saved else _("Nothing is posted to this channel any more."), "success")
            return redirect(url_for("outreach.channels"))
    form.url.data = ""  # a secret is never shown back
    return render_template("outreach/channel_form.html", form=form, hook=hook, category=category,
                           mask=services.mask)
