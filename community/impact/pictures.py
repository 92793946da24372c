"""The charts of a run report, from its figures (suppressed figures become a note, never a bar)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from community.impact.charts import Bar, responsive_bar_chart
from community.impact.dimensions import DIMENSIONS, SIDE_LABELS, dimension_label
from community.impact.queries import RunReport


def _mean(value: float | None) -> str:
    return "" if value is None else format_decimal(value, format="0.0")


def dimension_chart(report: RunReport, side: str) -> Markup:
    bars = []
    few = _("fewer than %(n)d answers", n=report.minimum)
    for dimension in DIMENSIONS[side]:
        end = report.dimension("end", side, dimension)
        start = report.dimension("start", side, dimension)
        if end.suppressed or end.mean is None:
            bars.append(Bar(dimension_label(dimension), None, note=few, marker=None if start.suppressed else start.mean))
            continue
        spread = end.spread or 0.0
        bars.append(Bar(dimension_label(dimension), end.mean,
                        text=_("%(mean)s ± %(spread)s", mean=_mean(end.mean), spread=_mean(spread)),
                        low=max(1.0, end.mean - spread), high=min(5.0, end.mean + spread),
                        marker=None if start.suppressed else start.mean))
    title = _("%(side)s: did the incentives come true? (1–5)", side=SIDE_LABELS[side])
    return Markup(responsive_bar_chart(bars, title=title, scale=(1, 5), ticks=(1, 2, 3, 4, 5),  # noqa: S704 - built by ElementTree, every text escaped
                            legend=(_("end survey: average ± spread"), _("start survey: how much it mattered"))))


def competence_chart(report: RunReport) -> Markup:
    """All topics together, then each topic with a large enough group; the others are counted
    under the chart (listing them one by one would only repeat "fewer than 5 answers")."""
    few = _("fewer than %(n)d answers", n=report.minimum)
    bars = []
    for topic in [report.competence_overall, *report.competence]:
        name = topic.name or _("All goal topics")
        if topic.suppressed or topic.after.mean is None:
            if not topic.name:
                bars.append(Bar(name, None, note=few))
            continue
        bars.append(Bar(name, topic.after.mean, marker=topic.before.mean,
                        text=_("%(before)s → %(after)s", before=_mean(topic.before.mean), after=_mean(topic.after.mean))))
    return Markup(responsive_bar_chart(bars, title=_("Self-assessed level per goal topic (0–4)"), scale=(0, 4), ticks=(0, 1, 2, 3, 4),  # noqa: S704
                            legend=(_("after (end survey)"), _("before (start survey)"))))


def goals_chart(report: RunReport) -> Markup:
    labels = {"planned": _("planned"), "in_progress": _("in progress"), "reached": _("reached")}
    total = sum(report.goals.values()) or 1
    bars = [Bar(labels[k], n, text=_("%(n)d (%(share)s)", n=n, share=format_percent(n / total)))
            for k, n in report.goals.items()]
    return Markup(responsive_bar_chart(bars, title=_("Learning goals by progress"), scale=(0, max(report.goals.values(), default=1) or 1)))  # noqa: S704


def sessions_chart(report: RunReport) -> Markup:
    histogram = report.per_pair.histogram
    bars = [Bar(ngettext("%(num)d done session", "%(num)d done sessions", k), v,
                text=ngettext("%(num)d pair", "%(num)d pairs", v)) for k, v in histogram.items()]
    return Markup(responsive_bar_chart(bars, title=_("Done sessions per pair"), scale=(0, max(histogram.values(), default=1) or 1)))  # noqa: S704


def comparison_chart(reports: Sequence[RunReport]) -> Markup:
    """The runs side by side on the figures that fit one percentage scale."""
    bars = []
    for label, pick in (
        (_("Answered the end survey"), _end_rate),
        (_("Mentorships completed"), _completed_share),
        (_("Executives acting as multipliers"), lambda r: r.multiplier.share(r.multiplier.any)),
    ):
        for report in reports:
            value = pick(report)
            bars.append(Bar(report.cohort.name, None if value is None else value * 100,
                            text="" if value is None else format_percent(value),
                            note=_("not enough data"), group=str(label)))
    return Markup(responsive_bar_chart(bars, title=_("Runs compared (per cent)"), scale=(0, 100), ticks=(0, 25, 50, 75, 100)))  # noqa: S704


def _end_rate(report: RunReport) -> float | None:
    rows = [r for r in report.responses if r.kind == "end" and r.status is not None]
    invited = sum(r.invited for r in rows)
    return sum(r.answered for r in rows) / invited if invited else None


def _completed_share(report: RunReport) -> float | None:
    taking_part = report.mentorships.get("active", 0) + report.mentorships.get("completed", 0)
    return report.completed / taking_part if taking_part else None
