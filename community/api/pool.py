"""API v1: topic demand against supply, substitute mentors and handovers."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import validate

from community.api.mentoring import MentorPersonSchema, MentorshipSchema, mentorship_json
from community.api.schemas import (
    Blueprint,
    ErrorSchema,
    JsonInteger,
    PageArgsSchema,
    PersonRefSchema,
    QueryInteger,
    distinct,
    id_field,
    page_of,
    text_field,
)
from community.mentoring import services as mentoring
from community.pool import circles as circle_services
from community.pool import services

blp = Blueprint("api_pool", __name__, description="Sustaining the mentor pool: topic demand, substitutes, handovers")


class DemandArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    months = QueryInteger(load_default=12, validate=validate.Range(min=1, max=services.MONTHS_MAX))


class TopicDemandSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    demand = ma.fields.Float(required=True, metadata={"description": "weighted, recency-discounted signs of demand"})
    supply = ma.fields.Float(required=True, metadata={"description": "free places of mentors who know the topic, weighted by level"})
    need = ma.fields.Integer(required=True, metadata={"description": "mentors to recruit"})
    places_short = ma.fields.Float()
    arithmetic = ma.fields.String(metadata={"description": "how `need` follows from demand and supply, in words"})
    signals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    mentors = ma.fields.Integer()
    free_places = ma.fields.Integer()
    by_department = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(), required=True)
    by_month = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class DemandSchema(ma.Schema):
    computed_at = ma.fields.DateTime(required=True)
    months = ma.fields.List(ma.fields.String())
    places_per_mentor = ma.fields.Integer()
    topics = ma.fields.List(ma.fields.Nested(TopicDemandSchema), required=True)


class SubstituteSchema(ma.Schema):
    person = ma.fields.Nested(MentorPersonSchema, required=True)
    score = ma.fields.Float(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)
    free_places = ma.fields.Integer()


class SubstituteListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(SubstituteSchema), required=True)


class HandoverSchema(ma.Schema):
    mentor_id = id_field(required=True)
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


@blp.route("/network/demand")
@blp.arguments(DemandArgsSchema, location="query")
@blp.response(200, DemandSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Change managers and admins only")
def get_demand(args: dict):
    """Demand against supply per topic, the recruitment need and demand by department."""
    return services.demand_json(services.demand_report(current_user, args["months"]))


def _person(user) -> dict:
    return {"id": user.id, "name": user.name, "handle": user.handle, "is_ambassador": user.is_ambassador,
            "department": user.department, "location": user.location, "languages": user.languages,
            "capacity": user.capacity}


@blp.route("/mentorships/<int:mentorship_id>/substitutes")
@blp.response(200, SubstituteListSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and the executive")
@blp.alt_response(404, schema=ErrorSchema, description="No such mentorship, or not yours to see")
@blp.alt_response(409, schema=ErrorSchema, description="Not active, or handed over already")
def get_substitutes(mentorship_id: int):
    """Ranked substitute mentors with reasons (same network community, topics, free places, language, department).

    Whoever knows more of the mentorship's goals as practitioner or expert comes first; `score`
    orders those who know as many (so a lower score can come before a higher one)."""
    mentorship = mentoring.get_mentorship(current_user, mentorship_id)
    items = services.substitutes_for(current_user, mentorship)
    return {"items": [{"person": _person(s.person), "score": s.score, "reasons": s.reasons,
                       "free_places": s.free_places} for s in items]}


@blp.route("/mentorships/<int:mentorship_id>/handover", methods=["POST"])
@blp.arguments(HandoverSchema)
@blp.response(201, MentorshipSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and the executive")
@blp.alt_response(404, schema=ErrorSchema, description="No such mentorship, or not yours to see")
@blp.alt_response(409, schema=ErrorSchema, description="Not active or handed over already; no free place with the new mentor")
@blp.alt_response(422, schema=ErrorSchema, description="Not a mentor, paused, or the current mentor")
def post_handover(data: dict, mentorship_id: int):
    """Complete the mentorship as handed over and open an active one with the new mentor (same goals)."""
    mentorship = mentoring.get_mentorship(current_user, mentorship_id)
    successor = mentoring.hand_over(current_user, mentorship, mentor_id=data["mentor_id"], note=data.get("note"))
    return mentorship_json(successor)


# Circles --------------------------------------------------------------------------------------

class CircleMemberSchema(ma.Schema):
    person = ma.fields.Nested(PersonRefSchema, required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["invited", "accepted", "declined"]})
    former_member = ma.fields.Boolean(metadata={
        "description": "true: their account has ended (deactivated) since they were invited; only change managers "
                       "see such a member named, the others count them in `former_members`"})


class CircleSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    members = ma.fields.List(ma.fields.Nested(CircleMemberSchema), required=True)
    topics = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "tag slugs"})
    rhythm_weeks = ma.fields.Integer()
    first_meeting_at = ma.fields.DateTime(allow_none=True)
    duration_minutes = ma.fields.Integer()
    location = ma.fields.String(allow_none=True)
    next_meetings = ma.fields.List(ma.fields.DateTime())
    your_status = ma.fields.String(allow_none=True)
    others_invited = ma.fields.Integer(metadata={
        "description": "members invited and not named to you: people who keep their profile out of the directory "
                       "are named to the other members only once they join; `members` leaves them out, and "
                       "whoever declined (change managers see everyone)"})
    former_members = ma.fields.Integer(metadata={
        "description": "members who joined and whose account has ended since (deactivated): counted, no longer "
                       "named in `members` (change managers see them named, with `former_member: true`); "
                       "named again once reactivated"})


class CircleCreateSchema(ma.Schema):
    name = text_field(120)
    member_ids = ma.fields.List(id_field(),
                                validate=[validate.Length(min=circle_services.MIN_MEMBERS, max=circle_services.MAX_MEMBERS), distinct],
                                metadata={"uniqueItems": True, "description": "mentors or ambassadors, by id; "
                                          "give either `member_ids` or `members`"})
    members = ma.fields.List(
        ma.fields.String(validate=validate.Length(min=1, max=20)),
        validate=[validate.Length(min=circle_services.MIN_MEMBERS, max=circle_services.MAX_MEMBERS), distinct],
        metadata={"uniqueItems": True, "description": "mentors or ambassadors as `GET /circles/proposals` names "
                  "them: ids as strings, or in the network's pseudonymised mode their pseudonyms (ids are "
                  "refused then); give either `member_ids` or `members`"})
    topic_slugs = ma.fields.List(ma.fields.String(validate=validate.Length(max=80)), load_default=list,
                                 validate=validate.Length(max=20))
    rhythm_weeks = JsonInteger(load_default=4, validate=validate.Range(min=1, max=12))
    duration_minutes = JsonInteger(load_default=60, validate=validate.Range(min=15, max=480))
    first_meeting_at = ma.fields.AwareDateTime(format="iso", allow_none=True)
    location = ma.fields.String(allow_none=True, validate=validate.Length(max=300))

    @ma.validates_schema
    def _one_way_of_naming(self, data: dict, **_kwargs) -> None:
        if ("member_ids" in data) == ("members" in data):
            raise ma.ValidationError(_("Give either member_ids or members."), "members")


class ProposalMemberSchema(MentorPersonSchema):
    id = ma.fields.Integer(required=True, allow_none=True,
                           metadata={"description": "null in the network's pseudonymised mode"})
    name = ma.fields.String(required=True, metadata={"description": "the name, or the pseudonym"})
    pseudonym = ma.fields.String(allow_none=True)


class ProposalSchema(ma.Schema):
    members = ma.fields.List(ma.fields.Nested(ProposalMemberSchema), required=True, metadata={
        "description": "in pseudonymised mode `{id: null, name: pseudonym, pseudonym, department, is_ambassador}`, "
                       "as on the network API; the department only where enough people share it"})
    topics = ma.fields.List(ma.fields.String(), required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)
    score = ma.fields.Float()


class ProposalListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProposalSchema), required=True)


def circle_json(c) -> dict:
    mine = circle_services.membership(c, current_user)
    shown = circle_services.members_shown(current_user, c)
    return {"id": c.id, "name": c.name,
            "members": [{"person": m.user, "status": m.status, "former_member": m.user_id in shown.ended}
                        for m in shown.named],
            "others_invited": shown.others_invited, "former_members": shown.former_members,
            "topics": [t.tag.slug for t in c.topics], "rhythm_weeks": c.rhythm_weeks,
            "first_meeting_at": c.first_meeting_at, "duration_minutes": c.duration_minutes, "location": c.location,
            "next_meetings": circle_services.next_meetings(c), "your_status": mine.status if mine else None}


class CircleListArgs(PageArgsSchema):
    all = ma.fields.Boolean(load_default=False, metadata={
        "description": "true: every circle, as the circles page lists them for change managers (403 for others)"})


@blp.route("/circles")
@blp.arguments(CircleListArgs, location="query")
@blp.response(200, page_of(CircleSchema))
@blp.alt_response(403, schema=ErrorSchema, description="`all=true` from someone who is not a change manager")
def list_circles(args: dict):
    """The caller's peer learning circles (invited or joined); with `all=true` every circle (change managers)."""
    found = circle_services.all_circles(current_user) if args.get("all") else circle_services.circles_of(current_user)
    start = (args["page"] - 1) * args["per_page"]
    return {"items": [circle_json(c) for c in found[start:start + args["per_page"]]], "page": args["page"],
            "per_page": args["per_page"], "total": len(found)}


@blp.route("/circles/proposals")
@blp.response(200, ProposalListSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Change managers only")
def circle_proposals():
    """Proposed circles of 4–6 mentors from the network's communities, each with its reasons."""
    return {"items": [{"members": [ref.as_dict() for ref in p.people] if p.pseudonymised else [_person(m) for m in p.members],
                       "topics": [t.slug for t in p.topics], "reasons": p.reasons, "score": p.score}
                      for p in circle_services.proposals(current_user)]}


@blp.route("/circles", methods=["POST"])
@blp.arguments(CircleCreateSchema)
@blp.response(201, CircleSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Change managers only")
@blp.alt_response(422, schema=ErrorSchema, description="4–6 mentors or ambassadors, known topics")
def create_circle(data: dict):
    """Create a circle; its members are invited and accept or decline."""
    return circle_json(circle_services.create_circle(current_user, **data))


@blp.route("/circles/<int:circle_id>")
@blp.response(200, CircleSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such circle, or not yours to see")
def get_circle(circle_id: int):
    return circle_json(circle_services.get_circle(current_user, circle_id))


@blp.route("/circles/<int:circle_id>/accept", methods=["POST"])
@blp.response(200, CircleSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not invited")
@blp.alt_response(409, schema=ErrorSchema, description="Answered already")
def accept_circle(circle_id: int):
    """Join the circle: its members see your name and department from then on, also if your
    profile is hidden from the directory."""
    circle = circle_services.get_circle(current_user, circle_id)
    return circle_json(circle_services.respond(current_user, circle, True))


@blp.route("/circles/<int:circle_id>/decline", methods=["POST"])
@blp.response(200, CircleSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Not invited")
@blp.alt_response(409, schema=ErrorSchema, description="Answered already")
def decline_circle(circle_id: int):
    circle = circle_services.get_circle(current_user, circle_id)
    return circle_json(circle_services.respond(current_user, circle, False))
