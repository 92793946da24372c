"""Profile data in the personal export, erasure and retention."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import PASSWORD, isolated


def test_export_lists_topics_and_topic_questions(client, create_user, give_tags, api_token, taxonomy):
    me = create_user(name="Mo Export")
    give_tags(me, {"linkedin": "expert"})
    expert = create_user(name="Erik Expert")
    give_tags(expert, {"sharepoint": "expert"})
    token = api_token(me)
    client.send_json("POST", "/api/v1/tags/sharepoint/questions", {"person_id": expert.id, "message": "Lists?"}, token=token)
    data = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {token}"}).json["profiles"]
    assert [(t["slug"], t["level"]) for t in data["topics"]] == [("linkedin", "expert")]
    assert data["topic_questions_asked"][0]["message"] == "Lists?" and data["topic_questions_asked"][0]["to"] == "Erik Expert"
    assert data["topic_questions_received"] == []


def test_erasure_removes_topics_questions_and_search_text(client, create_user, give_tags, api_token, db, taxonomy):
    from community.profiles.models import PersonSearch, PersonTag, TopicQuestion

    me = create_user(name="Zacharias Unique")
    give_tags(me, {"linkedin": "expert"})
    expert = create_user()
    give_tags(expert, {"sharepoint": "expert"})
    token = api_token(me)
    client.send_json("POST", "/api/v1/tags/sharepoint/questions", {"person_id": expert.id, "message": "Hi"}, token=token)
    assert client.send_json("DELETE", "/api/v1/me", {"password": PASSWORD}, token=token).status_code == 204
    assert db.session.scalars(select(PersonTag).where(PersonTag.user_id == me.id)).all() == []
    assert db.session.scalars(select(TopicQuestion)).all() == []
    body = db.session.scalar(select(PersonSearch.body).where(PersonSearch.user_id == me.id)) or ""
    assert "zacharias" not in body and "linkedin" not in body
    other = api_token(create_user())
    assert client.get("/api/v1/people?q=zacharias", headers={"Authorization": f"Bearer {other}"}).json["total"] == 0


def test_retention_deletes_old_topic_questions(app, create_user, give_tags, db, taxonomy):
    from community.database import utcnow
    from community.expertise.models import Tag
    from community.extensions import db as database
    from community.privacy.services import run_retention
    from community.profiles.models import TopicQuestion

    asker, person = create_user(), create_user()

    def arrange_and_run():
        with app.app_context():
            tag_id = database.session.scalar(select(Tag.id).where(Tag.slug == "linkedin"))
            for days in (10, 800):
                database.session.add(TopicQuestion(asker_id=asker.id, person_id=person.id, tag_id=tag_id, message="?",
                                                   created_at=utcnow() - timedelta(days=days),
                                                   updated_at=utcnow() - timedelta(days=days)))
            database.session.flush()
            removed = run_retention(months=12)
            database.session.commit()
            return removed

    assert isolated(app, arrange_and_run)["topic_questions"] == 1
    assert len(db.session.scalars(select(TopicQuestion)).all()) == 1
