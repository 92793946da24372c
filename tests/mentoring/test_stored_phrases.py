"""What the product writes into records itself (why sessions were cancelled, why a mentorship
needs a new mentor) is shown in each reader's language: on pages, in notifications and e-mails,
in the API. It was stored in the language of whoever caused it (German readers got English)."""

from __future__ import annotations

from sqlalchemy import select, update

from tests.conftest import text_of
from tests.pool.test_handover import org  # noqa: F401 - fixture


def _german(db, *people):
    from community.accounts.models import User

    db.session.execute(update(User).where(User.id.in_([p.id for p in people])).values(locale="de"))
    db.session.commit()


def test_a_handover_reason_and_cancelled_sessions_read_in_each_readers_language(org, api, client, login_as, db):  # noqa: F811
    from community.notifications.models import Notification
    from community.notifications.services import render_plain

    executive = org["executives"][0]
    _german(db, org["cm"], executive)
    assert api(org["leaver"])("PATCH", "/api/v1/me", {"mentoring_paused": True}).status_code == 200
    login_as(org["cm"])
    told = text_of(client.get("/notifications/"))
    assert "der Mentor hat eine Mentoring-Pause eingelegt" in told and "paused mentoring" not in told
    # The German-speaking change manager hands the mentorship over: its planned session is cancelled.
    handed = api(org["cm"])("POST", f"/api/v1/mentorships/{org['ships'][0]}/handover", {"mentor_id": org["sub"].id})
    assert handed.status_code == 201
    client.post_form("/logout")
    login_as(executive)
    page = text_of(client.get(f"/sessions/{org['planned']}"))
    assert "Abgesagt, weil" in page and "Das Mentoring wurde an eine andere Mentorin" in page
    assert "handed over to another mentor" not in page
    # The same record, read in English (the old mentor's language) through the API.
    sessions = api(org["leaver"])("GET", f"/api/v1/mentorships/{org['ships'][0]}/sessions").get_json()
    cancelled = next(s for s in sessions["items"] if s["id"] == org["planned"])
    assert cancelled["cancel_reason"] == "The mentorship was handed over to another mentor."
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        note = db.session.scalar(select(Notification).where(Notification.kind == "handover_needed",
                                                            Notification.user_id == org["cm"].id).limit(1))
        assert "(the mentor paused mentoring)" in render_plain(note)


def test_texts_stored_in_english_before_read_in_german(app):
    from flask_babel import force_locale

    from community.labels import shown, stored_phrase

    with app.test_request_context(), force_locale("de"):
        assert shown("The mentorship was completed.") == "Das Mentoring wurde abgeschlossen."
        assert shown(stored_phrase("request_withdrawn")) == "Die Anfrage wurde zurückgezogen."
        assert shown("Sorry, I am ill.") == "Sorry, I am ill."  # what a person typed stays as typed
        assert shown(None) is None
