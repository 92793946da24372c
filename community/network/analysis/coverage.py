"""Coverage: who covers whom, the single points of failure and what-if (people leaving)."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from community.network.analysis.building import build_graph
from community.network.analysis.centrality import Structure, graph_structure
from community.network.analysis.exports import plain_data
from community.network.analysis.records import (
    EXECUTIVE,
    MATCHED_STATUSES,
    MENTOR,
    AnalysisInput,
    AnalysisParams,
    PersonRecord,
    provider_tags,
)


@dataclass(frozen=True, slots=True)
class CoverageIndex:
    """Who covers whom: the lookups behind pool health, single points of failure and what-if.

    Build once per snapshot (`CoverageIndex.build`, O(people + mentorships + ties), about
    0.3 s at 100 k people when the graph is passed in); each `what_if` is then proportional
    to the removed mentors' mentees, tags and departments plus the size of the components
    they sit in (milliseconds to tens of milliseconds at 100 k people).
    """

    min_providers: int
    mentors: frozenset[int]
    executives: frozenset[int]
    department_of: Mapping[int, str | None]
    active_mentors_of: Mapping[int, frozenset[int]]  # executive -> mentors, active only
    matched_mentors_of: Mapping[int, frozenset[int]]  # executive -> mentors, active/requested
    mentees_of: Mapping[int, frozenset[int]]  # mentor -> executives, active/requested
    department_links: Mapping[str, frozenset[int]]  # department -> mentors of its executives
    providers: Mapping[str, frozenset[int]]  # tag -> mentors at practitioner/expert
    provided_by: Mapping[int, tuple[str, ...]]  # mentor -> tags at practitioner/expert
    demand: Mapping[str, int]  # tag -> goals + agenda mentions across all mentorships
    department_people: Mapping[str, int]
    department_executives: Mapping[str, int]
    department_mentors: Mapping[str, frozenset[int]]
    adjacency: Mapping[int, Collection[int]]  # ties among connected people (neighbours of each)
    structure: Structure
    component_members: Mapping[int, tuple[int, ...]]
    # The figures with nobody removed, worked out once per index (every what-if compares with them).
    before: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        inp: AnalysisInput,
        params: AnalysisParams,
        graph: nx.Graph | None = None,
        structure: Structure | None = None,
    ) -> CoverageIndex:
        if graph is None:
            graph = build_graph(inp, params)
        people = {person.id: person for person in inp.people}
        mentors = frozenset(pid for pid, person in people.items() if MENTOR in person.roles)
        executives = frozenset(pid for pid, person in people.items() if EXECUTIVE in person.roles)
        active, matched, mentees, demand = _mentorship_links(inp, people)
        department_links: dict[str, set[int]] = defaultdict(set)
        for executive_id, linked in active.items():
            department = people[executive_id].department
            if department is not None:
                department_links[department].update(linked)
        providers, provided_by = _providers(people, mentors)
        department_people, department_executives, department_mentors = _departments(
            people, mentors, executives
        )
        adjacency = {node: nbrs for node, nbrs in graph.adjacency() if nbrs}
        if structure is None:
            structure = graph_structure(adjacency)
        members: dict[int, list[int]] = defaultdict(list)
        for node, component in structure.component_of.items():
            members[component].append(node)
        return cls(
            min_providers=params.min_providers_per_topic,
            mentors=mentors,
            executives=executives,
            department_of={pid: person.department for pid, person in people.items()},
            active_mentors_of=_freeze(active),
            matched_mentors_of=_freeze(matched),
            mentees_of=_freeze(mentees),
            department_links=_freeze(department_links),
            providers=_freeze(providers),
            provided_by=provided_by,
            demand=dict(demand),
            department_people=dict(department_people),
            department_executives=dict(department_executives),
            department_mentors=_freeze(department_mentors),
            adjacency=adjacency,
            structure=structure,
            component_members={c: tuple(nodes) for c, nodes in members.items()},
        )

    def to_plain(self) -> dict[str, Any]:
        """What what-if needs, as JSON-ready plain data (`from_plain` restores it).

        Departments are kept for mentors, executives and mentorship partners only, the people
        what-if can remove or report. Version 2 stores every lookup as it is used (the
        inverse maps and each connected person's neighbours too), so that reading it back is
        building sets from lists, not recomputing: a what-if in a worker that has not read
        the snapshot yet waits for that (at 100,000 people about 13 ms instead of 45 ms).
        """
        relevant = set(self.mentors) | set(self.executives)
        for links in (self.matched_mentors_of, self.active_mentors_of):
            relevant.update(links)
            relevant.update(_inverse(links))
        structure = self.structure
        nodes = list(self.adjacency)
        people = sorted(relevant)
        departments = sorted({d for pid in people if (d := self.department_of.get(pid)) is not None})
        position: dict[str | None, int] = {department: i for i, department in enumerate(departments)}
        return {
            "version": 2,
            "min_providers": self.min_providers,
            "mentors": sorted(self.mentors),
            "executives": sorted(self.executives),
            # Each person's department as a position in the list of names (-1: none).
            "people": people,
            "departments": departments,
            "department_index": [position.get(self.department_of.get(pid), -1) for pid in people],
            "active": _rows(self.active_mentors_of),
            "matched": _rows(self.matched_mentors_of),
            "mentees": _rows(self.mentees_of),
            "department_links": _rows(self.department_links),
            "department_mentors": _rows(self.department_mentors),
            "providers": _rows(self.providers),  # each mentor's tags are read off it (TagsOf)
            "demand": dict(sorted(self.demand.items())),
            "department_people": dict(sorted(self.department_people.items())),
            "department_executives": dict(sorted(self.department_executives.items())),
            "nodes": nodes,
            "neighbours": [list(self.adjacency[node]) for node in nodes],
            "component_of": [structure.component_of[node] for node in nodes],
            "component_sizes": list(structure.component_sizes),
            "pieces": [[node, list(sizes)] for node, sizes in sorted(structure.pieces.items())],
        }

    @classmethod
    def from_plain(cls, data: Mapping[str, Any]) -> CoverageIndex:
        """The index `to_plain` wrote: the same answers for what-if, the health lists and the
        single points of failure (departments known for mentors, executives and their partners).
        Reads version 2 and the version 1 that snapshots stored before (recomputing its inverse
        maps and neighbours)."""
        if data.get("version") == 1:
            return cls._from_plain_v1(data)
        nodes = data["nodes"]
        component_of = dict(zip(nodes, data["component_of"], strict=True))
        names = [*data["departments"], None]  # position -1: no department
        providers = _sets(data["providers"])
        return cls(
            min_providers=int(data["min_providers"]),
            mentors=frozenset(data["mentors"]),
            executives=frozenset(data["executives"]),
            department_of=dict(zip(data["people"], map(names.__getitem__, data["department_index"]), strict=True)),
            active_mentors_of=_sets(data["active"]),
            matched_mentors_of=_sets(data["matched"]),
            mentees_of=_sets(data["mentees"]),
            department_links=_sets(data["department_links"]),
            providers=providers,
            provided_by=TagsOf(providers),
            demand=dict(data["demand"]),
            department_people=dict(data["department_people"]),
            department_executives=dict(data["department_executives"]),
            department_mentors=_sets(data["department_mentors"]),
            adjacency=dict(zip(nodes, data["neighbours"], strict=True)),
            structure=Structure(
                component_of,
                tuple(data["component_sizes"]),
                {node: tuple(sizes) for node, sizes in data["pieces"]},
            ),
            component_members=_members(component_of),
        )

    @classmethod
    def _from_plain_v1(cls, data: Mapping[str, Any]) -> CoverageIndex:
        department_of: dict[int, str | None] = {int(pid): d for pid, d in data["department_of"]}
        mentors = frozenset(int(pid) for pid in data["mentors"])
        active = {int(e): frozenset(int(m) for m in linked) for e, linked in data["active"]}
        matched = {int(e): frozenset(int(m) for m in linked) for e, linked in data["matched"]}
        provided_by = {int(m): tuple(tags) for m, tags in data["provided_by"]}
        adjacency, structure, component_members = _structure_from(data)
        return cls(
            min_providers=int(data["min_providers"]),
            mentors=mentors,
            executives=frozenset(int(pid) for pid in data["executives"]),
            department_of=department_of,
            active_mentors_of=active,
            matched_mentors_of=matched,
            mentees_of=_freeze(_inverse(matched)),
            department_links=_freeze(_department_links(active, department_of)),
            providers=_freeze(_inverse(provided_by)),
            provided_by=provided_by,
            demand={slug: int(count) for slug, count in data["demand"].items()},
            department_people={d: int(n) for d, n in data["department_people"].items()},
            department_executives={d: int(n) for d, n in data["department_executives"].items()},
            department_mentors=_freeze(_department_links({m: frozenset({m}) for m in mentors}, department_of)),
            adjacency=adjacency,
            structure=structure,
            component_members=component_members,
        )

    # The health lists; `removed` answers the same questions as if those people had left.

    def unmatched_executives(self, removed: Collection[int] = frozenset()) -> list[int]:
        """Executives with no active or requested mentorship left. With people removed, only the
        removed mentors' mentees can change: the rest are as they were."""
        gone = frozenset(removed)
        if "unmatched" not in self.before:
            self.before["unmatched"] = sorted(
                executive_id
                for executive_id in self.executives
                if not self.matched_mentors_of.get(executive_id)
            )
        unmatched: list[int] = self.before["unmatched"]
        if not gone:
            return list(unmatched)
        affected = {e for mentor_id in gone for e in self.mentees_of.get(mentor_id, ())}
        newly = {
            executive_id
            for executive_id in affected
            if executive_id in self.executives and not (self.matched_mentors_of.get(executive_id, frozenset()) - gone)
        }
        return sorted({*unmatched, *newly} - gone)

    def uncovered_topics(self, removed: Collection[int] = frozenset()) -> list[str]:
        gone = frozenset(removed)
        return sorted(
            slug
            for slug, wanted in self.demand.items()
            if wanted > 0 and len(self.providers.get(slug, frozenset()) - gone) < self.min_providers
        )

    def departments_without_mentors(self, removed: Collection[int] = frozenset()) -> list[str]:
        removed_set = frozenset(removed)
        gone = Counter(
            department
            for pid in removed_set
            if (department := self.department_of.get(pid)) is not None
        )
        return sorted(
            department
            for department, count in self.department_people.items()
            if count - gone[department] > 0
            and not (self.department_mentors.get(department, frozenset()) - removed_set)
        )

    def components_without(self, removed: Collection[int] = frozenset()) -> tuple[int, int]:
        """(number of components, size of the largest) among connected people minus `removed`.

        People left without any tie count as components of their own: they were cut off.
        One removed person is answered from the articulation pieces in O(1); for several,
        only the components that contain a removed person are searched again.
        """
        removed_set = {pid for pid in removed if pid in self.structure.component_of}
        sizes = self.structure.component_sizes
        touched = {self.structure.component_of[pid] for pid in removed_set}
        count = len(sizes) - len(touched)
        largest = max((size for c, size in enumerate(sizes) if c not in touched), default=0)
        if len(removed_set) == 1:
            # One person: the depth-first search already knows the pieces (O(1), no search).
            (person,) = removed_set
            rest = sizes[self.structure.component_of[person]] - 1
            pieces = self.structure.pieces.get(person) or ((rest,) if rest else ())
            return count + len(pieces), max(largest, *pieces, 0)
        for component in touched:
            gone = [pid for pid in removed_set if self.structure.component_of[pid] == component]
            found = _pieces_without(self.adjacency, sizes[component] - len(gone), gone, removed_set)
            count += len(found)
            largest = max(largest, *found, 0)
        return count, largest


Links = dict[int, set[int]]


def _pieces_without(
    adjacency: Mapping[int, Collection[int]], left: int, gone: Collection[int], removed: Collection[int]
) -> list[int]:
    """Sizes of the pieces a component of `left` + len(gone) people falls into without `gone`.

    Every piece touches someone who left, so one search starts from each of their neighbours;
    the searches take turns, one person each, and two that meet are one piece. A search that
    runs out has found a whole piece. When one search is left running, the people not found yet
    are its piece: the small pieces are found without walking the large rest (a few mentors
    leaving a component of 14,000 people: their neighbourhoods, not the component).
    """
    owner: dict[int, int] = {}  # person -> the search that found them
    parent: list[int] = []  # searches that met point to the one they joined
    size: list[int] = []
    queues: list[deque[int]] = []
    for person in gone:
        for start in adjacency.get(person, ()):
            if start not in removed and start not in owner:
                owner[start] = len(parent)
                parent.append(len(parent))
                size.append(1)
                queues.append(deque([start]))

    def root(search: int) -> int:
        while parent[search] != search:
            parent[search] = parent[parent[search]]
            search = parent[search]
        return search

    running = list(range(len(parent)))
    finished: list[int] = []
    while len(running) > 1:
        still: list[int] = []
        for search in running:
            if parent[search] != search:
                continue  # joined another search, which carries its queue on
            queue = queues[search]
            if not queue:
                finished.append(size[search])
                continue
            node = queue.popleft()
            for other in adjacency[node]:
                if other in removed:
                    continue
                found_by = owner.get(other)
                if found_by is None:
                    owner[other] = search
                    size[search] += 1
                    queue.append(other)
                elif (other_root := root(found_by)) != search:
                    # Two searches met: one piece. The larger queue takes the smaller one in.
                    keep, join = (search, other_root) if len(queue) >= len(queues[other_root]) else (other_root, search)
                    parent[join] = keep
                    size[keep] += size[join]
                    queues[keep].extend(queues[join])
                    queues[join] = deque()
                    search, queue = keep, queues[keep]
            still.append(search)
        running = list(dict.fromkeys(root(search) for search in still))
    if running:
        finished.append(left - sum(finished))  # everyone not in a finished piece
    return finished


def _inverse(mapping: Mapping[Any, Iterable[Any]]) -> dict[Any, set[Any]]:
    """key -> values turned into value -> keys."""
    inverse: dict[Any, set[Any]] = defaultdict(set)
    for key, values in mapping.items():
        for value in values:
            inverse[value].add(key)
    return inverse


def _department_links(
    linked_of: Mapping[int, Iterable[int]], department_of: Mapping[int, str | None]
) -> dict[str, set[int]]:
    """Department of each key -> the people linked to the keys of that department."""
    links: dict[str, set[int]] = defaultdict(set)
    for person_id, linked in linked_of.items():
        department = department_of.get(person_id)
        if department is not None:
            links[department].update(linked)
    return links


class TagsOf(Mapping[int, tuple[str, ...]]):
    """mentor -> the tags they can teach, read off tag -> mentors: what-if asks for the few
    mentors who leave (a look at each tag), so the whole map is made only when walked."""

    __slots__ = ("_all", "_providers")

    def __init__(self, providers: Mapping[str, frozenset[int]]) -> None:
        self._providers = providers
        self._all: dict[int, tuple[str, ...]] | None = None

    def __getitem__(self, mentor_id: int) -> tuple[str, ...]:
        tags = tuple(sorted(slug for slug, mentors in self._providers.items() if mentor_id in mentors))
        if not tags:
            raise KeyError(mentor_id)
        return tags

    def _whole(self) -> dict[int, tuple[str, ...]]:
        if self._all is None:
            self._all = {m: tuple(sorted(tags)) for m, tags in _inverse(self._providers).items()}
        return self._all

    def __iter__(self) -> Iterator[int]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


def _rows(mapping: Mapping[Any, Collection[int]]) -> list[list[Any]]:
    return [[key, sorted(values)] for key, values in sorted(mapping.items())]


def _sets(rows: Iterable[list[Any]]) -> dict[Any, frozenset[int]]:
    return {key: frozenset(values) for key, values in rows}


def _members(component_of: Mapping[int, int]) -> dict[int, tuple[int, ...]]:
    members: dict[int, list[int]] = defaultdict(list)
    for node, component in component_of.items():
        members[component].append(node)
    return {c: tuple(group) for c, group in members.items()}


def _structure_from(
    data: Mapping[str, Any],
) -> tuple[dict[int, dict[int, None]], Structure, dict[int, tuple[int, ...]]]:
    """Adjacency, components and articulation pieces as version 1 of `to_plain` stored them."""
    nodes = [int(node) for node in data["nodes"]]
    adjacency: dict[int, dict[int, None]] = {node: {} for node in nodes}
    ties = data["ties"]
    for a, b in zip(ties[::2], ties[1::2], strict=True):
        adjacency[a][b] = None
        adjacency[b][a] = None
    component_of = dict(zip(nodes, data["component_of"], strict=True))
    structure = Structure(
        component_of,
        tuple(data["component_sizes"]),
        {int(node): tuple(sizes) for node, sizes in data["pieces"]},
    )
    return adjacency, structure, _members(component_of)


def _mentorship_links(
    inp: AnalysisInput, people: Mapping[int, PersonRecord]
) -> tuple[Links, Links, Links, Counter[str]]:
    """(executive -> active mentors, executive -> matched mentors, mentor -> mentees, demand)."""
    active: Links = defaultdict(set)
    matched: Links = defaultdict(set)
    mentees: Links = defaultdict(set)
    demand: Counter[str] = Counter()
    for mentorship in inp.mentorships:
        demand.update(mentorship.goals)
        demand.update(mentorship.agenda_tags)
        mentor_id, executive_id = mentorship.mentor_id, mentorship.executive_id
        if mentor_id not in people or executive_id not in people or mentor_id == executive_id:
            continue
        if mentorship.status == "active":
            active[executive_id].add(mentor_id)
        if mentorship.status in MATCHED_STATUSES:
            matched[executive_id].add(mentor_id)
            mentees[mentor_id].add(executive_id)
    return active, matched, mentees, demand


def _providers(
    people: Mapping[int, PersonRecord], mentors: Iterable[int]
) -> tuple[dict[str, set[int]], dict[int, tuple[str, ...]]]:
    """(tag -> mentors at practitioner/expert, mentor -> those tags)."""
    providers: dict[str, set[int]] = defaultdict(set)
    provided_by: dict[int, tuple[str, ...]] = {}
    for mentor_id in mentors:
        slugs = provider_tags(people[mentor_id])
        provided_by[mentor_id] = tuple(sorted(slugs))
        for slug in slugs:
            providers[slug].add(mentor_id)
    return providers, provided_by


def _departments(
    people: Mapping[int, PersonRecord], mentors: Collection[int], executives: Collection[int]
) -> tuple[Counter[str], Counter[str], dict[str, set[int]]]:
    """Per department: people, executives and the mentors in it."""
    department_people: Counter[str] = Counter()
    department_executives: Counter[str] = Counter()
    department_mentors: dict[str, set[int]] = defaultdict(set)
    for pid, person in people.items():
        if person.department is None:
            continue
        department_people[person.department] += 1
        if pid in executives:
            department_executives[person.department] += 1
        if pid in mentors:
            department_mentors[person.department].add(pid)
    return department_people, department_executives, department_mentors


def _freeze(mapping: Mapping[Any, set[int]]) -> dict[Any, frozenset[int]]:
    return {key: frozenset(values) for key, values in mapping.items()}


@dataclass(frozen=True, slots=True)
class CutOff:
    """What would lose its only mentor link if a person left."""

    executives: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.executives or self.departments or self.topics)


@dataclass(frozen=True, slots=True)
class SinglePointOfFailure:
    person_id: int
    cuts_off: CutOff
    is_articulation_point: bool
    separated_people: int  # people cut off from the rest of the network if this person leaves


def single_points_of_failure(index: CoverageIndex) -> list[SinglePointOfFailure]:
    """Mentors who are the only link of an executive, department or demanded topic, and
    mentors whose departure splits the network (articulation points).

    Sole-provider checks: an executive cut off has exactly one active mentor; a department
    cut off has all its executives' active mentorships with one mentor; a topic cut off is in
    demand and has exactly one practitioner/expert mentor. Most severe first.
    """
    executives: dict[int, list[int]] = defaultdict(list)
    departments: dict[int, list[str]] = defaultdict(list)
    topics: dict[int, list[str]] = defaultdict(list)
    for executive_id, linked in index.active_mentors_of.items():
        if len(linked) == 1:
            executives[next(iter(linked))].append(executive_id)
    for department, linked in index.department_links.items():
        if len(linked) == 1:
            departments[next(iter(linked))].append(department)
    for slug, wanted in index.demand.items():
        provided = index.providers.get(slug, frozenset())
        if wanted > 0 and len(provided) == 1:
            topics[next(iter(provided))].append(slug)
    structure = index.structure
    candidates = set(executives) | set(departments) | set(topics)
    candidates |= {node for node in structure.pieces if node in index.mentors}
    found = [
        SinglePointOfFailure(
            person_id=mentor_id,
            cuts_off=CutOff(
                executives=tuple(sorted(executives.get(mentor_id, ()))),
                departments=tuple(sorted(departments.get(mentor_id, ()))),
                topics=tuple(sorted(topics.get(mentor_id, ()))),
            ),
            is_articulation_point=mentor_id in structure.pieces,
            separated_people=structure.separated_people(mentor_id),
        )
        for mentor_id in candidates
    ]
    return sorted(
        found,
        key=lambda s: (
            -(len(s.cuts_off.executives) + len(s.cuts_off.departments) + len(s.cuts_off.topics)),
            -s.separated_people,
            s.person_id,
        ),
    )


@dataclass(frozen=True, slots=True)
class HealthChange:
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    removed: tuple[int, ...]
    executives_losing_coverage: tuple[int, ...]
    departments_losing_coverage: tuple[str, ...]
    topics_losing_coverage: tuple[str, ...]
    # unmatched_executives, uncovered_topics, departments_without_mentors, components,
    # largest_component
    health: Mapping[str, HealthChange]
    unknown_ids: tuple[int, ...] = ()
    # Demanded topics left with fewer than min_providers mentors who can teach them (the
    # "uncovered_topics" health figure's growth); topics_losing_coverage are those left with none.
    topics_becoming_uncovered: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = plain_data(self)
        data["health"] = {
            name: {"before": c.before, "after": c.after, "change": c.change}
            for name, c in self.health.items()
        }
        return data


def what_if(
    inp: AnalysisInput,
    params: AnalysisParams,
    remove_ids: Iterable[int],
    *,
    index: CoverageIndex | None = None,
) -> WhatIfResult:
    """What the pool loses if these people (usually mentors) leave.

    An executive loses coverage when every active mentor it had is removed; a department
    when every mentor linked to its executives is removed; a demanded topic when its last
    practitioner/expert mentor is removed. Health figures are compared before and after.
    Pass a prebuilt `index` (e.g. `AnalysisResult.coverage`) to answer in milliseconds at
    100 k people; without one the graph is built first (about a second at 100 k).
    """
    if index is None:
        index = CoverageIndex.build(inp, params)
    return what_if_on(index, remove_ids)


def what_if_on(index: CoverageIndex, remove_ids: Iterable[int]) -> WhatIfResult:
    """`what_if` on a prebuilt index (e.g. one restored from a stored snapshot)."""
    asked = sorted(set(remove_ids))
    removed = [pid for pid in asked if pid in index.department_of]
    unknown = [pid for pid in asked if pid not in index.department_of]
    removed_set = frozenset(removed)

    executives_losing, departments_losing, topics_losing = _losses(index, removed_set)
    uncovered_before = index.uncovered_topics()
    uncovered_after = index.uncovered_topics(removed_set)
    return WhatIfResult(
        removed=tuple(removed),
        executives_losing_coverage=tuple(executives_losing),
        departments_losing_coverage=tuple(departments_losing),
        topics_losing_coverage=tuple(topics_losing),
        health=_health_changes(index, removed_set, uncovered_before, uncovered_after),
        unknown_ids=tuple(unknown),
        # Removing mentors only takes providers away: the topics uncovered before stay
        # uncovered, so this list has exactly as many topics as "uncovered_topics" grows by.
        topics_becoming_uncovered=tuple(sorted(set(uncovered_after) - set(uncovered_before))),
    )


def _losses(
    index: CoverageIndex, removed_set: frozenset[int]
) -> tuple[list[int], list[str], list[str]]:
    """Executives, departments and demanded topics whose last mentor link is removed."""
    affected_executives = {e for m in removed_set for e in index.mentees_of.get(m, ())}
    executives_losing = sorted(
        e
        for e in affected_executives
        if e not in removed_set
        and index.active_mentors_of.get(e)
        and index.active_mentors_of[e] <= removed_set
    )
    affected_departments = {
        department
        for e in affected_executives
        if (department := index.department_of.get(e)) is not None
    }
    departments_losing = sorted(
        d
        for d in affected_departments
        if index.department_links.get(d) and index.department_links[d] <= removed_set
    )
    affected_topics = {slug for m in removed_set for slug in index.provided_by.get(m, ())}
    topics_losing = sorted(
        slug
        for slug in affected_topics
        if index.demand.get(slug, 0) > 0 and index.providers[slug] <= removed_set
    )
    return executives_losing, departments_losing, topics_losing


def _health_changes(
    index: CoverageIndex,
    removed_set: frozenset[int],
    uncovered_before: Collection[str],
    uncovered_after: Collection[str],
) -> dict[str, HealthChange]:
    """The health figures before and after the removal."""
    components_before = index.components_without()
    components_after = index.components_without(removed_set)
    return {
        "unmatched_executives": HealthChange(
            len(index.unmatched_executives()), len(index.unmatched_executives(removed_set))
        ),
        "uncovered_topics": HealthChange(len(uncovered_before), len(uncovered_after)),
        "departments_without_mentors": HealthChange(
            len(index.departments_without_mentors()),
            len(index.departments_without_mentors(removed_set)),
        ),
        "components": HealthChange(components_before[0], components_after[0]),
        "largest_component": HealthChange(components_before[1], components_after[1]),
    }
