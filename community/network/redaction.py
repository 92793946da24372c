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
    """
    hidden = frozenset(hidden)
    result = dict(findings)
    counts = dict(findings.get("opted_out") or {})
    for name in PERSON_LISTS:
        if name not in findings:
            continue  # a list this snapshot never kept stays absent: an empty one would read as "nobody"
        kept = []
        for entry in findings.get(name) or []:
            if entry.get("person_id") in hidden:
                counts[name] = counts.get(name, 0) + 1
                continue
            kept.append(entry)
        result[name] = kept
    spofs = []
    for entry in result.get("single_points_of_failure") or []:
        cuts = dict(entry.get("cuts_off") or {})
        executives = cuts.get("executives") or []
        visible = [pid for pid in executives if pid not in hidden]
        if len(visible) != len(executives):
            cuts["executives"] = visible
            cuts["executives_opted_out"] = cuts.get("executives_opted_out", 0) + len(executives) - len(visible)
        spofs.append({**entry, "cuts_off": cuts})
    if "single_points_of_failure" in findings:
        result["single_points_of_failure"] = spofs
    topics = []
    for entry in findings.get("uncovered_topics") or []:
        providers = entry.get("providers") or []
        visible = [pid for pid in providers if pid not in hidden]
        if len(visible) != len(providers):
            entry = {**entry, "providers": visible,
                     "providers_opted_out": entry.get("providers_opted_out", 0) + len(providers) - len(visible)}
        topics.append(entry)
    if "uncovered_topics" in findings:
        result["uncovered_topics"] = topics
    result["opted_out"] = counts
    return result
