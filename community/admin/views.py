"""Administration pages: accounts, roles, passwords and the audit log.

Every page calls a service or query that starts with `accounts.require_admin`; the pages
themselves only ask for a signed-in person."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts import services as accounts
from community.accounts.forms import EmptyForm
from community.accounts.models import User
from community.admin import audit_trail, bp, importing, queries
from community.admin.forms import (
    AuditFilterForm,
    CreateUserForm,
    ImportForm,
    RolesForm,
    SetPasswordForm,
)
from community.errors import ValidationFailed
from community.forms import service_checks_too
from community.pagination import clamp
from community.unit_of_work import form_attempt


@bp.before_request
@login_required
def require_login():
    """Administration is for signed-in people (the services check who is an administrator)."""


@bp.get("/users")
def users():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    q = request.args.get("q", "")[:100]
    role = request.args.get("role") or None
    found = queries.search_users(current_user, q, role, page=page, per_page=per_page)
    return render_template("admin/users.html", page=found, q=q, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    accounts.require_admin(current_user)  # the empty form is for administrators too
    form = CreateUserForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            user = accounts.create_user(
                email=form.email.data or "",
                name=form.name.data or "",
                password=form.password.data,
                roles=form.roles.data or [],
                department=form.department.data,
                location=form.location.data,
                actor=current_user,
            )
        if attempt.ok:
            flash(_("Account for %(name)s created.", name=user.name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    elif form.is_submitted():
        service_checks_too(form, lambda: accounts.check_new_account(
            email=form.email.data or "", name=form.name.data or "", password=form.password.data or None,
            roles=form.roles.data or []))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = accounts.manage_user(current_user, user_id)
    roles_form = RolesForm(prefix="roles", data={"roles": user.roles} if request.method == "GET" else None)
    if roles_form.validate_on_submit():
        with form_attempt(roles_form) as attempt:
            accounts.set_roles(current_user, user, roles_form.roles.data or [])
        if attempt.ok:
            flash(_("Roles saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _render_user(user, roles_form=roles_form)


def _render_user(user: User, **forms):
    forms.setdefault("roles_form", RolesForm(prefix="roles", data={"roles": user.roles}))
    forms.setdefault("password_form", SetPasswordForm(prefix="pw"))
    return render_template("admin/user_edit.html", user=user, active_form=EmptyForm(prefix="active"), **forms)


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    user = accounts.manage_user(current_user, user_id)
    form = EmptyForm(prefix="active")
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            accounts.set_active(current_user, user, not user.active)
        if attempt.ok:
            flash(_("Account activated.") if user.active else _("Account deactivated: it is signed out everywhere, and any mentoring sessions it had planned are cancelled."), "success")
        else:
            flash(attempt.message, "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/users/<int:user_id>/deactivate")
def confirm_deactivate(user_id: int):
    """Check before deactivating: the mentorships that will need a new mentor."""
    from community.mentoring.services import mentorships_needing_handover, planned_sessions_of

    user = accounts.manage_user(current_user, user_id)
    if not user.active:
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/deactivate.html", user=user, active_form=EmptyForm(prefix="active"),
                           mentorships=mentorships_needing_handover(user), planned=planned_sessions_of(user))


@bp.post("/users/<int:user_id>/password")
def set_password(user_id: int):
    user = accounts.manage_user(current_user, user_id)
    form = SetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            accounts.set_password(current_user, user, form.password.data or "")
        if attempt.ok:
            flash(_("Password set; the person's sessions have ended."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _render_user(user, password_form=form), 422


@bp.get("/audit")
def audit():
    """The audit trail, narrowed by action, person and days; a filter it cannot apply is named
    on its field (200, as the other GET filter forms) and no entries are shown."""
    accounts.require_admin(current_user)  # the form with its messages is for administrators too
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    action = (request.args.get("action") or "")[:60] or None
    form = AuditFilterForm(formdata=request.args)
    trail, candidates = None, []
    valid = form.validate()
    with form_attempt(form, show=ValidationFailed) as attempt:
        if valid:
            filters = audit_trail.AuditFilters(action=action, person=form.person.data or "",
                                               date_from=form.date_from.data, date_to=form.date_to.data)
            trail = audit_trail.audit_rows(current_user, filters, page=page, per_page=per_page)
        elif (form.person.data or "").strip() and not form.person.errors:
            audit_trail.find_person(current_user, form.person.data or "")  # named too, with a bad date
    if isinstance(attempt.error, audit_trail.SeveralPeopleMatch):
        candidates = attempt.error.people
    filtered = bool(action or request.args.get("person", "").strip() or request.args.get("date_from", "").strip()
                    or request.args.get("date_to", "").strip())
    return render_template("admin/audit.html", trail=trail, form=form, action=action, filtered=filtered,
                           candidates=candidates, groups=audit_trail.action_choices())


@bp.route("/import", methods=["GET", "POST"])
def import_people():
    """Upload a CSV of people: it is checked and shown before anything is written."""
    accounts.require_admin(current_user)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        with form_attempt(form) as attempt:
            job = importing.check_upload(current_user, upload.filename or "", upload.read())
        if attempt.ok:
            return redirect(url_for("admin.import_show", import_id=job.id))
    return render_template("admin/import.html", form=form, imports=importing.recent_imports(current_user))


@bp.get("/import/<int:import_id>")
def import_show(import_id: int):
    job = importing.get_import(current_user, import_id)
    first_rows, update_rows = importing.preview_rows(job)
    return render_template("admin/import_show.html", job=job, start_form=EmptyForm(),
                           first_rows=first_rows, update_rows=update_rows)


@bp.get("/import/<int:import_id>/progress")
def import_progress(import_id: int):
    """The progress box alone, for the page's polling (htmx)."""
    job = importing.get_import(current_user, import_id)
    return render_template("admin/_import_progress.html", job=job)


@bp.post("/import/<int:import_id>/start")
def import_start(import_id: int):
    form = EmptyForm()
    if form.validate_on_submit():
        _job, started = importing.start_import(current_user, import_id)
        if not started:
            flash(_("This import was started already; here is where it stands."), "info")
    else:
        importing.get_import(current_user, import_id)
        flash(_("The form expired; please send it again."), "error")
    return redirect(url_for("admin.import_show", import_id=import_id))
