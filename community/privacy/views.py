import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from community.accounts import services as accounts
from community.privacy import bp, services
from community.privacy.forms import (
    AdminEraseForm,
    EraseMyAccountForm,
    EraseMyPasswordlessAccountForm,
)
from community.unit_of_work import form_attempt


def _erase_form():
    return EraseMyAccountForm() if current_user.password_hash else EraseMyPasswordlessAccountForm()


@bp.get("/settings/privacy")
@login_required
def settings():
    return render_template("privacy/settings.html", form=_erase_form())


@bp.get("/settings/privacy/export.json")
@login_required
def export():
    data = services.export_person(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=my-data-{current_user.handle}.json"},
    )


@bp.post("/settings/privacy/erase")
@login_required
def erase_me():
    form = _erase_form()
    if form.validate_on_submit():
        confirmation = form.password.data if hasattr(form, "password") else form.email.data
        with form_attempt(form) as attempt:
            services.erase_person(current_user, current_user, password=confirmation)
        if attempt.ok:
            logout_user()
            session.clear()
            flash(_("Your account has been deleted. Your posts remain as “former member”."), "success")
            return redirect(url_for("main.home"))
    return render_template("privacy/settings.html", form=form)


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@login_required
def admin_erase(user_id: int):
    person = accounts.manage_user(current_user, user_id)
    if person.id == current_user.id:
        # One's own account is deleted in one's privacy settings, where the password confirms it;
        # this form (for leavers) asks for none, so it only points there.
        return render_template("privacy/admin_erase.html", form=None, person=person, own=True)
    form = AdminEraseForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.erase_person(current_user, person)
        if attempt.ok:
            flash(_("The account has been erased."), "success")
            return redirect(url_for("admin.users"))
    return render_template("privacy/admin_erase.html", form=form, person=person)
