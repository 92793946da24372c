"""Fading mentors in the stored analysis, the API and the dashboard; check-ins; opt-outs never named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import isolated, text_of


def _changes(app, mentorship_id: int, mentor_id: int, days_ago: list[int]) -> None:
    """Sessions the mentor rescheduled, `days_ago` each."""
    from community.extensions import db
    from community.mentoring.models import MentoringSession, SessionChange

    def make():
        with app.app_context():
            now = datetime.now(UTC)
            for n, days in enumerate(days_ago):
                start = now - timedelta(days=days, hours=n % 20)
                session = MentoringSession(mentorship_id=mentorship_id, mentor_id=mentor_id, starts_at=start,
                                           ends_at=start + timedelta(hours=1), duration_minutes=60, status="done")
                db.session.add(session)
                db.session.flush()
                db.session.add(SessionChange(session_id=session.id, kind="rescheduled", changed_by_id=mentor_id,
                                             changed_at=start - timedelta(days=1), reason="busy"))
            db.session.commit()

    isolated(app, make)


@pytest.fixture
def org(app, taxonomy, create_user, create_mentorship):
    doubling = create_user(roles=("mentor",), name="Dora Doubling", capacity=3)
    steady = create_user(roles=("mentor",), name="Stella Steady", capacity=3)
    private = create_user(roles=("mentor",), name="Pia Private", capacity=3, analysis_opt_out=True)
    executive = create_user(roles=("executive",), name="Eve Exec")
    baseline = [100 + 30 * i for i in range(6)]  # 6 in the 270 days before: 2 per 90 days
    for mentor, recent in ((doubling, [5, 20, 40, 60]), (steady, [30, 70]), (private, [5, 20, 40, 60])):
        ship = create_mentorship(mentor, executive, goals=("microsoft-teams",))
        _changes(app, ship, mentor.id, baseline + recent)
    cm = create_user(roles=("change_manager",), name="Chris Change")
    return dict(doubling=doubling, steady=steady, private=private, cm=cm)


def _kinds(app, user_id):
    from community.extensions import db
    from community.notifications.models import Notification

    def read():
        with app.app_context():
            return [n.kind for n in db.session.query(Notification).filter_by(user_id=user_id)]

    return isolated(app, read)


def test_fading_mentors_are_stored_listed_with_reasons_and_checked_in_once(app, org, api, client, login_as):
    call = api(org["cm"])
    assert call("POST", "/api/v1/network/analysis").status_code == 201
    body = call("GET", "/api/v1/network/analysis").get_json()
    names = [f["person"]["name"] for f in body["fading_mentors"]]
    assert names == ["Dora Doubling"]
    assert "reschedules or cancellations" in body["fading_mentors"][0]["reasons"][0]
    assert body["summary"]["fading_mentors"] == 1
    assert "Pia Private" not in str(body)
    assert _kinds(app, org["doubling"].id).count("fading_checkin") == 1
    assert "fading_checkin" not in _kinds(app, org["steady"].id) + _kinds(app, org["private"].id)
    assert "fading_checkin" not in _kinds(app, org["cm"].id)

    assert call("POST", "/api/v1/network/analysis").status_code == 201  # still fading: no second check-in
    assert _kinds(app, org["doubling"].id).count("fading_checkin") == 1

    login_as(org["cm"])
    assert "Fading mentors" in text_of(client.get("/network"))  # a health card on the overview
    text = text_of(client.get("/network/risks"))  # named on the risks tab
    assert "Fading mentors" in text and "Dora Doubling" in text and "Pia Private" not in text
    # Her six earlier reschedules over nine months read as a rate with its unit, not "against 2 before".
    assert ("caused 4 reschedules or cancellations in the last 90 days, up from 2 per 90 days in the nine months "
            "before") in text


def test_a_fading_mentor_who_opts_out_is_counted_as_left_out_on_the_risks_tab(app, org, api, client, login_as):
    call = api(org["cm"])
    assert call("POST", "/api/v1/network/analysis").status_code == 201
    assert api(org["doubling"])("PATCH", "/api/v1/me", {"analysis_opt_out": True}).status_code == 200
    login_as(org["cm"])
    text = text_of(client.get("/network/risks"))
    fading = text[text.index("Fading mentors"):]
    assert "Dora Doubling" not in text
    assert "1 person who opted out of the analysis is not listed." in fading  # "None." alone hid her from the count


def test_the_mentor_reads_a_friendly_check_in(app, org, api, client, login_as):
    api(org["cm"])("POST", "/api/v1/network/analysis")
    login_as(org["doubling"])
    text = text_of(client.get("/notifications/"))
    assert "How is mentoring going for you?" in text and "pause" in text


@pytest.mark.parametrize("code, values, english, german", [
    ("sessions", {"recent": 1, "baseline": 3.3, "load": 1, "capacity": 1},
     "held 1 session in the last 90 days, down from 3.3 sessions per 90 days in the nine months before "
     "(1 of 1 place taken)",
     "hatte in den letzten 90 Tagen 1 Mentoring-Termin, in den neun Monaten davor 3,3 Termine je 90 Tage "
     "(1 von 1 Platz belegt)"),
    ("sessions", {"recent": 0, "baseline": 1.0, "load": 2, "capacity": 2},
     "held 0 sessions in the last 90 days, down from 1 session per 90 days in the nine months before "
     "(2 of 2 places taken)",
     "hatte in den letzten 90 Tagen 0 Mentoring-Termine, in den neun Monaten davor 1 Termin je 90 Tage "
     "(2 von 2 Plätzen belegt)"),
    ("posts", {"recent": 2, "baseline": 4.0},
     "2 community posts in the last 90 days, down from 4 posts per 90 days in the nine months before",
     "2 Community-Beiträge in den letzten 90 Tagen, in den neun Monaten davor 4 Beiträge je 90 Tage"),
    ("changes", {"recent": 1, "baseline": 0.5},
     "caused 1 reschedule or cancellation in the last 90 days, up from 0.5 per 90 days in the nine months before",
     "hat in den letzten 90 Tagen 1 Verschiebung oder Absage verursacht, in den neun Monaten davor 0,5 je 90 Tage"),
    ("answers", {"recent_hours": 30, "baseline_hours": 1},
     "answers requests after 30 hours (median) in the last 90 days, after 1 hour in the nine months before",
     "beantwortet Anfragen in den letzten 90 Tagen nach 30 Stunden (Median), in den neun Monaten davor nach 1 Stunde"),
    ("declining", {"declined": 1, "load": 0, "capacity": 2}, "declined 1 request with 0 of 2 places taken",
     "hat 1 Anfrage abgelehnt (0 von 2 Plätzen belegt)"),
])
def test_fading_reasons_name_the_unit_and_window_of_the_earlier_figure(app, code, values, english, german):
    """They read "held 1 session in the last 90 days, against 3.3 before": 3.3 what, over which
    time? The earlier figure is the mentor's own rate over the nine months before, per 90 days.
    Plurals and the reader's decimal comma stay ("vorher 3.3" once)."""
    from flask_babel import force_locale

    from community.pool.fading import reason_words

    with app.test_request_context():
        assert reason_words(code, values) == english
        with force_locale("de"):
            assert reason_words(code, values) == german
