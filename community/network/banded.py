"""A person's analysis figures as pseudonymised mode shows them: bands by rank, not values.

An exact degree or PageRank beside a pseudonym is as good as a name once someone computes it
from the ties (community.network.anonymity); the person page and the roles page show these.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import flask_babel
from flask_babel import lazy_gettext as _l

from community.network.anonymity import K_ANONYMITY, bands, capacity_band
from community.network.models import PersonFigure
from community.network.queries import opted_out_ids, snapshot_figures


def _(message: str) -> str:
    return str(flask_babel.gettext(message))


def band_label(band: int, number: int) -> str:
    """"lower third", "upper half" ...: a figure's band among `number` bands by rank."""
    if number <= 1:
        return _("like most people")
    if number == 2:
        return _("lower half") if band == 1 else _("upper half")
    return {1: _("lower third"), 2: _("middle third")}.get(band, _("upper third"))


@dataclass
class BandedFigures:
    """One person's figures as the pseudonymised person page shows them (community.network.anonymity):
    each figure as its band by rank among everybody in the snapshot (every band holds at least
    K_ANONYMITY people), the community only when at least K_ANONYMITY people share it, the
    capacity as a band. `rows` are (label, text) pairs for the page."""

    rows: list[tuple[str, str]]


def banded_figures(figure: PersonFigure) -> BandedFigures:
    return banded_figures_of(figure.snapshot_id, [figure.user_id], also=figure)[figure.user_id]


BANDED_COLUMNS = (
    ("degree", _l("Ties")),
    ("weighted_degree", _l("Weighted ties")),
    ("betweenness", _l("Betweenness")),
    ("pagerank", _l("PageRank")),
    ("departments_reached", _l("Departments reached")),
)


def banded_figures_of(snapshot_id: int, person_ids: Iterable[int],
                      also: PersonFigure | None = None) -> dict[int, BandedFigures]:
    """BandedFigures of several people of one snapshot (the roles page lists many): the bands
    are ranked once among everybody in the snapshot who has not opted out (plus `also`)."""
    hidden = opted_out_ids()
    figures = {pid: f for pid, f in snapshot_figures(snapshot_id).items() if pid not in hidden}
    if also is not None:
        figures[also.user_id] = also

    def ranked(values: dict[int, float]) -> tuple[dict[int, int], int]:
        banded = bands(values)
        return banded, max(banded.values(), default=1)

    columns = {name: ranked({pid: float(getattr(f, name) or 0) for pid, f in figures.items()})
               for name, _label in BANDED_COLUMNS}
    loads = ranked({pid: float(f.load) for pid, f in figures.items() if f.load is not None})
    community_sizes = Counter(f.community for f in figures.values())
    found = {}
    for pid in person_ids:
        figure = figures.get(pid)
        if figure is None:
            continue
        rows = [(str(label), band_label(columns[name][0][pid], columns[name][1])) for name, label in BANDED_COLUMNS]
        community = figure.community
        shared = community is not None and community_sizes[community] >= K_ANONYMITY
        # Numbered from 1, as on the pages ("Group 1"); the API keeps its numbers from 0.
        rows.append((_("Group"), str(community + 1) if shared and community is not None else "—"))
        if figure.load is not None:
            rows.append((_("Load (active mentorships)"), band_label(loads[0][pid], loads[1])))
            rows.append((_("Capacity"), capacity_band(figure.capacity)))
        found[pid] = BandedFigures(rows)
    return found
