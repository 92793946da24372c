"""API v1: network analysis, what-if and graph exports (change managers and admins only).

People appear as `{id, name, pseudonym, department, is_ambassador}`; in pseudonymised mode
`id` is null and `name` is the pseudonym. People who opted out of the analysis are never
listed; `opted_out` counts them per list. In pseudonymised mode a finding carries no exact
figure about its person that a member could match with a profile: `figures` is empty, load and
capacity come as bands (`load_band`, `capacity_band`), and a department only where the
person's department is shown at all (queries.shown_entry).
"""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import validate

from community.api.schemas import Blueprint, ErrorSchema
from community.audit import services as audit
from community.errors import NotFoundError
from community.network import queries, services
from community.pool.fading import fading_list

blp = Blueprint("api_network", __name__, description="Network analysis of the mentor pool (change managers, admins)")




@blp.before_request
def require_analyst():
    services.require_analyst(current_user)


class PersonSchema(ma.Schema):
    id = ma.fields.Integer(allow_none=True, metadata={"description": "null in pseudonymised mode"})
    name = ma.fields.String(required=True, metadata={"description": "the name, or the pseudonym"})
    pseudonym = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)
    is_ambassador = ma.fields.Boolean()


class RoleSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    role = ma.fields.String(required=True, metadata={"enum": ["central_connector", "broker", "boundary_spanner",
                                                               "peripheral_specialist"]})
    label = ma.fields.String()
    figures = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(), required=True,
                             metadata={"description": "empty in pseudonymised mode"})
    explanation = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())


class CutOffSchema(ma.Schema):
    executives = ma.fields.List(ma.fields.Nested(PersonSchema), required=True)
    departments = ma.fields.List(ma.fields.String(), required=True)
    topics = ma.fields.List(ma.fields.String(), required=True)
    executives_opted_out = ma.fields.Integer()


class SinglePointSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    cuts_off = ma.fields.Nested(CutOffSchema, required=True)
    is_articulation_point = ma.fields.Boolean()
    separated_people = ma.fields.Integer()
    reason = ma.fields.String()


class OverloadedSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    # marshmallow takes declared fields off the class, so this does not hide Schema.load.
    load = ma.fields.Integer()  # type: ignore[assignment]
    capacity = ma.fields.Integer()
    load_band = ma.fields.String(metadata={"description": "pseudonymised mode, instead of the exact figure: 0, 1–2, 3–4 or 5+"})
    capacity_band = ma.fields.String(metadata={"description": "pseudonymised mode, instead of the exact figure: 0, 1–2, 3–4 or 5+"})
    median_load = ma.fields.Float()
    reasons = ma.fields.List(ma.fields.String())
    reason = ma.fields.String()


class IdleSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    capacity = ma.fields.Integer()
    capacity_band = ma.fields.String(metadata={"description": "pseudonymised mode, instead of the exact figure: 0, 1–2, 3–4 or 5+"})
    days_since_last_seen = ma.fields.Float(allow_none=True, metadata={"description": "not in pseudonymised mode"})
    reason = ma.fields.String()


class TopicSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String()
    field = ma.fields.String(allow_none=True)
    demand = ma.fields.Integer()
    providers = ma.fields.List(ma.fields.Nested(PersonSchema))
    providers_opted_out = ma.fields.Integer()
    reason = ma.fields.String()


class DepartmentSchema(ma.Schema):
    department = ma.fields.String(required=True)
    people = ma.fields.Integer()
    executives = ma.fields.Integer()
    reason = ma.fields.String()


class UnmatchedSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    department = ma.fields.String(allow_none=True, metadata={
        "description": "in pseudonymised mode the person's generalised department (null where it is withheld)"})
    past_mentorships = ma.fields.Integer(metadata={"description": "not in pseudonymised mode"})
    reason = ma.fields.String()


class CandidateSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    score = ma.fields.Float(required=True)
    parts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(), required=True,
                           metadata={"description": "outcomes, community, reach (0..1)"})
    figures = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True),
                             metadata={"description": "empty in pseudonymised mode"})
    reason = ma.fields.String()


class CohortSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class AnalysisSchema(ma.Schema):
    snapshot_id = ma.fields.Integer(required=True)
    computed_at = ma.fields.DateTime(required=True)
    cohort = ma.fields.Nested(CohortSchema, allow_none=True)
    pseudonymised = ma.fields.Boolean()
    summary = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True)
    opted_out = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                               metadata={"description": "people who opted out: in all (`people`) and per list"})
    roles = ma.fields.List(ma.fields.Nested(RoleSchema), required=True)
    single_points_of_failure = ma.fields.List(ma.fields.Nested(SinglePointSchema), required=True)
    overloaded = ma.fields.List(ma.fields.Nested(OverloadedSchema), required=True)
    idle = ma.fields.List(ma.fields.Nested(IdleSchema), required=True)
    uncovered_topics = ma.fields.List(ma.fields.Nested(TopicSchema), required=True)
    departments_without_mentors = ma.fields.List(ma.fields.Nested(DepartmentSchema))
    unmatched_executives = ma.fields.List(ma.fields.Nested(UnmatchedSchema), required=True)
    ambassador_shortlist = ma.fields.List(ma.fields.Nested(CandidateSchema), required=True)
    communities = ma.fields.List(ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True)))
    fading_mentors = ma.fields.List(ma.fields.Nested(lambda: FadingSchema()), metadata={
        "description": "mentors drifting away, judged against their own earlier baseline (never people who opted out)"})


class FadingSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, required=True)
    score = ma.fields.Float(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)


class JobSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    requested_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    snapshot_id = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)


class JobAcceptedSchema(ma.Schema):
    job = ma.fields.Nested(JobSchema, required=True)


class WhatIfArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    remove = ma.fields.List(
        ma.fields.String(validate=validate.Length(max=40)), load_default=list,
        metadata={"description": "mentor ids or @handles (pseudonyms in pseudonymised mode); repeat for several"},
    )


class HealthSchema(ma.Schema):
    before = ma.fields.Integer(required=True)
    after = ma.fields.Integer(required=True)
    change = ma.fields.Integer(required=True)


class WhatIfSchema(ma.Schema):
    removed = ma.fields.List(ma.fields.Nested(PersonSchema), required=True)
    executives_losing_coverage = ma.fields.List(ma.fields.Nested(PersonSchema), required=True)
    executives_opted_out = ma.fields.Integer()
    departments_losing_coverage = ma.fields.List(ma.fields.String(), required=True)
    topics_losing_coverage = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "demanded topics left without any mentor who can teach them"})
    topics_becoming_uncovered = ma.fields.List(ma.fields.String(), metadata={
        "description": "demanded topics left with fewer mentors who can teach them than the analysis needs: "
                       "one for each topic that `health.uncovered_topics` gains"})
    health = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(HealthSchema))


class GraphArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    format = ma.fields.String(load_default="json", validate=validate.OneOf(["graphml", "json"]))
    download = ma.fields.Boolean(load_default=False, metadata={
        "description": "`true`: the JSON comes as a file to save (`Content-Disposition: attachment`), as the "
                       "dashboard's download link asks; the default answers it inline for API clients"})


# --------------------------------------------------------------------------- serialisation


def _person(ref: queries.PersonRef) -> dict:
    return ref.as_dict()


def analysis_data(report: queries.Report) -> dict:
    snapshot = report.snapshot

    def with_person(finding: queries.Finding, **extra) -> dict:
        assert finding.person is not None  # these findings are about a person
        entry = {k: v for k, v in finding.entry.items() if k != "person_id"}
        return {**entry, "person": _person(finding.person), "reason": finding.reason, **extra}

    return {
        "snapshot_id": snapshot.id,
        "computed_at": snapshot.computed_at,
        "cohort": {"id": snapshot.cohort.id, "name": snapshot.cohort.name} if snapshot.cohort else None,
        "pseudonymised": report.pseudonymised,
        "summary": report.summary,
        "opted_out": {"people": report.opted_out_people, **report.opted_out},
        "roles": [with_person(f, label=f.label, explanation=f.reason) for f in report.roles],
        "single_points_of_failure": [
            with_person(f, cuts_off={
                "executives": [_person(p) for p in f.people],
                "departments": f.entry["cuts_off"].get("departments", []),
                "topics": f.entry["cuts_off"].get("topics", []),
                "executives_opted_out": f.people_opted_out,
            })
            for f in report.single_points_of_failure
        ],
        "overloaded": [with_person(f) for f in report.overloaded],
        "idle": [with_person(f) for f in report.idle],
        "uncovered_topics": [
            {**t.entry, "name": t.label, "providers": [_person(p) for p in t.people],
             "providers_opted_out": t.people_opted_out, "reason": t.reason}
            for t in report.uncovered_topics
        ],
        "departments_without_mentors": report.departments_without_mentors,
        "unmatched_executives": [with_person(f) for f in report.unmatched_executives],
        "ambassador_shortlist": [with_person(f) for f in report.ambassador_shortlist],
        "communities": report.communities,
        "fading_mentors": [{"person": _person(f["person"]), "score": f["score"], "reasons": f["reasons"]}
                           for f in fading_list(snapshot, report.pseudonymised)],
    }


def job_data(job) -> dict:
    return {"id": job.id, "status": job.status, "requested_at": job.requested_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "snapshot_id": job.snapshot_id, "error": job.error}


# --------------------------------------------------------------------------- routes


@blp.route("/network/analysis")
@blp.response(200, AnalysisSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and admins")
@blp.alt_response(404, schema=ErrorSchema, description="No snapshot has been computed yet")
def get_analysis():
    """The latest stored analysis snapshot with every finding."""
    snapshot = queries.latest_snapshot()
    if snapshot is None:
        missing = NotFoundError(_("No network analysis has been computed yet: POST /api/v1/network/analysis, "
                                  "or run “flask --app wsgi network analyze”."))
        missing.informative = True  # only change managers and admins get here; it hides nothing
        raise missing
    data = analysis_data(queries.build_report(snapshot))
    audit.record("network.viewed", actor=current_user, subject_type="analysis_snapshot", subject_id=snapshot.id,
                 note="api")
    return data


@blp.route("/network/analysis", methods=["POST"])
@blp.response(201, AnalysisSchema, description="Computed in this request")
@blp.alt_response(202, schema=JobAcceptedSchema, description="Queued for the background (large organisation); "
                  "poll the Location", success=True,
                  headers={"Location": {"description": "GET this job", "schema": {"type": "string"}}})
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and admins")
def post_analysis():
    """Compute a snapshot: inline for small organisations (201), else as a background job (202)."""
    status, outcome = services.request_analysis(current_user)
    if status == "queued":
        services.start_job_after_commit(outcome.id)
        response = jsonify({"job": JobSchema().dump(job_data(outcome))})
        response.status_code = 202
        response.headers["Location"] = url_for("api_network.get_job", job_id=outcome.id)
        return response
    data = analysis_data(queries.build_report(outcome))
    return data, 201


@blp.route("/network/jobs/<int:job_id>")
@blp.response(200, JobSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and admins")
@blp.alt_response(404, schema=ErrorSchema, description="No such job")
def get_job(job_id: int):
    """State of a background analysis; when done, `snapshot_id` names the new snapshot."""
    return job_data(services.get_job(current_user, job_id))


@blp.route("/network/what-if")
@blp.arguments(WhatIfArgs, location="query")
@blp.response(200, WhatIfSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and admins")
@blp.alt_response(422, schema=ErrorSchema, description="No mentor named, or one that is not a mentor in the analysis")
def what_if(args):
    """What the pool loses if these mentors leave (on the current data)."""
    view = services.what_if(current_user, args["remove"])
    return {
        "removed": [_person(p) for p in view.removed],
        "executives_losing_coverage": [_person(p) for p in view.executives],
        "executives_opted_out": view.executives_opted_out,
        "departments_losing_coverage": view.departments,
        "topics_losing_coverage": [slug for slug, _name in view.topics],
        "topics_becoming_uncovered": [slug for slug, _name, _left in view.topics_uncovered],
        "health": view.health,
    }


@blp.route("/network/graph")
@blp.arguments(GraphArgs, location="query")
@blp.doc(responses={"200": {
    "description": "GraphML for `format=graphml` (a download), node-link JSON for `format=json`",
    "content": {"application/graphml+xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}}},
}})
@blp.alt_response(403, schema=ErrorSchema, description="Only change managers and admins")
@blp.alt_response(422, schema=ErrorSchema, description="Unknown format")
def graph_export(args):
    """The graph for Gephi and friends: connected people plus every mentor and executive."""
    content, fmt = services.export_graph(current_user, args["format"])
    if fmt == "graphml":
        return Response(content, mimetype="application/graphml+xml",
                        headers={"Content-Disposition": 'attachment; filename="network.graphml"'})
    response = jsonify(content)
    # The dashboard's "Graph (JSON)" is a download (it opened raw JSON in the tab); API clients
    # get the same JSON inline, as before.
    disposition = "attachment" if args["download"] else "inline"
    name = f"network-graph-{date.today().isoformat()}.json" if args["download"] else "network.json"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response
