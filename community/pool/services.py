"""Topic demand against supply, and substitute mentors with their reasons in words.

The arithmetic lives in community.network.demand and community.network.substitutes (pure
code); this module reads the data, checks who may see it, audits views and writes the words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import User
from community.audit import services as audit
from community.database import utcnow
from community.errors import ConflictError
from community.expertise.models import Tag
from community.extensions import db
from community.i18n import language_names
from community.mentoring import services as mentoring
from community.mentoring.models import Mentorship
from community.network import demand as demand_model
from community.network import substitutes as substitute_model
from community.network.access import is_analyst
from community.network.pseudonyms import pseudonymised
from community.network.services import require_analyst
from community.pool import queries
from community.spreadsheets import csv_text

MONTHS_DEFAULT = 12
MONTHS_MAX = 36
DEMAND_TOP = 10  # topics on the demand page until "show all"


# --------------------------------------------------------------------------- demand


@dataclass
class TopicRow:
    slug: str
    name: str
    row: demand_model.TopicDemand
    arithmetic: str  # for the API and the CSV; the page says the gap in words
    demand: str = ""  # with the decimals the arithmetic uses
    supply: str = ""
    asked: str = ""  # what was asked for, in counts: "8 goals · 1 question"
    offered: str = ""  # "1 mentor with 2 free places"
    gap: str = ""  # "2 more mentors needed" / "enough free places"
    departments: list[tuple[str, int]] = field(default_factory=list)  # signs per department, most first


@dataclass
class DemandView:
    computed_at: object
    months: list[str]
    departments: list[str]
    topics: list[TopicRow]
    places_per_mentor: int
    month_max: int = 0
    department_max: int = 0  # signs of one topic from one department, the most of any

    @property
    def short_topics(self) -> int:
        """Topics that need more mentors."""
        return sum(1 for t in self.topics if t.row.need)

    @property
    def to_recruit(self) -> int:
        return sum(t.row.need for t in self.topics)


def _number(value: float, digits: int = 1) -> str:
    from flask_babel import format_decimal

    return str(format_decimal(round(value, digits), format="#,##0." + "#" * digits))


def arithmetic(row: demand_model.TopicDemand) -> str:
    """The recruitment need in words and figures, e.g. "demand 6.4 − supply 2.6 = 3.8 places short …".
    Figures have one decimal, or two when the rounded figures would not add up: a shortfall that
    rounds to 0 (it read "1.2 − 1.2 = 0 places short … = 1 to recruit") or a subtraction that is
    off by the rounding ("6.5 − 2.6 = 3.8" for 6.46 − 2.64 = 3.82). The model's figures have two
    decimals, so two always add up."""
    if row.places_short <= 0:
        return str(_("demand %(demand)s − supply %(supply)s: no places short, nobody to recruit",
                     demand=_number(row.demand), supply=_number(row.supply)))
    digits = figure_digits(row)
    # "1 place short" and "÷ 1 place per mentor" are singular (a capacity of 1 read "÷ 1 places");
    # a figure with decimals ("0.04 places short") takes the plural in English and German.
    shown_short = round(row.places_short, digits)
    short = ngettext("%(short)s place short", "%(short)s places short", 1 if shown_short == 1 else 2,
                     short=_number(row.places_short, digits))
    per = ngettext("÷ %(num)d place per mentor (median capacity)", "÷ %(num)d places per mentor (median capacity)",
                   row.places_per_mentor)
    return str(_("demand %(demand)s − supply %(supply)s = %(short)s; %(per)s = %(need)d to recruit",
                 demand=_number(row.demand, digits), supply=_number(row.supply, digits),
                 short=short, per=per, need=row.need))


def figure_digits(row: demand_model.TopicDemand) -> int:
    """The decimals a topic's figures are shown with, in the table as in its arithmetic: one,
    or two when one would hide the shortfall (demand 1.22 and supply 1.2 read "1.2 | 1.2 | 1 to
    recruit")."""
    return 1 if row.places_short <= 0 or shown_sum_adds_up(row, 1) else 2


def shown_sum_adds_up(row: demand_model.TopicDemand, digits: int) -> bool:
    """Whether "demand − supply = places short; ÷ places per mentor = to recruit" holds with the
    figures rounded to `digits` decimals (3.01 places short shown as "3.0 … ÷ 3 = 2" does not)."""
    short = round(row.places_short, digits)
    return (short > 0 and abs(round(row.demand, digits) - round(row.supply, digits) - short) < 10 ** -(digits + 2)
            and math.ceil(short / row.places_per_mentor - 1e-9) == row.need)


def clamp_months(months: int | None) -> int:
    try:
        months = int(months) if months is not None else MONTHS_DEFAULT
    except (TypeError, ValueError):
        months = MONTHS_DEFAULT
    return min(MONTHS_MAX, max(1, months))


PERIODS = (3, 6, 12, 24)


def period_choices(shown: int) -> list[int]:
    """The periods offered above the demand figures, with the one shown among them: an address
    asking for 5 months shows 5 months, and the choice must say so (it showed "last 3 months")."""
    return sorted({*PERIODS, shown})


def month_label(key: str) -> str:
    """A month of the demand figures in the reader's words ("Aug 2026", German "Aug. 2026"), not "2026-08"."""
    from datetime import date

    from flask_babel import format_date

    year, month = (int(part) for part in key.split("-"))
    return str(format_date(date(year, month, 1), "MMM yyyy"))


def demand_report(actor: User, months: int | None = MONTHS_DEFAULT, *, audit_as: str = "network.demand_viewed") -> DemandView:
    """Demand, supply and need per topic (change managers and admins); every view is audited."""
    require_analyst(actor)
    months = clamp_months(months)
    now = utcnow()
    since = demand_model.window_start(now, months)
    tags = queries.tag_names()
    report = demand_model.topic_demand(queries.demand_signals(since), queries.mentor_supply(), now, months=months)
    rows = []
    for row in report.topics:
        tag = tags.get(row.slug)
        if tag is None or (row.demand == 0 and row.supply == 0 and row.mentors == 0):
            continue
        digits = figure_digits(row)
        rows.append(TopicRow(slug=row.slug, name=tag.display_name, row=row, arithmetic=arithmetic(row),
                             demand=_number(row.demand, digits), supply=_number(row.supply, digits),
                             asked=asked_words(row), offered=offered_words(row), gap=gap_words(row),
                             departments=sorted(row.signals_by_department.items(), key=lambda item: (-item[1], item[0]))))
    audit.record(audit_as, actor=actor, data={"months": months})
    return DemandView(
        computed_at=now, months=report.months, departments=report.departments, topics=rows,
        places_per_mentor=report.places_per_mentor,
        month_max=max((v for r in rows for v in r.row.by_month.values()), default=0),
        department_max=max((v for r in rows for v in r.row.signals_by_department.values()), default=0),
    )


def department_columns(view: DemandView, topics: list[TopicRow]) -> list[str]:
    """The departments with any sign of demand for these topics: the heatmap's columns (a column
    of nothing but "·" only pushed the others off a 1280 px page)."""
    return [name for name in view.departments if any(t.row.signals_by_department.get(name) for t in topics)]


def asked_words(row: demand_model.TopicDemand) -> str:
    """What was asked for a topic in the period, in counts with the zeros left out ("8 goals · 1 question")."""
    counts = row.signals
    parts = [ngettext("%(num)d goal", "%(num)d goals", counts.get("goal", 0)),
             ngettext("%(num)d agenda", "%(num)d agendas", counts.get("agenda", 0)),
             ngettext("%(num)d question", "%(num)d questions", counts.get("question", 0))]
    shown = [part for part, n in zip(parts, (counts.get(k, 0) for k in ("goal", "agenda", "question")), strict=True) if n]
    return " · ".join(shown) if shown else str(_("nothing asked in this period"))


def offered_words(row: demand_model.TopicDemand) -> str:
    """Who can teach it: "1 mentor with 2 free places", or that nobody can yet."""
    if not row.mentors:
        return str(_("no mentor knows it yet"))
    return str(ngettext("%(mentors)s with %(num)d free place", "%(mentors)s with %(num)d free places", row.free_places,
                        mentors=ngettext("%(num)d mentor", "%(num)d mentors", row.mentors)))


def gap_words(row: demand_model.TopicDemand) -> str:
    """The gap in words: mentors to recruit, or that the free places are enough."""
    if row.need:
        return str(ngettext("%(num)d more mentor needed", "%(num)d more mentors needed", row.need))
    return str(_("enough free places"))


def demand_json(view: DemandView) -> dict[str, object]:
    return {
        "computed_at": view.computed_at,
        "months": view.months,
        "places_per_mentor": view.places_per_mentor,
        "topics": [
            {"slug": t.slug, "name": t.name, "demand": t.row.demand, "supply": t.row.supply, "need": t.row.need,
             "places_short": t.row.places_short, "arithmetic": t.arithmetic, "signals": t.row.signals,
             "mentors": t.row.mentors, "free_places": t.row.free_places,
             "by_department": t.row.by_department, "by_month": t.row.by_month}
            for t in view.topics
        ],
    }


def demand_csv(actor: User, months: int | None = MONTHS_DEFAULT) -> str:
    view = demand_report(actor, months, audit_as="network.demand_exported")
    rows: list[list[Any]] = [[  # in the reader's language, as the rows are
        _("Topic key"), _("Topic"), _("Demand"), _("Supply"), _("Places short"), _("Places per mentor"), _("Mentors to recruit"),
        _("Mentors"), _("Free places"), _("Learning goals"), _("Session agendas"), _("Questions"), _("How it is computed"),
        *[_("Department: %(name)s", name=name) for name in view.departments],
        *[_("Month: %(month)s", month=m) for m in view.months]]]
    for t in view.topics:
        r = t.row
        rows.append([
            t.slug, t.name, r.demand, r.supply, r.places_short, r.places_per_mentor, r.need, r.mentors, r.free_places,
            r.signals["goal"], r.signals["agenda"], r.signals["question"], t.arithmetic,
            *[r.by_department.get(name, 0) for name in view.departments], *[r.by_month.get(m, 0) for m in view.months]])
    return csv_text(rows)


def heat(value: float, top: float) -> int:
    """Shade 0–5 of a heatmap cell (the figure is always printed too)."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(5, round(5 * value / top)))


# --------------------------------------------------------------------------- substitutes


@dataclass
class SubstituteView:
    person: User
    score: float
    reasons: list[str] = field(default_factory=list)
    free_places: int = 0


def _words(value: object) -> list[str]:
    """A list of slugs or language codes from a substitute's reason values."""
    return [str(item) for item in value] if isinstance(value, list | tuple | set) else []


def _topic_list(slugs: object, tags: dict[str, Tag]) -> str:
    return ", ".join(tags[s].display_name if s in tags else s for s in _words(slugs))


def reason_words(code: str, values: Mapping[str, object], tags: dict[str, Tag]) -> str:
    if code == "knows_goals":
        return str(ngettext("knows %(topics)s (%(n)d of %(num)d goal)", "knows %(topics)s (%(n)d of %(num)d goals)",
                            int(str(values["total"])), topics=_topic_list(values["topics"], tags), n=values["n"]))
    if code == "learning_goals":
        return str(_("is learning %(topics)s too", topics=_topic_list(values["topics"], tags)))
    if code == "no_goals":
        return str(_("no listed expertise on the goals"))
    if code == "same_cluster":
        return str(_("in the same group of the mentor network as the current mentor"))
    if code == "similar_topics":
        return str(_("%(percent)d%% topic overlap with the current mentor", percent=values["percent"]))
    if code == "free":
        capacity = values["capacity"]
        return str(ngettext("%(free)d of %(num)d place free", "%(free)d of %(num)d places free",
                            capacity if isinstance(capacity, int) else 0, free=values["free"]))
    if code == "language":
        return str(_("speaks %(languages)s", languages=language_names(_words(values["languages"]))))
    if code == "no_language":
        return str(_("no shared language listed"))
    if code == "other_department":
        return str(_("brings a view from another department (%(department)s)", department=values["department"]))
    return code


def substitutes_for(actor: User, mentorship: Mentorship, limit: int = 10) -> list[SubstituteView]:
    """Ranked substitute mentors with reasons: change managers, and the executive for their own mentorship."""
    mentoring.require_handover_rights(actor, mentorship)
    if not mentoring.handover_open(mentorship):
        raise ConflictError(_("This mentorship cannot be handed over (it is not active, or was handed over already)."))
    communities = queries.latest_communities()
    ranked = substitute_model.rank_substitutes(
        queries.handing_of(mentorship, communities), queries.substitute_candidates(actor, communities), limit=limit)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([s.person_id for s in ranked])))}
    tags = queries.tag_names()
    # "In the same group of the mentor network" is the network analysis speaking: only for
    # those who see its groups (analysts, and not beside names in pseudonymised mode); the
    # executive choosing a substitute for their own mentorship reads the other reasons.
    clusters_shown = is_analyst(actor) and not pseudonymised()
    views = []
    for s in ranked:
        free = next((v["free"] for code, v in s.reasons if code == "free"), 0)
        views.append(SubstituteView(person=people[s.person_id], score=s.score,
                                    free_places=free if isinstance(free, int) else 0,
                                    reasons=[reason_words(code, values, tags) for code, values in s.reasons
                                             if clusters_shown or code != "same_cluster"]))
    return views


def handover_reason_label(mentorship: Mentorship) -> str | None:
    if mentorship.handover_reason in mentoring.HANDOVER_WHY:
        return str(mentoring.HANDOVER_WHY[mentorship.handover_reason])
    return None


def pending_handovers(actor: User) -> list[Mentorship]:
    if not actor.has_role("change_manager"):
        return []
    return queries.pending_handovers()


def locale_code() -> str:
    return str(get_locale() or "en")
