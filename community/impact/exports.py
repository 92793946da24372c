"""The run report as JSON, CSV and XLSX for HR and the works council.

Only what the report page shows leaves the system: survey figures for groups of at least
REPORT_MIN_GROUP respondents, comments their authors agreed to share, mentorships and
sessions with dates, status and agenda topics. Session notes, the free-text agenda, cancel
reasons and feedback texts are never exported.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from community.extensions import db
from community.impact.dimensions import DIMENSIONS, KIND_LABELS, SIDE_LABELS, dimension_label
from community.impact.queries import Figure, RunReport
from community.mentoring.labels import goal_progress_label, status_label
from community.mentoring.models import MentoringSession, Mentorship
from community.mentoring.queries import AGENDA, MENTORSHIP_LIST
from community.spreadsheets import Share, column_widths, csv_text


def _figure_json(f: Figure, *, count_when_suppressed: bool = True, distribution: bool = True) -> dict[str, Any]:
    """A figure; a suppressed one without any value. The size of a suppressed topic group is
    withheld too, so that it cannot be worked out from the all-topics figure."""
    if f.suppressed:
        return {"respondents": f.n if count_when_suppressed else None, "suppressed": True}
    shown: dict[str, object] = {"respondents": f.n, "suppressed": False, "average": f.mean, "spread": f.spread}
    if distribution:
        shown["distribution"] = {str(k): v for k, v in f.distribution.items()}
    return shown


def report_json(report: RunReport, others: Sequence[RunReport] = ()) -> dict[str, Any]:
    cohort = report.cohort
    surveys = {kind: ({"id": s.id, "status": s.status, "opened_at": _when(s.opened_at) or None,
                       "closed_at": _when(s.closed_at) or None} if s else None)
               for kind, s in report.surveys.items()}
    return {
        "run": {"id": cohort.id, "name": cohort.name, "status": cohort.status,
                "starts_on": cohort.starts_on.isoformat(), "ends_on": cohort.ends_on.isoformat()},
        "min_group": report.minimum,
        "surveys": surveys,
        "response_rates": [{"survey": r.kind, "side": r.side, "invited": r.invited, "answered": r.answered, "rate": r.rate}
                           for r in report.responses],
        "dimensions": [{"survey": d.kind, "side": d.side, "dimension": d.dimension, **_figure_json(d.figure)}
                       for d in report.dimensions],
        "competence_overall": {"before": _figure_json(report.competence_overall.before, distribution=False),
                               "after": _figure_json(report.competence_overall.after, distribution=False),
                               "gain": report.competence_overall.gain, "suppressed": report.competence_overall.suppressed},
        "competence": [{"topic": t.slug, "name": t.name, "before": _figure_json(t.before, count_when_suppressed=False),
                        "after": _figure_json(t.after, count_when_suppressed=False),
                        "gain": t.gain, "suppressed": t.suppressed} for t in report.competence],
        "mentorships": {"by_status": report.mentorships, "completed": report.completed},
        "sessions": {"by_status": report.sessions, "pairs": report.per_pair.pairs, "per_pair_average": report.per_pair.mean,
                     "per_pair_median": report.per_pair.median,
                     "per_pair_histogram": {str(k): v for k, v in report.per_pair.histogram.items()}},
        "goals": report.goals,
        "multiplier": _multiplier_json(report),
        "comments": [{"survey": c.kind, "side": c.side, "dimension": c.dimension, "comment": c.text} for c in report.comments],
        "comparison": [_comparison_json(other) for other in others],
    }


def _multiplier_json(report: RunReport) -> dict[str, Any]:
    m = report.multiplier
    if m.suppressed:
        return {"executives": m.executives, "suppressed": True}
    return {"executives": m.executives, "suppressed": False, "posted": m.posted, "answered": m.answered,
            "topic_contacts": m.topic_contacts, "any": m.any, "share": m.share(m.any)}


def _comparison_json(report: RunReport) -> dict[str, Any]:
    end = report.response("end", "executive"), report.response("end", "mentor")
    invited = sum(r.invited for r in end if r)
    answered = sum(r.answered for r in end if r)
    return {
        "run_id": report.cohort.id, "name": report.cohort.name,
        "end_response_rate": round(answered / invited, 3) if invited else None,
        "executives_end_average": report.side_overall("end", "executive").mean,
        "mentors_end_average": report.side_overall("end", "mentor").mean,
        "completed_mentorships": report.completed,
        "sessions_per_pair": report.per_pair.mean,
        "average_competence_gain": report.average_gain,
        "multiplier_share": report.multiplier.share(report.multiplier.any),
    }


# Tables ---------------------------------------------------------------------------------

def _when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return value.isoformat()


def _stamp(value: datetime | None) -> datetime | None:
    """A moment in a table, in UTC to the minute, as the headers say: a date cell in the Excel
    file, "2026-12-04 21:14" in the CSV file (`_cell`); None stays an empty cell."""
    return value.astimezone(UTC).replace(second=0, microsecond=0, tzinfo=None) if value is not None else None


STAMP = "%Y-%m-%d %H:%M"


def _cell(value: Any) -> Any:
    """A table's value as CSV text takes it."""
    if isinstance(value, datetime):
        return value.strftime(STAMP)
    return "" if value is None else value


def mentorship_rows(report: RunReport) -> tuple[list[str], list[list[Any]]]:
    header = [_("Mentorship"), _("Mentor"), _("Executive"), _("Status"), _("Requested (UTC)"),
              _("Accepted or declined (UTC)"), _("Completed (UTC)"), _("Learning goals (progress)")]
    rows = []
    for m in db.session.scalars(
        select(Mentorship).where(Mentorship.cohort_id == report.cohort.id).options(*MENTORSHIP_LIST).order_by(Mentorship.id)
    ).unique():
        goals = "; ".join(f"{g.tag.display_name} ({goal_progress_label(g.progress)})"
                          for g in sorted(m.goals, key=lambda g: g.tag.display_name))
        rows.append([m.id, m.mentor.name, m.executive.name, status_label(m.status), _stamp(m.requested_at),
                     _stamp(m.decided_at), _stamp(m.completed_at), goals])
    return header, rows


def session_rows(report: RunReport) -> tuple[list[str], list[list[Any]]]:
    """Dates, status and agenda topics: never notes, agenda text or reasons."""
    header = [_("Session"), _("Mentorship"), _("Starts (UTC)"), _("Minutes"), _("Status"), _("Agenda topics")]
    rows = []
    for s in db.session.scalars(
        select(MentoringSession).join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(Mentorship.cohort_id == report.cohort.id)
        .options(AGENDA, lazyload(MentoringSession.mentorship))
        .order_by(MentoringSession.starts_at, MentoringSession.id)
    ).unique():
        rows.append([s.id, s.mentorship_id, _stamp(s.starts_at), s.duration_minutes, status_label(s.status),
                     "; ".join(sorted(row.tag.display_name for row in s.agenda_tags))])
    return header, rows


def _response_rows(report: RunReport) -> list[list[Any]]:
    return [[_("response rate"), _kind(r.kind), _side(r.side), "", r.answered, Share(r.rate) if r.rate is not None else "", ""]
            for r in report.responses]


def _kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _side(side: str) -> str:
    return str(SIDE_LABELS.get(side, side))


def _dimension_rows(report: RunReport, suppressed: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for kind in ("start", "end"):
        for side, dims in DIMENSIONS.items():
            for dimension in dims:
                f = report.dimension(kind, side, dimension)
                rows.append([_("average rating (1–5)"), _kind(kind), _side(side), dimension_label(dimension), f.n,
                             suppressed if f.suppressed else f.mean, "" if f.suppressed else f.spread])
    return rows


def _competence_rows(report: RunReport, suppressed: str) -> list[list[Any]]:
    """Levels before and after, for every goal topic together and for each topic; the size of a
    suppressed topic group is withheld."""
    rows: list[list[Any]] = []
    for t in [report.competence_overall, *report.competence]:
        for label, f in ((_("level before (0–4)"), t.before), (_("level after (0–4)"), t.after)):
            count = f.n if not f.suppressed or not t.name else ""
            rows.append([label, _kind("start" if f is t.before else "end"), _side("executive"), t.name or _("all goal topics"), count,
                         suppressed if f.suppressed else f.mean, "" if f.suppressed else f.spread])
    return rows


def _activity_rows(report: RunReport) -> list[list[Any]]:
    """Mentorships by status, done sessions per pair and learning goals by progress."""
    rows: list[list[Any]] = [[_("mentorships"), "", "", status_label(status), "", n, ""]
                             for status, n in sorted(report.mentorships.items())]
    rows.append([_("done sessions per pair"), "", "", "", report.per_pair.pairs,
                 report.per_pair.mean if report.per_pair.mean is not None else "", ""])
    rows.extend([_("learning goals"), "", "", goal_progress_label(progress), "", n, ""] for progress, n in report.goals.items())
    return rows


def _multiplier_rows(report: RunReport) -> list[list[Any]]:
    m = report.multiplier
    # The group is the run's executives with a completed mentorship, not survey respondents.
    suppressed = _("fewer than %(n)d executives", n=report.minimum)
    return [[label, "", _side("executive"), "", m.executives, suppressed if m.suppressed else count, ""]
            for label, count in ((_("executives posting after their mentorship"), m.posted),
                                 (_("executives answering others after their mentorship"), m.answered),
                                 (_("executives who became topic contacts"), m.topic_contacts),
                                 (_("executives acting as multipliers"), m.any))]


def _comment_rows(report: RunReport) -> list[list[Any]]:
    return [[_("shared comment"), _kind(c.kind), _side(c.side), dimension_label(c.dimension), "", c.text, ""]
            for c in report.comments]


def aggregate_rows(report: RunReport) -> tuple[list[str], list[list[Any]]]:
    suppressed = _("fewer than %(n)d respondents", n=report.minimum)
    # "Based on": the respondents of a survey figure, the pairs of an average per pair, the
    # executives of a multiplier figure (it read "Respondents" for all of them).
    header = [_("Figure"), _("Survey"), _("Side"), _("Topic or dimension"), _("Based on (n)"), _("Value"), _("Spread")]
    rows: list[list[Any]] = [
        *_response_rows(report),
        *_dimension_rows(report, suppressed),
        *_competence_rows(report, suppressed),
        *_activity_rows(report),
        *_multiplier_rows(report),
        *_comment_rows(report),
    ]
    return header, rows


def tables(report: RunReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    return [(_("Mentorships"), *mentorship_rows(report)), (_("Sessions"), *session_rows(report)),
            (_("Survey figures"), *aggregate_rows(report))]


def to_csv(report: RunReport) -> str:
    """The three tables one below the other, each under its title row, for the reader's
    spreadsheet (community.spreadsheets: a German reader's gets semicolons and decimal commas)."""
    rows: list[Sequence[Any]] = []
    for index, (title, header, table_rows) in enumerate(tables(report)):
        if index:
            rows.append([])
        rows += [[title], header, *[[_cell(value) for value in row] for row in table_rows]]
    return csv_text(rows)


def to_xlsx(report: RunReport) -> bytes:
    """One sheet per table; texts are written as strings, never as formulas; moments as dates."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})  # a date Excel sorts and filters
    percent = workbook.add_format({"num_format": "0.0%"})
    for title, header, rows in tables(report):
        sheet = workbook.add_worksheet(title[:31])
        sheet.write_row(0, 0, header, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, moment)
                elif value == "" or value is None:
                    sheet.write_blank(r, c, None)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, Share):
                    sheet.write_number(r, c, float(value), percent)
                else:
                    sheet.write_number(r, c, value)
        sheet.freeze_panes(1, 0)
        for c, width in enumerate(column_widths(header, rows)):  # goal texts were cut at 18 characters
            sheet.set_column(c, c, width)
    workbook.close()
    return out.getvalue()


