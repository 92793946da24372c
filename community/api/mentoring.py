"""API v1: mentorships, mentor suggestions, sessions, .ics and feedback (thin over the mentoring services)."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import validate
from sqlalchemy import select

from community.api.schemas import (
    Blueprint,
    ErrorSchema,
    JsonBoolean,
    JsonInteger,
    PageArgsSchema,
    PersonRefSchema,
    QueryInteger,
    id_field,
    page_of,
)
from community.database import MAX_ID
from community.errors import ValidationFailed
from community.extensions import db
from community.labels import shown
from community.mentoring import calendar, matching, queries, services
from community.mentoring.models import GOAL_PROGRESS, MENTORSHIP_STATUSES, SessionNote
from community.mentoring.services import MAX_DURATION, MIN_DURATION

blp = Blueprint("api_mentoring", __name__, description="Mentoring programme: mentorships, matching, sessions, feedback")


# Schemas ---------------------------------------------------------------------------------

class MentorshipSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    mentor = ma.fields.Nested(PersonRefSchema, required=True)
    executive = ma.fields.Nested(PersonRefSchema, required=True)
    cohort_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(required=True, metadata={"enum": list(MENTORSHIP_STATUSES)})
    goals = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "tag slugs"})
    goal_progress = ma.fields.List(ma.fields.Nested(lambda: GoalProgressSchema()), metadata={
        "description": "each learning goal with its progress, marked by the pair"})
    goal_text = ma.fields.String(allow_none=True)
    requested_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    requested_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    completion_reason = ma.fields.String(allow_none=True, metadata={
        "description": "what was said when the mentorship was completed"})


class GoalProgressSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    progress = ma.fields.String(required=True, metadata={"enum": list(GOAL_PROGRESS)})
    changed_at = ma.fields.DateTime(allow_none=True)


class GoalProgressPatchSchema(ma.Schema):
    progress = ma.fields.String(required=True, validate=validate.OneOf(GOAL_PROGRESS))


class MentorshipCreateSchema(ma.Schema):
    mentor_id = id_field(required=True)
    executive_id = id_field(allow_none=True, metadata={"description": "defaults to the caller"})
    cohort_id = id_field(allow_none=True, metadata={"description": "defaults to the running programme run"})
    goals = ma.fields.List(ma.fields.String(validate=validate.Length(max=80)), load_default=list,
                           validate=validate.Length(max=30), metadata={"description": "tag slugs or synonyms"})
    goal_text = ma.fields.String(allow_none=True, validate=validate.Length(max=5000))


class MentorshipListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=validate.OneOf(MENTORSHIP_STATUSES))
    cohort = id_field(query=True)


class MentorshipDecisionSchema(ma.Schema):
    BODY_OPTIONAL = True  # accept, decline and complete need no body at all

    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class MentorPersonSchema(PersonRefSchema):
    department = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String())
    capacity = ma.fields.Integer(allow_none=True)


class MentorSuggestionSchema(ma.Schema):
    person = ma.fields.Nested(MentorPersonSchema, required=True)
    score = ma.fields.Float(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)
    free_places = ma.fields.Integer()


class MentorSuggestionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MentorSuggestionSchema), required=True)
    goals = ma.fields.List(ma.fields.String(), metadata={"description": "the goals the ranking used"})


class MentorSuggestionArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    executive = id_field(query=True, required=True)
    goal = ma.fields.List(ma.fields.String(), load_default=list)
    limit = QueryInteger(load_default=10, validate=validate.Range(min=1, max=50))


class SessionHistorySchema(ma.Schema):
    kind = ma.fields.String(required=True, metadata={"enum": ["created", "rescheduled", "cancelled", "done"]})
    at = ma.fields.DateTime(required=True)
    by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    old_starts_at = ma.fields.DateTime(allow_none=True)
    new_starts_at = ma.fields.DateTime(allow_none=True)
    old_ends_at = ma.fields.DateTime(allow_none=True, metadata={"description": "rescheduled: the end before"})
    new_ends_at = ma.fields.DateTime(allow_none=True, metadata={"description": "rescheduled: the end after"})
    reason = ma.fields.String(allow_none=True)


class SessionFeedbackSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    session_id = ma.fields.Integer(required=True)
    author = ma.fields.Nested(PersonRefSchema)
    rating = ma.fields.Integer(required=True)
    comment = ma.fields.String(allow_none=True)
    shared_with_programme = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class MentoringSessionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    mentorship_id = ma.fields.Integer(required=True)
    starts_at = ma.fields.DateTime(required=True, metadata={"description": "ISO 8601, UTC"})
    ends_at = ma.fields.DateTime()
    duration_minutes = JsonInteger(required=True, validate=validate.Range(min=MIN_DURATION, max=MAX_DURATION))
    location = ma.fields.String(allow_none=True)
    agenda_tags = ma.fields.List(ma.fields.String(), required=True)
    agenda = ma.fields.String(allow_none=True)
    status = ma.fields.String(required=True, metadata={"enum": ["planned", "done", "cancelled"]})
    not_recorded = ma.fields.Boolean(metadata={"description": "planned, but its time is over and nobody recorded "
                                                              "whether it took place (`done`, or cancelled as not held)"})
    version = ma.fields.Integer(required=True)
    cancel_reason = ma.fields.String(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(SessionHistorySchema), required=True)
    notes = ma.fields.String(allow_none=True, metadata={"description": "private: the two participants only"})
    tried = ma.fields.String(allow_none=True, metadata={"description": "the executive's “what I tried since”"})
    notes_version = ma.fields.String(metadata={"description": "fingerprint of `notes`: send it back with a change of "
                                                              "the notes to refuse (409) a save over someone else's"})
    feedback = ma.fields.List(ma.fields.Nested(SessionFeedbackSchema),
                              metadata={"description": "yours, and the other side's once you have given yours"})
    ics_url = ma.fields.String()


class MentoringSessionCreateSchema(ma.Schema):
    starts_at = ma.fields.AwareDateTime(format="iso", required=True, metadata={"description": "ISO 8601 with offset"})
    # A JSON integer ("45" and 45.9 are refused, not read as 45); the service checks the range
    # and says it in words ("A session lasts between 15 and 480 minutes.").
    duration_minutes = JsonInteger(required=True, metadata={"minimum": MIN_DURATION, "maximum": MAX_DURATION})
    location = ma.fields.String(allow_none=True, validate=validate.Length(max=300))
    agenda_tags = ma.fields.List(ma.fields.String(validate=validate.Length(max=80)), load_default=list,
                                 validate=validate.Length(max=30))
    agenda = ma.fields.String(allow_none=True, validate=validate.Length(max=5000))


class MentoringSessionPatchSchema(ma.Schema):
    starts_at = ma.fields.AwareDateTime(format="iso", metadata={"description": "reschedule: with reason and version"})
    duration_minutes = JsonInteger(validate=validate.Range(min=MIN_DURATION, max=MAX_DURATION))
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    version = JsonInteger(validate=validate.Range(min=1, max=MAX_ID))
    status = ma.fields.String(validate=validate.OneOf(["cancelled", "done"]))
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=20000))
    tried = ma.fields.String(allow_none=True, validate=validate.Length(max=20000))
    notes_version = ma.fields.String(validate=validate.Length(max=64), metadata={
        "description": "optional, with `notes`: the `notes_version` the change starts from; notes saved by someone "
                       "else since answer 409 and nothing is saved. Without it the notes are written as sent"})


class SessionFeedbackCreateSchema(ma.Schema):
    rating = JsonInteger(required=True, validate=validate.Range(min=1, max=5))
    comment = ma.fields.String(allow_none=True, validate=validate.Length(max=5000))
    shared_with_programme = JsonBoolean(load_default=False)


# Serialising -------------------------------------------------------------------------------

def mentorship_json(m) -> dict:
    return {
        "id": m.id, "mentor": m.mentor, "executive": m.executive, "cohort_id": m.cohort_id, "status": m.status,
        "goals": [goal.tag.slug for goal in m.goals],
        "goal_progress": [{"slug": goal.tag.slug, "name": goal.tag.display_name, "progress": goal.progress,
                           "changed_at": goal.progress_changed_at} for goal in m.goals],
        "goal_text": m.goal_text,
        "requested_by": m.requested_by if m.requested_by_id else None, "requested_at": m.requested_at,
        "decided_at": m.decided_at, "decision_reason": shown(m.decision_reason), "completed_at": m.completed_at,
        "completion_reason": m.completion_reason,
    }


def _feedback_json(row, author) -> dict:
    return {"id": row.id, "session_id": row.session_id, "author": author, "rating": row.rating,
            "comment": row.comment, "shared_with_programme": row.shared_with_programme, "created_at": row.created_at}


def sessions_json(sessions) -> list[dict]:
    """Sessions with history, the caller's private notes and the feedback the caller may see."""
    ids = [s.id for s in sessions]
    notes = {}
    if ids:
        notes = {n.session_id: n for n in db.session.scalars(select(SessionNote).where(SessionNote.session_id.in_(ids)))}
    feedback = queries.feedback_views(current_user, ids)
    result = []
    for s in sessions:
        m = s.mentorship
        note = notes.get(s.id)
        view = feedback[s.id]
        given = []
        for row in (view.mine, view.theirs):
            if row is not None:
                given.append(_feedback_json(row, m.mentor if row.author_id == m.mentor_id else m.executive))
        result.append({
            "id": s.id, "mentorship_id": s.mentorship_id, "starts_at": s.starts_at, "ends_at": s.ends_at,
            "duration_minutes": s.duration_minutes, "location": s.location,
            "agenda_tags": [row.tag.slug for row in s.agenda_tags], "agenda": s.agenda, "status": s.status,
            "not_recorded": s.not_recorded, "version": s.version, "cancel_reason": shown(s.cancel_reason),
            "history": [
                {"kind": c.kind, "at": c.changed_at, "by": c.changed_by, "old_starts_at": c.old_starts_at,
                 "new_starts_at": c.new_starts_at, "old_ends_at": c.old_ends_at, "new_ends_at": c.new_ends_at,
                 "reason": shown(c.reason)}
                for c in s.changes
            ],
            "notes": note.notes if note else None, "tried": note.tried if note else None,
            "notes_version": services.notes_fingerprint(note),
            "feedback": given,
            "ics_url": services.path_for("api_mentoring.session_ics", session_id=s.id),
        })
    return result


def _reload_session(session_id: int) -> dict:
    db.session.expire_all()
    return sessions_json([services.get_session(current_user, session_id, with_history=True)])[0]


# Mentorships --------------------------------------------------------------------------------

@blp.route("/mentorships", methods=["GET"])
@blp.arguments(MentorshipListArgsSchema, location="query")
@blp.response(200, page_of(MentorshipSchema))
def list_mentorships(args: dict):
    """The caller's mentorships (as mentor, executive or requester); change managers see all."""
    page = queries.list_mentorships(current_user, status=args.get("status"), cohort_id=args.get("cohort"),
                                    page=args["page"], per_page=args["per_page"])
    return page.as_dict(mentorship_json)


@blp.route("/mentorships", methods=["POST"])
@blp.arguments(MentorshipCreateSchema)
@blp.response(201, MentorshipSchema)
@blp.alt_response(409, schema=ErrorSchema, description="No free place with this mentor, or the pair has an open mentorship")
@blp.alt_response(422, schema=ErrorSchema, description="Unknown mentor, executive, programme run or goal topics")
def create_mentorship(data: dict):
    """Request a mentor (for yourself, or as change manager for an executive)."""
    mentorship = services.request_mentorship(current_user, **data)
    return mentorship_json(mentorship)


@blp.route("/mentorships/<int:mentorship_id>", methods=["GET"])
@blp.response(200, MentorshipSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such mentorship, or not yours to see")
def get_mentorship(mentorship_id: int):
    return mentorship_json(services.get_mentorship(current_user, mentorship_id))


def _decide(mentorship_id: int, change, data: dict):
    mentorship = services.get_mentorship(current_user, mentorship_id)
    change(current_user, mentorship, (data or {}).get("reason"))
    return mentorship_json(mentorship)


@blp.route("/mentorships/<int:mentorship_id>/accept", methods=["POST"])
@blp.arguments(MentorshipDecisionSchema, required=False)
@blp.response(200, MentorshipSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only the requested mentor accepts")
@blp.alt_response(409, schema=ErrorSchema, description="Not a request any more, or no free place")
def accept_mentorship(data: dict, mentorship_id: int):
    return _decide(mentorship_id, services.accept_mentorship, data)


@blp.route("/mentorships/<int:mentorship_id>/decline", methods=["POST"])
@blp.arguments(MentorshipDecisionSchema, required=False)
@blp.response(200, MentorshipSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only the requested mentor declines")
@blp.alt_response(409, schema=ErrorSchema, description="Not a request any more")
@blp.alt_response(422, schema=ErrorSchema, description="A reason is required")
def decline_mentorship(data: dict, mentorship_id: int):
    return _decide(mentorship_id, services.decline_mentorship, data)


@blp.route("/mentorships/<int:mentorship_id>/withdraw", methods=["POST"])
@blp.arguments(MentorshipDecisionSchema)
@blp.response(200, MentorshipSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only the executive or the requester withdraws")
@blp.alt_response(404, schema=ErrorSchema, description="No such mentorship, or not the caller's")
@blp.alt_response(409, schema=ErrorSchema, description="Not a request waiting for an answer any more")
def withdraw_mentorship(data: dict, mentorship_id: int):
    """The executive (or whoever requested on their behalf) withdraws a pending request; the mentor is told."""
    return _decide(mentorship_id, services.withdraw_mentorship, data)


@blp.route("/mentorships/<int:mentorship_id>/complete", methods=["POST"])
@blp.arguments(MentorshipDecisionSchema, required=False)
@blp.response(200, MentorshipSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only the participants or a change manager complete")
@blp.alt_response(409, schema=ErrorSchema, description="Only an active mentorship can be completed")
def complete_mentorship(data: dict, mentorship_id: int):
    return _decide(mentorship_id, services.complete_mentorship, data)


@blp.route("/mentorships/<int:mentorship_id>/goals/<slug>", methods=["PATCH"])
@blp.arguments(GoalProgressPatchSchema)
@blp.response(200, MentorshipSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only the mentor and the executive mark their goals")
@blp.alt_response(404, schema=ErrorSchema, description="No such mentorship or learning goal")
@blp.alt_response(409, schema=ErrorSchema, description="The mentorship has not started")
def update_goal(data: dict, mentorship_id: int, slug: str):
    """Mark one learning goal `planned`, `in_progress` or `reached`."""
    mentorship = services.get_mentorship(current_user, mentorship_id)
    services.set_goal_progress(current_user, mentorship, slug, data["progress"])
    return mentorship_json(mentorship)


# Suggestions ---------------------------------------------------------------------------------

@blp.route("/mentors/suggestions", methods=["GET"])
@blp.arguments(MentorSuggestionArgsSchema, location="query")
@blp.response(200, MentorSuggestionListSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such executive, or not the caller's to see: "
                                                         "only the executive and change managers see suggestions")
def mentor_suggestions(args: dict):
    """Mentors ranked for an executive's learning goals, with the reasons in words. Whoever knows
    more of the goals as practitioner or expert comes first; `score` orders those who know as
    many. Anyone but the executive and change managers gets 404 whatever the id."""
    executive = matching.get_executive(current_user, args["executive"])
    goals = args.get("goal") or None
    items = matching.suggest_mentors(current_user, executive, goals=goals, limit=args["limit"])
    used = matching.goals_for(executive, goals)
    return {
        "items": [{"person": s.person, "score": s.score, "reasons": s.reasons, "free_places": s.free_places} for s in items],
        "goals": [tag.slug for tag in used],
    }


# Sessions --------------------------------------------------------------------------------------

@blp.route("/mentorships/<int:mentorship_id>/sessions", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(MentoringSessionSchema))
@blp.alt_response(403, schema=ErrorSchema, description="Only the two participants see sessions")
@blp.alt_response(404, schema=ErrorSchema, description="No such mentorship")
def list_sessions(args: dict, mentorship_id: int):
    mentorship = services.get_mentorship(current_user, mentorship_id)
    page = services.sessions_page(current_user, mentorship, page=args["page"], per_page=args["per_page"])
    return {"items": sessions_json(page.items), "page": page.page, "per_page": page.per_page, "total": page.total}


@blp.route("/mentorships/<int:mentorship_id>/sessions", methods=["POST"])
@blp.arguments(MentoringSessionCreateSchema)
@blp.response(201, MentoringSessionSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The mentorship is not active")
@blp.alt_response(422, schema=ErrorSchema, description="Naive or past time, bad duration or link, unknown topics, overlap")
def create_session(data: dict, mentorship_id: int):
    """Schedule a session; `starts_at` must carry its UTC offset."""
    mentorship = services.get_mentorship(current_user, mentorship_id)
    session = services.schedule_session(current_user, mentorship, **data)
    return _reload_session(session.id)


@blp.route("/sessions/<int:session_id>", methods=["GET"])
@blp.response(200, MentoringSessionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such session, or not one of yours")
def get_session(session_id: int):
    return sessions_json([services.get_session(current_user, session_id, with_history=True)])[0]


@blp.route("/sessions/<int:session_id>", methods=["PATCH"])
@blp.arguments(MentoringSessionPatchSchema)
@blp.response(200, MentoringSessionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such session, or not one of yours")
@blp.alt_response(409, schema=ErrorSchema, description="Stale version, the session is not planned, or the notes "
                                                          "were saved by someone else since `notes_version`")
@blp.alt_response(422, schema=ErrorSchema, description="Invalid time, missing reason or version")
def patch_session(data: dict, session_id: int):
    """`{starts_at, reason, version}` reschedules; `{status: "cancelled", reason}` cancels;
    `{status: "done"}` completes; `{notes}` / `{tried}` edit the private notes (`notes_version`, optional,
    refuses a save over notes changed since)."""
    session = services.get_session(current_user, session_id)
    if "starts_at" in data and "status" in data:
        raise ValidationFailed(_("Reschedule or change the status, not both at once."),
                               {"status": [_("Reschedule or change the status, not both at once.")]})
    acted = False
    if "starts_at" in data:
        services.reschedule_session(current_user, session, starts_at=data["starts_at"], reason=data.get("reason"),
                                    version=data.get("version"), duration_minutes=data.get("duration_minutes"))
        acted = True
    elif data.get("status") == "cancelled":
        services.cancel_session(current_user, session, reason=data.get("reason"), version=data.get("version"))
        acted = True
    elif data.get("status") == "done":
        services.mark_done(current_user, session, version=data.get("version"))
        acted = True
    elif "duration_minutes" in data:
        raise ValidationFailed(_("Send starts_at with the new duration."), {"starts_at": [_("Send starts_at with the new duration.")]})
    note_fields = {key: data[key] for key in ("notes", "tried") if key in data}
    if note_fields:
        services.update_notes(current_user, session, notes_version=data.get("notes_version"), **note_fields)
        acted = True
    if not acted:
        raise ValidationFailed(_("Nothing to change."), {"_schema": [_("Nothing to change.")]})
    return _reload_session(session_id)


@blp.route("/sessions/<int:session_id>.ics", methods=["GET"])
@blp.doc(responses={"200": {"description": "iCalendar with one VEVENT", "content": {"text/calendar": {}}}})
@blp.alt_response(404, schema=ErrorSchema, description="No such session, or not one of yours")
def session_ics(session_id: int):
    session = services.get_session(current_user, session_id)
    response = Response(calendar.session_ics(session, current_user), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    return response


@blp.route("/sessions/<int:session_id>/feedback", methods=["POST"])
@blp.arguments(SessionFeedbackCreateSchema)
@blp.response(201, SessionFeedbackSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not done yet, or feedback given already")
def create_feedback(data: dict, session_id: int):
    session = services.get_session(current_user, session_id)
    row = services.give_feedback(current_user, session, **data)
    return _feedback_json(row, current_user)

