"""What people find in the e-mails they get: links that open, the site's own address, their
language and time zone, subjects that read as sentences."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days

BASE = "https://mentoring.example.org"


@pytest.fixture
def app_config():
    return {"BASE_URL": BASE}


def _emails(db, recipient):
    from community.outreach.models import OutgoingMessage

    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).where(
        OutgoingMessage.recipient == recipient, OutgoingMessage.channel == "email").order_by(OutgoingMessage.id)))


def _links(text):
    return re.findall(r"https?://\S+", text)


def _event(message):
    [attachment] = message.attachments
    return Calendar.from_ical(attachment["content"]).walk("VEVENT")[0]


def test_the_schedulers_calendar_copy_opens_the_session_and_invitations_link_the_site(
        people, create_mentorship, api, client, login_as, db):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201, made.json
    session_page = f"{BASE}/sessions/{made.json['id']}"

    [copy] = _emails(db, mentor.email)  # "For your calendar: …"
    assert session_page in _links(copy.body_text)
    assert f'href="{session_page}"' in copy.body_html
    login_as(mentor)
    assert client.get(session_page.removeprefix(BASE)).status_code == 200

    # The invitation in either e-mail links the site's address, not the host the request came to.
    [invitation] = _emails(db, executive.email)
    # The notification's words are the e-mail's sentence, with its full stop (the subject has none).
    sentence = invitation.body_text.split("\n\n")[1]
    assert sentence.endswith(".") and not invitation.subject.endswith("."), sentence
    for message in (copy, invitation):
        description = str(_event(message)["DESCRIPTION"])
        assert session_page in description and "localhost" not in description


def test_a_german_reader_gets_html_marked_german_and_an_english_one_european_dates(create_user, app, db):
    """Screen readers read the HTML part in the language it declares; English dates read as on
    the pages (6 Aug 2026), not in the American order (Aug 6, 2026)."""
    from datetime import timedelta

    from community import tasks
    from community.database import utcnow
    from community.network.models import AnalysisSnapshot
    from tests.conftest import isolated

    english = create_user(roles=("change_manager",), name="Carla Change", timezone="UTC", locale="en")
    german = create_user(roles=("change_manager",), name="Gerd Wandel", timezone="UTC", locale="de")
    now = utcnow()
    monday = now + timedelta(minutes=1) if now.weekday() == 0 else \
        (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=30)
    before = monday - timedelta(days=20)
    app.config["DIGEST_HOUR"] = 0

    def run():
        with app.app_context():
            from community.extensions import db as database

            database.session.add(AnalysisSnapshot(computed_at=before, summary={"idle": 5}))
            database.session.add(AnalysisSnapshot(computed_at=monday - timedelta(hours=1), summary={"idle": 7}))
            database.session.commit()
            tasks.run_now("outreach.weekly_briefing", monday)

    isolated(app, run)
    [english_mail] = _emails(db, english.email)
    [german_mail] = _emails(db, german.email)
    assert '<html lang="de">' in german_mail.body_html and "Hallo Gerd Wandel" in german_mail.body_text
    assert '<html lang="en">' in english_mail.body_html
    assert re.search(rf"7 idle mentors \(\+2 since {before.day} [A-Z][a-z]{{2,4}} {before.year}\)", english_mail.body_text), \
        english_mail.body_text  # "6 Aug 2026"
    assert f"(+2 seit {before:%d.%m.%Y})" in german_mail.body_text


def test_session_times_are_in_each_readers_zone_and_name_it(people, create_mentorship, api, db, login_as, client):
    """Mentor in Berlin, executive in New York: each reads the session in their own zone, named."""
    from datetime import UTC, datetime

    mentor, executive = people(mentor_fields={"timezone": "Europe/Berlin", "locale": "de"},
                               executive_fields={"timezone": "America/New_York", "locale": "en"})
    mentorship_id = create_mentorship(mentor, executive)
    starts = datetime(datetime.now(UTC).year + 1, 1, 15, 15, 0, tzinfo=UTC)  # winter: UTC-5 and UTC+1
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": starts.isoformat(), "duration_minutes": 60})
    assert made.status_code == 201, made.json
    [invitation] = _emails(db, executive.email)
    year = starts.year
    assert f"15 Jan {year}, 10:00 (New York)" in invitation.subject
    assert f"15 Jan {year}, 10:00 (New York)" in invitation.body_text
    [copy] = _emails(db, mentor.email)
    assert f"15.01.{year}, 16:00 (Berlin)" in copy.subject
    # A subject line, not a sentence: no full stop at its end (the body keeps it).
    assert copy.subject.endswith("(Berlin)") and copy.subject + "." in copy.body_text
    login_as(executive)  # the notification in the app reads the same
    assert f"15 Jan {year}, 10:00 (New York)" in text_of(client.get("/notifications/"))


@pytest.mark.parametrize(("locale", "subject"), [
    ("en", "How is mentoring going for you?"),
    ("de", "Wie läuft das Mentoring für Sie?"),
])
def test_a_long_notification_gives_a_subject_of_whole_words(create_user, app, db, locale, subject):
    """The check-in's subject was its whole text cut at 117 characters: "… your mentee…"."""
    from community import tasks
    from community.extensions import db as database
    from community.notifications.services import notify
    from tests.conftest import isolated

    mentor = create_user(roles=("mentor",), name="Mia Mentor", locale=locale)

    def run():
        with app.app_context():
            note = notify(mentor.id, "fading_checkin", link=f"/people/{mentor.id}")
            database.session.commit()
            tasks.run_now("outreach.notification_emails", [note.id])

    isolated(app, run)
    [message] = _emails(db, mentor.email)
    assert message.subject == subject
    assert message.body_text.count("pause") + message.body_text.count("pausieren") == 1  # the whole text is in the body


def test_a_long_subject_is_cut_between_words():
    from community.outreach.services import subject_of

    text = ("Das Mentoring von Yusuf Klein und Wolfgang Schröder braucht eine neue Mentorin oder einen neuen "
            "Mentor (der Mentor pausiert das Mentoring)")
    cut = subject_of(text)
    assert cut.endswith("…") and len(cut) <= 120
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "  # ends after a whole word
    assert cut == "Das Mentoring von Yusuf Klein und Wolfgang Schröder braucht eine neue Mentorin oder einen neuen Mentor…"


def test_a_session_e_mail_tells_when_where_and_what_without_opening_the_invitation(
        people, create_mentorship, api, db, create_user):
    from community.accounts.models import User

    mentor, executive = people()
    user = db.session.get(User, executive.id)
    user.locale, user.timezone = "de", "Europe/Berlin"
    db.session.commit()
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {
        "starts_at": in_days(3).isoformat(), "duration_minutes": 45, "location": "https://teams.example/meet/42",
        "agenda_tags": ["linkedin"], "agenda": "Inbox rules\nand channels"})
    assert made.status_code == 201, made.json
    [invitation] = _emails(db, executive.email)
    lines = invitation.body_text.splitlines()
    [when] = [line for line in lines if line.startswith("Wann: ")]
    assert when.endswith("(Berlin) · 45 Minuten") and "–" in when  # start–end in their zone
    assert "Wo: https://teams.example/meet/42" in lines and "Themen: LinkedIn" in lines
    assert "Agenda: Inbox rules and channels" in lines
    assert '<a href="https://teams.example/meet/42">' in invitation.body_html



def test_dates_in_an_e_mail_are_in_the_recipients_zone_whoever_caused_it(app, create_user, login_as, client):
    """The weekly briefing's "since 6 Dec 2026" was in the site's default zone; an e-mail made
    in someone's request took their zone."""
    from datetime import UTC, datetime, timedelta

    from flask_babel import format_date

    from community.outreach.briefing import PoolChanges, since_words
    from community.outreach.services import as_reader

    reader = create_user(timezone="America/New_York")
    moment = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 7 Dec in Berlin, still 6 Dec in New York
    changes = PoolChanges(snapshot_id=1, computed_at=moment + timedelta(days=3), now={}, before={}, before_at=moment)
    with app.test_request_context():
        assert format_date(moment, "medium") == "7 Dec 2026"  # the default zone, Europe/Berlin
        with as_reader(reader):
            assert since_words(changes) == "6 Dec 2026"
        assert format_date(moment, "medium") == "7 Dec 2026"  # and back after the e-mail
    with app.app_context(), as_reader(reader):
        assert since_words(changes) == "6 Dec 2026"


@pytest.mark.parametrize(("locale", "question", "ends"), [
    ("en", "How do I share a SharePoint page with externals?", "externals?”"),
    ("en", "Please show me the new planner!", "planner!”"),
    ("de", "Wie teile ich eine Seite mit Externen?", "Externen?“"),
])
def test_a_question_in_an_e_mail_ends_with_its_own_punctuation(create_user, app, db, locale, question, ends):
    from community import tasks
    from community.expertise.models import Tag
    from community.extensions import db as database
    from community.notifications.services import notify
    from tests.conftest import isolated

    contact = create_user(roles=("mentor",), name="Erik Expert", locale=locale)
    asker = create_user(name="Asking Colleague")

    def run():
        with app.app_context():
            from community.accounts.models import User

            tag = Tag(slug="sharepoint", name="SharePoint", field="collaboration")
            database.session.add(tag)
            database.session.flush()
            note = notify(contact.id, "topic_question", actor=database.session.get(User, asker.id), link="/questions/1",
                          topic=tag, message=question)
            database.session.commit()
            tasks.run_now("outreach.notification_emails", [note.id])

    isolated(app, run)
    [message] = _emails(db, contact.email)
    assert ends in message.body_text and ends + "." not in message.body_text
