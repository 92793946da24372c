"""What changed in the mentor pool for the weekly briefing: the latest network snapshot against
the one about a week earlier (or the previous one), and the fading-mentor warnings.

Figures are read once per run (`pool_changes`); the words are made per reader, inside
`services.as_reader(user)` (`pool_lines`, `fading_names`). People who opted out of the analysis
are never named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext as _ngettext
from sqlalchemy import select

from community.extensions import db

# The pool-health figures of a snapshot's summary the briefing compares, in this order.
HEALTH_KEYS = ("single_points_of_failure", "overloaded", "idle", "uncovered_topics", "unmatched_executives",
               "fading_mentors")


@dataclass(frozen=True)
class PoolChanges:
    snapshot_id: int
    computed_at: datetime
    now: dict[str, int]
    before: dict[str, int] | None  # None: no earlier snapshot to compare with
    before_at: datetime | None


def _figures(summary: dict[str, Any] | None) -> dict[str, int]:
    values = summary or {}
    figures = {}
    for key in HEALTH_KEYS:
        try:
            figures[key] = int(values.get(key) or 0)
        except (TypeError, ValueError):
            figures[key] = 0
    return figures


def pool_changes(now: datetime) -> PoolChanges | None:
    """The latest snapshot up to `now` and the one about a week before it (at least 6 days
    older; else the previous one); None when the analysis has never run."""
    from community.network.models import AnalysisSnapshot

    order = (AnalysisSnapshot.computed_at.desc(), AnalysisSnapshot.id.desc())
    latest = db.session.execute(
        select(AnalysisSnapshot.id, AnalysisSnapshot.computed_at, AnalysisSnapshot.summary)
        .where(AnalysisSnapshot.computed_at <= now).order_by(*order).limit(1)
    ).first()
    if latest is None:
        return None
    earlier = db.session.execute(
        select(AnalysisSnapshot.computed_at, AnalysisSnapshot.summary, AnalysisSnapshot.id)
        .where(AnalysisSnapshot.computed_at <= latest[1] - timedelta(days=6)).order_by(*order).limit(1)
    ).first() or db.session.execute(
        select(AnalysisSnapshot.computed_at, AnalysisSnapshot.summary, AnalysisSnapshot.id)
        .where(AnalysisSnapshot.id != latest[0], AnalysisSnapshot.computed_at <= latest[1]).order_by(*order).limit(1)
    ).first()
    figures = _figures(latest[2])
    before = _figures(earlier[1]) if earlier else None
    # Counted alike on both sides: someone who opted out since is in neither count, so the
    # change is not an opt-out read as a mentor who recovered. When either snapshot kept no
    # list (stored before lists were kept), both keep their summary figures.
    flagged_now = _visible_fading(latest[0])
    flagged_before = _visible_fading(earlier[2]) if earlier else None
    if flagged_now is not None and (earlier is None or flagged_before is not None):
        figures["fading_mentors"] = len(flagged_now)
        if before is not None and flagged_before is not None:
            before["fading_mentors"] = len(flagged_before)
    return PoolChanges(
        snapshot_id=latest[0], computed_at=latest[1], now=figures,
        before=before, before_at=earlier[0] if earlier else None,
    )


def _visible_fading(snapshot_id: int) -> list[int] | None:
    """The flagged mentors of a snapshot, without anyone who opted out of the analysis since
    (None when the snapshot holds no list)."""
    from community.network.models import AnalysisSnapshot
    from community.network.services import opted_out_ids

    findings = db.session.scalar(select(AnalysisSnapshot.findings).where(AnalysisSnapshot.id == snapshot_id)) or {}
    if not isinstance(findings.get("fading_mentors"), list):
        return None
    hidden = opted_out_ids()
    return [int(entry["person_id"]) for entry in findings.get("fading_mentors") or []
            if isinstance(entry, dict) and isinstance(entry.get("person_id"), int) and entry["person_id"] not in hidden]


def ngettext(singular: str, plural: str, num: int) -> str:
    return str(_ngettext(singular, plural, num))


def _figure(key: str, num: int) -> str:
    if key == "single_points_of_failure":
        return ngettext("%(num)d single point of failure", "%(num)d single points of failure", num)
    if key == "overloaded":
        return ngettext("%(num)d overloaded mentor", "%(num)d overloaded mentors", num)
    if key == "idle":
        return ngettext("%(num)d idle mentor", "%(num)d idle mentors", num)
    if key == "uncovered_topics":
        return ngettext("%(num)d topic without enough mentors", "%(num)d topics without enough mentors", num)
    if key == "unmatched_executives":
        return ngettext("%(num)d executive without a matching mentor", "%(num)d executives without a matching mentor",
                        num)
    return ngettext("%(num)d mentor who may be fading", "%(num)d mentors who may be fading", num)


def since_words(changes: PoolChanges) -> str:
    """"last week" when the compared snapshot is about a week older, else its date."""
    if changes.before_at is None:
        return ""
    days = (changes.computed_at - changes.before_at).days
    if 6 <= days <= 8:
        return str(_("last week"))
    return str(format_date(changes.before_at, "medium"))


def change_line(changes: PoolChanges, key: str) -> str:
    """A figure with its change, e.g. "3 idle mentors (+2 since last week)"."""
    num = changes.now[key]
    figure = _figure(key, num)
    if changes.before is None:
        return figure
    delta = num - changes.before[key]
    if delta == 0:
        return str(_("%(figure)s (unchanged since %(since)s)", figure=figure, since=since_words(changes)))
    return str(_("%(figure)s (%(change)s since %(since)s)", figure=figure, since=since_words(changes),
                 change=f"+{delta}" if delta > 0 else f"−{-delta}"))


def pool_lines(changes: PoolChanges | None) -> list[str]:
    """One line per pool-health figure with its change, in the reader's language."""
    if changes is None:
        return [_("The network analysis has not run yet, so there is nothing to compare.")]
    lines = [change_line(changes, key) for key in HEALTH_KEYS if key != "fading_mentors"]
    if changes.before is None:
        lines.append(_("There is no earlier analysis to compare with yet."))
    return lines


def fading_line(changes: PoolChanges | None) -> str | None:
    return change_line(changes, "fading_mentors") if changes is not None else None


def fading_names(changes: PoolChanges | None) -> list[str]:
    """Who the latest snapshot flags as possibly fading: names (or pseudonyms in pseudonymised
    mode), never anyone who opted out of the analysis, even since the snapshot was taken."""
    if changes is None:
        return []
    from community.network.models import AnalysisSnapshot
    from community.network.services import pseudonymised
    from community.pool.fading import fading_list

    snapshot = db.session.get(AnalysisSnapshot, changes.snapshot_id)
    return [str(entry["person"].name) for entry in fading_list(snapshot, pseudonymised()) if entry["person"].known]


def fading_ids(changes: PoolChanges | None) -> list[int]:
    """The ids of the people `fading_names` names (kept with the briefing for their erasure)."""
    if changes is None:
        return []
    return _visible_fading(changes.snapshot_id) or []
