from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts import services as accounts
from community.accounts.forms import EmptyForm
from community.admin import bp, queries
from community.admin.forms import CreateUserForm, RolesForm, SetPasswordForm
from community.errors import DomainError
from community.extensions import db
from community.forms import apply_errors
from community.pagination import clamp


@bp.before_request
@login_required
def require_admin():
    if not current_user.is_admin:
        abort(403)


@bp.get("/users")
def users():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    q = request.args.get("q", "")[:100]
    role = request.args.get("role") or None
    return render_template("admin/users.html", page=queries.search_users(q, role, page=page, per_page=per_page), q=q, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                roles=form.roles.data,
                department=form.department.data,
                location=form.location.data,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Account for %(name)s created.", name=user.name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = accounts.get_user(user_id)
    roles_form = RolesForm(prefix="roles", data={"roles": user.roles} if request.method == "GET" else None)
    if roles_form.validate_on_submit():
        try:
            accounts.set_roles(current_user, user, roles_form.roles.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(roles_form, error)
        else:
            db.session.commit()
            flash(_("Roles saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _render_user(user, roles_form=roles_form)


def _render_user(user, **forms):
    forms.setdefault("roles_form", RolesForm(prefix="roles", data={"roles": user.roles}))
    forms.setdefault("password_form", SetPasswordForm(prefix="pw"))
    return render_template("admin/user_edit.html", user=user, active_form=EmptyForm(prefix="active"), **forms)


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    user = accounts.get_user(user_id)
    if EmptyForm(prefix="active").validate_on_submit():
        try:
            accounts.set_active(current_user, user, not user.active)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Account activated.") if user.active else _("Account deactivated; its sessions have ended."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/users/<int:user_id>/deactivate")
def confirm_deactivate(user_id: int):
    """Check before deactivating: the mentorships that will need a new mentor."""
    from community.mentoring.services import mentorships_needing_handover

    user = accounts.get_user(user_id)
    if not user.active:
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/deactivate.html", user=user, active_form=EmptyForm(prefix="active"),
                           mentorships=mentorships_needing_handover(user))


@bp.post("/users/<int:user_id>/password")
def set_password(user_id: int):
    user = accounts.get_user(user_id)
    form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.set_password(current_user, user, form.password.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
            return _render_user(user, password_form=form), 422
        db.session.commit()
        flash(_("Password set; the person's sessions have ended."), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _render_user(user, password_form=form), 422


@bp.get("/audit")
def audit():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    action = request.args.get("action") or None
    return render_template("admin/audit.html", page=queries.audit_events(action=action, page=page, per_page=per_page), action=action)
