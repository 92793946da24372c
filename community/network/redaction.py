"""People who opted out of the analysis: stripped from stored findings and counted instead.

Findings are stripped when a snapshot is stored and again when it is read, so a person who
opts out later disappears from older snapshots as well.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

PERSON_LISTS = ("roles", "single_points_of_failure", "overloaded", "idle", "unmatched_executives",
                "ambassador_shortlist", "fading_mentors")


def redact_findings(findings: dict[str, Any], hidden: Collection[int]) -> dict[str, Any]:
    """A copy of stored findings without the people in `hidden`, counted instead.

    `opted_out` holds a count per list; a single point of failure counts the hidden
    executives it cuts off (`cuts_off.executives_opted_out`), an uncovered topic its hidden
    providers (`providers_opted_out`). Applying it again with the same people changes nothing.
    A list the findings do not hold stays absent (an older snapshot kept no such list; an
    empty one would read as "nobody").
    """
    hidden = frozenset(hidden)
    result = dict(findings)
    counts = dict(findings.get("opted_out") or {})
    for name in PERSON_LISTS:
        if name in findings:
            result[name] = _without(findings[name] or [], hidden, name, counts)
    if "single_points_of_failure" in findings:
        result["single_points_of_failure"] = [_spof_without(entry, hidden) for entry in result["single_points_of_failure"]]
    if "uncovered_topics" in findings:
        result["uncovered_topics"] = [_topic_without(entry, hidden) for entry in findings["uncovered_topics"] or []]
    result["opted_out"] = counts
    return result


def _without(entries: list[dict[str, Any]], hidden: frozenset[int], name: str, counts: dict[str, int]) -> list[dict[str, Any]]:
    kept = []
    for entry in entries:
        if entry.get("person_id") in hidden:
            counts[name] = counts.get(name, 0) + 1
        else:
            kept.append(entry)
    return kept


def _spof_without(entry: dict[str, Any], hidden: frozenset[int]) -> dict[str, Any]:
    cuts = dict(entry.get("cuts_off") or {})
    executives = cuts.get("executives") or []
    visible = [pid for pid in executives if pid not in hidden]
    if len(visible) != len(executives):
        cuts["executives"] = visible
        cuts["executives_opted_out"] = cuts.get("executives_opted_out", 0) + len(executives) - len(visible)
    return {**entry, "cuts_off": cuts}


def _topic_without(entry: dict[str, Any], hidden: frozenset[int]) -> dict[str, Any]:
    providers = entry.get("providers") or []
    visible = [pid for pid in providers if pid not in hidden]
    if len(visible) == len(providers):
        return entry
    return {**entry, "providers": visible,
            "providers_opted_out": entry.get("providers_opted_out", 0) + len(providers) - len(visible)}
