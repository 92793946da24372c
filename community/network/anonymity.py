"""k-anonymity for the pseudonymised mode: no export or list singles out fewer than K people.

A pseudonym alone hides a name, but the attributes that travel with it (roles, department,
capacity, topic levels, ambassador) can be joined with the people directory, which every member
may read. So in pseudonymised mode every person's attributes are generalised step by step
(topic levels dropped, then topics, capacity, department, community, network roles, the
figure bands, ambassador, roles) until the
combination they carry is shared by at least K people of the same export or list; an attribute
that had to go is left out (not blanked), so it matches anybody. People for whom even that is not
enough carry no attributes at all.

Pure functions (no database): `generalise(records)` takes id -> {attribute: value} and returns
id -> the attributes kept, with generalised values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

K_ANONYMITY = 5

WITHHELD: Any = object()


def _topics_only(value: Any) -> Any:
    """Topic levels dropped: a mapping slug -> level becomes the sorted slugs."""
    if isinstance(value, Mapping):
        return tuple(sorted(value))
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset | list | tuple):
        return tuple(sorted(str(item) for item in value))
    return value


# (attribute, how it is generalised): each step applies to the people still in too small a group.
Step = tuple[str, Callable[[Any], Any]]
STEPS: tuple[Step, ...] = (
    ("tags", _topics_only),
    ("tags", lambda _value: WITHHELD),
    ("capacity", lambda _value: WITHHELD),
    ("department", lambda _value: WITHHELD),
    # Per-person figures of the analysis (as bands, see `bands`): they can be recomputed from the
    # exported ties, so they go after what the directory shows, but they are part of the
    # combination all the same (with the ties they single people out like a department would).
    ("community", lambda _value: WITHHELD),
    ("network_roles", lambda _value: WITHHELD),
    ("betweenness_band", lambda _value: WITHHELD),
    ("pagerank_band", lambda _value: WITHHELD),
    ("weighted_degree_band", lambda _value: WITHHELD),
    ("is_ambassador", lambda _value: WITHHELD),
    ("roles", lambda _value: WITHHELD),
)


BANDS = 3  # lower, middle, upper third


def bands(values: Mapping[int, float], k: int = K_ANONYMITY, most: int = BANDS) -> dict[int, int]:
    """Each person's figure as a band by rank: 1 (lowest) to `most` (highest), every band holding
    at least k people (fewer bands for few people; one band, which says nothing, below 2k).
    An exact PageRank or degree is as good as a name once someone can compute it from the ties."""
    count = len(values)
    number = max(1, min(most, count // k))
    ordered = sorted(values, key=lambda pid: (values[pid], pid))
    return {pid: 1 + position * number // count for position, pid in enumerate(ordered)}


def capacity_band(capacity: int | None) -> str:
    """Capacity (places for mentees) or load (active mentorships) generalised for pseudonymised mode."""
    places = capacity or 0
    if places <= 0:
        return "0"
    if places <= 2:
        return "1–2"
    if places <= 4:
        return "3–4"
    return "5+"


def _apply(record: Mapping[str, Any], steps: int) -> dict[str, Any]:
    values = dict(record)
    for name, change in STEPS[:steps]:
        if name in values and values[name] is not WITHHELD:
            values[name] = change(values[name])
    return values


def _key(values: Mapping[str, Any], names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(("-",) if values.get(name, WITHHELD) is WITHHELD else ("=", _hashable(values[name]))
                 for name in names)


def generalise(records: Mapping[int, Mapping[str, Any]], k: int = K_ANONYMITY) -> dict[int, dict[str, Any]]:
    """Each person's attributes, generalised until their combination is shared by >= k people.

    Attributes that had to go are missing from the result. Only the attributes named in STEPS
    are quasi-identifiers; any other attribute in a record is dropped (never exported by mistake).
    """
    names = tuple(dict.fromkeys(name for name, _change in STEPS))
    steps = dict.fromkeys(records, 0)
    current = {pid: _apply({n: v for n, v in record.items() if n in names}, 0) for pid, record in records.items()}
    while True:
        keys = {pid: _key(values, names) for pid, values in current.items()}
        sizes = Counter(keys.values())
        too_small = [pid for pid, key in keys.items() if sizes[key] < k and steps[pid] < len(STEPS)]
        if not too_small:
            break
        for pid in too_small:
            steps[pid] += 1
            current[pid] = _apply({n: v for n, v in records[pid].items() if n in names}, steps[pid])
    # Whoever is still in a group under k after every step carries nothing (all withheld already).
    return {pid: {name: value for name, value in values.items() if value is not WITHHELD}
            for pid, values in current.items()}
