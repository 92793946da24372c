"""API v1: the report of a programme run (change managers; audited)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user

from community.api.schemas import Blueprint, ErrorSchema
from community.audit import services as audit
from community.impact import exports, queries, services

blp = Blueprint("api_impact", __name__, description="Programme impact: run reports built on the incentive surveys")


class RunReportSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    run = ma.fields.Dict(required=True)
    min_group = ma.fields.Integer(required=True, metadata={"description": "REPORT_MIN_GROUP: smaller groups are suppressed"})
    surveys = ma.fields.Dict()
    response_rates = ma.fields.List(ma.fields.Dict())
    dimensions = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "per survey, side and incentive dimension: respondents, suppressed, average, spread, distribution"})
    competence_overall = ma.fields.Dict(metadata={"description": "every goal topic together, before and after"})
    competence = ma.fields.List(ma.fields.Dict(), metadata={"description": "self-assessed level 0–4 per goal topic, before and after"})
    mentorships = ma.fields.Dict()
    sessions = ma.fields.Dict()
    goals = ma.fields.Dict(metadata={"description": "learning goals by progress: planned, in_progress, reached"})
    multiplier = ma.fields.Dict(metadata={"description": "executives active in the community after their mentorship"})
    comments = ma.fields.List(ma.fields.Dict(), metadata={"description": "only comments their authors agreed to share"})
    comparison = ma.fields.List(ma.fields.Dict(), metadata={"description": "key figures of every run"})




@blp.route("/runs/<int:cohort_id>/report", methods=["GET"])
@blp.response(200, RunReportSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Change managers only")
@blp.alt_response(404, schema=ErrorSchema, description="No such programme run")
def run_report(cohort_id: int):
    """Response rates, incentives per side, competence gain, sessions, goals, multipliers, runs compared."""
    cohort = services.get_run(current_user, cohort_id)
    reports = queries.run_reports(queries.all_runs())
    audit.record("run_report.exported", actor=current_user, subject_type="cohort", subject_id=cohort.id,
                 data={"format": "json"})
    return exports.report_json(reports[cohort.id], list(reports.values()))
