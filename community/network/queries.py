"""Read-only views of the stored analysis for the dashboard, the person page, CSV and the API.

Each page runs a fixed number of statements whatever the size of the organisation: the
snapshot, who opted out, the names of the people shown (one IN query, or one scan when many
are shown), topic names, the trend.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import flask_babel
from flask import has_request_context
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.accounts.models import User, UserRole, shown_name
from community.errors import NotFoundError
from community.expertise.models import Tag
from community.extensions import db
from community.network.anonymity import capacity_band, generalise
from community.network.models import AnalysisJob, AnalysisSnapshot, PersonFigure
from community.network.pseudonyms import pseudonymised as pseudonymised_mode
from community.network.pseudonyms import pseudonyms_for
from community.network.redaction import redact_findings


def _(message: str, **variables: Any) -> str:
    """flask_babel.gettext, typed."""
    return str(flask_babel.gettext(message, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """flask_babel.ngettext, typed."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


# Above this many ids one scan of all people is cheaper (and safer for SQLite's parameter
# limit) than an IN list.
IN_LIST_MAX = 1000

ROLE_LABELS = {
    "central_connector": _l("Central connector"),
    "broker": _l("Broker"),
    "boundary_spanner": _l("Boundary spanner"),
    "peripheral_specialist": _l("Peripheral specialist"),
}
PART_LABELS = {"outcomes": _l("Outcomes"), "community": _l("Community"), "reach": _l("Reach")}


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonRef:
    """A person as the analysis shows them: a name, or a pseudonym in pseudonymised mode."""

    id: int | None  # None in pseudonymised mode (and for people no longer stored)
    name: str
    pseudonym: str | None = None
    department: str | None = None
    is_ambassador: bool = False
    known: bool = True
    # Now, not at the analysis (named mode only): a finding about someone who paused mentoring or
    # was deactivated since reads differently until the next analysis.
    paused: bool = False
    deactivated: bool = False

    @property
    def key(self) -> str:
        """How URLs name the person: the id, or the pseudonym."""
        return self.pseudonym if self.id is None and self.pseudonym else str(self.id)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "pseudonym": self.pseudonym,
                "department": self.department, "is_ambassador": self.is_ambassador}


def _k_anonymous_facts() -> dict[int, dict[str, Any]]:
    """Department and ambassador flag each person may carry next to a pseudonym: only combinations
    (with their roles, which a finding may imply) shared by at least K_ANONYMITY people of the analysis."""
    records: dict[int, dict[str, Any]] = {
        pid: {"roles": set(), "department": department, "is_ambassador": bool(ambassador)}
        for pid, department, ambassador in db.session.execute(
            select(User.id, User.department, User.is_ambassador)
            .where(User.active.is_(True), User.analysis_opt_out.is_(False))
        )
    }
    for pid, role in db.session.execute(select(UserRole.user_id, UserRole.role)):
        if pid in records:
            records[pid]["roles"].add(role)
    return generalise(records)


def people_refs(ids: Iterable[int], pseudonymised: bool) -> dict[int, PersonRef]:
    """PersonRef for each id, in one statement."""
    wanted = sorted({int(pid) for pid in ids})
    if not wanted:
        return {}
    stmt = select(User.id, User.stored_name, User.erased_at, User.department, User.is_ambassador, User.mentoring_paused,
                  User.active)
    if len(wanted) <= IN_LIST_MAX:
        stmt = stmt.where(User.id.in_(wanted))
    wanted_set = set(wanted)
    rows = {row.id: row for row in db.session.execute(stmt) if row.id in wanted_set}
    pseudonyms = pseudonyms_for(wanted) if pseudonymised else {}
    shown = _k_anonymous_facts() if pseudonymised else {}
    refs = {}
    for pid in wanted:
        row = rows.get(pid)
        if pseudonymised:
            facts = shown.get(pid, {})
            refs[pid] = PersonRef(None, pseudonyms[pid], pseudonyms[pid], facts.get("department"),
                                  bool(facts.get("is_ambassador", False)), row is not None)
        elif row is None:
            refs[pid] = PersonRef(None, _("former member"), known=False)
        else:
            refs[pid] = PersonRef(pid, shown_name(row.stored_name, row.erased_at), None, row.department,
                                  bool(row.is_ambassador), paused=bool(row.mentoring_paused),
                                  deactivated=not row.active and row.erased_at is None)
    return refs


def opted_out_ids() -> frozenset[int]:
    """People who left the analysis: counted, never named. Read once per page view (a GET
    request changes nobody's choice; the dashboard asks from several of its parts)."""
    from flask import g, has_request_context, request

    memo = has_request_context() and request.method == "GET"
    if memo and "network_opted_out" in g:
        found: frozenset[int] = g.network_opted_out
        return found
    found = frozenset(db.session.scalars(select(User.id).where(User.analysis_opt_out.is_(True))))
    if memo:
        g.network_opted_out = found
    return found


def tag_names(slugs: Iterable[str]) -> dict[str, str]:
    """Topic names in the reader's language."""
    wanted = sorted(set(slugs))
    if not wanted:
        return {}
    german = str(get_locale() or "en") == "de" if has_request_context() else False
    return {
        slug: (name_de if german and name_de else name)
        for slug, name, name_de in db.session.execute(
            select(Tag.slug, Tag.name, Tag.name_de).where(Tag.slug.in_(wanted))
        )
    }


# --------------------------------------------------------------------------- snapshots


def latest_snapshot() -> AnalysisSnapshot | None:
    return db.session.scalar(
        select(AnalysisSnapshot).order_by(AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc()).limit(1)
    )


def latest_summary() -> tuple[datetime, dict[str, Any]] | None:
    """When the latest snapshot was computed and its summary (without the findings)."""
    row = db.session.execute(
        select(AnalysisSnapshot.computed_at, AnalysisSnapshot.summary)
        .order_by(AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc()).limit(1)
    ).first()
    return (row[0], row[1] or {}) if row else None


def latest_snapshot_id() -> int | None:
    return db.session.scalar(
        select(AnalysisSnapshot.id).order_by(AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc()).limit(1)
    )


def snapshots_stamp() -> tuple[int | None, tuple[Any, ...]]:
    """The latest snapshot's id and a stamp that changes whenever a snapshot is stored or
    removed (the dashboard's cached body and trend depend on them); one small statement."""
    newest = (select(AnalysisSnapshot.id).order_by(AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc())
              .limit(1).scalar_subquery())
    row = db.session.execute(
        select(newest, func.count(AnalysisSnapshot.id), func.max(AnalysisSnapshot.id), func.max(AnalysisSnapshot.computed_at))
    ).one()
    return row[0], (int(row[1]), row[2], str(row[3]))


@dataclass
class TrendPoint:
    snapshot_id: int
    computed_at: datetime
    cohort: str | None
    summary: dict[str, Any]

    @property
    def label(self) -> str:
        """For a chart's axis, unmistakable in every language (7 Aug 2026 · 07.08.2026), not
        the short form a reader may take the wrong way round (07/08/2026)."""
        return self.day

    @property
    def day(self) -> str:
        """In a sentence, as every page gives a date (07.08.2026 · 7 Aug 2026)."""
        return format_date(self.computed_at, "medium") if has_request_context() else self.computed_at.date().isoformat()


def health_trend(limit: int = 12) -> list[TrendPoint]:
    """Summary figures of the latest `limit` snapshots, oldest first, with their programme run."""
    from community.mentoring.models import Cohort

    rows = db.session.execute(
        select(AnalysisSnapshot.id, AnalysisSnapshot.computed_at, AnalysisSnapshot.summary, Cohort.name)
        .outerjoin(Cohort, Cohort.id == AnalysisSnapshot.cohort_id)
        .order_by(AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc())
        .limit(max(1, min(limit, 100)))
    ).all()
    return [TrendPoint(row[0], row[1], row[3], row[2] or {}) for row in reversed(rows)]


def snapshot_mentors(snapshot_id: int | None = None) -> list[tuple[int, int | None, int | None]]:
    """(user id, load, capacity) of the mentors in a snapshot (the latest by default), busiest first."""
    snapshot_id = snapshot_id or latest_snapshot_id()
    if snapshot_id is None:
        return []
    return [
        (row[0], row[1], row[2])
        for row in db.session.execute(
            select(PersonFigure.user_id, PersonFigure.load, PersonFigure.capacity)
            .where(PersonFigure.snapshot_id == snapshot_id, PersonFigure.load.is_not(None))
            .order_by(PersonFigure.load.desc(), PersonFigure.user_id)
        )
    ]


def snapshot_figures(snapshot_id: int | None = None) -> dict[int, PersonFigure]:
    snapshot_id = snapshot_id or latest_snapshot_id()
    if snapshot_id is None:
        return {}
    return {f.user_id: f for f in db.session.scalars(select(PersonFigure).where(PersonFigure.snapshot_id == snapshot_id))}


def dashboard_state() -> tuple[int | None, tuple[Any, ...], tuple[Any, ...] | None, bool]:
    """What decides the dashboard's kept page: the latest snapshot and the snapshots' stamp,
    the latest job's state and the pseudonymised mode; remembered until a snapshot, job or
    setting changes (the "network" data generation)."""
    from community.caching import cached
    from community.network.pseudonyms import pseudonymised

    def load() -> tuple[int | None, tuple[Any, ...], tuple[Any, ...] | None, bool]:
        latest_id, stamp = snapshots_stamp()
        job = recent_job()
        job_state = (job.id, job.status, str(job.started_at), str(job.requested_at)) if job else None
        return latest_id, stamp, job_state, pseudonymised()

    state: tuple[int | None, tuple[Any, ...], tuple[Any, ...] | None, bool] = cached(("network-state",), load)
    return state


def recent_job() -> AnalysisJob | None:
    """The latest analysis job, to show its state on the dashboard."""
    return db.session.scalar(select(AnalysisJob).order_by(AnalysisJob.id.desc()).limit(1))


# --------------------------------------------------------------------------- the report


@dataclass
class Finding:
    """One line of a finding list: who (or what), the stored figures and a readable reason."""

    kind: str
    person: PersonRef | None
    entry: dict[str, Any]
    reason: str
    label: str = ""
    people: list[PersonRef] = field(default_factory=list)  # executives cut off, providers
    people_opted_out: int = 0
    topics: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)


@dataclass
class Report:
    snapshot: AnalysisSnapshot
    pseudonymised: bool
    summary: dict[str, Any]
    opted_out: dict[str, int]  # per list: entries left out
    opted_out_people: int  # people who opted out now
    roles: list[Finding]
    single_points_of_failure: list[Finding]
    overloaded: list[Finding]
    idle: list[Finding]
    uncovered_topics: list[Finding]
    departments_without_mentors: list[dict[str, Any]]
    unmatched_executives: list[Finding]
    ambassador_shortlist: list[Finding]
    communities: list[dict[str, Any]]
    totals: dict[str, int]

    def more(self, name: str) -> int:
        """How many entries of a list the page does not show."""
        return self.totals.get(name, 0) - len(getattr(self, name))

    def roles_by_kind(self) -> list[tuple[str, list[Finding]]]:
        """The roles shown, grouped by kind in the order of ROLE_LABELS, each group under a
        heading with its count ("10 central connectors"); an unknown kind last, by its label."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.roles:
            groups.setdefault(finding.entry.get("role", ""), []).append(finding)
        order = [kind for kind in ROLE_LABELS if kind in groups] + [kind for kind in groups if kind not in ROLE_LABELS]
        return [(_role_heading(kind, groups[kind]), groups[kind]) for kind in order]


# A roles group's heading with its count; literal strings for the catalog (pybabel extract).
_ROLE_HEADINGS: dict[str, Callable[[int], str]] = {
    "central_connector": lambda n: ngettext("%(num)d central connector", "%(num)d central connectors", n),
    "broker": lambda n: ngettext("%(num)d broker", "%(num)d brokers", n),
    "boundary_spanner": lambda n: ngettext("%(num)d boundary spanner", "%(num)d boundary spanners", n),
    "peripheral_specialist": lambda n: ngettext("%(num)d peripheral specialist", "%(num)d peripheral specialists", n),
}


def _role_heading(kind: str, findings: list[Finding]) -> str:
    heading = _ROLE_HEADINGS.get(kind)
    return heading(len(findings)) if heading else f"{findings[0].label} ({len(findings)})"


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    number = float(value)
    if number.is_integer():
        return str(int(number))
    # Significant digits as before, with the reader's decimal sign ("0,153" in German).
    from babel.numbers import get_decimal_symbol
    from flask_babel import get_locale

    text = f"{number:.{digits}g}"
    locale = get_locale()
    return text.replace(".", get_decimal_symbol(locale)) if locale is not None and "e" not in text else text


def role_explanation(role: str, figures: dict[str, Any]) -> str:
    f = figures
    if role == "central_connector":
        return _("Has %(degree)s direct ties, among the top %(top)s%% of the network (threshold %(threshold)s).",
                 degree=_num(f.get("degree")), top=_num(f.get("top_percent")), threshold=_num(f.get("degree_threshold")))
    if role == "broker":
        return _broker_explanation(f)
    if role == "boundary_spanner":
        departments, threshold = f.get("other_departments"), f.get("department_threshold")
        if departments is not None and threshold is not None and float(departments) < float(threshold) and f.get("ties"):
            # Below the departments' threshold: listed by the other rule, many ties of which a
            # large share crosses a department boundary (it read "9 other departments
            # (threshold 9.5)", as if it did not qualify).
            from community.i18n import local_percent

            return _("Has many ties (%(ties)s), %(share)s of them across a department boundary, into %(departments)s "
                     "other departments.", ties=_num(f.get("ties")), departments=_num(departments),
                     share=local_percent(float(f.get("cross_department_share") or 0)))
        return _("Has ties into %(departments)s other departments (threshold %(threshold)s); %(share)s%% of "
                 "their ties cross a department boundary.",
                 departments=_num(f.get("other_departments")), threshold=_num(f.get("department_threshold")),
                 share=_num(100 * float(f.get("cross_department_share") or 0), 2))
    if role == "peripheral_specialist":
        degree, rare = _count(f.get("degree")), _count(f.get("rare_tags"))
        ties = ngettext("Has only %(num)d tie", "Has only %(num)d ties", degree)
        topics = ngettext("holds %(num)d rare topic", "holds %(num)d rare topics", rare)
        covered = ngettext("that at most %(num)d mentor covers.", "that at most %(num)d mentors cover.",
                           _count(f.get("rare_tag_max_mentors")))
        return _("%(ties)s but %(topics)s %(covered)s", ties=ties, topics=topics, covered=covered)
    return ""


def _broker_explanation(f: dict[str, Any]) -> str:
    """In words, not "betweenness 0.07, threshold 0.0452": the exact figures are listed under
    "Figures" beside it (and in the API)."""
    ties = ngettext("has ties into %(num)d group", "has ties into %(num)d groups", _count(f.get("communities")))
    if f.get("top_percent"):  # snapshots before it was stored say less
        return _("Bridges between groups: high (among the top %(top)s%%); %(ties)s.", top=_num(f.get("top_percent")), ties=ties)
    return _("Bridges between groups: high; %(ties)s.", ties=ties)


def role_explanation_in_words(role: str) -> str:
    """Why a person holds a network role, without the figures (pseudonymised mode: exact figures
    beside a pseudonym single people out)."""
    return {
        "central_connector": _("Has many direct ties, among the most connected people of the network."),
        "broker": _("Bridges between groups: lies on many shortest paths between others and has ties into several groups."),
        "boundary_spanner": _("Has ties into several other departments; many of their ties cross a department "
                              "boundary."),
        "peripheral_specialist": _("Has few ties but holds rare topics that few mentors cover."),
    }.get(role, "")


def _count(value: Any) -> int:
    """A figure as a whole number for ngettext (missing or odd values count as 0)."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def spof_reason(executives: int, departments: int, topics: int, separated: int) -> str:
    parts = []
    if executives:
        parts.append(ngettext("%(num)d executive", "%(num)d executives", executives))
    if departments:
        parts.append(ngettext("%(num)d department", "%(num)d departments", departments))
    if topics:
        parts.append(ngettext("%(num)d topic", "%(num)d topics", topics))
    # The verb never agrees with a hand-picked count: the parts follow a colon.
    text = _("If they leave, these lose their only mentor link: %(what)s.", what=", ".join(parts)) if parts else ""
    if separated:
        cut = ngettext("%(num)d person would be cut off from the network.",
                       "%(num)d people would be cut off from the network.", separated)
        text = f"{text} {cut}".strip()
    return text


def overload_reason(entry: dict[str, Any]) -> str:
    parts = []
    if "over_capacity" in (entry.get("reasons") or []):
        parts.append(_("Load %(load)d for a capacity of %(capacity)d",
                       load=int(entry.get("load") or 0), capacity=int(entry.get("capacity") or 0)))
    if "far_above_median" in (entry.get("reasons") or []):
        load = int(entry.get("load") or 0)
        parts.append(ngettext("%(num)d mentee, far more than most mentors (usually %(usual)s)",
                              "%(num)d mentees, far more than most mentors (usually %(usual)s)",
                              load, usual=usual_load(entry.get("median_load"))))
        if "over_capacity" not in (entry.get("reasons") or []) and entry.get("capacity"):
            # Listed though within their places: say so, or "overloaded" reads as a mistake.
            # ("; within the 4 places they offer" read as contradicting the list's name.)
            return parts[-1] + ngettext(", though still within the %(num)d place they offer",
                                       ", though still within the %(num)d places they offer", int(entry["capacity"]))
    return "; ".join(parts)


def usual_load(median: Any) -> str:
    """The median load as people say it: "1", or "1 to 2" for a median of 1.5 (it read "median
    load of 1.5")."""
    try:
        value = float(median or 0)
    except (TypeError, ValueError):
        return "—"
    if value.is_integer():
        return str(int(value))
    return _("%(low)d to %(high)d", low=math.floor(value), high=math.ceil(value))


def overload_reason_in_bands(entry: dict[str, Any]) -> str:
    """overload_reason for pseudonymised mode: load and capacity as bands (the profile shows the
    exact current mentees and free places to every member)."""
    parts = []
    if "over_capacity" in (entry.get("reasons") or []):
        parts.append(_("Load above capacity (load %(load)s, capacity %(capacity)s)",
                       load=entry.get("load_band", ""), capacity=entry.get("capacity_band", "")))
    if "far_above_median" in (entry.get("reasons") or []):
        parts.append(_("Far more mentees than most mentors (usually %(usual)s)", usual=usual_load(entry.get("median_load"))))
    return "; ".join(parts)


def idle_reason(entry: dict[str, Any]) -> str:
    days = entry.get("days_since_last_seen")
    if days is None:
        return _("No active mentorship and no community activity so far.")
    return ngettext("No active mentorship; last seen in the community %(num)d day ago.",
                    "No active mentorship; last seen in the community %(num)d days ago.", int(days))


def unmatched_reason(entry: dict[str, Any]) -> str:
    past = int(entry.get("past_mentorships") or 0)
    if not past:
        return _("No active or requested mentorship.")
    return ngettext("No active or requested mentorship (%(num)d earlier one).",
                    "No active or requested mentorship (%(num)d earlier ones).", past)


def candidate_reason(entry: dict[str, Any]) -> str:
    parts = entry.get("parts") or {}
    return _("Score %(score)s = outcomes %(outcomes)s × community %(community)s × reach %(reach)s (geometric mean).",
             score=_num(entry.get("score"), 2), outcomes=_num(parts.get("outcomes"), 2),
             community=_num(parts.get("community"), 2), reach=_num(parts.get("reach"), 2))


def topic_reason(entry: dict[str, Any], needed: int) -> str:
    providers = len(entry.get("providers") or []) + int(entry.get("providers_opted_out") or 0)
    return ngettext("Asked for once (learning goals and session agendas of all mentorships); mentors who can "
                    "teach it: %(providers)d of %(needed)d needed.",
                    "Asked for %(num)d times (learning goals and session agendas of all mentorships); mentors who "
                    "can teach it: %(providers)d of %(needed)d needed.",
                    int(entry.get("demand") or 0), providers=providers, needed=needed)


def department_reason(entry: dict[str, Any]) -> str:
    return _("People: %(people)d, executives: %(executives)d, mentors: none.",
             people=int(entry.get("people") or 0), executives=int(entry.get("executives") or 0))


# What a finding stores about its person that pseudonymised mode never shows beside a pseudonym:
# the department as stored (the PersonRef carries the generalised one) and exact figures a member
# can match with a profile or the directory (capacity, current mentees, sessions held, last post).
EXACT_PERSON_FIELDS = frozenset({"department", "load", "capacity", "days_since_last_seen", "past_mentorships"})


def shown_entry(entry: dict[str, Any], ref: PersonRef) -> dict[str, Any]:
    """A finding's entry as pseudonymised mode shows it: the generalised department, load and
    capacity as bands (0, 1–2, 3–4, 5+), no other exact figure about the person."""
    shown = {name: value for name, value in entry.items() if name not in EXACT_PERSON_FIELDS}
    if "department" in entry:
        shown["department"] = ref.department
    if "load" in entry:
        shown["load_band"] = capacity_band(entry["load"])
    if "capacity" in entry:
        shown["capacity_band"] = capacity_band(entry["capacity"])
    if "figures" in entry:
        shown["figures"] = {}
    return shown


PERSON_FINDINGS = ("roles", "single_points_of_failure", "overloaded", "idle", "unmatched_executives",
                   "ambassador_shortlist")
Entries = list[dict[str, Any]]


def _shown_lists(lists: dict[str, Entries], refs: dict[int, PersonRef]) -> dict[str, Entries]:
    """Every list's entries as pseudonymised mode shows them (shown_entry); unmatched executives
    then read "No active or requested mentorship." without the count of earlier ones."""
    return {name: [shown_entry(e, refs[e["person_id"]]) for e in entries] for name, entries in lists.items()}


def _role_reason(entry: dict[str, Any], pseudonymised: bool) -> str:
    if pseudonymised:
        return role_explanation_in_words(entry["role"])
    return role_explanation(entry["role"], entry.get("figures") or {})


def _overload_reason(entry: dict[str, Any], pseudonymised: bool) -> str:
    return overload_reason_in_bands(entry) if pseudonymised else overload_reason(entry)


def _idle_reason(entry: dict[str, Any], pseudonymised: bool) -> str:
    if pseudonymised:  # how many days ago matches the date of their last post
        return _("No active mentorship and no recent community activity.")
    return idle_reason(entry)


def build_report(snapshot: AnalysisSnapshot, *, limit: int | None = None,
                 person_id: int | None = None, pseudonymised: bool | None = None) -> Report:
    """The snapshot's findings, people who opted out (now) removed, names or pseudonyms.

    `limit` keeps the first entries of each list (the dashboard); `person_id` keeps only the
    entries about one person (the person page).
    """
    mode = pseudonymised_mode() if pseudonymised is None else pseudonymised
    hidden = opted_out_ids()
    findings = redact_findings(snapshot.findings or {}, hidden)
    min_providers = int((snapshot.params or {}).get("min_providers_per_topic", 2))
    lists, topics, departments, totals = _selected(findings, person_id, limit)
    ids, slugs = _mentioned(lists, topics)
    refs = people_refs(ids, mode)
    names = tag_names(slugs)
    lists = _shown_lists(lists, refs) if mode else lists

    def topic_pairs(values: Iterable[str] | None) -> list[tuple[str, str]]:
        return [(slug, names.get(slug, slug)) for slug in values or []]

    roles = [
        Finding("role", refs[e["person_id"]], e, _role_reason(e, mode),
                label=str(ROLE_LABELS.get(e["role"], e["role"])), topics=topic_pairs(e.get("tags")))
        for e in lists["roles"]
    ]
    spofs = [_spof_finding(e, refs, topic_pairs) for e in lists["single_points_of_failure"]]
    return Report(
        snapshot=snapshot,
        pseudonymised=mode,
        summary=dict(snapshot.summary or {}),
        opted_out=findings.get("opted_out") or {},
        opted_out_people=len(hidden),
        roles=roles,
        single_points_of_failure=spofs,
        overloaded=[Finding("overloaded", refs[e["person_id"]], e, _overload_reason(e, mode))
                    for e in lists["overloaded"]],
        idle=[Finding("idle", refs[e["person_id"]], e, _idle_reason(e, mode)) for e in lists["idle"]],
        uncovered_topics=[
            Finding("uncovered_topic", None, t, topic_reason(t, min_providers),
                    label=names.get(t["slug"]) or t["slug"],
                    people=[refs[pid] for pid in t.get("providers") or []],
                    people_opted_out=int(t.get("providers_opted_out") or 0))
            for t in topics
        ],
        departments_without_mentors=[{**d, "reason": department_reason(d)} for d in departments],
        unmatched_executives=[
            Finding("unmatched", refs[e["person_id"]], e, unmatched_reason(e)) for e in lists["unmatched_executives"]
        ],
        ambassador_shortlist=[
            Finding("candidate", refs[e["person_id"]], e, candidate_reason(e)) for e in lists["ambassador_shortlist"]
        ],
        communities=list(findings.get("communities") or []),
        totals=totals,
    )


def _selected(
    findings: dict[str, Any], person_id: int | None, limit: int | None
) -> tuple[dict[str, Entries], Entries, Entries, dict[str, int]]:
    """The lists about people (only `person_id`'s entries when given), the topics and the
    departments, each cut to `limit`, and the totals before the cut."""
    lists: dict[str, Entries] = {}
    for name in PERSON_FINDINGS:
        entries = findings.get(name) or []
        if person_id is not None:
            entries = [e for e in entries if e.get("person_id") == person_id]
        lists[name] = entries
    topics: Entries = findings.get("uncovered_topics") or []
    departments: Entries = findings.get("departments_without_mentors") or []
    totals = {name: len(entries) for name, entries in lists.items()}
    totals["uncovered_topics"] = len(topics)
    totals["departments_without_mentors"] = len(departments)
    if limit is not None:
        lists = {name: entries[:limit] for name, entries in lists.items()}
        topics = topics[:limit]
        departments = departments[:limit]
    return lists, topics, departments, totals


def _mentioned(lists: dict[str, Entries], topics: Entries) -> tuple[set[int], set[str]]:
    """The people and topics the selected findings name."""
    ids: set[int] = set()
    slugs: set[str] = {t["slug"] for t in topics}
    for name, entries in lists.items():
        for entry in entries:
            ids.add(entry["person_id"])
            if name == "single_points_of_failure":
                ids.update(entry["cuts_off"].get("executives") or [])
                slugs.update(entry["cuts_off"].get("topics") or [])
            if name == "roles":
                slugs.update(entry.get("tags") or [])
    for topic in topics:
        ids.update(topic.get("providers") or [])
    return ids, slugs


def _spof_finding(
    entry: dict[str, Any],
    refs: dict[int, PersonRef],
    topic_pairs: Callable[[Iterable[str] | None], list[tuple[str, str]]],
) -> Finding:
    cuts = entry["cuts_off"]
    executives = cuts.get("executives") or []
    hidden_count = int(cuts.get("executives_opted_out") or 0)
    return Finding(
        "single_point_of_failure", refs[entry["person_id"]], entry,
        spof_reason(len(executives) + hidden_count, len(cuts.get("departments") or []),
                    len(cuts.get("topics") or []), int(entry.get("separated_people") or 0)),
        people=[refs[pid] for pid in executives], people_opted_out=hidden_count,
        topics=topic_pairs(cuts.get("topics")),
    )


@dataclass
class PersonReport:
    person: PersonRef
    figure: PersonFigure | None
    report: Report | None
    history: list[tuple[datetime, PersonFigure]]


def person_report(person_id: int, pseudonymised: bool) -> PersonReport:
    """The analyst's page about one person: latest figures, findings and their history."""
    if person_id in opted_out_ids():
        raise NotFoundError(_("This person is not in the network analysis."))
    ref = people_refs([person_id], pseudonymised)[person_id]
    if not ref.known:
        raise NotFoundError(_("This person is not in the network analysis."))
    snapshot = latest_snapshot()
    report = build_report(snapshot, person_id=person_id, pseudonymised=pseudonymised) if snapshot else None
    history = [
        (computed_at, figure)
        for figure, computed_at in db.session.execute(
            select(PersonFigure, AnalysisSnapshot.computed_at)
            .join(AnalysisSnapshot, AnalysisSnapshot.id == PersonFigure.snapshot_id)
            .where(PersonFigure.user_id == person_id)
            .order_by(AnalysisSnapshot.computed_at.desc())
            .limit(12)
        )
    ]
    figure = history[0][1] if history and snapshot and history[0][1].snapshot_id == snapshot.id else None
    return PersonReport(ref, figure, report, history)
