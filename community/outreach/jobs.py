"""The tasks of reaching people: sending, retrying, reminders, digests, the weekly briefing,
channel posts, and the periodic chores (retention, the nightly network snapshot).

Registered with community.tasks, which commits after each task; `deliver` also commits its
claim before talking to the mail server, so a second worker never sends the same message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import String, exists, func, literal, select
from sqlalchemy import cast as sql_cast

from community import tasks
from community.accounts.models import User, UserRole
from community.database import utcnow
from community.extensions import db
from community.notifications.services import moment, notify, notify_many
from community.outreach import briefing, services
from community.outreach.models import OutgoingMessage
from community.unit_of_work import commit, read_apart


@tasks.task("outreach.notification_emails")
def notification_emails(notification_ids: list[int]) -> None:
    """E-mail each new in-app notification to its person if they want that kind immediately.

    Who wants one is read apart (no write lock): most followers of a thread take their
    notifications in the app or as a digest, and a reply then writes nothing more here."""
    with read_apart():
        wanted = services.wanted_now(notification_ids)
    for note_id in wanted:
        message = services.notification_email(int(note_id))
        if message is not None:
            db.session.flush()
            tasks.enqueue("outreach.deliver", message.id)


@tasks.task("outreach.calendar_copy")
def calendar_copy(session_id: int, user_id: int, kind: str) -> None:
    """The actor's own calendar invitation for a session they scheduled, moved or cancelled."""
    message = services.calendar_copy_email(int(session_id), int(user_id), str(kind))
    if message is not None:
        db.session.flush()
        tasks.enqueue("outreach.deliver", message.id)


@tasks.task("outreach.calendar_cancellations")
def calendar_cancellations(session_ids: list[int], user_id: int) -> None:
    """The cancellations, for their own calendar, of the sessions a person's ending of their mentorship called off."""
    message = services.calendar_cancellations_email([int(i) for i in session_ids], int(user_id))
    if message is not None:
        db.session.flush()
        tasks.enqueue("outreach.deliver", message.id)


@tasks.task("outreach.deliver")
def deliver(message_id: int) -> None:
    message = services.claim(int(message_id))
    commit()  # the claim is visible to every other worker before we talk to the far side
    if message is None:
        return
    services.transmit(message)


@tasks.task("outreach.deliver_due", every=60)
def deliver_due() -> None:
    """Retries whose time has come, and messages whose hand-over was lost (broker down)."""
    due = services.due_messages()
    commit()
    for message_id in due:
        tasks.enqueue("outreach.deliver", message_id)


# --------------------------------------------------------------------------- reminders


@tasks.task("outreach.reminders", every=15 * 60)
def reminders(now: datetime | None = None) -> None:
    from community.ambassadors.services import change_manager_ids
    from community.mentoring.models import MentoringSession, Mentorship, SessionFeedback
    from community.mentoring.services import path_for
    from community.profiles.models import PersonTag

    now = now or utcnow()
    # A session in the next 24 hours: both participants (again after a move).
    soon = db.session.scalars(select(MentoringSession).where(
        MentoringSession.status == "planned", MentoringSession.starts_at > now,
        MentoringSession.starts_at <= now + timedelta(hours=24)))
    for session in soon:
        mentorship = session.mentorship
        for person in (mentorship.mentor, mentorship.executive):
            if tasks.claim_period(f"reminder_session:{session.id}:{person.id}:{session.starts_at.isoformat()}"):
                other = mentorship.executive if person.id == mentorship.mentor_id else mentorship.mentor
                notify(person.id, "reminder_session", link=path_for("mentoring.session_detail", session_id=session.id),
                       when=moment(session.starts_at), other=other)
    # A request unanswered for 3 days goes to the mentor, after 7 days to the change managers.
    waiting = db.session.scalars(select(Mentorship).where(
        Mentorship.status == "requested", Mentorship.requested_at <= now - timedelta(days=3)))
    managers: list[int] | None = None
    for mentorship in waiting:
        link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
        if tasks.claim_period(f"reminder_request:{mentorship.id}"):
            notify(mentorship.mentor_id, "reminder_request", link=link, executive=mentorship.executive,
                   days=(now - mentorship.requested_at).days)
        if mentorship.requested_at <= now - timedelta(days=7) and tasks.claim_period(f"reminder_request_escalated:{mentorship.id}"):
            managers = change_manager_ids() if managers is None else managers
            notify_many(managers, "reminder_request_escalated", link=link, executive=mentorship.executive,
                        mentor=mentorship.mentor, days=(now - mentorship.requested_at).days)
    # Feedback due the day after a session that took place.
    done = db.session.scalars(select(MentoringSession).where(
        MentoringSession.status == "done", MentoringSession.ends_at <= now - timedelta(days=1),
        MentoringSession.ends_at > now - timedelta(days=8)))
    for session in done:
        mentorship = session.mentorship
        for person in (mentorship.mentor, mentorship.executive):
            given = db.session.scalar(select(exists().where(
                SessionFeedback.session_id == session.id, SessionFeedback.author_id == person.id)))
            if not given and tasks.claim_period(f"reminder_feedback:{session.id}:{person.id}"):
                notify(person.id, "reminder_feedback", link=path_for("mentoring.session_detail", session_id=session.id),
                       when=moment(session.starts_at))
    # A new mentor whose profile names no topics after a week.
    bare = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "mentor", User.active.is_(True), User.erased_at.is_(None),
        User.created_at <= now - timedelta(days=7), User.created_at > now - timedelta(days=60),
        ~exists().where(PersonTag.user_id == User.id)))
    for person in bare:
        if tasks.claim_period(f"reminder_profile:{person.id}"):
            notify(person.id, "reminder_profile", link=f"/people/{person.id}/edit")


# --------------------------------------------------------------------------- digests and briefing


def _local_now(user: User, now: datetime) -> datetime:
    return services.in_zone(user, now)


@tasks.task("outreach.daily_digests", every=15 * 60)
def daily_digests(now: datetime | None = None) -> None:
    """Once a day, from DIGEST_HOUR in each person's own time zone: what they chose to get as a
    digest, since their previous digest (at most the last 7 days)."""
    from community.notifications.models import Notification

    now = now or utcnow()
    hour = int(current_app.config.get("DIGEST_HOUR", 7))
    digest_kinds = [kind for pref in services.PREF_KINDS if pref.digestable for kind in pref.kinds]
    candidates = db.session.scalars(
        select(User).where(User.active.is_(True), User.erased_at.is_(None), exists().where(
            Notification.user_id == User.id, Notification.kind.in_(digest_kinds),
            Notification.created_at > now - timedelta(days=7)))
    )
    for user in candidates:
        local = _local_now(user, now)
        if local.hour < hour or not services.reachable(user):
            continue
        wanted = [kind for kind in digest_kinds if services.mode_for(user, kind) == "digest"]
        if not wanted:
            continue
        key = f"digest:{user.id}:{local.date().isoformat()}"
        if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)) is not None:
            continue
        previous = db.session.scalar(select(func.max(OutgoingMessage.created_at)).where(
            OutgoingMessage.user_id == user.id, OutgoingMessage.kind == "daily_digest"))
        since = max(previous or now - timedelta(days=1), now - timedelta(days=7))
        notes = list(db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind.in_(wanted), Notification.created_at > since,
            Notification.created_at <= now,
            # e-mailed at once before they chose the digest: not again
            ~exists().where(OutgoingMessage.key == literal("notification:") + sql_cast(Notification.id, String)),
        ).order_by(Notification.id)))
        from community.discussions.visibility import still_visible

        notes = still_visible(user, notes)  # a thread may have moved out of their sight since
        if not notes:
            continue
        from community.notifications.privacy import people_named
        from community.notifications.services import render_plain

        with services.as_reader(user):
            items = [{"text": render_plain(n), "link": services.absolute(n.link),
                      "when": services.format_time(user, n.created_at)} for n in notes]
            from flask_babel import ngettext

            subject = ngettext("Your daily digest: %(num)d new notification",
                               "Your daily digest: %(num)d new notifications", len(items))
            message = services.make_email(user, key=key, kind="daily_digest", pref_key=services.DIGEST.key,
                                          subject=subject, template="digest", items=items,
                                          named=[i for n in notes for i in people_named(n)])
        if message is not None:
            db.session.flush()
            tasks.enqueue("outreach.deliver", message.id)


@tasks.task("outreach.weekly_briefing", every=60 * 60)
def weekly_briefing(now: datetime | None = None) -> None:
    """Mondays from DIGEST_HOUR local time: the state of the mentor pool for change managers, what
    changed in pool health since the snapshot a week earlier, new nominations, fading mentors."""
    now = now or utcnow()
    hour = int(current_app.config.get("DIGEST_HOUR", 7))
    managers = db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == "change_manager", User.active.is_(True), User.erased_at.is_(None)))
    figures: dict[str, object] | None = None
    for user in managers:
        local = _local_now(user, now)
        if local.weekday() != 0 or local.hour < hour or not services.reachable(user):
            continue
        if services.mode_for(user, "weekly_briefing") == "off":
            continue
        year, week, _day = local.isocalendar()
        key = f"briefing:{user.id}:{year}-W{week:02d}"
        if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)) is not None:
            continue
        figures = figures if figures is not None else briefing_figures(now)
        changes = cast("briefing.PoolChanges | None", figures["pool"])
        nominations = cast("list[dict[str, Any]]", figures["nominations"])
        with services.as_reader(user):
            subject = _("Weekly briefing: the mentor pool in week %(week)d", week=week)
            message = services.make_email(user, key=key, kind="weekly_briefing", pref_key="weekly_briefing",
                                          subject=subject, template="briefing", figures=figures,
                                          nominations=nominations, pool_lines=briefing.pool_lines(changes),
                                          fading_line=briefing.fading_line(changes),
                                          fading_names=briefing.fading_names(changes),
                                          network_url=services.absolute("/network"),
                                          named=[n["person_id"] for n in nominations] + briefing.fading_ids(changes))
        if message is not None:
            db.session.flush()
            tasks.enqueue("outreach.deliver", message.id)


def briefing_figures(now: datetime) -> dict[str, object]:
    from community.ambassadors.models import Nomination
    from community.mentoring.models import Mentorship

    week_ago = now - timedelta(days=7)

    def count(stmt) -> int:  # noqa: ANN001
        return int(db.session.scalar(stmt) or 0)

    mentors = count(select(func.count()).select_from(UserRole).join(User).where(
        UserRole.role == "mentor", User.active.is_(True)))
    new_mentors = count(select(func.count()).select_from(UserRole).join(User).where(
        UserRole.role == "mentor", User.active.is_(True), User.created_at > week_ago))
    active = count(select(func.count(Mentorship.id)).where(Mentorship.status == "active"))
    requested = count(select(func.count(Mentorship.id)).where(Mentorship.requested_at > week_ago))
    waiting = count(select(func.count(Mentorship.id)).where(
        Mentorship.status == "requested", Mentorship.requested_at <= now - timedelta(days=3)))
    completed = count(select(func.count(Mentorship.id)).where(
        Mentorship.status == "completed", Mentorship.completed_at > week_ago))
    nominations = [
        {"name": n.nominee.name, "link": services.absolute(f"/ambassadors/nominations/{n.id}"),
         "person_id": n.nominee_id}
        for n in db.session.scalars(select(Nomination).where(Nomination.created_at > week_ago).order_by(Nomination.id))
    ]
    return {"mentors": mentors, "new_mentors": new_mentors, "active": active, "requested": requested,
            "waiting": waiting, "completed": completed, "nominations": nominations,
            "pool": briefing.pool_changes(now)}


# --------------------------------------------------------------------------- Teams and Slack


@tasks.task("outreach.post_thread")
def post_thread(thread_id: int) -> None:
    """A new thread to its category's channel."""
    from community.discussions.models import Thread

    thread = db.session.get(Thread, int(thread_id))
    if thread is None or thread.removed:  # removed by a moderator before it was announced
        return
    hook = services.channel_for_category(thread.category_id)
    if hook is None:
        return
    author = db.session.get(User, thread.author_id) if thread.author_id else None
    category = thread.category
    with force_locale(services.channel_locale()):  # not the language of whoever started the thread
        message = services.webhook_post(
            hook, key=f"thread:{thread.id}:channel:{hook.id}", kind="discussion_thread",
            title=thread.title, text=_("New thread in %(category)s", category=category.display_name),
            link=services.absolute(f"/threads/{thread.id}"),
            facts=[(_("Category"), category.display_name), (_("Started by"), author.name if author else "—")],
            named=[thread.author_id],
        )
    if message is not None:
        db.session.flush()
        tasks.enqueue("outreach.deliver", message.id)


@tasks.task("outreach.post_promotion")
def post_promotion(nomination_id: int) -> None:
    """A new change ambassador to the ambassador-news channel."""
    from community.ambassadors.models import Nomination
    from community.outreach.models import ChannelWebhook

    nomination = db.session.get(Nomination, int(nomination_id))
    hook = db.session.scalar(select(ChannelWebhook).where(ChannelWebhook.scope == "ambassadors"))
    if nomination is None or hook is None or nomination.status != "promoted":
        return
    person = nomination.nominee
    if not (person.active and person.directory_visible):
        return  # someone hidden from the directory is not announced to everyone by name
    with force_locale(services.channel_locale()):  # not the language of whoever decided
        message = services.webhook_post(
            hook, key=f"promotion:{nomination.id}:channel:{hook.id}", kind="nomination_promoted",
            title=_("%(name)s is now a change ambassador", name=person.name),
            text=_("Welcome the new change ambassador!"),
            link=services.absolute(f"/people/{person.id}"),
            facts=[(_("Department"), person.department or "—")],
            named=[person.id],
        )
    if message is not None:
        db.session.flush()
        tasks.enqueue("outreach.deliver", message.id)


# --------------------------------------------------------------------------- periodic chores


@tasks.task("privacy.retention", every=60 * 60)
def retention(now: datetime | None = None) -> None:
    """Once a day: delete what is older than RETENTION_MONTHS."""
    from community.privacy.services import run_retention

    now = now or utcnow()
    if tasks.claim_period(f"retention:{now.date().isoformat()}"):
        run_retention()


@tasks.task("network.nightly_snapshot", every=60 * 60)
def nightly_snapshot(now: datetime | None = None) -> None:
    """Once a night (from SNAPSHOT_HOUR UTC): a fresh snapshot of the network analysis."""
    from community.network import services as network

    now = now or utcnow()
    if now.hour < int(current_app.config.get("SNAPSHOT_HOUR", 2)):
        return
    if tasks.claim_period(f"snapshot:{now.date().isoformat()}"):
        commit()
        network.compute_snapshot(None, after_loading=commit)


@tasks.task("network.run_job", max_retries=0)
def run_analysis_job(job_id: int) -> None:
    """A queued analysis of a big organisation (claimed atomically, so it runs once)."""
    from community.network import services as network

    network.run_job(int(job_id))
