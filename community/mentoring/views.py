"""Mentoring pages: my mentoring, requests, suggestions, mentorships, sessions, runs, calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community import submissions
from community.accounts.forms import EmptyForm
from community.database import utcnow
from community.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDenied,
    ValidationFailed,
)
from community.expertise.queries import alphabetical, tags_grouped
from community.extensions import db
from community.forms import as_choices
from community.i18n import local_datetime, select_timezone, user_zone
from community.mentoring import bp, calendar, labels, matching, queries, services
from community.mentoring.forms import (
    CancelForm,
    CohortForm,
    CompleteForm,
    FeedbackForm,
    NotesForm,
    OptionalReasonForm,
    ReasonForm,
    RequestForm,
    RescheduleForm,
    SessionForm,
    SuggestionGoalsForm,
    VersionForm,
    offer_topics,
)
from community.mentoring.labels import GOAL_PROGRESS_ACTIONS, mentorship_heading, mentorship_title
from community.pagination import clamp
from community.templating import Card, CardItem, register_home_card
from community.unit_of_work import form_attempt

CHANGE_LABELS = {
    "created": _l("scheduled"), "rescheduled": _l("rescheduled"), "cancelled": _l("cancelled"), "done": _l("marked done"),
    "resized": _l("length changed"),  # a change of the length alone (recorded as rescheduled)
}
LEVEL_LABELS = {"interested": _l("interested"), "practitioner": _l("practitioner"), "expert": _l("expert")}
# Bootstrap badge colours; the status is always written out too (never colour alone).
STATUS_BADGE = {"active": "text-bg-success", "done": "text-bg-success", "requested": "text-bg-warning",
                "planned": "text-bg-warning", "not_recorded": "text-bg-warning", "declined": "text-bg-danger", "cancelled": "text-bg-danger",
                "running": "text-bg-success", "completed": "text-bg-secondary", "withdrawn": "text-bg-secondary",
                "closed": "text-bg-secondary", "handed_over": "text-bg-secondary"}


bp.add_app_template_global(labels.status_label, "mentoring_status")
bp.add_app_template_global(labels.goal_progress_label, "goal_progress_label")
bp.add_app_template_global(mentorship_heading, "mentorship_heading")


@bp.app_template_global("mentoring_badge")
def mentoring_badge(status: str) -> str:
    return STATUS_BADGE.get(status, "")


@bp.app_template_global("mentoring_change")
def mentoring_change(kind: str) -> str:
    return str(CHANGE_LABELS.get(kind, kind))


@bp.app_template_global("mentoring_level")
def mentoring_level(level: str) -> str:
    return str(LEVEL_LABELS.get(level, level))


@bp.app_template_global("mentoring_person_url")
def person_url(user: Any) -> str | None:
    """A person's profile link where the reader may open it (community.templating.profile_url:
    none for an erased, deactivated or hidden account, but for those who see such profiles)."""
    from community.templating import profile_url

    return profile_url(user)


@bp.app_template_global("mentoring_is_link")
def is_link(location: str | None) -> bool:
    return services.is_link(location)


def _local(value):
    """A UTC time as the naive wall-clock time of the viewer's zone, for datetime-local inputs."""
    return value.astimezone(user_zone()).replace(tzinfo=None)


def _offer_clock_choice(form) -> None:
    """The "which one?" choice stays on the form only when the entered time occurs twice."""
    options = services.clock_change_options(form.starts_at.data, select_timezone()) \
        if isinstance(form.starts_at.data, datetime) else []
    if options:
        form.clock_change.choices = options
    else:
        del form.clock_change


def _to_utc(form_field, form=None):
    choice = getattr(form, "clock_change", None) if form is not None else None
    fold = int(choice.data) if choice is not None and choice.data in ("0", "1") else None
    return services.aware_from_local(form_field.data, select_timezone(), field=form_field.name, fold=fold)


def _session_checks_too(form) -> None:
    """A session form refused for some fields also shows what the service would refuse in the
    others (their checks run only once the form is valid): every error at once, not one
    round after another. Only fields the form found nothing wrong with are checked."""
    if not form.is_submitted():
        return
    checks: list[tuple[Any, Callable[[], object]]] = [
        (form.duration_minutes, lambda: services.check_duration(form.duration_minutes.data))]
    if isinstance(form.starts_at.data, datetime):
        checks.append((form.starts_at, lambda: services.check_start(_to_utc(form.starts_at, form))))
    if hasattr(form, "location"):
        checks.append((form.location, lambda: services.check_location(form.location.data)))
    for field, check in checks:
        if field.errors:
            continue
        try:
            check()
        except ValidationFailed as refused:
            field.errors = [*field.errors, *refused.fields.get(field.name, [refused.message])]


# My mentoring ----------------------------------------------------------------------------

@bp.get("/mentoring/")
@login_required
def index():
    return render_template(
        "mentoring/index.html",
        mentorships=queries.my_mentorships(current_user),
        waiting=queries.waiting_requests(current_user),
        upcoming=queries.upcoming_sessions(current_user, limit=10),
        form=EmptyForm(),
    )


@bp.get("/mentoring/sessions")
@login_required
def sessions():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 20)
    return render_template(
        "mentoring/sessions.html",
        upcoming=queries.upcoming_sessions(current_user),
        past=queries.past_sessions(current_user, page=page, per_page=per_page),
    )


def _request_form(choices: services.RequestChoices) -> RequestForm:
    """The request form with its choices, prefilled from the link that led here (GET)."""
    is_manager = choices.executives is not None
    form = RequestForm()
    offer_topics(form.goals, tags_grouped(synonyms=False))
    form.mentor_id.choices = as_choices(
        [(0, _("— choose a mentor —"))] + [(i, f"{name} · {dept}" if dept else name) for i, name, dept in choices.mentors]
    )
    # The current run once, by its name; that it is the current one is said below the select
    # ("Reverse Mentoring 2026 (laufender Durchlauf)" was cut off on a phone).
    current = choices.current.name if choices.current else _("No programme run")
    form.cohort_id.choices = as_choices([(0, current)] + [(c.id, c.name) for c in choices.cohorts])
    if choices.current:
        form.cohort_id.description = _("%(name)s is the current run; a request joins it unless you choose another.",
                                       name=choices.current.name)
    if is_manager:
        form.executive_id.choices = as_choices(
            [(0, _("— choose an executive —"))] + [(i, f"{name} · {dept}" if dept else name) for i, name, dept in choices.executives or []]
        )
    else:
        del form.executive_id
    if request.method == "GET":
        form.mentor_id.data = request.args.get("mentor", 0, type=int)
        if is_manager:
            form.executive_id.data = request.args.get("executive", choices.own_executive_id, type=int)
        goals = request.args.getlist("goal")
        if goals:
            form.goals.data = goals
    return form


# Requests and suggestions ----------------------------------------------------------------

@bp.route("/mentoring/request", methods=["GET", "POST"])
@login_required
def request_mentor():
    choices = services.request_choices(current_user)
    is_manager = choices.executives is not None
    form = _request_form(choices)
    if request.method == "POST" and (replay := submissions.sent_before(current_user, form)):
        return replay  # the mentor asked then is no longer among the choices
    if form.validate_on_submit():
        executive_id = form.executive_id.data if is_manager else current_user.id
        replay = submissions.claim(current_user, form)
        if replay:
            return replay
        with form_attempt(form) as attempt:
            mentorship = services.request_mentorship(
                current_user, mentor_id=form.mentor_id.data or None, executive_id=executive_id or None,
                cohort_id=form.cohort_id.data or None, goals=form.goals.data or [], goal_text=form.goal_text.data,
            )
        if attempt.ok:
            flash(_("Your request was sent to %(name)s.", name=mentorship.mentor.name), "success")
            return submissions.done(current_user, form, url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id))
    return render_template("mentoring/request.html", form=form, choices=choices)


@bp.get("/mentoring/suggestions")
@login_required
def suggestions():
    executive_id = request.args.get("executive", type=int)
    if executive_id is None:
        executive = matching.own_executive(current_user)
        if executive is None:  # a change manager picks an executive first
            return render_template("mentoring/suggestions.html", executive=None,
                                   executives=matching.executive_choices(current_user), items=[], goals=[])
    else:
        executive = matching.get_executive(current_user, executive_id)
    goals = [g for g in request.args.getlist("goal") if g]
    try:
        items = matching.suggest_mentors(current_user, executive, goals=goals or None)
        goal_tags = matching.goals_for(executive, goals or None)
    except DomainError as error:
        if isinstance(error, NotFoundError | PermissionDenied):
            raise
        flash(error.message, "error")
        items = matching.suggest_mentors(current_user, executive)
        goal_tags = matching.goals_for(executive)
    # The goals can be changed here: they came from an open request or the executive's topics,
    # and there was no other way to ask for suggestions on other goals.
    goals_form = SuggestionGoalsForm(formdata=None)
    offer_topics(goals_form.goal, tags_grouped(synonyms=False), lead=goal_tags, lead_label=_("Considered now"))
    goals_form.goal.data = [tag.slug for tag in goal_tags]
    none_ticked = bool(request.args.get("chosen")) and not goals  # sent with every box unticked
    if none_ticked:
        goals_form.goal.errors = [_("Tick at least one topic; the suggestions below weigh the goals known already.")]
    return render_template(
        "mentoring/suggestions.html", executive=executive, items=items, goals=goal_tags,
        executives=matching.executive_choices(current_user), goals_form=goals_form, goals_chosen=bool(goals) or none_ticked,
    )


# Mentorships --------------------------------------------------------------------------------

def _render_mentorship(mentorship, *, decline_form=None, status=200):
    participant = services.is_participant(current_user, mentorship)
    sessions_ = queries.sessions_of_mentorship(mentorship)
    return render_template(
        "mentoring/mentorship.html",
        mentorship=mentorship,
        participant=participant,
        sessions=sessions_,
        next_topics=queries.next_topics(mentorship, sessions_),
        moved=queries.change_counts([s.id for s in sessions_]),
        accept_form=EmptyForm(),
        decline_form=decline_form or ReasonForm(formdata=None),
        can_complete=services.can_complete(current_user, mentorship),
        can_withdraw=services.can_withdraw(current_user, mentorship),
        withdraw_form=OptionalReasonForm(formdata=None),
        title=mentorship_title(current_user, mentorship),
        heading=mentorship_heading(current_user, mentorship),
        goal_form=EmptyForm(formdata=None),
        goal_progress_actions=[(value, str(label)) for value, label in GOAL_PROGRESS_ACTIONS.items()],
        can_hand_over=services.can_hand_over(current_user, mentorship) and services.handover_open(mentorship),
        handover_why=str(services.HANDOVER_WHY.get(mentorship.handover_reason or "", "")),
        earlier=services.earlier_sessions(mentorship),
        successor_id=services.successor_id(mentorship),
    ), status


@bp.get("/mentoring/mentorships/<int:mentorship_id>")
@login_required
def mentorship_detail(mentorship_id: int):
    return _render_mentorship(services.get_mentorship(current_user, mentorship_id))


@bp.post("/mentoring/mentorships/<int:mentorship_id>/goals")
@login_required
def goal_progress(mentorship_id: int):
    """The pair marks one learning goal planned, in progress or reached."""
    mentorship = services.get_mentorship(current_user, mentorship_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            goal = services.set_goal_progress(current_user, mentorship, request.form.get("goal", ""),
                                              request.form.get("progress", ""))
        if attempt.ok:
            flash(_("%(topic)s: %(progress)s.", topic=goal.tag.display_name,
                    progress=labels.goal_progress_label(goal.progress)), "success")
        else:
            flash(attempt.error.message if attempt.error else _("Nothing changed."), "error")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship_id) + "#goals-heading")


@bp.post("/mentoring/mentorships/<int:mentorship_id>/accept")
@login_required
def accept(mentorship_id: int):
    mentorship = services.get_mentorship(current_user, mentorship_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.accept_mentorship(current_user, mentorship)
        if attempt.ok:
            flash(_("You accepted. Agree on a first session with %(name)s.", name=mentorship.executive.name), "success")
        else:
            flash(attempt.message, "error")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship_id))


def _decide(mentorship_id: int, form, change, done_message: str, action: str):
    """Decline or complete with a reason: the form, the change, the message, one template."""
    mentorship = services.get_mentorship(current_user, mentorship_id)
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            change(current_user, mentorship, form.reason.data)
        if attempt.ok:
            flash(done_message, "success")
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship_id))
    return render_template("mentoring/decision.html", mentorship=mentorship, form=form, action=action)


@bp.route("/mentoring/mentorships/<int:mentorship_id>/decline", methods=["GET", "POST"])
@login_required
def decline(mentorship_id: int):
    return _decide(mentorship_id, ReasonForm(), services.decline_mentorship, _("You declined the request."), "decline")


@bp.route("/mentoring/mentorships/<int:mentorship_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(mentorship_id: int):
    """The executive (or the requester) withdraws a request still waiting for an answer."""
    return _decide(mentorship_id, OptionalReasonForm(), services.withdraw_mentorship,
                   _("You withdrew the request; the mentor is told."), "withdraw")


@bp.route("/mentoring/mentorships/<int:mentorship_id>/complete", methods=["GET", "POST"])
@login_required
def complete(mentorship_id: int):
    """The check before completing: the sessions it cancels, a note, the confirming button."""
    mentorship = services.get_mentorship(current_user, mentorship_id)
    form = CompleteForm()
    if form.validate_on_submit():
        if form.confirm.data != CompleteForm.CONFIRMED:
            form.form_errors.append(_("Nothing was changed: complete the mentorship with the button on this page, "
                                      "after checking the sessions it cancels."))
        else:
            with form_attempt(form) as attempt:
                services.complete_mentorship(current_user, mentorship, form.reason.data)
            if attempt.ok:
                flash(_("The mentorship is completed."), "success")
                return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship_id))
    form.confirm.data = CompleteForm.CONFIRMED
    return render_template("mentoring/complete.html", mentorship=mentorship, form=form,
                           can_complete=services.can_complete(current_user, mentorship),
                           cancelled=services.sessions_an_end_cancels(mentorship))


# Sessions -------------------------------------------------------------------------------

@bp.route("/mentoring/mentorships/<int:mentorship_id>/sessions/new", methods=["GET", "POST"])
@login_required
def schedule(mentorship_id: int):
    mentorship = services.get_mentorship(current_user, mentorship_id)
    services.require_participant(current_user, mentorship)
    if mentorship.status != "active":  # requested, declined or ended: say so before any form is filled in
        flash(_("Sessions can be scheduled only in an active mentorship."), "error")
        return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id))
    form = SessionForm()
    goals = sorted((goal.tag for goal in mentorship.goals), key=lambda tag: alphabetical(tag.display_name))
    offer_topics(form.agenda_tags, tags_grouped(synonyms=False), lead=goals, lead_label=_("Goals of this mentorship"))
    _offer_clock_choice(form)
    next_topics = queries.next_topics(mentorship)
    if request.method == "GET" and not form.agenda_tags.data:
        form.agenda_tags.data = [tag.slug for tag in queries.goals_to_work_on(mentorship, next_topics)]
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            session = services.schedule_session(
                current_user, mentorship, starts_at=_to_utc(form.starts_at, form), duration_minutes=form.duration_minutes.data,
                location=form.location.data, agenda_tags=form.agenda_tags.data or [], agenda=form.agenda.data,
            )
        if attempt.ok:
            flash(_("Session scheduled."), "success")
            return submissions.done(current_user, form, url_for("mentoring.session_detail", session_id=session.id))
    else:
        _session_checks_too(form)
    return render_template("mentoring/schedule.html", mentorship=mentorship, form=form, next_topics=next_topics,
                           zone=select_timezone())


def _render_session(session, *, notes_form=None, feedback_form=None, notes_conflict=False):
    mentorship = session.mentorship
    is_executive = current_user.id == mentorship.executive_id
    note = services.notes_of(current_user, session)
    if notes_form is None:
        notes_form = NotesForm(formdata=None, notes=note.notes if note else None, tried=note.tried if note else None)
    if notes_conflict or not notes_form.notes_version.data:
        # From now on the editor starts from the notes shown (after a refusal: the current ones,
        # shown above the kept text, so saving again is a choice made having seen them).
        notes_form.notes_version.data = services.notes_fingerprint(note)
    if not is_executive and hasattr(notes_form, "tried"):
        del notes_form.tried
    return render_template(
        "mentoring/session.html",
        session=session,
        mentorship=mentorship,
        other=services.other_participant(current_user, mentorship),
        is_executive=is_executive,
        note=note,
        notes_form=notes_form,
        notes_conflict=notes_conflict,
        feedback=queries.feedback_view(current_user, session),
        feedback_form=feedback_form or FeedbackForm(formdata=None),
        version_form=VersionForm(formdata=None, version=session.version),
        can_mark_done=session.status == "planned" and session.starts_at <= utcnow(),
        zone=select_timezone(),
    )


@bp.get("/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    return _render_session(services.get_session(current_user, session_id, with_history=True))


@bp.post("/sessions/<int:session_id>/notes")
@login_required
def save_notes(session_id: int):
    session = services.get_session(current_user, session_id, with_history=True)
    form = NotesForm()
    is_executive = current_user.id == session.mentorship.executive_id
    if not is_executive:
        del form.tried
    if form.validate_on_submit():
        values = {"notes": form.notes.data}
        if is_executive:
            values["tried"] = form.tried.data
        with form_attempt(form) as attempt:
            services.update_notes(current_user, session, notes_version=form.notes_version.data or None, **values)
        if attempt.ok:
            flash(_("Notes saved."), "success")
            return redirect(url_for("mentoring.session_detail", session_id=session_id) + "#private-notes")
        if isinstance(attempt.error, ConflictError):  # saved by someone else meanwhile: their text and the kept one
            return _render_session(session, notes_form=form, notes_conflict=True), 409
    return _render_session(session, notes_form=form)


@bp.post("/sessions/<int:session_id>/feedback")
@login_required
def feedback(session_id: int):
    session = services.get_session(current_user, session_id, with_history=True)
    form = FeedbackForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            services.give_feedback(current_user, session, rating=form.rating.data, comment=form.comment.data,
                                   shared_with_programme=form.shared_with_programme.data)
        if attempt.ok:
            flash(_("Thank you for your feedback."), "success")
            return submissions.done(current_user, form, url_for("mentoring.session_detail", session_id=session_id) + "#feedback")
    return _render_session(session, feedback_form=form)


def _settled(session, message: str):
    """A session done or cancelled says so before any form is filled in (the refusal came only
    after the reason was typed)."""
    if session.status == "planned":
        return None
    flash(_("This session is %(status)s.", status=labels.status_label(session.status)) + " " + message, "error")
    return redirect(url_for("mentoring.session_detail", session_id=session.id))


def _changed_meanwhile(form, session, attempt) -> None:
    """Someone else changed the session between this form's page and its sending: the form now
    carries the session as it is (its version), so sending again after a look works. It kept the
    old version, so every later try failed the same way."""
    if "version" not in attempt.fields:
        return
    db.session.refresh(session)
    form.version.data = str(session.version)
    form.version.errors = []
    form.form_errors.append(_("Someone changed this session in the meantime; it is shown as it is now. "
                              "Check your entries and send them again."))


@bp.route("/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(session_id: int):
    session = services.get_session(current_user, session_id)
    if settled := _settled(session, _("Only a planned session can be moved.")):
        return settled
    form = RescheduleForm()
    if request.method == "GET":
        form.starts_at.data = _local(session.starts_at)
        form.duration_minutes.data = session.duration_minutes
        form.version.data = str(session.version)
    _offer_clock_choice(form)
    if form.validate_on_submit():
        start_before = session.starts_at
        with form_attempt(form) as attempt:
            services.reschedule_session(current_user, session, starts_at=_to_utc(form.starts_at, form), reason=form.reason.data,
                                        version=form.version.data, duration_minutes=form.duration_minutes.data)
        if attempt.ok:
            flash(_("Session moved.") if session.starts_at != start_before else _("Session length changed."), "success")
            return redirect(url_for("mentoring.session_detail", session_id=session_id))
        _changed_meanwhile(form, session, attempt)
    else:
        _session_checks_too(form)
    return render_template("mentoring/reschedule.html", session=session, form=form, zone=select_timezone())


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(session_id: int):
    session = services.get_session(current_user, session_id)
    if settled := _settled(session, _("Only a planned session can be cancelled.")):
        return settled
    started = services.has_started(session)  # then it is recorded as not held, not called off
    form = CancelForm()
    if started:
        form.reason.label.text = _("Why did it not take place?")
    if request.method == "GET":
        form.version.data = str(session.version)
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.cancel_session(current_user, session, reason=form.reason.data, version=form.version.data)
        if attempt.ok:
            flash(_("Recorded: the session did not take place.") if started else _("Session cancelled."), "success")
            return redirect(url_for("mentoring.session_detail", session_id=session_id))
        _changed_meanwhile(form, session, attempt)
    return render_template("mentoring/cancel.html", session=session, form=form, started=started)


@bp.post("/sessions/<int:session_id>/done")
@login_required
def mark_done(session_id: int):
    session = services.get_session(current_user, session_id)
    form = VersionForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.mark_done(current_user, session, version=form.version.data)
        if attempt.ok:
            flash(_("Session marked as done. How was it? Leave your feedback below."), "success")
        else:
            flash(attempt.message, "error")
    return redirect(url_for("mentoring.session_detail", session_id=session_id))


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/sessions/<int:session_id>.ics")
@login_required
def session_ics(session_id: int):
    session = services.get_session(current_user, session_id)
    return _ics_response(calendar.session_ics(session, current_user), f"session-{session.id}.ics")


# Calendar feed -----------------------------------------------------------------------------

@bp.route("/settings/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    form = EmptyForm()
    feed_url = None
    if request.method == "POST" and form.validate_on_submit():
        token = services.regenerate_feed(current_user)
        feed_url = url_for("mentoring.calendar_feed", token=token, _external=True)
    return render_template("mentoring/calendar_settings.html", form=form, feed=services.feed_of(current_user),
                           feed_url=feed_url)


@bp.post("/settings/calendar/revoke")
@login_required
def revoke_calendar():
    if EmptyForm().validate_on_submit():
        services.revoke_feed(current_user)
        flash(_("The calendar feed address no longer works."), "success")
    return redirect(url_for("mentoring.calendar_settings"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The personal subscription, for calendar programs: the secret in the address is the login."""
    from flask_babel import force_locale

    owner = services.feed_owner(token)
    if owner is None:
        abort(404)
    with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = calendar.feed_ics(owner, queries.feed_sessions(owner))
    response = _ics_response(body, "mentoring.ics")
    response.headers["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# Programme runs ---------------------------------------------------------------------------

@bp.get("/mentoring/runs")
@login_required
def runs():
    return render_template("mentoring/runs.html", rows=services.runs_overview(current_user),
                           handovers=queries.mentorships_needing_handover(),
                           handover_reason=services.handover_reason_label)


@bp.route("/mentoring/runs/new", methods=["GET", "POST"])
@login_required
def new_run():
    services.require_change_manager(current_user)
    form = CohortForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            cohort = services.create_cohort(current_user, name=form.name.data, starts_on=form.starts_on.data,
                                            ends_on=form.ends_on.data, status=form.status.data,
                                            description=form.description.data)
        if attempt.ok:
            flash(_("Programme run created."), "success")
            _say_which_run_requests_join(cohort)
            return submissions.done(current_user, form, url_for("mentoring.run_detail", cohort_id=cohort.id))
    return render_template("mentoring/run_form.html", form=form, cohort=None)


def _say_which_run_requests_join(cohort) -> None:
    """Two runs marked running: say which one new requests join."""
    if cohort.status != "running" or not services.other_running(cohort):
        return
    current = services.current_cohort()
    if current is not None:
        flash(_("More than one run is running; requests without a chosen run join %(name)s.", name=current.name), "info")


@bp.route("/mentoring/runs/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def edit_run(cohort_id: int):
    cohort = services.get_cohort(current_user, cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.update_cohort(current_user, cohort, name=form.name.data, starts_on=form.starts_on.data,
                                   ends_on=form.ends_on.data, status=form.status.data, description=form.description.data)
        if attempt.ok:
            flash(_("Programme run saved."), "success")
            _say_which_run_requests_join(cohort)
            return redirect(url_for("mentoring.run_detail", cohort_id=cohort.id))
    return render_template("mentoring/run_form.html", form=form, cohort=cohort)


@bp.get("/mentoring/runs/<int:cohort_id>")
@login_required
def run_detail(cohort_id: int):
    cohort = services.get_cohort(current_user, cohort_id)
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 50)
    mentorships = queries.cohort_mentorships(cohort, page=page, per_page=per_page)
    report = queries.cohort_report(cohort, [m.id for m in mentorships.items])
    return render_template("mentoring/run.html", cohort=cohort, mentorships=mentorships, report=report,
                           min_group=int(current_app.config.get("REPORT_MIN_GROUP", 5)))


# Home card ------------------------------------------------------------------------------

def mentoring_card(user) -> Card | None:
    if not services.takes_part(user):
        return None
    items = []
    for mentorship in queries.waiting_requests(user)[:3]:
        items.append(CardItem(_("Request from %(name)s", name=mentorship.executive.name),
                              url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id), _("waiting for your answer")))
    for mentorship in queries.sent_requests(user)[:3]:  # one's own requests, waiting for the mentor
        items.append(CardItem(_("Request to %(name)s", name=mentorship.mentor.name),
                              url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id),
                              _("sent on %(date)s, waiting for an answer", date=format_date(mentorship.requested_at))))
    for session in queries.upcoming_sessions(user, limit=3):
        other = services.other_participant(user, session.mentorship)
        items.append(CardItem(_("Session with %(name)s", name=other.name),
                              url_for("mentoring.session_detail", session_id=session.id),
                              local_datetime(session.starts_at)))
    return Card(title=_("Mentoring"), items=items, empty=_("No upcoming sessions and no requests waiting."),
                more_url=url_for("mentoring.index"), more_label=_("All my mentoring"))


register_home_card(mentoring_card)
