"""What-if: what the pool loses if some mentors leave, on the latest snapshot (its stored coverage index)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from community.accounts.models import User
from community.audit import services as audit
from community.database import ascii_digits, utcnow
from community.errors import ValidationFailed
from community.network import analysis
from community.network.access import require_analyst
from community.network.anonymity import capacity_band
from community.network.loading import analysis_params, live_network, stored_coverage
from community.network.pseudonyms import pseudonymised, resolve_person
from community.network.queries import (
    PersonRef,
    opted_out_ids,
    people_refs,
    snapshot_mentors,
    tag_names,
)

WHAT_IF_MAX = 50


@dataclass
class WhatIfView:
    removed: list[PersonRef]
    executives: list[PersonRef]
    executives_opted_out: int
    departments: list[str]
    topics: list[tuple[str, str]]  # (slug, name): demanded topics left without any mentor
    health: dict[str, dict[str, int]]
    # (slug, name, mentors left who can teach it): the topics the "uncovered topics" figure
    # gains, one each; fewer than `min_providers` mentors are left for each of them.
    topics_uncovered: list[tuple[str, str, int]] = field(default_factory=list)
    min_providers: int = 2

    @property
    def topics_already_uncovered(self) -> list[tuple[str, str]]:
        """Topics left without any mentor that were uncovered already (the figure does not grow)."""
        newly = {slug for slug, _name, _left in self.topics_uncovered}
        return [(slug, name) for slug, name in self.topics if slug not in newly]


def parse_refs(values: Iterable[str | int]) -> list[str]:
    """Split "12, 13" and repeated values into single references."""
    refs: list[str] = []
    for value in values:
        for part in re.split(r"[\s,;]+", str(value)):
            if part and part not in refs:
                refs.append(part)
    return refs


def _person_of(actor: User, ref: str, mode: bool) -> int | None:
    """Who a what-if entry names: an id or pseudonym, or "@marlene.nowak" as every other form
    names people (not in pseudonymised mode, where a handle would tie a pseudonym to a name)."""
    if ref.strip().startswith("@") and not mode:
        from community.profiles.naming import person_by_handle

        named = person_by_handle(ref, actor)
        return named.id if named is not None else None
    return resolve_person(ref, pseudonymised_mode=mode)


def _not_a_mentor(ref: str, mode: bool) -> str:
    if mode and (ascii_digits(ref.strip()) or ref.strip().startswith("@")):
        return str(_("%(ref)s: in pseudonymised mode, name mentors by their pseudonym.", ref=ref[:20]))
    return str(_("%(ref)s is not a mentor in the analysis.", ref=ref[:20]))


def what_if(actor: User, remove_ids: Iterable[str | int], *,
            field_of: Callable[[str], str] | None = None) -> WhatIfView:
    """What the pool loses if these mentors leave, on the latest snapshot; audited.

    A refusal names each entry that is not a mentor in the analysis under the field it came
    from: `field_of(ref)` (a form with a list and a text field), else "remove".

    Answered from the coverage index stored with the snapshot (the same figures the
    snapshot's lists show); without a stored index, from the live graph of the current data.
    """
    require_analyst(actor)
    refs = parse_refs(remove_ids)
    if not refs:
        message = _("Choose at least one mentor.")
        raise ValidationFailed(message, {"remove": [message]})
    if len(refs) > WHAT_IF_MAX:
        message = _("Choose at most %(num)d mentors.", num=WHAT_IF_MAX)
        raise ValidationFailed(message, {"remove": [message]})
    mode = pseudonymised()
    stored = stored_coverage()
    # The latest snapshot's stored index (milliseconds); the live graph only without one.
    index = stored[1] if stored is not None else live_network().coverage
    hidden = opted_out_ids()
    ids: list[int] = []
    problems: dict[str, list[str]] = {}
    for ref in refs:
        field = field_of(ref) if field_of else "remove"
        person_id = _person_of(actor, ref, mode)
        # One message for unknown people, non-mentors and people who opted out: the answer
        # must not tell who opted out.
        if person_id is None or person_id not in index.mentors or person_id in hidden:
            problems.setdefault(field, []).append(_not_a_mentor(ref, mode))
        else:
            ids.append(person_id)
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], problems)
    result = analysis.what_if_on(index, ids)
    visible_executives = [pid for pid in result.executives_losing_coverage if pid not in hidden]
    refs_by_id = people_refs([*result.removed, *visible_executives], mode)
    names = tag_names([*result.topics_losing_coverage, *result.topics_becoming_uncovered])
    removed_set = frozenset(result.removed)
    audit.record("network.what_if", actor=actor, data={"remove": list(result.removed)})
    return WhatIfView(
        removed=[refs_by_id[pid] for pid in result.removed],
        executives=[refs_by_id[pid] for pid in visible_executives],
        executives_opted_out=len(result.executives_losing_coverage) - len(visible_executives),
        departments=list(result.departments_losing_coverage),
        topics=[(slug, names.get(slug, slug)) for slug in result.topics_losing_coverage],
        health=result.to_dict()["health"],
        topics_uncovered=[
            (slug, names.get(slug, slug), len(index.providers.get(slug, frozenset()) - removed_set))
            for slug in result.topics_becoming_uncovered
        ],
        min_providers=index.min_providers,
    )


def min_providers_needed() -> int:
    """How many mentors who can teach a demanded topic the analysis needs before it is covered."""
    stored = stored_coverage()
    if stored is not None:
        return stored[1].min_providers
    return analysis_params(utcnow()).min_providers_per_topic


def mentor_choices(limit: int = 2000) -> tuple[list[tuple[str, str]], int]:
    """(value, label) of the mentors in the latest snapshot, busiest first, and their total."""
    mode = pseudonymised()
    rows = snapshot_mentors()
    hidden = opted_out_ids()
    rows = [row for row in rows if row[0] not in hidden]
    shown = rows[:limit]
    refs = people_refs([row[0] for row in shown], mode)
    choices = []
    for person_id, load, capacity in shown:
        ref = refs[person_id]
        if mode:
            # Exact load and capacity beside a pseudonym match the profile's "1 of 3 places free".
            label = _("%(name)s (load %(load)s, capacity %(capacity)s)", name=ref.name,
                      load=capacity_band(load), capacity=capacity_band(capacity))
        else:
            label = _("%(name)s (load %(load)d of %(capacity)d)", name=ref.name, load=load or 0,
                      capacity=capacity or 0)
        choices.append((ref.key, label))
    # By name or pseudonym: busiest first would rank the pseudonyms by their exact load.
    choices.sort(key=lambda choice: choice[1].lower())
    return choices, len(rows)
