"""The network analysis' services, from one place: each lives in the room that says what it holds.

- `access`: who may use the analysis (`require_analyst`, `require_admin`).
- `pseudonyms`: the pseudonymised mode, pseudonyms, revealing a name (audited).
- `redaction`: people who opted out stripped from findings, counted instead.
- `loading`: the analysis input read from the database; the live graph of the current data.
- `snapshots`: analyse and store a dated snapshot.
- `jobs`: queued analyses of big organisations and their runner (the only one that commits).
- `whatif`: what the pool loses if mentors leave.
- `pictures`: the SVG pictures; `exports`: GraphML / node-link JSON and the findings CSV.
- `explorer`: nodes and edges for the interactive explorer, and what-if in its terms.
- `queries`: read-only views of the stored snapshots.

Privacy rules (issue "privacy by design"): people with `analysis_opt_out` take part in the
computation, so coverage stays correct, but they appear only in aggregates: no PersonFigure
row, never named in findings, roles, shortlist, what-if results, drawings or exports (a count
says how many were left out). In pseudonymised mode people are shown as stable pseudonyms.
Every view, export, what-if and reveal is written to the audit trail ("network.*").
"""

from __future__ import annotations

from community.network.access import (
    ANALYST_ROLES,
    is_analyst,
    require_admin,
    require_analyst,
)
from community.network.explorer import (
    EXPLORER_MAX_PEOPLE,
    explorer_data,
    explorer_texts,
    explorer_what_if,
)
from community.network.exports import (
    export_graph,
    exported_graph,
    findings_csv,
)
from community.network.jobs import (
    STALE_JOB_AFTER,
    active_people,
    forget_jobs,
    get_job,
    open_job,
    request_analysis,
    run_job,
    run_queued_jobs,
    start_job,
    start_job_after_commit,
)
from community.network.loading import (
    LiveNetwork,
    NetworkData,
    analysis_params,
    live_network,
    load_input,
    remember_live,
)
from community.network.pictures import (
    TREND_SERIES,
    coverage_svg,
    ego_svg,
    load_svg,
    network_svg,
    picture_words,
    trend_series_labels,
    trend_svg,
)
from community.network.pseudonyms import (
    PSEUDONYM_LENGTH,
    PSEUDONYM_PATTERN,
    REVEAL_REASON_MAX,
    REVEAL_REASON_MIN,
    pseudonym,
    pseudonymised,
    pseudonymised_locked,
    pseudonyms_for,
    resolve_person,
    reveal,
    set_pseudonymised,
)
from community.network.queries import (
    PersonRef,
    health_trend,
    latest_snapshot,
    latest_snapshot_id,
    opted_out_ids,
    people_refs,
    tag_names,
)
from community.network.redaction import (
    PERSON_LISTS,
    redact_findings,
)
from community.network.snapshots import (
    SNAPSHOT_HOOKS,
    cohort_at,
    compute_snapshot,
    store_snapshot,
    summary_json,
    summary_lines,
)
from community.network.whatif import (
    WHAT_IF_MAX,
    WhatIfView,
    mentor_choices,
    min_providers_needed,
    parse_refs,
    what_if,
)

__all__ = [
    "ANALYST_ROLES",
    "EXPLORER_MAX_PEOPLE",
    "LiveNetwork",
    "NetworkData",
    "PERSON_LISTS",
    "PSEUDONYM_LENGTH",
    "PSEUDONYM_PATTERN",
    "PersonRef",
    "REVEAL_REASON_MAX",
    "REVEAL_REASON_MIN",
    "SNAPSHOT_HOOKS",
    "STALE_JOB_AFTER",
    "TREND_SERIES",
    "WHAT_IF_MAX",
    "WhatIfView",
    "active_people",
    "analysis_params",
    "cohort_at",
    "compute_snapshot",
    "coverage_svg",
    "ego_svg",
    "export_graph",
    "explorer_data",
    "explorer_texts",
    "explorer_what_if",
    "exported_graph",
    "findings_csv",
    "forget_jobs",
    "get_job",
    "health_trend",
    "is_analyst",
    "latest_snapshot",
    "latest_snapshot_id",
    "live_network",
    "load_input",
    "load_svg",
    "mentor_choices",
    "min_providers_needed",
    "network_svg",
    "open_job",
    "opted_out_ids",
    "parse_refs",
    "people_refs",
    "picture_words",
    "pseudonym",
    "pseudonymised",
    "pseudonymised_locked",
    "pseudonyms_for",
    "redact_findings",
    "remember_live",
    "request_analysis",
    "require_admin",
    "require_analyst",
    "resolve_person",
    "reveal",
    "run_job",
    "run_queued_jobs",
    "set_pseudonymised",
    "start_job",
    "start_job_after_commit",
    "store_snapshot",
    "summary_json",
    "summary_lines",
    "tag_names",
    "trend_series_labels",
    "trend_svg",
    "what_if",
]
