"""The dashboard as a briefing: health cards with a sparkline, what changed, and what each figure means.

Built from the stored snapshots' summaries only (one query for the trend), so the overview
costs the same whatever the size of the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flask_babel
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from community.network.drawing import sparkline_svg
from community.network.queries import TrendPoint


def _(message: str, **variables: Any) -> str:
    return str(flask_babel.gettext(message, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    return str(flask_babel.ngettext(singular, plural, num, **variables))


@dataclass(frozen=True)
class Figure:
    """A health figure: its summary key, words, whether more is better, and the tab that explains it."""

    key: str
    label: Any
    explanation: Any
    better: str  # "higher" | "lower" | "neutral"
    tab: str


FIGURES = (
    Figure("connected_people", _l("Connected people"),
           _l("People with at least one tie: a mentorship or an exchange in the community."), "higher", "roles"),
    Figure("mentors", _l("Mentors"), _l("People who hold the mentor role and can take executives."), "higher", "roles"),
    Figure("single_points_of_failure", _l("Single points of failure"),
           _l("Mentors who are the only link of an executive, a department or a topic."), "lower", "risks"),
    Figure("overloaded", _l("Overloaded mentors"),
           _l("Mentors with more mentees than their capacity, or far more than most."), "lower", "risks"),
    Figure("fading_mentors", _l("Fading mentors"),
           _l("Mentors whose own activity dropped against their earlier months."), "lower", "risks"),
    Figure("idle", _l("Idle mentors"),
           _l("Mentors with no active mentorship and no recent community activity."), "lower", "risks"),
    Figure("uncovered_topics", _l("Uncovered topics"),
           _l("Topics people want to learn that too few mentors can teach."), "lower", "coverage"),
    Figure("departments_without_mentors", _l("Departments without mentors"),
           _l("Departments where nobody is a mentor."), "lower", "coverage"),
    Figure("unmatched_executives", _l("Unmatched executives"),
           _l("Executives without an active or requested mentorship."), "lower", "coverage"),
    Figure("communities", _l("Groups in the network"),
           _l("Groups of people who talk more among themselves than with others."), "neutral", "roles"),
)


@dataclass(frozen=True)
class HealthCard:
    key: str
    label: str
    value: int
    explanation: str
    change: str
    tone: str  # "good" | "bad" | "same" | "new"
    sparkline: Markup
    tab: str


def number(value: float | int) -> str:
    """A number in the reader's locale (1,234 / 1.234; 0.5 / 0,5)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(flask_babel.format_decimal(int(value)))
    return str(flask_babel.format_decimal(float(f"{float(value):.3g}"), format="#,##0.###"))


def duration_words(seconds: float | None) -> str:
    """How long an analysis took, as people say it: "under a second", "12 seconds", "3 minutes"
    (the header showed "0.037 s")."""
    seconds = float(seconds or 0)
    if seconds < 1:
        return _("under a second")
    if seconds < 120:
        return ngettext("%(num)d second", "%(num)d seconds", round(seconds))
    return ngettext("%(num)d minute", "%(num)d minutes", round(seconds / 60))


def change_words(now: int, before: int | None, when: str) -> tuple[str, str]:
    """What changed since the previous snapshot, in words, and its direction (more / fewer / same / new)."""
    if before is None:
        return _("First snapshot: nothing to compare with yet."), "new"
    delta = now - before
    if delta > 0:
        return ngettext("%(num)d more than on %(when)s", "%(num)d more than on %(when)s", delta, when=when), "more"
    if delta < 0:
        return ngettext("%(num)d fewer than on %(when)s", "%(num)d fewer than on %(when)s", -delta, when=when), "fewer"
    return _("Unchanged since %(when)s", when=when), "same"


def _tone(direction: str, better: str) -> str:
    if direction in ("new", "same") or better == "neutral":
        return "same" if direction != "new" else "new"
    good = (direction == "more") == (better == "higher")
    return "good" if good else "bad"


def health_cards(points: list[TrendPoint]) -> list[HealthCard]:
    """One card per figure present in the latest snapshot, oldest-to-newest points in the sparkline."""
    if not points:
        return []
    latest = points[-1].summary
    previous = points[-2] if len(points) > 1 else None
    cards = []
    for figure in FIGURES:
        if figure.key not in latest:
            continue
        value = int(latest.get(figure.key) or 0)
        before = int(previous.summary.get(figure.key) or 0) if previous is not None else None
        change, direction = change_words(value, before, previous.day if previous is not None else "")
        series = [int(point.summary.get(figure.key) or 0) for point in points]
        label = str(figure.label)
        title = _("%(figure)s across %(num)s snapshots", figure=label, num=number(len(series)))
        cards.append(HealthCard(
            key=figure.key, label=label, value=value, explanation=str(figure.explanation), change=change,
            tone=_tone(direction, figure.better),
            sparkline=Markup(sparkline_svg(series, title=title)),  # noqa: S704 - built with ElementTree, escaped
            tab=figure.tab,
        ))
    return cards
