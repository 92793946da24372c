"""The analysis' pictures (SVG): the network, an ego network, load, coverage and the trend."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from community.accounts.models import User
from community.errors import NotFoundError
from community.network import analysis, charts, drawing
from community.network.access import require_analyst
from community.network.loading import LiveNetwork, live_network
from community.network.pseudonyms import pseudonymised, resolve_person
from community.network.queries import (
    health_trend,
    opted_out_ids,
    people_refs,
    snapshot_mentors,
    tag_names,
)


def picture_words() -> drawing.Words:
    """The pictures' texts in the viewer's language."""
    from community.templating import role_label

    return drawing.Words(
        roles={**{role: role_label(role) for role in ("executive", "mentor", "change_manager", "admin", "staff")},
               "ambassador": _("Ambassador")},
        people_and_ties=lambda people, ties: " ".join([
            ngettext("%(num)d person", "%(num)d people", people), ngettext("and %(num)d tie.", "and %(num)d ties.", ties)]),
        ties=lambda n: ngettext("%(num)d tie", "%(num)d ties", n),
        community=lambda n: _("Group %(number)d", number=n + 1),  # numbered from 1 on pages (0 in the API)
        other_communities=_("Other groups"),
        no_community=_("no group"),
        other_groups=_("Other"),
        groups_of_people=lambda groups, people: " ".join([
            ngettext("%(num)d group", "%(num)d groups", groups), ngettext("of %(num)d person.", "of %(num)d people.", people)]),
        ties_between=lambda a, b, n: f"{a} – {b}: " + ngettext("%(num)d tie", "%(num)d ties", n),
        group_summary=lambda name, members, inside: f"{name} — " + ", ".join([
            ngettext("%(num)d person", "%(num)d people", members), ngettext("%(num)d tie inside", "%(num)d ties inside", inside)]),
        network_of=lambda name: _("Network of %(name)s", name=name),
        people_nearby=lambda name, n: f"{name}: " + ngettext("%(num)d person nearby.", "%(num)d people nearby.", n),
        bars=lambda n: ngettext("%(num)d bar.", "%(num)d bars.", n),
        more=lambda n: _("… and %(num)d more", num=n),
        nothing=_("Nothing to show"),
        wanted=lambda n: ngettext("wanted %(num)d time", "wanted %(num)d times", n),
        number=lambda value: str(format_decimal(value, format="#,##0.#")),
    )


def _picture(key: tuple[Any, ...], draw: Callable[[LiveNetwork, frozenset[int]], str]) -> str:
    live = live_network()
    hidden = opted_out_ids()
    full_key = (*key, pseudonymised(), hash(hidden), str(get_locale()))
    if full_key not in live.pictures:
        live.pictures[full_key] = draw(live, hidden)
    return live.pictures[full_key]


def _left_out_note(count: int) -> str:
    return ngettext("%(num)d person who opted out is not shown.",
                    "%(num)d people who opted out are not shown.", count) if count else ""


def network_svg(viewer: User) -> str:
    """The mentor network: people (connected ones) or, when too many, departments."""
    require_analyst(viewer)

    def draw(live: LiveNetwork, hidden: frozenset[int]) -> str:
        core = analysis.connected_core(live.graph)
        if drawing.needs_condensing(core):
            no_department = _("No department")
            group_of = {node: core.nodes[node].get("department") or no_department for node in core}
            return drawing.draw_condensed(core, group_of, title=_("Mentor network by department"),
                                          words=picture_words())
        left_out = [node for node in core if node in hidden]
        core.remove_nodes_from(left_out)
        refs = people_refs(list(core), pseudonymised())
        labels: Mapping[Hashable, str] = {pid: ref.name for pid, ref in refs.items()}
        title = " ".join(filter(None, [_("Mentor network"), _left_out_note(len(left_out))]))
        return drawing.draw_network(core, labels, title=title, words=picture_words())

    return _picture(("network",), draw)


def load_svg(viewer: User, *, narrow: bool = False) -> str:
    """Mentor load against capacity (from the latest snapshot), busiest first; `narrow` draws
    it for a phone."""
    require_analyst(viewer)
    hidden = opted_out_ids()
    rows = [row for row in snapshot_mentors() if row[0] not in hidden]
    load = {pid: value or 0 for pid, value, _capacity in rows}
    capacity = {pid: value or 0 for pid, _load, value in rows}
    top = sorted(load, key=lambda pid: (-load[pid], pid))[:40]
    if pseudonymised():
        # A pseudonym beside its exact load and capacity matches the profile's "1 of 3 places
        # free": the bars keep the spread of load, not who carries it.
        labels = {pid: _("Mentor") for pid in top}
    else:
        labels = {pid: ref.name for pid, ref in people_refs(top, False).items()}
    return drawing.draw_bar_chart(
        drawing.load_bars(load, capacity, labels), title=_("Mentor load"),
        value_label=_("active mentorships"), marker_label=_("capacity"), words=picture_words(),
        value_words=lambda n: ngettext("%(num)d active mentorship", "%(num)d active mentorships", int(n)), narrow=narrow,
    )


def coverage_svg(viewer: User, *, narrow: bool = False) -> str:
    """Mentors able to teach each demanded topic, against the number needed; `narrow` draws it
    for a phone."""
    require_analyst(viewer)

    def draw(live: LiveNetwork, hidden: frozenset[int]) -> str:
        coverage = live.coverage
        names = tag_names(coverage.demand)
        words = picture_words()
        bars = drawing.coverage_bars(coverage.demand, coverage.providers,
                                     min_providers=coverage.min_providers, labels=names, words=words)
        return drawing.draw_bar_chart(bars, title=_("Topic coverage"),
                                      value_label=_("mentors"), marker_label=_("needed"), words=words,
                                      value_words=lambda n: ngettext("%(num)d mentor", "%(num)d mentors", int(n)),
                                      narrow=narrow)

    return _picture(("coverage", "narrow" if narrow else "wide"), draw)


TREND_SERIES = ("single_points_of_failure", "overloaded", "idle", "fading_mentors", "uncovered_topics",
                "departments_without_mentors", "unmatched_executives")


def trend_series_labels() -> dict[str, str]:
    return {
        "single_points_of_failure": _("Single points of failure"),
        "overloaded": _("Overloaded mentors"),
        "idle": _("Idle mentors"),
        "fading_mentors": _("Fading mentors"),
        "uncovered_topics": _("Uncovered topics"),
        "departments_without_mentors": _("Departments without mentors"),
        "unmatched_executives": _("Unmatched executives"),
    }


def trend_svg(viewer: User, limit: int = 12, *, narrow: bool = False) -> str:
    """The health figures across the latest snapshots; `narrow` draws it for a phone."""
    require_analyst(viewer)
    points = health_trend(limit)
    labels = trend_series_labels()
    return charts.draw_trend(
        [point.label for point in points],
        {labels[name]: [point.summary.get(name, 0) or 0 for point in points] for name in TREND_SERIES},
        title=_("Pool health across snapshots"),
        groups=[point.cohort for point in points],
        empty=_("No snapshot yet"),
        narrow=narrow,
    )


def ego_svg(viewer: User, ref: str) -> str:
    """A person's ties (radius 1) for the analyst's person page."""
    require_analyst(viewer)
    person_id = resolve_person(ref)
    live = live_network()
    hidden = opted_out_ids()
    if person_id is None or person_id in hidden or person_id not in live.graph:
        raise NotFoundError(_("This person is not in the network analysis."))
    ego = analysis.ego_network(live.graph, person_id)
    left_out = [node for node in ego if node in hidden]
    ego.remove_nodes_from(left_out)
    refs = people_refs(list(ego), pseudonymised())
    labels: Mapping[Hashable, str] = {pid: r.name for pid, r in refs.items()}
    title = " ".join(filter(None, [_("Network of %(name)s", name=labels[person_id]), _left_out_note(len(left_out))]))
    return drawing.draw_ego(ego, person_id, labels, title=title, words=picture_words())
