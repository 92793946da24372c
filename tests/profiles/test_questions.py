"""The ask loop: a question to a topic contact has its own page and API, answers, a verdict;
only its two people see it (anyone else gets the 404 of a question that does not exist)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, login, text_of

TEAMS = "microsoft-teams"


@pytest.fixture
def pair(create_user, give_tags, taxonomy):
    expert = create_user(name="Erik Expert", roles=("mentor",))
    give_tags(expert, {TEAMS: "expert"})
    asker = create_user(name="Asking Colleague")
    return asker, expert


def _browser(client, user):
    browser = client.application.test_client()
    login(browser, user)
    return browser


def _ask(browser, expert, message="How do I share a channel with a partner?", **extra):
    return browser.post_form(f"/tags/{TEAMS}/contacts/ask", {"person_id": expert.id, "message": message, **extra})


def _question_id(response) -> int:
    match = re.search(r"/questions/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def test_ask_answer_and_resolve_on_the_pages(client, pair, db):
    from community.notifications.models import Notification

    asker, expert = pair
    me = _browser(client, asker)
    asked = _ask(me, expert)
    assert asked.status_code == 302
    qid = _question_id(asked)
    page = me.get(f"/questions/{qid}")
    assert page.status_code == 200
    text = text_of(page)
    assert "How do I share a channel with a partner?" in text and "waiting for an answer" in text
    assert "Close the question" in text and "Resolve: helpful" not in text  # nothing to rate yet

    note = db.session.scalar(select(Notification).where(Notification.user_id == expert.id))
    assert note.kind == "topic_question" and note.link == f"/questions/{qid}"

    contact = _browser(client, expert)
    received = text_of(contact.get("/questions?box=received"))
    assert "From Asking Colleague about Microsoft Teams" in received and "waiting for an answer" in received
    their_page = text_of(contact.get(f"/questions/{qid}"))
    assert "Send answer" in their_page and "Resolve: helpful" not in their_page
    answered = contact.post_form(f"/questions/{qid}/answers", {"body": "Use a shared channel: Teams → + → Shared."})
    assert answered.status_code == 302 and f"/questions/{qid}" in answered.headers["Location"]

    told = db.session.scalar(select(Notification).where(Notification.user_id == asker.id))
    assert told.kind == "question_answered" and told.link == f"/questions/{qid}"
    mine = text_of(me.get("/questions?box=asked"))
    assert "To Erik Expert about Microsoft Teams" in mine and "answered" in mine
    assert "Use a shared channel" in text_of(me.get(f"/questions/{qid}"))
    assert "Resolve: helpful" in text_of(me.get(f"/questions/{qid}"))

    resolved = me.post_form(f"/questions/{qid}/resolve", {"helpful": "yes"})
    assert resolved.status_code == 302
    final = text_of(me.get(f"/questions/{qid}"))
    assert "resolved: helpful" in final and "Send" not in final.split("found the answers helpful")[-1]
    assert "resolved: helpful" in text_of(contact.get("/questions?box=received"))
    thanks = db.session.scalars(select(Notification).where(Notification.user_id == expert.id).order_by(Notification.id)).all()
    assert [n.kind for n in thanks][-1] == "question_helpful"


def test_my_questions_shows_empty_states_and_waiting_counts(client, pair):
    asker, expert = pair
    contact = _browser(client, expert)
    assert "Nobody has asked you a question yet" in text_of(contact.get("/questions?box=received"))
    _ask(_browser(client, asker), expert)
    assert "1 waiting" in text_of(contact.get("/questions?box=received"))
    home = text_of(contact.get("/"))
    assert "1 question waits for your answer" in home


def test_a_third_person_and_an_admin_get_the_404_of_a_missing_question(client, pair, create_user, api_token):
    asker, expert = pair
    qid = _question_id(_ask(_browser(client, asker), expert))
    for roles in (("staff",), ("admin",), ("change_manager",)):
        stranger = create_user(roles=roles)
        browser = _browser(client, stranger)
        for path in (f"/questions/{qid}", f"/questions/{qid}/answers", f"/questions/{qid}/resolve"):
            missing_path = path.replace(str(qid), "999999")
            if path.endswith(("answers", "resolve")):
                seen, missing = (browser.post_form(path, {"body": "x", "helpful": "yes"}),
                                 browser.post_form(missing_path, {"body": "x", "helpful": "yes"}))
            else:
                seen, missing = browser.get(path), browser.get(missing_path)
            assert seen.status_code == missing.status_code == 404
            assert text_of(seen) == text_of(missing)
        token = api_token(stranger)
        for method, path, body in (("GET", f"/api/v1/questions/{qid}", None),
                                   ("POST", f"/api/v1/questions/{qid}/answers", {"body": "x"}),
                                   ("POST", f"/api/v1/questions/{qid}/resolve", {"helpful": True})):
            seen = client.send_json(method, path, body, token=token)
            missing = client.send_json(method, path.replace(str(qid), "999999"), body, token=token)
            assert seen.status_code == missing.status_code == 404 and seen.json == missing.json
        listed = client.send_json("GET", "/api/v1/questions?box=received", token=token).json
        assert listed["total"] == 0


def test_the_api_loop(client, pair, api_token):
    asker, expert = pair
    mine, theirs = api_token(asker), api_token(expert)
    for not_an_id in (str(expert.id), True, expert.id + 0.5):  # a JSON integer only (2.0 is one, as JSON Schema says)
        refused = client.send_json("POST", f"/api/v1/tags/{TEAMS}/questions",
                                   {"person_id": not_an_id, "message": "Where are recordings kept?"}, token=mine)
        assert refused.status_code == 422 and "person_id" in refused.json["error"]["fields"], not_an_id
    created = client.send_json("POST", f"/api/v1/tags/{TEAMS}/questions",
                               {"person_id": float(expert.id), "message": "Where are recordings kept?"}, token=mine)
    assert created.status_code == 201
    question = created.json
    qid = question["id"]
    assert question["person_id"] == expert.id and question["tag"] == TEAMS and question["created_at"]
    assert question["status"] == "open" and question["answers"] == [] and question["contact"]["name"] == "Erik Expert"

    assert client.send_json("GET", "/api/v1/questions?box=asked", token=mine).json["items"][0]["id"] == qid
    assert client.send_json("GET", "/api/v1/questions?box=received", token=theirs).json["items"][0]["id"] == qid
    assert client.send_json("GET", "/api/v1/questions?box=received", token=mine).json["total"] == 0
    assert client.send_json("GET", "/api/v1/questions?box=sideways", token=mine).status_code == 422

    assert client.send_json("POST", f"/api/v1/questions/{qid}/answers", {"body": "  "}, token=theirs).status_code == 422
    assert client.send_json("POST", f"/api/v1/questions/{qid}/answers", {}, token=theirs).status_code == 422
    answered = client.send_json("POST", f"/api/v1/questions/{qid}/answers", {"body": "In OneDrive."}, token=theirs)
    assert answered.status_code == 201
    assert answered.json["status"] == "answered" and answered.json["answers"][0]["author"]["id"] == expert.id

    assert client.send_json("POST", f"/api/v1/questions/{qid}/resolve", {"helpful": True}, token=theirs).status_code == 403
    assert client.send_json("POST", f"/api/v1/questions/{qid}/resolve", {"helpful": "maybe"}, token=mine).status_code == 422
    resolved = client.send_json("POST", f"/api/v1/questions/{qid}/resolve", {"helpful": False}, token=mine)
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved" and resolved.json["helpful"] is False
    assert client.send_json("POST", f"/api/v1/questions/{qid}/resolve", {"helpful": True}, token=mine).status_code == 409
    assert client.send_json("POST", f"/api/v1/questions/{qid}/answers", {"body": "more"}, token=theirs).status_code == 409
    assert client.send_json("GET", f"/api/v1/questions/{qid}", token=theirs).json["helpful"] is False


def test_an_unanswered_question_cannot_be_rated_only_closed(client, pair, api_token, db):
    """A verdict on no answer fed the contact's ranking; now the asker can only close it."""
    from community.profiles.questions import answer_stats

    asker, expert = pair
    mine = api_token(asker)
    qid = client.send_json("POST", f"/api/v1/tags/{TEAMS}/questions",
                           {"person_id": expert.id, "message": "Where are recordings kept?"}, token=mine).json["id"]
    browser = _browser(client, asker)
    page = text_of(browser.get(f"/questions/{qid}"))
    assert "No answer yet" in page and "Close the question" in page and "Resolve: helpful" not in page
    refused = client.send_json("POST", f"/api/v1/questions/{qid}/resolve", {"helpful": True}, token=mine)
    assert refused.status_code == 409 and "no answer to rate yet" in refused.json["error"]["message"]
    rated = browser.post_form(f"/questions/{qid}/resolve", {"helpful": "yes"})
    assert rated.status_code == 422 and "no answer to rate yet" in text_of(rated)
    closed = browser.post_form(f"/questions/{qid}/resolve", {"helpful": "close"})
    assert closed.status_code == 302
    page = text_of(browser.get(f"/questions/{qid}"))
    assert "closed the question without rating it" in page
    # Closed, as the page says, not "resolved" (the confirmation said so, beside the status "closed").
    assert "The question is closed." in page and "the question is resolved" not in page
    got = client.send_json("GET", f"/api/v1/questions/{qid}", token=mine).json
    assert got["status"] == "resolved" and got["helpful"] is None
    stats = answer_stats([expert.id])[expert.id]
    assert (stats.received, stats.answered, stats.rated) == (1, 0, 0)


def test_the_openapi_document_describes_questions(client):
    spec = client.get("/api/v1/openapi.json").json
    one = spec["paths"]["/api/v1/questions/{question_id}"]["get"]["responses"]
    assert "404" in one
    resolve = spec["paths"]["/api/v1/questions/{question_id}/resolve"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(resolve)
    assert "QuestionSchema" in str(spec["paths"]["/api/v1/tags/{slug}/questions"]["post"]["responses"]["201"]) or \
        "Question" in str(spec["paths"]["/api/v1/tags/{slug}/questions"]["post"]["responses"]["201"])


def test_the_same_form_sent_twice_makes_one_question_and_one_answer(client, pair, db):
    from community.profiles.models import Answer, Question

    asker, expert = pair
    me = _browser(client, asker)
    token = "t" * 32
    first = _ask(me, expert, submission=token)
    second = _ask(me, expert, submission=token)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db.session.scalars(select(Question)).all()) == 1
    qid = _question_id(first)
    contact = _browser(client, expert)
    for _ in range(2):
        assert contact.post_form(f"/questions/{qid}/answers", {"body": "Once.", "submission": "a" * 32}).status_code == 302
    assert len(db.session.scalars(select(Answer)).all()) == 1


def test_an_empty_answer_rerenders_the_page_with_the_error(client, pair):
    asker, expert = pair
    qid = _question_id(_ask(_browser(client, asker), expert))
    response = _browser(client, expert).post_form(f"/questions/{qid}/answers", {"body": ""})
    assert response.status_code == 422 and "How do I share a channel" in text_of(response)


def test_answer_rate_and_helpfulness_rank_contacts_and_are_given_as_reasons(app, client, create_user, give_tags, taxonomy):
    from community.accounts.models import User
    from community.expertise.services import get_tag
    from community.extensions import db as database
    from community.profiles import contacts, questions
    from tests.conftest import isolated

    helpful = create_user(name="Helpful Hanna")
    silent = create_user(name="Silent Sam")
    for person in (helpful, silent):
        give_tags(person, {TEAMS: "practitioner"})
    askers = [create_user() for _ in range(5)]

    def arrange():
        with app.app_context():
            h, s = database.session.get(User, helpful.id), database.session.get(User, silent.id)
            for i, a in enumerate(askers):
                asker = database.session.get(User, a.id)
                for contact in (h, s):
                    q = questions.ask(asker, contact.id, TEAMS, f"Question {i}")
                    if contact is h:
                        questions.answer(h, q, "Here is how.")
                        questions.resolve(asker, q, helpful=i < 4)
            database.session.commit()
            tag = get_tag(TEAMS)
            viewer = database.session.get(User, askers[0].id)
            page = contacts.topic_contacts(viewer, tag, page=1, per_page=10, now=None)
            return [(c.person.name, c.reasons) for c in page.items]

    ranked = isolated(app, arrange)
    assert ranked[0][0] == "Helpful Hanna"
    assert "answers most questions" in ranked[0][1] and "4 of 5 found helpful" in ranked[0][1]
    assert "rarely answers questions" in dict(ranked)["Silent Sam"]


def test_export_and_erasure_take_the_answers_along(app, client, pair, api_token, db):
    from community.profiles.models import Answer, Question

    asker, expert = pair
    mine, theirs = api_token(asker), api_token(expert)
    qid = client.send_json("POST", f"/api/v1/tags/{TEAMS}/questions", {"person_id": expert.id, "message": "Lists?"},
                           token=mine).json["id"]
    client.send_json("POST", f"/api/v1/questions/{qid}/answers", {"body": "Use Lists."}, token=theirs)
    exported = client.send_json("GET", "/api/v1/me/export", token=theirs).json
    received = exported["profiles"]["topic_questions_received"]
    assert received[0]["answers"][0]["body"] == "Use Lists."
    assert client.send_json("DELETE", "/api/v1/me", {"password": PASSWORD}, token=theirs).status_code == 204
    assert db.session.scalars(select(Question)).all() == [] and db.session.scalars(select(Answer)).all() == []


def test_the_demo_has_questions_in_every_state(app, db):
    from sqlalchemy import func

    from community import demo
    from community.profiles.models import Answer, Question

    summary = demo.build(people=80, seed=5)
    db.session.commit()
    assert summary["questions"] >= 10 and summary["question_answers"] > 0
    states = dict(db.session.execute(select(Question.status, func.count()).group_by(Question.status)).all())
    assert set(states) == {"open", "answered", "resolved"}
    assert db.session.scalar(select(func.count()).select_from(Answer)) == summary["question_answers"]
    assert db.session.scalar(select(func.max(Question.updated_at))) <= demo.utcnow()


def test_the_question_and_its_answer_reach_each_side_by_email_with_a_link_to_the_question(client, pair, api_token, db):
    from community.outreach.models import OutgoingMessage

    asker, expert = pair
    qid = client.send_json("POST", f"/api/v1/tags/{TEAMS}/questions", {"person_id": expert.id, "message": "Lists?"},
                           token=api_token(asker)).json["id"]
    client.send_json("POST", f"/api/v1/questions/{qid}/answers", {"body": "Use Lists."}, token=api_token(expert))
    mails = {m.recipient: m for m in db.session.scalars(select(OutgoingMessage))}
    assert f"/questions/{qid}" in mails[expert.email].body_text and mails[expert.email].kind == "topic_question"
    assert f"/questions/{qid}" in mails[asker.email].body_text and mails[asker.email].kind == "question_answered"


def test_opening_a_question_marks_its_notifications_read_as_a_thread_does(client, pair, db):
    from community.notifications.models import Notification

    asker, expert = pair
    me = _browser(client, asker)
    qid = _question_id(_ask(me, expert))
    other = _question_id(_ask(me, expert, message="And how do I pin a tab?"))
    contact = _browser(client, expert)
    assert "data-unread>2<" in contact.get("/questions?box=received").get_data(as_text=True)

    page = contact.get(f"/questions/{qid}").get_data(as_text=True)
    assert "data-unread>1<" in page  # the bell of the very page that opened it
    db.session.expire_all()
    unread = db.session.scalars(select(Notification.link).where(Notification.user_id == expert.id,
                                                                Notification.read_at.is_(None))).all()
    assert unread == [f"/questions/{other}"]
    assert "data-unread>1<" in contact.get("/notifications/").get_data(as_text=True)


def test_a_contact_nobody_found_helpful_is_not_shown_as_such(app):
    """A card read "0 of 1 found helpful" about a colleague, for everyone to see."""
    from community.profiles.contacts import Candidate, answer_reasons

    fields = {name: None for name in Candidate.__dataclass_fields__}
    with app.test_request_context():
        unhelpful = Candidate(**{**fields, "received": 1, "answered": 1, "rated": 1, "helpful": 0})
        assert not any("helpful" in reason for reason in answer_reasons(unhelpful))
        helped = Candidate(**{**fields, "received": 1, "answered": 1, "rated": 2, "helpful": 1})
        assert "1 of 2 found helpful" in answer_reasons(helped)


def test_the_same_question_sent_again_from_a_fresh_form_makes_no_second_one(client, pair, db, api_token):
    """Back after sending showed the form still filled in (a fresh page, a new submission
    token), and sending it again made a second, identical question."""
    from community.notifications.models import Notification
    from community.profiles.models import Question

    asker, expert = pair
    me = _browser(client, asker)
    first = _ask(me, expert, submission="a" * 32)
    again = _ask(me, expert, message="  how do I share a channel  with a partner? ", submission="b" * 32)
    assert again.status_code == 302 and _question_id(again) == _question_id(first)
    assert "You asked Erik Expert this already; here is your question." in text_of(me.get(again.headers["Location"]))
    assert len(db.session.scalars(select(Question)).all()) == 1
    assert len(db.session.scalars(select(Notification).where(Notification.user_id == expert.id)).all()) == 1
    # The API gives the same question back; another question is a new one.
    repeat = client.send_json("POST", f"/api/v1/tags/{TEAMS}/questions",
                              {"person_id": expert.id, "message": "How do I share a channel with a partner?"},
                              token=api_token(asker))
    assert repeat.status_code == 201 and repeat.json["id"] == _question_id(first)
    other = _ask(me, expert, message="And a private channel?", submission="c" * 32)
    assert _question_id(other) != _question_id(first)


def test_questions_and_answers_read_their_markdown_as_posts_do(client, pair):
    """An answer with **bold**, a link and a list showed the raw characters."""
    asker, expert = pair
    me = _browser(client, asker)
    qid = _question_id(_ask(me, expert, message="How do I *share* a channel?\nWith a partner.", submission="q" * 32))
    contact = _browser(client, expert)
    assert "Markdown:" in text_of(contact.get(f"/questions/{qid}"))  # the answer box says how to write
    contact.post_form(f"/questions/{qid}/answers", {"body": "**Short** answer: see [the guide](https://example.com/guide)\n\n- one\n- two",
                                                     "submission": "r" * 32})
    html = me.get(f"/questions/{qid}").get_data(as_text=True)
    assert "<strong>Short</strong>" in html and 'href="https://example.com/guide"' in html and "<li>one</li>" in html
    assert "<em>share</em>" in html and "**Short**" not in html
    contact.post_form(f"/questions/{qid}/answers", {"body": "<script>alert(1)</script>", "submission": "s" * 32})
    assert "<script>alert(1)</script>" not in me.get(f"/questions/{qid}").get_data(as_text=True)
