"""What leaves the app: e-mail preferences, composing messages in the reader's language and
time zone, sending them over SMTP (or into the outbox), and posts to Teams / Slack channels.

Messages are rows of OutgoingMessage (the sent-log): made once per unique key, sent by a task
after claiming the row, retried with backoff, and shown to admins as failed when they give up.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any, NamedTuple, Protocol

from babel import dates as babel_dates
from flask import current_app, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from community.accounts.models import User
from community.database import rowcount, utcnow
from community.errors import NotFoundError, PermissionDenied, ValidationFailed
from community.extensions import db
from community.i18n import zone_of
from community.outreach.models import ChannelWebhook, NotificationPreference, OutgoingMessage

MODES = ("immediately", "digest", "off")


@dataclass(frozen=True)
class PrefKind:
    key: str
    label: Any
    kinds: tuple[str, ...]
    default: str = "immediately"
    digestable: bool = True
    # What "immediately" means for this kind, where it comes on a schedule (a weekly summary is
    # "Weekly"); the stored mode stays "immediately".
    on_label: Any = None
    # The heading it is listed under on the settings page (a key of PREF_GROUPS).
    group: str = "community"
    # The roles whose holders can receive it; empty: anyone. Only the settings page filters by
    # it; the API lists, and saving accepts, every kind (a role may come later).
    roles: tuple[str, ...] = ()


# The headings of the settings page, in order.
PREF_GROUPS: dict[str, Any] = {
    "community": _l("Community"), "mentoring": _l("Mentoring"), "ambassadors": _l("Ambassadors"),
    "programme": _l("Programme"),
}
# Who takes part in mentoring: the two partners and the change managers who run the programme.
MENTORING_ROLES = ("mentor", "executive", "change_manager")


# What a person chooses per kind. `kinds` are the in-app notification kinds it covers.
PREF_KINDS: tuple[PrefKind, ...] = (
    PrefKind("mention", _l("Someone mentions me"), ("discussion_mention",)),
    PrefKind("reply", _l("Replies in threads I follow"), ("discussion_reply",), "digest"),
    PrefKind("new_thread", _l("New threads in categories I follow"), ("discussion_thread",), "digest"),
    PrefKind("moderation", _l("A moderator hid my post or removed my thread"),
             ("discussion_hidden", "discussion_removed", "discussion_removed_reason", "discussion_restored")),
    PrefKind("topic_question", _l("Questions to me as a topic contact"),
             ("topic_question", "question_followup", "question_helpful", "question_closed")),
    PrefKind("question_answered", _l("Answers to my questions"), ("question_answered",)),
    PrefKind("mentorship_requested", _l("Mentoring requests"),
             ("mentorship_requested", "mentorship_requested_for", "mentorship_requested_on_behalf",
              "mentorship_withdrawn", "mentorship_withdrawn_own", "mentorship_withdrawn_for_requester",
              "mentorship_withdrawn_for_you"), group="mentoring", roles=MENTORING_ROLES),
    PrefKind("mentorship_accepted", _l("A mentoring request was accepted"), ("mentorship_accepted", "mentorship_accepted_yours"), group="mentoring", roles=MENTORING_ROLES),
    PrefKind("mentorship_declined", _l("A mentoring request was declined"), ("mentorship_declined", "mentorship_declined_yours"), group="mentoring", roles=MENTORING_ROLES),
    PrefKind("mentorship_completed", _l("A mentorship was completed"),
             ("mentorship_completed", "mentorship_completed_yours", "mentorship_completed_for_you",
              "mentorship_partner_gone"), group="mentoring", roles=MENTORING_ROLES),
    PrefKind("session_scheduled", _l("A session was scheduled (with calendar invitation)"), ("session_scheduled",), group="mentoring", roles=("mentor", "executive")),
    PrefKind("session_moved", _l("A session was moved (calendar update)"), ("session_rescheduled", "session_resized"), group="mentoring", roles=("mentor", "executive")),
    PrefKind("session_cancelled", _l("A session was cancelled (calendar update)"),
             ("session_cancelled", "session_cancelled_gone", "session_not_held"), group="mentoring", roles=("mentor", "executive")),
    PrefKind("feedback", _l("Feedback on a session"), ("feedback_received",), group="mentoring", roles=("mentor", "executive")),
    PrefKind("nomination", _l("Nominations for the ambassador programme"), ("nomination_received", "nomination_submitted", "nomination_self_submitted"), group="ambassadors", roles=("mentor", "change_manager")),
    PrefKind("nomination_decision", _l("Decisions on nominations and ambassadorships"),
             ("nomination_promoted", "nomination_declined", "nomination_promoted_you", "nomination_declined_you",
              "ambassador_stepped_down", "ambassadorship_ended"), group="ambassadors"),
    PrefKind("reminders", _l("Reminders (sessions, open requests, feedback, profile)"),
             ("reminder_session", "reminder_request", "reminder_request_escalated", "reminder_feedback",
              "reminder_profile"), group="mentoring", roles=MENTORING_ROLES),
    PrefKind("handover", _l("Handovers: a mentorship needs or gets a new mentor"),
             ("handover_needed", "handed_over_executive", "handed_over_new", "handed_over_old", "mentoring_paused",
              "mentorship_declined_leaver"), group="mentoring", roles=MENTORING_ROLES),
    PrefKind("circles", _l("Peer learning circles"), ("circle_invited", "circle_accepted", "circle_declined", "circle_post"),
             "digest", roles=("mentor", "change_manager")),
    PrefKind("surveys", _l("Programme surveys to answer"), ("survey_open_start", "survey_open_end"), group="programme", roles=("mentor", "executive")),
    PrefKind("checkin", _l("A friendly check-in about my mentoring"), ("fading_checkin",), group="programme", roles=("mentor",)),
    PrefKind("weekly_briefing", _l("Weekly briefing for change managers"), ("weekly_briefing",), digestable=False,
             on_label=_l("Weekly"), group="programme", roles=("change_manager",)),
)
PREF_BY_KEY = {pref.key: pref for pref in PREF_KINDS}
# The unsubscribe link of a digest switches off every kind the person gets as a digest.
DIGEST = PrefKind("digest", _l("the daily digest"), ())
PREF_OF_KIND = {kind: pref for pref in PREF_KINDS for kind in pref.kinds}
SESSION_KINDS = {"session_scheduled": "REQUEST", "session_rescheduled": "REQUEST", "session_resized": "REQUEST",
                 "session_cancelled": "CANCEL", "session_cancelled_gone": "CANCEL"}


# --------------------------------------------------------------------------- preferences


def pref_groups_for(user: User) -> list[tuple[Any, list[PrefKind]]]:
    """The kinds that can reach this person (by role), under their headings, for the settings
    page; headings without a kind are left out."""
    groups: dict[str, list[PrefKind]] = {key: [] for key in PREF_GROUPS}
    for pref in PREF_KINDS:
        if not pref.roles or user.has_role(*pref.roles):
            groups[pref.group].append(pref)
    return [(PREF_GROUPS[key], prefs) for key, prefs in groups.items() if prefs]


def preferences(user: User) -> dict[str, str]:
    """Every choosable kind with the person's mode (the default where none is stored)."""
    stored = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode).where(NotificationPreference.user_id == user.id)
    ).all())
    return {pref.key: stored.get(pref.key, pref.default) for pref in PREF_KINDS}


def mode_for(user: User, kind: str) -> str:
    pref = PREF_OF_KIND.get(kind)
    if pref is None:
        return "off"
    stored = db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == pref.key))
    mode = stored or pref.default
    return "immediately" if mode == "digest" and not pref.digestable else mode


def at_once_choice(kind: str) -> str | None:
    """For a notification kind mostly taken as a digest, the preference key under which a
    person who stored "immediately" wants it e-mailed at once; None when anyone may want it so
    (the kind's default). Lets a write that notifies many read, before it writes, who could
    want an e-mail (see community.discussions.services.reply_target): the task
    `outreach.notification_emails` still decides after the commit; this spares it, and a
    query per reply, when none of a thread's followers could want one."""
    pref = PREF_OF_KIND.get(kind)
    if pref is None or pref.default == "immediately" or not pref.digestable:
        return None
    return pref.key


def modes_of(pref: PrefKind) -> tuple[str, ...]:
    """The modes a person may choose for this kind (no digest for a kind that is not collected
    into one, such as the weekly briefing, whose "immediately" reads "Weekly")."""
    return MODES if pref.digestable else tuple(mode for mode in MODES if mode != "digest")


def mode_refusal(pref: PrefKind) -> Any:
    """What a person is told who chose a mode this kind does not offer (lazy: also the API
    schema's message)."""
    if pref.digestable:
        return _l("Choose immediately, daily digest or off.")
    return _l("Choose weekly or off.") if pref.on_label is not None else _l("Choose immediately or off.")


def set_preferences(actor: User, changes: dict[str, str]) -> dict[str, str]:
    """Store the modes a person chose; unknown kinds or modes are refused with the field named."""
    errors = {}
    for key, mode in changes.items():
        pref = PREF_BY_KEY.get(key)
        if pref is None:
            errors[key] = [_("Unknown kind of notification.")]
        elif mode not in modes_of(pref):
            errors[key] = [str(mode_refusal(pref))]
    if errors:
        raise ValidationFailed(_("Please correct the marked choices."), fields=errors)
    for key, mode in changes.items():
        row = db.session.get(NotificationPreference, (actor.id, key))
        if row is None:
            db.session.add(NotificationPreference(user_id=actor.id, kind=key, mode=mode))
        else:
            row.mode = mode
    db.session.flush()
    return preferences(actor)


def choices_for(pref: PrefKind) -> list[tuple[str, str]]:
    options = [("immediately", str(pref.on_label) if pref.on_label is not None else _("Immediately")),
               ("digest", _("In the daily digest")), ("off", _("Off"))]
    return [option for option in options if pref.digestable or option[0] != "digest"]


# --------------------------------------------------------------------------- unsubscribe


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="outreach-unsubscribe")


def unsubscribe_token(user_id: int, pref_key: str) -> str:
    return _serializer().dumps([user_id, pref_key])


def read_unsubscribe_token(token: str) -> tuple[User, PrefKind]:
    """The person and kind a signed link names; a forged or stale link is "not found"."""
    try:
        user_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as error:
        raise NotFoundError(_("This unsubscribe link is not valid.")) from error
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    pref = (DIGEST if key == DIGEST.key else PREF_BY_KEY.get(key)) if isinstance(key, str) else None
    if user is None or pref is None:
        raise NotFoundError(_("This unsubscribe link is not valid."))
    return user, pref


def unsubscribe(token: str) -> tuple[User, PrefKind]:
    """One click, no login: the kind named in the signed link is switched off for its person."""
    user, pref = read_unsubscribe_token(token)
    if pref is DIGEST:
        keys = [key for key, mode in preferences(user).items() if mode == "digest"]
    else:
        keys = [pref.key]
    for key in keys:
        row = db.session.get(NotificationPreference, (user.id, key))
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=key, mode="off"))
        else:
            row.mode = "off"
    db.session.flush()
    return user, pref


# --------------------------------------------------------------------------- composing e-mail


def base_url() -> str:
    return (current_app.config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def absolute(link: str | None) -> str:
    if not link:
        return base_url() + "/"
    if link.startswith(("http://", "https://")):
        return link
    return base_url() + (link if link.startswith("/") else "/" + link)


def site_link(endpoint: str, **values: Any) -> str:
    """The absolute address of a page for an e-mail: BASE_URL and the route's path, whatever
    request (or none) is being served while the e-mail is made."""
    return absolute(current_app.url_map.bind("localhost").build(endpoint, values))


def locale_of(user: User) -> str:
    return str(user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"])


@contextmanager
def as_reader(user: User) -> Iterator[None]:
    """Render in the recipient's language, with links to this site, outside any request."""
    from flask import has_request_context

    from community.i18n import FORMAT_LOCALES

    # As the pages do (community.i18n.select_locale): English with European dates, "6 Aug 2026".
    locale = FORMAT_LOCALES.get(locale_of(user), locale_of(user))
    if has_request_context():
        with in_zone_of(user), force_locale(locale):
            yield
        return
    with current_app.test_request_context("/", base_url=base_url()), in_zone_of(user), force_locale(locale):
        yield


@contextmanager
def in_zone_of(user: User) -> Iterator[None]:
    """Flask-Babel's dates and times in the recipient's time zone (community.i18n.select_timezone
    reads `g.reader_timezone`), not the zone of whoever's request made the e-mail."""
    from flask import g
    from flask_babel import refresh

    before = g.get("reader_timezone")
    g.reader_timezone = zone_of(user).key
    refresh()
    try:
        yield
    finally:
        g.reader_timezone = before
        refresh()


class Addressee(Protocol):
    """What deciding whether someone can be e-mailed needs: a User, or a row of these columns."""

    @property
    def active(self) -> bool: ...
    @property
    def erased_at(self) -> datetime | None: ...
    @property
    def email(self) -> str | None: ...


def reachable(user: Addressee | None) -> bool:
    """Someone active, not erased, with an address (a User, or a row with those columns)."""
    return bool(user is not None and user.active and user.erased_at is None and user.email and "@" in user.email)


def sender() -> str:
    return current_app.config.get("MAIL_DEFAULT_SENDER") or "Mentor Community <no-reply@mentor-community.local>"


def make_email(user: User, *, key: str, kind: str, pref_key: str, subject: str, template: str,
               named: Iterable[int | None], attachments: Iterable[dict[str, Any]] = (),
               **context: Any) -> OutgoingMessage | None:
    """Render text and HTML parts (already inside `as_reader(user)`) and store the message once
    per key; None when that key was made before (another worker, a repeated task). `named`
    (required, so that no kind of e-mail forgets it): the ids of the people it names, quotes or
    was made from, also in its attachments (kept for their erasure: `named_ids`)."""
    if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)) is not None:
        return None
    unsubscribe_url = absolute(f"/unsubscribe/{unsubscribe_token(user.id, pref_key)}")
    settings_url = absolute("/settings/notifications")
    pref = DIGEST if pref_key == DIGEST.key else PREF_BY_KEY[pref_key]
    context.update(user=user, subject=subject, unsubscribe_url=unsubscribe_url, settings_url=settings_url,
                   kind_label=str(pref.label), base_url=base_url(), lang=locale_of(user))
    text = render_template(f"outreach/email/{template}.txt", **context)
    html = render_template(f"outreach/email/{template}.html", **context)
    message = OutgoingMessage(
        key=key, channel="email", user_id=user.id, recipient=user.email, kind=kind, subject=subject[:300],
        body_text=text, body_html=html, attachments=list(attachments), status="queued", created_at=utcnow(),
        named_ids=named_ids(named, but=user.id),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None  # made by someone else in the meantime: the sent-log's unique key
    return message


def account_email(*, recipient: str, locale: str | None, key: str, kind: str, subject: str, template: str,
                  user: User | None = None, **context: Any) -> OutgoingMessage | None:
    """An e-mail about an account itself (registration), to an address that may have no account
    yet: no preferences, no unsubscribe link. Made once per key (None when made before) and
    handed to the sender after the request's commit."""
    from community import tasks

    if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)) is not None:
        return None
    if locale not in current_app.config["LANGUAGES"]:
        locale = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(locale):
        subject = str(subject)
        context.update(subject=subject, base_url=base_url(), lang=locale)
        text = render_template(f"accounts/email/{template}.txt", **context)
        html = render_template(f"accounts/email/{template}.html", **context)
    message = OutgoingMessage(
        key=key, channel="email", user_id=user.id if user is not None else None, recipient=recipient, kind=kind,
        subject=subject[:300], body_text=text, body_html=html, attachments=[], status="queued", created_at=utcnow(),
        headers={"Auto-Submitted": "auto-generated"}, named_ids=[],
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    tasks.enqueue("outreach.deliver", message.id)
    return message


def named_ids(ids: Iterable[int | None], *, but: int | None = None) -> list[int]:
    """The people a message names, as stored (sorted, once each, without its recipient)."""
    return sorted({int(i) for i in ids if i is not None and i != but})


def plain(value: str) -> str:
    """Notification texts are HTML-escaped for pages; the text part wants them unescaped."""
    return html.unescape(value)


# id, kind, active, erased_at, email, stored mode (None: the default, from the outer join)
WantedRows = Select[int, str, bool, datetime | None, str, str]


def _wanted_statement() -> WantedRows:
    """Each notification with what `reachable` needs of its person and the mode they stored for
    its kind (NULL: the default), in one statement built once; run with the ids bound."""
    from community.notifications.models import Notification

    pref_key = case({kind: pref.key for kind, pref in PREF_OF_KIND.items()}, value=Notification.kind, else_=None)
    return (
        select(Notification.id, Notification.kind, User.active, User.erased_at, User.email, NotificationPreference.mode)
        .join(User, User.id == Notification.user_id)
        .outerjoin(NotificationPreference,
                   and_(NotificationPreference.user_id == Notification.user_id, NotificationPreference.kind == pref_key))
        .where(Notification.id.in_(bindparam("ids", expanding=True)))
        .order_by(Notification.id)
    )


_WANTED: list[WantedRows] = []


def wanted_now(note_ids: Iterable[int]) -> list[int]:
    """Of these in-app notifications, those whose person wants an e-mail for it immediately:
    one query for any number of them (a reply notifies every follower of a thread)."""
    ids = sorted({int(i) for i in note_ids})
    if not ids:
        return []
    if not _WANTED:
        _WANTED.append(_wanted_statement())
    wanted = []
    for note in db.session.execute(_WANTED[0], {"ids": ids}):
        pref = PREF_OF_KIND.get(note.kind)
        if pref is None or not reachable(note):
            continue
        mode = note.mode or pref.default
        if mode == "immediately" or (mode == "digest" and not pref.digestable):
            wanted.append(note.id)
    return wanted


def as_sentence(text: str) -> str:
    """A notification's words as the e-mail's sentence: with its full stop (the bell's list and
    the subject go without; "… needs a new mentor (the mentor left the company)")."""
    text = text.rstrip()
    # A quotation that ends its own sentence ends this one too: …“How do I share a page?”
    # (never …?”.); closing quotes in English, German and French style.
    last = text.rstrip(CLOSING_QUOTES)
    return text if not last or last[-1] in ".!?:…" else text + "."


CLOSING_QUOTES = "”“’‘\"'»«›‹"


def notification_email(note_id: int) -> OutgoingMessage | None:
    """The e-mail for one in-app notification, if its person wants it now."""
    from community.notifications.models import Notification
    from community.notifications.privacy import people_named
    from community.notifications.services import render_plain

    note = db.session.get(Notification, note_id)
    if note is None:
        return None
    user = db.session.get(User, note.user_id)
    if user is None or not reachable(user) or mode_for(user, note.kind) != "immediately":
        return None
    from community.discussions.visibility import still_visible

    if not still_visible(user, [note]):
        return None  # a thread moved out of their sight before the e-mail went (a queue's delay)
    pref = PREF_OF_KIND[note.kind]
    attachments = []
    details: list[Detail] = []
    with as_reader(user):
        text = render_plain(note)
        subject = subject_of(text)
        session_id = (note.params or {}).get("session_id")
        if note.kind in SESSION_KINDS and isinstance(session_id, int):
            from community.mentoring.models import MentoringSession

            session = db.session.get(MentoringSession, session_id)
            if session is not None:
                method = SESSION_KINDS[note.kind]
                attachments.append(invitation_attachment(session, user, method))
                details = session_details(session, user)
        elif note.kind in POST_KINDS:
            details = post_details(note.link)
        elif note.kind in MENTORSHIP_KINDS:
            details = mentorship_details(note.link)
        # An end of a mentorship names the sessions it cancelled: each one's calendar cancellation.
        cancelled_ids = (note.params or {}).get("cancelled_session_ids")
        if isinstance(cancelled_ids, list):
            for session in cancelled_sessions(cancelled_ids):
                attachments.append(invitation_attachment(session, user, "CANCEL"))
                details.append(Detail(_("Cancelled"), format_time(user, session.starts_at)))
        return make_email(user, key=f"notification:{note.id}", kind=note.kind, pref_key=pref.key, subject=subject,
                          template="notification", attachments=attachments, named=people_named(note),
                          text=as_sentence(text), link=absolute(note.link),
                          sent_at=format_time(user, note.created_at), details=details)


POST_KINDS = ("discussion_mention", "discussion_reply", "discussion_thread")
EXCERPT_LENGTH = 300
_POST_IN_LINK = re.compile(r"^/threads/(\d+)(?:\?post=(\d+))?(?:#|$)")


class Detail(NamedTuple):
    """A line of an e-mail under its text: "Where: Room 4.12", or a quoted excerpt (no label)."""

    label: str | None
    value: str
    url: str | None = None


def session_details(session: Any, user: User) -> list[Detail]:
    """What an invitation's reader needs without opening the attachment: the time from start to
    end in their zone, the place or video link, the topics and the agenda (never the private
    notes)."""
    from community.i18n import FORMAT_LOCALES, datetime_for

    zone, locale = zone_of(user), locale_of(user)
    end = babel_dates.format_time(session.ends_at, "short", tzinfo=zone, locale=FORMAT_LOCALES.get(locale, locale))
    start = datetime_for(session.starts_at, zone, locale)  # "15 Jan 2027, 10:00 (Berlin)"
    when = start.replace(" (", f"–{end} (", 1) if " (" in start else f"{start}–{end}"
    details = [Detail(_("When"), when + " · " + ngettext("%(num)d minute", "%(num)d minutes", session.duration_minutes))]
    if session.location:
        link = session.location if session.location.startswith(("https://", "http://")) else None
        details.append(Detail(_("Where"), session.location, link))
    topics = ", ".join(row.tag.display_name for row in session.agenda_tags)
    if topics:
        details.append(Detail(_("Topics"), topics))
    if session.agenda:
        details.append(Detail(_("Agenda"), _shortened(session.agenda, 1000)))
    return details


# A request, or a handover, asks its mentor to take someone on: what they would work on.
MENTORSHIP_KINDS = ("mentorship_requested", "mentorship_requested_for", "handed_over_new")
_MENTORSHIP_IN_LINK = re.compile(r"^/mentoring/mentorships/(\d+)$")


def mentorship_details(link: str | None) -> list[Detail]:
    """The learning goals (topics and the executive's own words) of the mentorship a request or
    handover is about, for the mentor it asks: enough to answer from the e-mail's link."""
    from community.mentoring.models import Mentorship

    found = _MENTORSHIP_IN_LINK.match(link or "")
    mentorship = db.session.get(Mentorship, int(found.group(1))) if found else None
    if mentorship is None:
        return []
    details = []
    topics = ", ".join(sorted(goal.tag.display_name for goal in mentorship.goals))
    if topics:
        details.append(Detail(_("Learning goals"), topics))
    if mentorship.goal_text:
        details.append(Detail(None, _shortened(mentorship.goal_text, 1000)))
    return details


def post_details(link: str | None) -> list[Detail]:
    """The post a mention or reply is about (a new thread: its first post), as a plain-text
    excerpt, while it is still shown (not hidden by a moderator, not deleted): the reader sees
    what was said before opening it."""
    from community.discussions.models import Post

    found = _POST_IN_LINK.match(link or "")
    if found is None:
        post = None
    elif found.group(2):
        post = db.session.get(Post, int(found.group(2)))
    else:  # a thread: its first post
        post = db.session.scalar(select(Post).where(Post.thread_id == int(found.group(1)))
                                 .order_by(Post.created_at, Post.id).limit(1))
    if post is None or not post.visible:
        return []
    text = Markup(post.html or "").striptags()  # noqa: S704 - the stored, sanitised HTML, for its text only
    return [Detail(None, _shortened(text, EXCERPT_LENGTH))]


def _shortened(text: str, length: int) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def invitation_attachment(session: Any, user: User, method: str) -> dict[str, Any]:
    """The .ics invitation (REQUEST) or cancellation (CANCEL) of a session for one participant.
    Its link is BASE_URL's, as the e-mail's own links: not the host of the request that caused
    the e-mail (an internal name behind the proxy, "localhost" in tests)."""
    from community.mentoring import calendar

    link = site_link("mentoring.session_detail", session_id=session.id)
    return {
        "filename": "invite.ics" if method == "REQUEST" else "cancel.ics",
        "mimetype": f"text/calendar; method={method}; charset=UTF-8",
        "content": calendar.invitation_ics(session, user, method, organizer=parseaddr(sender())[1], link=link).decode(),
    }


SUBJECT_MAX = 120


def subject_of(text: str) -> str:
    """A notification's text as a subject: whole when short; else its first sentence when that
    says enough, or the words that fit and "…" (never a word cut in half: "pau…"). A subject
    line ends without a full stop, as subjects do ("… is cancelled", not "… is cancelled.")."""
    text = " ".join(text.split())
    if len(text) <= SUBJECT_MAX:
        return _no_full_stop(text)
    for end in (". ", "? ", "! "):
        cut = text.find(end)
        if 30 <= cut < SUBJECT_MAX:
            return _no_full_stop(text[:cut + 1])
    words = text[:SUBJECT_MAX - 1].rsplit(" ", 1)[0]
    if words.rfind("(") > words.rfind(")") and words.rfind("(") >= 30:
        words = words[:words.rfind("(")]  # no parenthesis left open: "… Mentor (der Mentor…"
    return words.rstrip(" ,;:(–-") + "…"


def _no_full_stop(subject: str) -> str:
    return subject[:-1] if subject.endswith(".") and not subject.endswith("..") else subject


def cancelled_sessions(session_ids: list[Any]) -> list[Any]:
    """The sessions of these ids that are cancelled, by time (ids of other kinds are skipped)."""
    from community.mentoring.models import MentoringSession

    ids = [i for i in session_ids if isinstance(i, int) and not isinstance(i, bool)]
    if not ids:
        return []
    return list(db.session.scalars(
        select(MentoringSession).where(MentoringSession.id.in_(ids), MentoringSession.status == "cancelled")
        .order_by(MentoringSession.starts_at, MentoringSession.id)
    ).unique())


def calendar_cancellations_email(session_ids: list[int], user_id: int) -> OutgoingMessage | None:
    """The participant who ended a mentorship gets the cancellations of its sessions still to
    come for their own calendar, in one e-mail (the other side's end notice carries theirs)."""
    user = db.session.get(User, user_id)
    sessions = cancelled_sessions(session_ids)
    if user is None or not sessions or not reachable(user) or mode_for(user, "session_cancelled") == "off":
        return None
    with as_reader(user):
        whens = "; ".join(format_time(user, session.starts_at) for session in sessions)
        text = ngettext("For your calendar: your session on %(when)s is cancelled.",
                        "For your calendar: your sessions on %(when)s are cancelled.", len(sessions), when=whens)
        first = sessions[0]
        versions = ",".join(f"{s.id}.{s.version}" for s in sessions)
        key = f"calendar-cancel:{hashlib.sha256(versions.encode()).hexdigest()[:32]}:{user.id}"
        return make_email(user, key=key, kind="session_cancelled", pref_key=PREF_OF_KIND["session_cancelled"].key,
                          subject=subject_of(text), template="notification",
                          attachments=[invitation_attachment(session, user, "CANCEL") for session in sessions],
                          named=sorted({pid for s in sessions for pid in (s.mentorship.mentor_id, s.mentorship.executive_id)
                                        if pid != user.id}),
                          text=text, link=site_link("mentoring.mentorship_detail", mentorship_id=first.mentorship_id),
                          sent_at=format_time(user, utcnow()),
                          details=[Detail(_("Cancelled"), format_time(user, s.starts_at)) for s in sessions])


def calendar_copy_email(session_id: int, user_id: int, kind: str) -> OutgoingMessage | None:
    """The person who scheduled, moved or cancelled a session gets the calendar invitation (or
    cancellation) too, so their own calendar follows: the other side's notification carries it
    for them. Sent when that kind of e-mail is not switched off; one per session version."""
    from community.mentoring.models import MentoringSession

    session = db.session.get(MentoringSession, session_id)
    user = db.session.get(User, user_id)
    if session is None or kind not in SESSION_KINDS or user is None or not reachable(user):
        return None
    if mode_for(user, kind) == "off":
        return None
    mentorship = session.mentorship
    other_id = mentorship.executive_id if user.id == mentorship.mentor_id else mentorship.mentor_id
    other = db.session.get(User, other_id)
    method = SESSION_KINDS[kind]
    with as_reader(user):
        when = format_time(user, session.starts_at)
        other_name = other.name if other is not None else _("your mentoring partner")
        if kind == "session_scheduled":
            text = _("For your calendar: your session with %(name)s on %(when)s.", name=other_name, when=when)
        elif kind == "session_rescheduled":
            text = _("For your calendar: your session with %(name)s is now on %(when)s.", name=other_name, when=when)
        else:
            text = _("For your calendar: your session with %(name)s on %(when)s is cancelled.", name=other_name, when=when)
        attachment = invitation_attachment(session, user, method)
        link = site_link("mentoring.session_detail", session_id=session.id)
        return make_email(user, key=f"calendar-copy:{session.id}:{user.id}:{session.version}", kind=kind,
                          pref_key=PREF_OF_KIND[kind].key, subject=subject_of(text), template="notification",
                          attachments=[attachment], named=[other_id], text=text, link=link,
                          sent_at=format_time(user, utcnow()),
                          details=session_details(session, user))


def format_time(user: User, value: datetime) -> str:
    from community.i18n import datetime_for

    return datetime_for(value, zone_of(user), locale_of(user))


# --------------------------------------------------------------------------- sending


MAX_ERROR = 500


def backoff(attempts: int) -> timedelta:
    base = float(current_app.config.get("DELIVERY_BACKOFF_SECONDS", 60))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def claim(message_id: int) -> OutgoingMessage | None:
    """queued -> sending for exactly one worker; None when someone else has it or it is done."""
    now = utcnow()
    claimed = rowcount(db.session.execute(
        update(OutgoingMessage)
        .where(OutgoingMessage.id == message_id, OutgoingMessage.status == "queued",
               or_(OutgoingMessage.next_attempt_at.is_(None), OutgoingMessage.next_attempt_at <= now))
        .values(status="sending", attempts=OutgoingMessage.attempts + 1, next_attempt_at=now + timedelta(minutes=10))
        .execution_options(synchronize_session=False)
    ))
    if not claimed:
        return None
    message = db.session.get(OutgoingMessage, message_id)
    if message is not None:
        db.session.refresh(message)
    return message


def transmit(message: OutgoingMessage) -> None:
    """Send a claimed message and record the outcome; a failure is retried later, then "failed"."""
    try:
        if message.channel == "webhook":
            _post_webhook(message)
            message.status = "sent"
        elif not current_app.config.get("MAIL_SERVER"):
            message.status = "outbox"  # development: admins read it at /admin/outbox
        else:
            _send_email(message)
            message.status = "sent"
        message.sent_at = utcnow()
        message.next_attempt_at = None
        message.last_error = None
    except Exception as error:  # noqa: BLE001 - any failure of the far side is retried
        message.last_error = describe(error)
        if message.attempts >= int(current_app.config.get("DELIVERY_MAX_ATTEMPTS", 5)):
            message.status = "failed"
            message.next_attempt_at = None
        else:
            message.status = "queued"
            message.next_attempt_at = utcnow() + backoff(message.attempts)
        current_app.logger.warning("message %s (%s) not delivered: %s", message.id, message.kind, message.last_error)
    db.session.flush()


def describe(error: Exception) -> str:
    """An error for admins and logs, without URLs (a webhook URL is a secret)."""
    if isinstance(error, urllib.error.HTTPError):
        text = f"HTTP {error.code}"
    elif isinstance(error, urllib.error.URLError):
        text = f"{type(error.reason).__name__}: {error.reason}"
    else:
        text = f"{type(error).__name__}: {error}"
    import re

    return re.sub(r"https?://\S+", "<url>", text)[:MAX_ERROR]


def _send_email(message: OutgoingMessage) -> None:
    from flask_mailman import EmailMultiAlternatives

    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, from_email=sender(), to=[message.recipient],
        headers=dict(message.headers or {}),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or []:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send(fail_silently=False)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook answers where it is: a redirect (perhaps into the company's network) fails the post."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise urllib.error.HTTPError(req.full_url, code, f"redirect refused ({msg})", headers, fp)


def _post_webhook(message: OutgoingMessage) -> None:
    from urllib.parse import urlsplit

    hook = db.session.get(ChannelWebhook, message.webhook_id) if message.webhook_id else None
    if hook is None:
        raise RuntimeError("the channel was removed")
    request = urllib.request.Request(  # noqa: S310 - only http(s) URLs are accepted when entered
        hook.url, data=message.body_text.encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "mentor-community"},
    )
    timeout = float(current_app.config.get("WEBHOOK_TIMEOUT", 10))
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        parts = urlsplit(hook.url)
        if not current_app.config.get("WEBHOOK_ALLOW_PRIVATE", False) and (
                _internal_host(parts.hostname or "")
                or _resolved_internally(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))):
            raise PermissionError("the address leads into a private network; this server does not post there")
        with opener.open(request, timeout=timeout) as response:
            response.read(1024)
    except Exception as error:
        hook.last_error = describe(error)
        hook.last_error_at = utcnow()
        raise
    hook.last_success_at = utcnow()
    hook.last_error = None


def due_messages(limit: int = 200) -> list[int]:
    """Messages to (re)try now, and claims of workers that stopped mid-send given back."""
    now = utcnow()
    db.session.execute(
        update(OutgoingMessage).where(OutgoingMessage.status == "sending", OutgoingMessage.next_attempt_at < now)
        .values(status="queued").execution_options(synchronize_session=False)
    )
    return list(db.session.scalars(
        select(OutgoingMessage.id).where(
            OutgoingMessage.status == "queued",
            or_(OutgoingMessage.next_attempt_at.is_(None), OutgoingMessage.next_attempt_at <= now),
        ).order_by(OutgoingMessage.id).limit(limit)
    ))


# --------------------------------------------------------------------------- admin outbox


def require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("You may not do this."))


# Messages about what only its participants see (a question, a mentoring session and its
# feedback, a mentorship, a nomination, a circle) and a person's digest, check-in or briefing:
# administrators see that such a message went to whom and how its delivery went, never its
# subject, text or attachments (private_label).
PRIVATE_KINDS = frozenset({"topic_question", "reminder_session", "reminder_feedback", "feedback_received",
                           "daily_digest"})


LINK_KINDS = frozenset({"registration", "account_exists", "password_reset"})


def private_label(kind: str, status: str = "sent") -> str | None:
    """What the outbox says in place of a private message's subject; None: not private.

    E-mails holding a registration or new-password link are their recipient's alone once a mail
    server delivers them (an administrator reading the link could take the account over). Without
    a mail server (status "outbox", development) the outbox is where they are read."""
    if kind in LINK_KINDS:
        return None if status == "outbox" else str(_("Holds a personal sign-in link: private to its recipient"))
    if kind.startswith("question_") or kind == "topic_question":
        return str(_("About a question: private to its participants"))
    if kind.startswith("session_") or kind in ("reminder_session", "reminder_feedback", "feedback_received"):
        return str(_("About a mentoring session: private to its participants"))
    if kind in PRIVATE_KINDS:
        return str(_("A personal digest: private to its recipient"))
    if kind.startswith(("mentorship_", "handover_", "handed_over_")) or kind in ("reminder_request", "reminder_request_escalated",
                                                                                 "mentoring_paused"):
        return str(_("About a mentorship: private to its participants and the change managers"))
    if kind.startswith(("nomination_", "ambassador")):
        return str(_("About a nomination or ambassadorship: private to the people it concerns and the change managers"))
    if kind.startswith("circle_"):
        return str(_("About a learning circle: private to its members"))
    if kind == "fading_checkin":
        # Not "a check-in": beside the address it would tell who the analysis found fading.
        return str(_("A personal message: private to its recipient"))
    if kind == "weekly_briefing":
        return str(_("A change manager's briefing: private to its recipient"))
    return None


@dataclass(frozen=True)
class OutboxEntry:
    """A message as an administrator sees it in the outbox."""

    id: int
    channel: str
    recipient: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    subject: str
    body_text: str | None  # None: private, not shown
    headers: dict[str, Any]
    attachments: list[dict[str, Any]]
    private: bool

    @classmethod
    def of(cls, message: OutgoingMessage, viewer: User) -> OutboxEntry:
        """A private message is shown in full to the administrator it was written to, to nobody else."""
        private = message.channel == "email" and message.user_id != viewer.id
        label = private_label(message.kind, message.status) if private else None
        return cls(id=message.id, channel=message.channel, recipient=message.recipient, status=message.status,
                   attempts=message.attempts, last_error=message.last_error, created_at=message.created_at,
                   subject=label or message.subject, body_text=None if label else message.body_text,
                   headers={} if label else dict(message.headers or {}),
                   attachments=[] if label else list(message.attachments or []), private=label is not None)


def outbox(actor: User, *, status: str | None, page: int, per_page: int) -> Any:
    from community.pagination import paginate

    require_admin(actor)
    stmt = select(OutgoingMessage)
    if status in ("queued", "sending", "sent", "outbox", "failed"):
        stmt = stmt.where(OutgoingMessage.status == status)
    found = paginate(stmt.order_by(OutgoingMessage.id.desc()), page=page, per_page=per_page)
    found.items = [OutboxEntry.of(message, actor) for message in found.items]
    return found


def outbox_message(actor: User, message_id: int) -> OutboxEntry:
    return OutboxEntry.of(_outbox_row(actor, message_id), actor)


def _outbox_row(actor: User, message_id: int) -> OutgoingMessage:
    require_admin(actor)
    message = db.session.get(OutgoingMessage, message_id)
    if message is None:
        raise NotFoundError(_("No such message."))
    return message


def retry(actor: User, message_id: int) -> OutgoingMessage:
    """An admin sends a failed message again (after fixing the mail server, say)."""
    message = _outbox_row(actor, message_id)
    if message.status != "failed":
        raise ValidationFailed(_("Only a failed message can be sent again."))
    message.status, message.attempts, message.next_attempt_at = "queued", 0, None
    db.session.flush()
    from community import tasks

    tasks.enqueue("outreach.deliver", message.id)
    return message


# --------------------------------------------------------------------------- Teams and Slack


def require_channel_manager(actor: User) -> None:
    if not (actor.is_admin or actor.is_change_manager):
        raise PermissionDenied(_("You may not do this."))


def mask(url: str) -> str:
    """Enough to recognise a URL, never enough to use it."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…{url[-4:]}"


def flavour_of(url: str) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return "slack" if host == "hooks.slack.com" or host.endswith(".slack.com") else "teams"


def valid_webhook_url(url: str) -> str:
    from urllib.parse import urlsplit

    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "https://[::1" and the like
        parts, host = None, None
    allow_http = current_app.config.get("WEBHOOK_ALLOW_HTTP", False)
    if parts is None or (parts.scheme != "https" and not (allow_http and parts.scheme == "http")) or not host \
            or len(url) > 1000 or any(c.isspace() for c in url):
        raise ValidationFailed(_("Enter the https:// address of an incoming webhook."),
                              fields={"url": [_("Enter the https:// address of an incoming webhook.")]})
    if not current_app.config.get("WEBHOOK_ALLOW_PRIVATE", False) and _internal_host(host):
        message = _("Enter the address of a webhook on the internet (Teams or Slack): this server does not post to "
                    "addresses in the company's own network or on itself.")
        raise ValidationFailed(message, fields={"url": [message]})
    return url


INTERNAL_NAMES = ("localhost", "localhost.localdomain")
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp")


def _internal_address(address: str) -> bool:
    """Whether an IP address lies outside the public internet (loopback, private, link-local,
    the cloud's metadata address, multicast, reserved), also written as IPv4 inside IPv6."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _internal_host(host: str) -> bool:
    """A host name or address a change manager may not have the server post to: one on the
    server itself or in a private network (they could otherwise reach internal services)."""
    import socket

    host = host.rstrip(".").lower()
    if host in INTERNAL_NAMES or host.endswith(INTERNAL_SUFFIXES) or _internal_address(host):
        return True
    try:  # 127.1, 0x7f.1, 2130706433: what the resolver reads as an IPv4 address
        return _internal_address(socket.inet_ntoa(socket.inet_aton(host)))
    except OSError:
        pass
    return "." not in host and ":" not in host  # a bare name ("intranet") is resolved inside the company


def _resolved_internally(host: str, port: int) -> bool:
    """At delivery: whether the name now leads into a private network (a DNS answer can change
    after the address was saved)."""
    import socket

    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False  # the post fails to connect and says so
    return any(_internal_address(str(answer[4][0])) for answer in answers)


def channels(actor: User) -> tuple[list[Any], ChannelWebhook | None, dict[int, ChannelWebhook]]:
    from community.discussions.models import Category

    require_channel_manager(actor)
    categories = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    hooks = list(db.session.scalars(select(ChannelWebhook)))
    by_category = {hook.category_id: hook for hook in hooks if hook.category_id is not None}
    ambassadors = next((hook for hook in hooks if hook.scope == "ambassadors"), None)
    return categories, ambassadors, by_category


def channel_for_category(category_id: int) -> ChannelWebhook | None:
    return db.session.scalar(select(ChannelWebhook).where(ChannelWebhook.category_id == category_id))


def set_channel(actor: User, scope: str, category_id: int | None, url: str | None) -> ChannelWebhook | None:
    """Set (or with an empty URL remove) a channel's webhook; logged without the URL."""
    from community.audit import services as audit
    from community.discussions.models import Category

    require_channel_manager(actor)
    if scope == "category":
        if category_id is None or db.session.get(Category, category_id) is None:
            raise NotFoundError(_("No such category."))
        hook = channel_for_category(category_id)
    else:
        category_id = None
        hook = db.session.scalar(select(ChannelWebhook).where(ChannelWebhook.scope == "ambassadors"))
    if not (url or "").strip():
        if hook is not None:
            db.session.delete(hook)
            db.session.flush()
            audit.record("outreach.channel_removed", actor=actor, subject_type=scope, subject_id=category_id)
        return None
    url = valid_webhook_url(url or "")
    if hook is None:
        hook = ChannelWebhook(scope=scope, category_id=category_id, url=url, flavour=flavour_of(url))
        db.session.add(hook)
    hook.url, hook.flavour = url, flavour_of(url)
    hook.updated_by_id, hook.updated_at = actor.id, utcnow()
    hook.last_error = hook.last_error_at = None
    db.session.flush()
    audit.record("outreach.channel_set", actor=actor, subject_type=scope, subject_id=category_id,
                 data={"flavour": hook.flavour})
    return hook


def channel_locale() -> str:
    """The language channel posts are written in: one for the whole channel, whoever started
    the thread or decided the promotion (CHANNEL_LANGUAGE, else the default language)."""
    chosen = current_app.config.get("CHANNEL_LANGUAGE")
    return str(chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"])


def webhook_post(hook: ChannelWebhook, *, key: str, kind: str, title: str, text: str, link: str,
                 facts: list[tuple[str, str]], named: Iterable[int | None]) -> OutgoingMessage | None:
    """A post for one channel, once per key: an Adaptive Card for Teams, Block Kit for Slack.
    `named`: the people it names (kept for their erasure)."""
    if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)) is not None:
        return None
    payload = teams_card(title, text, link, facts) if hook.flavour == "teams" else slack_blocks(title, text, link, facts)
    message = OutgoingMessage(
        key=key, channel="webhook", webhook_id=hook.id, recipient=mask(hook.url), kind=kind, subject=title[:300],
        body_text=json.dumps(payload), status="queued", created_at=utcnow(), headers={}, attachments=[],
        named_ids=named_ids(named),
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def teams_card(title: str, text: str, link: str, facts: list[tuple[str, str]]) -> dict[str, Any]:
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": text, "wrap": True},
            {"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in facts]},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": str(_("Open")), "url": link}],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
    ]}


def _slack_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_blocks(title: str, text: str, link: str, facts: list[tuple[str, str]]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(text)[:3000]}},
    ]
    if facts:
        blocks.append({"type": "section", "fields": [
            {"type": "mrkdwn", "text": f"*{_slack_escape(name)}*\n{_slack_escape(value)}"} for name, value in facts[:10]
        ]})
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": str(_("Open"))}, "url": link}
    ]})
    return {"text": _slack_escape(title), "blocks": blocks}  # the fallback (phone notifications) is mrkdwn too


# --------------------------------------------------------------------------- privacy


def export(user: User) -> dict[str, Any]:
    """Own preferences and the e-mails sent to the person (webhook URLs are never included)."""
    rows = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.user_id == user.id).order_by(OutgoingMessage.id))
    return {
        "notification_prefs": preferences(user),
        "emails": [{"subject": m.subject, "kind": m.kind, "status": m.status, "created_at": m.created_at.isoformat(),
                    "sent_at": m.sent_at.isoformat() if m.sent_at else None} for m in rows],
    }


def erase(user: User) -> None:
    db.session.execute(delete(OutgoingMessage).where(OutgoingMessage.user_id == user.id))
    if user.email:  # the registration e-mail went to the address before the account existed
        db.session.execute(delete(OutgoingMessage).where(OutgoingMessage.recipient == user.email))
    # Messages to others about the person (_about): not yet delivered, they are not delivered
    # at all (nor can they be sent again; a daily digest is made afresh at its next run, as its
    # key is free again, from what is left: "Former member"); delivered ones keep their place
    # in the sent-log, not their text.
    for message in _about(user):
        if message.status in ("sent", "sending"):
            message.subject, message.body_text, message.body_html = _("Removed: it named a person whose account was erased"), "", None
            message.headers, message.attachments, message.named_ids = {}, [], []
        else:
            db.session.delete(message)
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))


def _about(user: User) -> list[OutgoingMessage]:
    """Messages kept for others that name the person or were made from what they did:

    - those that record them among the people they name (`named_ids`: the notifications a
      digest or e-mail was made from, with their actors and the people they name; a
      briefing's nominees and fading mentors; a calendar copy's partner; a channel post's
      author or new ambassador) — by who they are, never by a name;
    - made before that was recorded: an e-mail made from a notification naming them, and a
      daily digest of its recipient's notifications when one of that digest's own period
      names them and the digest shows that name (a namesake's digest has no such notification);
    - any e-mail naming their address or @handle (whole, not "@uwe.vogel" in "@uwe.vogel2").

    A name alone tells nothing: every e-mail greets its recipient by name, and a namesake's
    must stay. Runs before the notifications are erased (features erase in reverse order)."""
    from community.notifications.models import Notification
    from community.notifications.privacy import naming

    # The list as stored ("[3, 12, 45]"): the id whole, not 12 in 123 (the rows found are checked).
    as_text = cast(OutgoingMessage.named_ids, String)
    recorded = and_(OutgoingMessage.named_ids.is_not(None), or_(*(
        as_text.like(f"%{before}{user.id}{after}%") for before in ("[", " ") for after in ("]", ","))))
    legacy = OutgoingMessage.named_ids.is_(None)
    keys = select(literal("notification:") + cast(Notification.id, String)).where(naming(user.id))
    recipients = select(Notification.user_id).where(naming(user.id))
    about: list[ColumnElement[bool]] = [
        recorded,
        and_(legacy, OutgoingMessage.key.in_(keys)),
        and_(legacy, OutgoingMessage.kind == "daily_digest", OutgoingMessage.user_id.in_(recipients)),
    ]
    tokens = [token for token in (user.email, f"@{user.handle}" if user.handle else None) if token]
    for token in tokens:
        about += [and_(OutgoingMessage.channel == "email", OutgoingMessage.subject.contains(token, autoescape=True)),
                  and_(OutgoingMessage.channel == "email", OutgoingMessage.body_text.contains(token, autoescape=True))]
    whole = [re.compile(rf"(?<![\w.@+-]){re.escape(token)}(?![\w-]|\.\w)", re.IGNORECASE) for token in tokens]
    found = []
    for message in db.session.scalars(select(OutgoingMessage).where(or_(*about)).order_by(OutgoingMessage.id)):
        text = f"{message.subject}\n{message.body_text}"
        if message.named_ids is not None:
            hit = user.id in message.named_ids
        else:
            hit = _made_by_notification_naming(message, user.id) or _legacy_digest_naming(message, user)
        if not hit and message.channel == "email":
            hit = any(pattern.search(text) for pattern in whole)
        if hit:
            found.append(message)
    return found


def _made_by_notification_naming(message: OutgoingMessage, user_id: int) -> bool:
    from community.notifications.models import Notification
    from community.notifications.privacy import people_named

    number = message.key.removeprefix("notification:")
    if not message.key.startswith("notification:") or not number.isascii() or not number.isdecimal():
        return False
    note = db.session.get(Notification, int(number))
    return note is not None and user_id in people_named(note)


def _legacy_digest_naming(message: OutgoingMessage, user: User) -> bool:
    """A digest made before the outbox recorded whom it names: one of the notifications of its
    period (after its recipient's previous digest, at most 7 days) names the person, and the
    digest shows the name that notification gave them."""
    from community.notifications.models import Notification
    from community.notifications.privacy import NAME_PARAMS, naming, people_named

    if message.kind != "daily_digest" or message.user_id is None:
        return False
    previous = db.session.scalar(select(func.max(OutgoingMessage.created_at)).where(
        OutgoingMessage.user_id == message.user_id, OutgoingMessage.kind == "daily_digest",
        OutgoingMessage.created_at < message.created_at))
    since = max(previous or message.created_at - timedelta(days=7), message.created_at - timedelta(days=7))
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == message.user_id, Notification.created_at > since,
        Notification.created_at <= message.created_at, naming(user.id)))
    text = f"{message.subject}\n{message.body_text}"
    for note in notes:
        if user.id not in people_named(note):
            continue
        params = note.params or {}
        shown = {user.stored_name} if note.actor_id == user.id else set()
        shown |= {str(params[key]) for key in NAME_PARAMS if params.get(f"{key}_id") == user.id and params.get(key)}
        if any(name and name in text for name in shown):
            return True
    return False


def retain(cutoff: datetime) -> dict[str, int]:
    from community.outreach.models import TaskClaim

    messages = rowcount(db.session.execute(delete(OutgoingMessage).where(
        OutgoingMessage.created_at < cutoff, OutgoingMessage.status.in_(("sent", "outbox", "failed")))))
    claims = rowcount(db.session.execute(delete(TaskClaim).where(TaskClaim.created_at < cutoff)))
    return {"outgoing messages": messages, "task claims": claims}


def in_zone(user: User, value: datetime) -> datetime:
    return value.replace(tzinfo=value.tzinfo or UTC).astimezone(zone_of(user))


# --------------------------------------------------------------------------- reminder texts

def _register_reminder_kinds() -> None:
    from community.notifications.services import register_kind

    register_kind("reminder_session", _l("Reminder: your mentoring session with %(other)s is on %(when)s."))
    register_kind("reminder_request", _l("%(executive)s has been waiting %(days)s days for your answer to a mentoring request."))
    register_kind("reminder_request_escalated",
                  _l("The mentoring request of %(executive)s to %(mentor)s has been unanswered for %(days)s days."))
    register_kind("reminder_feedback", _l("How was your mentoring session of %(when)s? Your feedback is due."))
    register_kind("reminder_profile", _l("Add your topics to your profile so that executives can find you as a mentor."))


_register_reminder_kinds()
