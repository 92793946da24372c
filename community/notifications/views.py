from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from community.accounts.forms import EmptyForm
from community.htmx import is_htmx
from community.notifications import bp, services
from community.pagination import clamp


def _list_page(template: str, **extra):
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 30)
    unread_only = request.args.get("unread") == "1"
    result = services.list_for(current_user, page=page, per_page=per_page, unread_only=unread_only)
    return render_template(
        template, page=result, render_text=services.render_text, form=EmptyForm(formdata=None), unread_only=unread_only, **extra
    )


@bp.get("/")
@login_required
def index():
    return _list_page("notifications/index.html")


@bp.post("/read")
@login_required
def mark_all_read():
    if EmptyForm().validate_on_submit():
        services.mark_read(current_user)
        if is_htmx():  # in place: the list again, and the bell without its count
            return _list_page("notifications/_list_read.html", done=True)
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/read")
@login_required
def mark_one_read(notification_id: int):
    """Mark one notification read without opening it (someone else's: nothing happens)."""
    if EmptyForm().validate_on_submit():
        note = services.mark_one_read(current_user, notification_id)
        if note is not None and is_htmx():
            return render_template("notifications/_item_read.html", note=note, render_text=services.render_text,
                                   form=EmptyForm(formdata=None))
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Mark one notification read and follow its link (only links on this site)."""
    from community.accounts.views import safe_next

    if not EmptyForm().validate_on_submit():
        return redirect(url_for("notifications.index"))
    link = services.open_notification(current_user, notification_id)
    if link is None:
        return redirect(url_for("notifications.index"))
    return redirect(safe_next(link, "notifications.index"))
