"""How a mentorship's, session's or goal's stored state reads, in the reader's language: on
the pages and in the run report's exports alike."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "requested": _l("requested"), "active": _l("active"), "declined": _l("declined"), "completed": _l("completed"),
    "withdrawn": _l("withdrawn"),
    # A completed mentorship handed over to a new mentor, as the reports count it (queries.counted_status).
    "handed_over": _l("handed over"),
    "planned": _l("planned"), "done": _l("done"), "cancelled": _l("cancelled"),
    # A session whose time is over with no outcome recorded (MentoringSession.shown_status).
    "not_recorded": _l("not recorded"),
    "running": _l("running"), "closed": _l("closed"),
}
GOAL_PROGRESS_LABELS = {"planned": _l("planned"), "in_progress": _l("in progress"), "reached": _l("reached")}
# The buttons that move a goal to another state (the current one is shown once, as a chip).
GOAL_PROGRESS_ACTIONS = {"in_progress": _l("Mark in progress"), "reached": _l("Mark reached"),
                         "planned": _l("Back to planned")}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def goal_progress_label(progress: str) -> str:
    return str(GOAL_PROGRESS_LABELS.get(progress, progress))


def mentorship_title(viewer, mentorship) -> str:
    """The page's title says where the request or mentorship stands, from the viewer's side:
    "Request to Lisa Ferrari — waiting for an answer"; the mentor reads "Request from …"."""
    mentor, executive = mentorship.mentor.name, mentorship.executive.name
    is_mentor = getattr(viewer, "id", None) == mentorship.mentor_id
    if mentorship.status == "requested":
        if is_mentor:
            return _("Request from %(name)s — waiting for your answer", name=executive)
        return _("Request to %(name)s — waiting for an answer", name=mentor)
    if mentorship.status == "declined":
        if is_mentor:
            return _("Request from %(name)s — declined", name=executive)
        return _("Request to %(name)s — declined", name=mentor)
    if mentorship.status == "withdrawn":
        if is_mentor:
            return _("Request from %(name)s — withdrawn", name=executive)
        return _("Request to %(name)s — withdrawn", name=mentor)
    if mentorship.status == "completed":
        return _("%(mentor)s mentored %(executive)s — completed", mentor=mentor, executive=executive)
    return _("%(mentor)s mentors %(executive)s — active", mentor=mentor, executive=executive)


def mentorship_heading(viewer, mentorship) -> str:
    """The page's heading: the title without the status words the badge beside it already shows
    ("Piotr Novak mentors Sabine Beck — active" next to an "active" badge). A request waiting
    keeps whose answer it waits for, which the badge does not say."""
    mentor, executive = mentorship.mentor.name, mentorship.executive.name
    if mentorship.status == "requested":
        return mentorship_title(viewer, mentorship)
    if mentorship.status in ("declined", "withdrawn"):
        if getattr(viewer, "id", None) == mentorship.mentor_id:
            return _("Request from %(name)s", name=executive)
        return _("Request to %(name)s", name=mentor)
    if mentorship.status == "completed":
        return _("%(mentor)s mentored %(executive)s", mentor=mentor, executive=executive)
    return _("%(mentor)s mentors %(executive)s", mentor=mentor, executive=executive)
