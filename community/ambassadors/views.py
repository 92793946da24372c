"""Ambassador directory, nominations, decisions, candidates and criteria."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from community import submissions
from community.accounts.forms import EmptyForm
from community.accounts.models import User
from community.ambassadors import bp, queries, services
from community.ambassadors.forms import (
    CriteriaForm,
    DecisionForm,
    EndForm,
    NominationForm,
    StepDownForm,
)
from community.database import ascii_digits
from community.errors import ConflictError, DomainError, ValidationFailed
from community.expertise.services import all_tags
from community.extensions import db, limiter
from community.forms import apply_errors
from community.pagination import clamp
from community.profiles.naming import person_by_handle
from community.spreadsheets import csv_response, csv_text
from community.unit_of_work import form_attempt

# Upper ends of the bars where a criterion has a natural one (feedback is rated 1–5).
BAR_MAXIMUM = {"feedback": 5}


@bp.app_template_global("evidence_bar")
def evidence_bar(item: queries.EvidenceItem) -> Markup:
    """A criterion's value as a bar, with a marker at its threshold (the numbers are written beside it)."""
    from community.network.drawing import threshold_bar_svg

    threshold = float(item.threshold or 0)
    maximum = BAR_MAXIMUM.get(item.key, max(threshold * 2, 1.0))
    return Markup(threshold_bar_svg(float(item.value or 0), threshold, maximum=maximum))  # noqa: S704 - ElementTree


@bp.get("/ambassadors")
@login_required
def directory():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 24)
    filters = {key: (request.args.get(key) or None) for key in ("tag", "department", "location")}
    return render_template(
        "ambassadors/directory.html",
        page=queries.ambassadors(current_user, **filters, page=page, per_page=per_page),
        filters=filters, facets=queries.ambassador_facets(current_user), tags=all_tags(), step_down_form=StepDownForm(),
    )


@bp.route("/ambassadors/nominate", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["NOMINATION_RATE_LIMIT"], methods=["POST"], key_func=lambda: f"nominate:{current_user.id}")
def nominate():
    form = NominationForm()
    if request.method == "GET" and ascii_digits(request.args.get("person", "")):
        from community.profiles.naming import may_name

        person = db.session.get(User, int(request.args["person"]))
        if person is not None and may_name(current_user, person):
            form.nominee.data = "@" + person.handle
            if person.id == current_user.id and (waiting := queries.open_nomination_of(person.id)) is not None:
                return render_template("ambassadors/nominate.html", form=None, waiting=waiting)
    if form.is_submitted():
        valid = form.validate()
        nominee = _named_nominee(form)
        if valid and nominee is not None:
            if replay := submissions.claim(current_user, form):
                return replay
            with form_attempt(form) as attempt:
                nomination = services.nominate(current_user, nominee.id, form.reason.data or "")
            _nominee_errors_on_handle(form, attempt.error)
            if attempt.ok:
                flash(_nominated_message(nominee), "success")
                return submissions.done(current_user, form, url_for("ambassadors.nomination", nomination_id=nomination.id))
        else:
            _nomination_checks_too(form, nominee)
    return render_template("ambassadors/nominate.html", form=form)


def _named_nominee(form: NominationForm) -> User | None:
    """The person the @handle names; an unknown handle is an error on its field (also while
    other fields are refused: every error at once)."""
    if form.nominee.errors:
        return None
    nominee = person_by_handle(form.nominee.data or "", current_user)
    if nominee is None:
        form.nominee.errors = [*form.nominee.errors, _("Nobody you can nominate has this @handle.")]
    return nominee


def _nominee_errors_on_handle(form: NominationForm, error: DomainError | None) -> None:
    """The service names the id; the form's field is the @handle: shown there, once."""
    if error is None or "nominee_id" not in error.fields:
        return
    moved = error.fields["nominee_id"]
    form.nominee.errors = [*form.nominee.errors, *moved]
    form.form_errors[:] = [e for e in form.form_errors if e not in moved and e != error.message]


def _nomination_checks_too(form: NominationForm, nominee: User | None) -> None:
    """A nomination refused for one field also shows what the service would refuse in the other
    (an open nomination beside a too short reason), checked only where the form found nothing."""
    reason = None if form.reason.errors else (form.reason.data or "")
    try:
        services.check_nomination(current_user, nominee.id if nominee is not None else None, reason)
    except DomainError as refused:
        form.nominee.errors = [*form.nominee.errors, *refused.fields.get("nominee_id", [])]
        form.reason.errors = [*form.reason.errors, *refused.fields.get("reason", [])]


def _nominated_message(nominee: User) -> str | Markup:
    """What the nominator is told: a change manager, who cannot decide on their own nomination,
    where it now waits for another change manager's decision; anyone else that one will decide."""
    if not current_user.has_role("change_manager"):
        return _("Thank you: %(name)s is nominated. A change manager will decide.", name=nominee.name)
    text = _("%(name)s is nominated. The nomination is now in the list of open nominations, where another "
             "change manager decides on it (the nominator does not).", name=nominee.name)
    return Markup('{} <a href="{}">{}</a>').format(
        text, url_for("ambassadors.nominations", status="open"), _("Open nominations"))


@bp.get("/ambassadors/nominations")
@login_required
def nominations():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 30)
    status = request.args.get("status")
    if status not in ("open", "promoted", "declined", "withdrawn"):
        status = None
    return render_template(
        "ambassadors/nominations.html",
        page=queries.nominations_for(current_user, status=status, page=page, per_page=per_page),
        status=status, status_label=services.status_label,
    )


@bp.get("/ambassadors/nominations/<int:nomination_id>")
@login_required
def nomination(nomination_id: int):
    nomination = services.get_nomination(current_user, nomination_id)
    return _render_nomination(nomination)


def _render_nomination(nomination, decision_form=None, status=200):
    show_evidence = services.can_see_evidence(current_user, nomination.nominee_id)
    evidence = None
    if show_evidence:
        evidence = queries.evidence_for([nomination.nominee_id], services.get_criteria(), viewer=current_user)[nomination.nominee_id]
    return render_template(
        "ambassadors/nomination.html",
        nomination=nomination,
        evidence=evidence,
        can_decide=services.can_decide(current_user, nomination) and nomination.status == "open",
        can_withdraw=nomination.status == "open" and current_user.id in (nomination.nominee_id, nomination.nominated_by_id),
        decision_form=decision_form or DecisionForm(),
        withdraw_form=EmptyForm(),
        status_label=services.status_label,
    ), status


@bp.post("/ambassadors/nominations/<int:nomination_id>/decision")
@login_required
def decide(nomination_id: int):
    nomination = services.get_nomination(current_user, nomination_id)
    services.require_decider(current_user, nomination)  # before the form is even read
    form = DecisionForm()
    if not form.validate_on_submit():
        _decision_checks_too(form)
        return _render_nomination(nomination, form)
    with form_attempt(form, show=(ValidationFailed, ConflictError)) as attempt:
        services.decide(current_user, nomination, form.decision.data, form.note.data)
    if isinstance(attempt.error, ConflictError):
        # Decided in the meantime (another tab, another change manager): the nomination as it is
        # now, with why (it was a bare 409 page with a link to the start page).
        flash(attempt.message, "error")
        return redirect(url_for("ambassadors.nomination", nomination_id=nomination.id))
    if not attempt.ok:
        return _render_nomination(nomination, form)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("ambassadors.nomination", nomination_id=nomination.id))


def _decision_checks_too(form: DecisionForm) -> None:
    """A decision refused for one field also shows what the service would refuse in the other
    (a note of spaces beside no decision), checked only where the form found nothing."""
    try:
        services.check_decision(None if form.decision.errors else (form.decision.data or ""),
                                None if form.note.errors else (form.note.data or ""))
    except ValidationFailed as refused:
        apply_errors(form, refused)


@bp.post("/ambassadors/nominations/<int:nomination_id>/withdraw")
@login_required
def withdraw(nomination_id: int):
    nomination = services.get_nomination(current_user, nomination_id)
    if EmptyForm().validate_on_submit():
        services.withdraw(current_user, nomination)
        flash(_("Nomination withdrawn."), "success")
    return redirect(url_for("ambassadors.nomination", nomination_id=nomination.id))


@bp.route("/ambassadors/step-down", methods=["GET", "POST"])
@login_required
def step_down():
    services.require_ambassador(current_user)  # the form page too
    form = StepDownForm()
    if form.validate_on_submit():
        services.step_down(current_user, form.note.data)
        flash(_("You stepped down as an ambassador. Thank you for all you did!"), "success")
        return redirect(url_for("ambassadors.directory"))
    return render_template("ambassadors/step_down.html", form=form)


@bp.route("/ambassadors/<int:person_id>/end", methods=["GET", "POST"])
@login_required
def end(person_id: int):
    person = services.ambassador_to_end(current_user, person_id)
    form = EndForm()
    if form.validate_on_submit():
        with form_attempt(form, show=ValidationFailed) as attempt:  # a conflict stays the 409 page
            services.end_ambassadorship(current_user, person, form.note.data)
        if attempt.ok:
            flash(_("The ambassadorship of %(name)s has ended.", name=person.name), "success")
            return redirect(url_for("ambassadors.directory"))
    return render_template("ambassadors/end.html", form=form, person=person)


@bp.get("/ambassadors/evidence")
@login_required
def my_evidence():
    return _evidence_page(*services.evidence_of(current_user))


@bp.get("/ambassadors/evidence/<int:person_id>")
@login_required
def evidence(person_id: int):
    return _evidence_page(*services.evidence_of(current_user, person_id))


def _evidence_page(person, items):
    own = person.id == current_user.id and not person.is_ambassador
    # One's own open nomination is shown instead of "Nominate myself" (which could only be refused).
    waiting = queries.open_nomination_of(person.id) if own else None
    return render_template("ambassadors/evidence.html", person=person, evidence=items, own=own, waiting=waiting)


@bp.get("/ambassadors/candidates")
@login_required
def candidates():
    sort = request.args.get("sort", "score")
    rows, computed_at, criteria, fading = services.candidates_view(current_user, sort)
    return render_template(
        "ambassadors/candidates.html", candidates=rows, sort=sort,
        sort_keys=queries.SORT_KEYS, computed_at=computed_at, criteria=criteria, fading=fading,
    )


@bp.get("/ambassadors/candidates.csv")
@login_required
def candidates_csv():
    rows = services.export_candidates(current_user, request.args.get("sort", "score"))
    keys = ["sessions", "mentees", "feedback", "community", "topics", "reach"]
    table: list[list[Any]] = [[  # in the reader's language, as the rows are
        _("Id"), _("Name"), _("Department"), _("Location"), _("Score (of 100)"), _("Outcomes part (of 100)"),
        _("Community part (of 100)"), _("Reach part (of 100)"), _("Nomination"), _("Criteria met"), _("Sessions"), _("Mentees"), _("Feedback"),
        _("Community"), _("Topics"), _("Reach")]]
    def of_100(value: float | None) -> int | None:  # as the page reads them: "84 of 100" (the file said 0.839884)
        return None if value is None else round(max(0.0, min(1.0, float(value))) * 100)

    for c in rows:
        values = c.evidence.as_dict()
        table.append([
            c.person.id, c.person.name, c.person.department, c.person.location, of_100(c.score), of_100(c.parts.get("outcomes")),
            of_100(c.parts.get("community")), of_100(c.parts.get("reach")), c.nomination.id if c.nomination else None,
            c.evidence.met_count, *[values.get(k) for k in keys],
        ])
    return csv_response(csv_text(table), "ambassador-candidates.csv")


@bp.route("/ambassadors/criteria", methods=["GET", "POST"])
@login_required
def criteria():
    current = services.criteria_for(current_user)
    form = CriteriaForm(obj=current)
    if form.validate_on_submit():
        values = {name: (float(field.data) if name in ("min_feedback_avg", "min_community_score") else field.data)
                  for name, field in form._fields.items() if name != "csrf_token"}
        services.update_criteria(current_user, **values)
        flash(_("Criteria saved."), "success")
        return redirect(url_for("ambassadors.criteria"))
    return render_template("ambassadors/criteria.html", form=form)
