"""How a mentorship's, session's or goal's stored state reads, in the reader's language: on
the pages and in the run report's exports alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "requested": _l("requested"), "active": _l("active"), "declined": _l("declined"), "completed": _l("completed"),
    "withdrawn": _l("withdrawn"),
    "planned": _l("planned"), "done": _l("done"), "cancelled": _l("cancelled"),
    "running": _l("running"), "closed": _l("closed"),
}
GOAL_PROGRESS_LABELS = {"planned": _l("planned"), "in_progress": _l("in progress"), "reached": _l("reached")}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def goal_progress_label(progress: str) -> str:
    return str(GOAL_PROGRESS_LABELS.get(progress, progress))
