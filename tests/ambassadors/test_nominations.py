"""Nominations, decisions with audit, badges, step-down and the candidate list."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import text_of


def api(client, api_token, user, method, url, json=None):
    return client.send_json(method, url, json, token=api_token(user))


def test_member_nominates_a_mentor_and_nominee_and_change_managers_are_told(client, api_token, people, db):
    from community.ambassadors.models import Nomination
    from community.audit.models import AuditEvent
    from community.notifications.models import Notification

    response = api(client, api_token, people["staff"], "POST", "/api/v1/nominations",
                   {"nominee_id": people["mentor"].id, "reason": "She explains Teams better than the manual."})
    assert response.status_code == 201
    assert response.json["status"] == "open" and response.json["nominee"]["name"] == "Mara Mentor"
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1
    told = set(db.session.scalars(select(Notification.user_id)))
    assert told == {people["mentor"].id, people["cm"].id, people["cm2"].id}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ambassador.nominated"))


def test_mentor_may_nominate_themselves(client, api_token, people):
    response = api(client, api_token, people["mentor"], "POST", "/api/v1/nominations",
                   {"nominee_id": people["mentor"].id, "reason": "I ran eight sessions and the Teams tips thread."})
    assert response.status_code == 201


def test_nominating_an_unknown_person_is_404(client, api_token, people):
    response = api(client, api_token, people["staff"], "POST", "/api/v1/nominations", {"nominee_id": 999999, "reason": "A good reason here."})
    assert response.status_code == 404


def test_nominating_a_non_mentor_is_422_with_the_reason(client, api_token, people):
    response = api(client, api_token, people["staff"], "POST", "/api/v1/nominations",
                   {"nominee_id": people["executive"].id, "reason": "Very engaged executive indeed."})
    assert response.status_code == 422
    assert "not a mentor" in response.json["error"]["fields"]["nominee_id"][0]


def test_second_open_nomination_is_refused_not_duplicated(client, api_token, people, create_nomination, db):
    from community.ambassadors.models import Nomination

    create_nomination(people["mentor"], people["staff"])
    response = api(client, api_token, people["executive"], "POST", "/api/v1/nominations",
                   {"nominee_id": people["mentor"].id, "reason": "Me too, she is brilliant!"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1


def test_reason_is_required(client, api_token, people):
    response = api(client, api_token, people["staff"], "POST", "/api/v1/nominations", {"nominee_id": people["mentor"].id, "reason": "x"})
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]


@pytest.mark.parametrize("who", ["staff", "executive", "mentor", "admin"])
def test_only_change_managers_decide(client, api_token, people, create_nomination, who):
    nomination_id = create_nomination(people["other_mentor"], people["staff"])
    response = api(client, api_token, people[who], "POST", f"/api/v1/nominations/{nomination_id}/decision",
                   {"decision": "promote", "note": "Looks good"})
    assert response.status_code in (403, 404)


def test_nominator_and_nominee_cannot_decide_even_as_change_managers(client, api_token, people, create_user, create_nomination):
    mentor_cm = create_user(roles=["mentor", "change_manager"])
    by_cm = create_nomination(people["mentor"], people["cm"])
    assert api(client, api_token, people["cm"], "POST", f"/api/v1/nominations/{by_cm}/decision",
               {"decision": "promote", "note": "Good"}).status_code == 403
    own = create_nomination(mentor_cm, people["staff"])
    assert api(client, api_token, mentor_cm, "POST", f"/api/v1/nominations/{own}/decision",
               {"decision": "promote", "note": "Good"}).status_code == 403


def test_change_manager_promotes_with_audit_badge_and_directory_entry(client, login_as, api_token, people, create_nomination, db):
    from community.accounts.models import User
    from community.audit.models import AuditEvent

    nomination_id = create_nomination(people["mentor"], people["staff"])
    response = api(client, api_token, people["cm"], "POST", f"/api/v1/nominations/{nomination_id}/decision",
                   {"decision": "promote", "note": "Strong evidence."})
    assert response.status_code == 200 and response.json["status"] == "promoted"
    assert response.json["decided_by"]["name"] == "Carla Change" and response.json["note"] == "Strong evidence."
    assert db.session.get(User, people["mentor"].id).is_ambassador
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ambassador.promoted"))
    assert event.actor_id == people["cm"].id and event.subject_id == people["mentor"].id and event.note == "Strong evidence."
    listed = api(client, api_token, people["staff"], "GET", "/api/v1/ambassadors")
    assert [p["name"] for p in listed.json["items"]] == ["Mara Mentor"]
    login_as(people["staff"])
    page = text_of(client.get("/ambassadors"))
    assert "Mara Mentor" in page and "Ambassador" in page


def test_deciding_twice_or_on_a_withdrawn_nomination_is_409(client, api_token, people, create_nomination):
    first = create_nomination(people["mentor"], people["staff"])
    url = f"/api/v1/nominations/{first}/decision"
    assert api(client, api_token, people["cm"], "POST", url, {"decision": "decline", "note": "Not yet"}).status_code == 200
    assert api(client, api_token, people["cm2"], "POST", url, {"decision": "promote", "note": "Yes!"}).status_code == 409
    second = create_nomination(people["other_mentor"], people["staff"])
    assert api(client, api_token, people["staff"], "POST", f"/api/v1/nominations/{second}/withdraw").status_code == 200
    assert api(client, api_token, people["cm"], "POST", f"/api/v1/nominations/{second}/decision",
               {"decision": "promote", "note": "Okay"}).status_code == 409


def test_decision_needs_a_note_and_a_known_decision(client, api_token, people, create_nomination):
    nomination_id = create_nomination(people["mentor"], people["staff"])
    url = f"/api/v1/nominations/{nomination_id}/decision"
    assert api(client, api_token, people["cm"], "POST", url, {"decision": "promote"}).status_code == 422
    assert api(client, api_token, people["cm"], "POST", url, {"decision": "knight", "note": "Arise"}).status_code == 422


def test_failed_audit_write_rolls_back_the_whole_decision(app, client, login_as, people, create_nomination, db, monkeypatch):
    from community.accounts.models import User
    from community.ambassadors import services
    from community.ambassadors.models import Nomination
    from community.notifications.models import Notification

    nomination_id = create_nomination(people["mentor"], people["staff"])
    before_notes = db.session.scalar(select(func.count()).select_from(Notification))

    def broken_record(*args, **kwargs):
        raise RuntimeError("audit storage failed")

    monkeypatch.setattr(services.audit, "record", broken_record)
    login_as(people["cm"])
    response = client.post_form(f"/ambassadors/nominations/{nomination_id}/decision", {"decision": "promote", "note": "Promote!"})
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(Nomination, nomination_id).status == "open"
    assert db.session.get(User, people["mentor"].id).is_ambassador is False
    assert db.session.scalar(select(func.count()).select_from(Notification)) == before_notes


def test_ambassador_steps_down_and_change_managers_are_told(client, login_as, api_token, people, create_nomination, db):
    from community.accounts.models import User
    from community.audit.models import AuditEvent

    nomination_id = create_nomination(people["mentor"], people["staff"])
    api(client, api_token, people["cm"], "POST", f"/api/v1/nominations/{nomination_id}/decision", {"decision": "promote", "note": "Yes."})
    login_as(people["mentor"])
    assert client.post_form("/ambassadors/step-down", {"note": "More time for my team."}).status_code == 302
    assert db.session.get(User, people["mentor"].id).is_ambassador is False
    assert db.session.scalar(select(AuditEvent.note).where(AuditEvent.action == "ambassador.stepped_down")) == "More time for my team."


def test_change_manager_ends_an_ambassadorship_with_a_note(client, login_as, api_token, people, create_nomination, db):
    from community.accounts.models import User

    nomination_id = create_nomination(people["mentor"], people["staff"])
    api(client, api_token, people["cm"], "POST", f"/api/v1/nominations/{nomination_id}/decision", {"decision": "promote", "note": "Yes."})
    login_as(people["staff"])
    assert client.post_form(f"/ambassadors/{people['mentor'].id}/end", {"note": "x"}).status_code == 403
    client.post_form("/logout")
    login_as(people["cm2"])
    missing_note = client.post_form(f"/ambassadors/{people['mentor'].id}/end", {"note": ""})
    assert missing_note.status_code == 200 and "required" in text_of(missing_note)
    assert client.post_form(f"/ambassadors/{people['mentor'].id}/end", {"note": "Left the company."}).status_code == 302
    assert db.session.get(User, people["mentor"].id).is_ambassador is False
    # No longer an ambassador (or never one): the form is not offered, so no reason is typed in vain.
    assert client.get(f"/ambassadors/{people['mentor'].id}/end").status_code == 404
    assert client.get(f"/ambassadors/{people['staff'].id}/end").status_code == 404


def test_nomination_page_is_private_to_the_people_involved(client, login_as, people, create_user, create_nomination):
    nomination_id = create_nomination(people["mentor"], people["staff"])
    login_as(create_user(roles=["mentor"]))
    assert client.get(f"/ambassadors/nominations/{nomination_id}").status_code == 404


def test_nominee_sees_evidence_and_nominator_does_not(client, login_as, people, create_nomination, mentoring_record):
    mentoring_record(people["mentor"], people["executive"], sessions=4, rating=5, mentor_rating=4)
    nomination_id = create_nomination(people["mentor"], people["staff"])
    login_as(people["staff"])
    assert "Feedback average" not in text_of(client.get(f"/ambassadors/nominations/{nomination_id}"))
    client.post_form("/logout")
    login_as(people["mentor"])
    text = text_of(client.get(f"/ambassadors/nominations/{nomination_id}"))
    # Each criterion is a bar against its threshold, with the numbers in words beside it.
    assert re.search(r"Sessions held (met|not yet) 4 · needs \d+", text)
    assert re.search(r"Feedback average (met|not yet) 5\.0 · needs \d\.\d \(4 ratings\)", text)


def test_evidence_counts_sessions_mentees_feedback_and_topics(app, people, create_user, mentoring_record, db):
    from community.ambassadors import queries, services

    mentoring_record(people["mentor"], people["executive"], sessions=3, rating=4)
    mentoring_record(people["mentor"], create_user(roles=["executive"]), sessions=2, rating=5)
    evidence = queries.evidence_for([people["mentor"].id], services.get_criteria())[people["mentor"].id].as_dict()
    assert evidence["sessions"] == 5 and evidence["mentees"] == 2 and evidence["feedback"] == 4.4


def test_candidate_line_names_the_criteria_not_yet_met_and_folds_the_evidence(client, login_as, people, create_nomination,
                                                                                mentoring_record):
    """One line per candidate: who, the score, how many criteria are met and which are not yet;
    the bars of each criterion folded below it (a <details>, open without JavaScript)."""
    mentoring_record(people["mentor"], people["executive"], sessions=1, rating=5)
    create_nomination(people["mentor"], people["staff"], reason="Explains Teams well.")
    login_as(people["cm"])
    response = client.get("/ambassadors/candidates")
    html = response.get_data(as_text=True)
    line = text_of(response)
    assert re.search(r"Mara Mentor .*\d of 6 criteria met\. Not yet: Sessions held, Mentees", line), line
    assert '<details class="candidate-details small">' in html
    assert "Score parts and criteria" in line and "1 · needs 6" in line  # the bars are still in the page

    client.post_form("/locale", {"locale": "de"})
    line = text_of(client.get("/ambassadors/candidates"))
    assert "Noch nicht: Gehaltene Termine, Mentees" in line and "Teilpunktzahlen und Kriterien" in line


def test_candidates_page_and_csv_are_for_change_managers_only(client, login_as, people, create_nomination):
    create_nomination(people["mentor"], people["staff"], reason="=HYPERLINK(\"http://evil\") is what she fights.")
    login_as(people["mentor"])
    assert client.get("/ambassadors/candidates").status_code == 403
    assert client.get("/ambassadors/candidates.csv").status_code == 403
    client.post_form("/logout")
    login_as(people["cm"])
    assert "Mara Mentor" in text_of(client.get("/ambassadors/candidates"))
    csv_text = client.get("/ambassadors/candidates.csv").get_data(as_text=True)
    assert "Mara Mentor" in csv_text.splitlines()[1]
    header = next(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert header[4:8] == ["Score (of 100)", "Outcomes part (of 100)", "Community part (of 100)", "Reach part (of 100)"]
    for row in list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))[1:]:  # whole numbers, as the page's "84 of 100"
        assert all(cell == "" or (cell.isdigit() and 0 <= int(cell) <= 100) for cell in row[4:8]), row

    # In German: a spreadsheet's columns split at semicolons, the umlaut-safe byte-order mark first.
    client.post_form("/locale", {"locale": "de"})
    body = client.get("/ambassadors/candidates.csv").data
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert body.startswith("\ufeff".encode()) and [row["Name"] for row in rows] == ["Mara Mentor"]


def test_csv_cells_cannot_start_formulas(create_user, client, login_as, people, create_nomination):
    mentor = create_user(roles=["mentor"], name="=cmd|' /C calc'!A0")
    create_nomination(mentor, people["staff"])
    login_as(people["cm"])
    csv_text = client.get("/ambassadors/candidates.csv").get_data(as_text=True)
    assert "'=cmd" in csv_text


def test_criteria_are_set_by_change_managers_with_field_errors(client, login_as, people, db):
    from community.ambassadors.models import AmbassadorCriteria

    login_as(people["mentor"])
    assert client.get("/ambassadors/criteria").status_code == 403
    client.post_form("/logout")
    login_as(people["cm"])
    data = {"min_sessions": "8", "min_mentees": "2", "min_feedback_avg": "4.2", "min_community_score": "5",
            "min_topics": "3", "min_reach": "2", "activity_days": "180"}
    assert client.post_form("/ambassadors/criteria", data).status_code == 302
    assert db.session.scalar(select(AmbassadorCriteria.min_sessions)) == 8
    for value in ("9", "0", "0.9"):  # the label says 1–5: a rating below 1 cannot exist
        bad = client.post_form("/ambassadors/criteria", {**data, "min_feedback_avg": value})
        assert bad.status_code == 200 and "between 1 and 5" in text_of(bad).lower(), value
    assert client.post_form("/ambassadors/criteria", {**data, "min_feedback_avg": "1"}).status_code == 302
    assert db.session.scalar(select(AmbassadorCriteria.min_feedback_avg)) == 1.0
    assert client.post_form("/ambassadors/criteria", {**data, "min_feedback_avg": "4,5"}).status_code == 302  # a decimal comma
    assert db.session.scalar(select(AmbassadorCriteria.min_feedback_avg)) == 4.5
    assert client.post_form("/ambassadors/criteria", data).status_code == 302
    # "sNaN" failed inside the range check (500); "4.55" was stored, shown as "4.5" and so
    # changed by the next save of the unchanged form.
    for value, words in (("sNaN", "enter a number, such as 4.5."), ("Infinity", "enter a number, such as 4.5."),
                         ("4.55", "at most one decimal place")):
        refused = client.post_form("/ambassadors/criteria", {**data, "min_community_score": value})
        assert refused.status_code == 200 and words in text_of(refused).lower(), value
        assert "not a valid" not in text_of(refused).lower()  # WTForms' own English
        assert f'value="{value}"' in refused.get_data(as_text=True)  # what was typed stays
    assert db.session.scalar(select(AmbassadorCriteria.min_community_score)) == 5
    # Numbers are typed into text boxes with a number keypad: a browser's number box empties
    # "12a" before sending it, so the reader read "required" and lost what they typed.
    form = client.get("/ambassadors/criteria").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="min_sessions"[^>]*>', form).group(0).count('type="text"') == 1
    assert 'inputmode="numeric"' in re.search(r'<input[^>]*id="min_sessions"[^>]*>', form).group(0)
    assert 'inputmode="decimal"' in re.search(r'<input[^>]*id="min_feedback_avg"[^>]*>', form).group(0)
    assert 'type="number"' not in form
    typo = client.post_form("/ambassadors/criteria", {**data, "min_sessions": "12a"})
    assert typo.status_code == 200 and "enter a whole number." in text_of(typo).lower()
    assert 'value="12a"' in typo.get_data(as_text=True)


def test_nomination_form_finds_people_by_handle_and_explains_refusals(client, login_as, people):
    login_as(people["staff"])
    unknown = client.post_form("/ambassadors/nominate", {"nominee": "@nobody.here", "reason": "A long enough reason."})
    assert "Nobody you can nominate has this @handle" in text_of(unknown)
    by_email = client.post_form("/ambassadors/nominate", {"nominee": people["executive"].email, "reason": "A long enough reason."})
    assert text_of(by_email).replace(people["executive"].email, "@nobody.here") == text_of(unknown)  # e-mail confirms nothing
    not_mentor = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["executive"].handle, "reason": "A long enough reason."})
    assert "not a mentor" in text_of(not_mentor)
    assert text_of(not_mentor).count("not a mentor") == 2  # in the summary (linked to the field) and at the field, not a third time
    ok = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["mentor"].handle, "reason": "A long enough reason."})
    assert ok.status_code == 302


def test_nomination_list_shows_only_own_nominations_to_members(client, api_token, people, create_nomination, create_user):
    create_nomination(people["mentor"], people["staff"])
    create_nomination(people["other_mentor"], people["executive"])
    mine = api(client, api_token, people["staff"], "GET", "/api/v1/nominations")
    assert [n["nominee"]["name"] for n in mine.json["items"]] == ["Mara Mentor"]
    everything = api(client, api_token, people["cm"], "GET", "/api/v1/nominations?status=open")
    assert everything.json["total"] == 2


def test_people_who_left_the_analysis_drop_off_the_shortlist_and_viewing_it_is_audited(
        app, client, login_as, people, analysed, db):
    from sqlalchemy import update

    from community.accounts.models import User
    from community.audit.models import AuditEvent

    analysed(people["mentor"], people["executive"])
    login_as(people["cm"])
    assert "Mara Mentor" in text_of(client.get("/ambassadors/candidates"))
    db.session.execute(update(User).where(User.id == people["mentor"].id).values(analysis_opt_out=True))
    db.session.commit()
    assert "Mara Mentor" not in text_of(client.get("/ambassadors/candidates"))
    assert "Mara Mentor" not in client.get("/ambassadors/candidates.csv").get_data(as_text=True)
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ambassador.candidates_viewed")).all()
    assert len(viewed) == 2 and all(e.actor_id == people["cm"].id for e in viewed)


@pytest.mark.parametrize("decision, to_nominee, to_nominator", [
    ("promote", "Carla Change made you a change ambassador.", "Mara Mentor is now a change ambassador (decided by Carla Change)."),
    ("decline", "Carla Change declined your nomination for the ambassador programme.",
     "The nomination of Mara Mentor was declined by Carla Change."),
])
def test_the_nominee_is_told_of_the_decision_in_the_second_person(client, login_as, api_token, people, create_nomination,
                                                                 decision, to_nominee, to_nominator):
    """The nominee read "The nomination of Mara Mentor was declined …" about themselves."""
    nomination_id = create_nomination(people["mentor"], people["staff"])
    api(client, api_token, people["cm"], "POST", f"/api/v1/nominations/{nomination_id}/decision",
        {"decision": decision, "note": "Considered."})
    login_as(people["mentor"])
    assert to_nominee in text_of(client.get("/notifications/"))
    client.post_form("/logout")
    login_as(people["staff"])
    assert to_nominator in text_of(client.get("/notifications/"))


def test_a_single_rating_is_counted_in_the_singular_and_the_average_has_a_german_comma(
        client, login_as, people, create_nomination, mentoring_record):
    """The evidence read "(1 ratings)", in German "(1 Bewertungen)"."""
    mentoring_record(people["mentor"], people["executive"], sessions=1, rating=4, mentor_rating=5)
    nomination_id = create_nomination(people["mentor"], people["staff"])
    login_as(people["mentor"])
    text = text_of(client.get(f"/ambassadors/nominations/{nomination_id}"))
    assert re.search(r"Feedback average (met|not yet) 4\.0 · needs \d\.\d \(1 rating\)", text)
    client.post_form("/locale", {"locale": "de", "next": "/"})
    german = text_of(client.get(f"/ambassadors/nominations/{nomination_id}"))
    assert "(1 Bewertung)" in german and "4,0 · nötig:" in german


def test_a_mentor_sees_an_executives_rating_in_their_evidence_only_once_they_rated_the_session_too(
        client, login_as, api_token, people, create_nomination, mentoring_record):
    """The sessions API hid the executive's rating from the mentor until they gave theirs, but
    the evidence page and the nomination page showed it as "Feedback average 2.0 (1 rating)"."""
    mentor, executive = people["mentor"], people["executive"]
    (session_id,) = mentoring_record(mentor, executive, sessions=1, rating=2)
    nomination_id = create_nomination(mentor, people["staff"])
    token = api_token(mentor)
    mentorship_id = client.send_json("GET", f"/api/v1/sessions/{session_id}", token=token).json["mentorship_id"]
    assert client.send_json("GET", f"/api/v1/mentorships/{mentorship_id}/sessions", token=token).json["items"][0]["feedback"] == []
    login_as(mentor)
    for address in ("/ambassadors/evidence", f"/ambassadors/evidence/{mentor.id}", f"/ambassadors/nominations/{nomination_id}"):
        text = text_of(client.get(address))
        assert "2.0" not in text and "rating)" not in text, address
        assert re.search(r"Feedback average not yet no value yet ratings from executives on sessions you have rated too", text), address
    # The page's introduction does not claim the change managers' numbers without that difference.
    assert "with one difference: an executive’s rating of a session counts here once you have rated that session too" \
        in text_of(client.get("/ambassadors/evidence"))
    client.post_form("/logout")
    login_as(people["cm"])
    for address in (f"/ambassadors/evidence/{mentor.id}", f"/ambassadors/nominations/{nomination_id}"):
        text = text_of(client.get(address))  # change managers see every rating, as before
        assert re.search(r"Feedback average not yet 2\.0 · needs \d\.\d \(1 rating\) ratings from executives after sessions", text)

    assert client.send_json("POST", f"/api/v1/sessions/{session_id}/feedback", {"rating": 4}, token=token).status_code == 201
    assert client.send_json("GET", f"/api/v1/mentorships/{mentorship_id}/sessions", token=token).json["items"][0]["feedback"] != []
    client.post_form("/logout")
    login_as(mentor)
    assert re.search(r"Feedback average not yet 2\.0 · needs \d\.\d \(1 rating\)", text_of(client.get("/ambassadors/evidence")))


def test_a_change_manager_is_told_why_their_own_nomination_has_no_decision_form(client, login_as, people,
                                                                                create_nomination, create_user):
    nomination_id = create_nomination(people["mentor"], people["cm"])
    login_as(people["cm"])
    page = text_of(client.get(f"/ambassadors/nominations/{nomination_id}"))
    assert "Record decision" not in page
    assert "Another change manager decides on this nomination: nobody decides on a nomination they made." in page
    client.post_form("/logout")
    login_as(create_user(roles=["change_manager"]))  # another one decides, and is told nothing of the kind
    page = text_of(client.get(f"/ambassadors/nominations/{nomination_id}"))
    assert "Record decision" in page and "Another change manager decides" not in page


def test_a_score_of_0_names_the_part_at_0(app, client, login_as, people):
    """"3 of 6 criteria met" beside a score of 0 read as a contradiction: the line names the part
    that makes it 0 (the parts multiply)."""
    from types import SimpleNamespace

    from community.ambassadors.queries import Candidate

    evidence = SimpleNamespace(items=[], met_count=3)
    zero = Candidate(person=people["mentor"], score=0.0, parts={"outcomes": 0.62, "community": 0.0, "reach": 0.4},
                     nomination=None, evidence=evidence)
    assert zero.zero_parts == ["community"]
    assert Candidate(person=people["mentor"], score=None, parts={}, nomination=None, evidence=evidence).zero_parts == []
    with app.test_request_context("/"):
        login_as(people["cm"])
        from flask import render_template

        html = render_template("ambassadors/candidates.html", candidates=[zero], sort="score",
                               sort_keys=["score"], computed_at=None, evidence_bar=lambda item: "")
    assert "Community at 0" in " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_candidate_who_paused_mentoring_or_is_fading_is_marked(app, client, login_as, people, analysed, db):
    """A mentor who paused mentoring (their mentees waiting for a new mentor) stood first on the
    shortlist with "Nominate" and no word of it; the mentor found fading neither."""
    from community.accounts.models import User
    from community.network.models import AnalysisSnapshot

    mentor = people["mentor"]
    analysed(mentor, people["executive"])
    db.session.get(User, mentor.id).mentoring_paused = True
    snapshot = db.session.scalar(db.select(AnalysisSnapshot).order_by(AnalysisSnapshot.computed_at.desc()).limit(1))
    snapshot.findings = {**(snapshot.findings or {}), "fading_mentors": [{"person_id": mentor.id, "score": 0.8, "reasons": []}]}
    db.session.commit()
    login_as(people["cm"])
    line = text_of(client.get("/ambassadors/candidates"))
    assert "Mara Mentor" in line and "Mentoring paused" in line and "Fading in the latest analysis" in line


def test_the_nominee_picker_says_who_is_an_ambassador_or_nominated_already(client, login_as, create_user, db):
    """The picker listed an ambassador and a mentor with an open nomination as if they could be
    nominated; the form refused them only after it was sent."""
    from community.ambassadors.models import Nomination

    nominator = create_user(roles=("mentor",), name="Nina Nominator")
    create_user(roles=("mentor",), name="Amir Ambassador", is_ambassador=True)
    open_one = create_user(roles=("mentor",), name="Anna Nominated")
    create_user(roles=("mentor",), name="Alex Free")
    db.session.add(Nomination(nominee_id=open_one.id, nominated_by_id=nominator.id, reason="Great with Teams",
                              status="open"))
    db.session.commit()
    login_as(nominator)
    assert 'data-suggest-nominees="1"' in client.get("/ambassadors/nominate").get_data(as_text=True)
    details = {i["name"]: i["detail"] for i in client.get("/suggest/people?q=a&role=mentor&nominees=1").json["items"]}
    assert details["Amir Ambassador"].endswith("· ambassador already")
    assert details["Anna Nominated"].endswith("· nomination open")
    assert "already" not in details["Alex Free"] and "nomination" not in details["Alex Free"]
