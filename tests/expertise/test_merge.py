"""Merging topics: every use moves, nobody loses a level, old names stay findable."""

from __future__ import annotations

import html

from sqlalchemy import insert, select

from tests.conftest import isolated, text_of


def test_merge_moves_every_use_and_keeps_the_higher_level(app, client, create_user, give_tags, login_as, mentoring, db, taxonomy):
    from community.audit.models import AuditEvent
    from community.expertise.models import Tag, TagSynonym
    from community.mentoring.models import MentorshipGoal, SessionAgendaTag
    from community.profiles.models import PersonTag, TopicQuestion

    both_low_target = create_user(name="Both Lowtarget")
    give_tags(both_low_target, {"viva-engage": "expert", "working-out-loud": "interested"})
    both_high_target = create_user(name="Both Hightarget")
    give_tags(both_high_target, {"viva-engage": "interested", "working-out-loud": "practitioner"})
    only_source = create_user(name="Only Source")
    give_tags(only_source, {"viva-engage": "practitioner"})
    mentor, executive = create_user(roles=["mentor"]), create_user(roles=["executive"])
    pair = mentoring.mentorship(mentor, executive)
    session_both = mentoring.session(pair, mentor, tags=["viva-engage", "working-out-loud"])
    session_source = mentoring.session(pair, mentor, tags=["viva-engage"])

    def arrange():
        """Learning goals, a topic question and (when the community feature is present) threads."""
        with app.app_context():
            source = db.session.scalar(select(Tag).where(Tag.slug == "viva-engage"))
            target = db.session.scalar(select(Tag).where(Tag.slug == "working-out-loud"))
            db.session.add(MentorshipGoal(mentorship_id=pair, tag_id=source.id))
            db.session.add(TopicQuestion(asker_id=mentor.id, person_id=only_source.id, tag_id=source.id, message="?"))
            tables = db.metadata.tables
            threads = []
            if "thread_tags" in tables:
                category = db.session.execute(insert(tables["discussion_categories"]).values(slug="c", name="C")).inserted_primary_key[0]
                for title, tag_ids in (("both", [source.id, target.id]), ("source", [source.id])):
                    thread = db.session.execute(insert(tables["threads"]).values(category_id=category, title=title)).inserted_primary_key[0]
                    for tag_id in tag_ids:
                        db.session.execute(insert(tables["thread_tags"]).values(thread_id=thread, tag_id=tag_id))
                    threads.append(thread)
            db.session.commit()
            return threads

    threads = isolated(app, arrange)
    login_as(create_user(roles=["change_manager"]))
    preview = html.unescape(text_of(client.get("/tags/viva-engage/merge?target=working-out-loud")))
    assert "Merging “Viva Engage (Yammer)” into “Working Out Loud”" in preview
    assert "People's topics 3 2" in preview and "Session agendas 2 1" in preview and "Mentorship goals 1 0" in preview
    assert "person_tags" not in preview
    assert "yammer" in preview

    assert client.post_form("/tags/viva-engage/merge", {"target": "working-out-loud"}).status_code == 200  # no confirmation
    response = client.post_form("/tags/viva-engage/merge", {"target": "working-out-loud", "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/tags/working-out-loud"

    target = db.session.scalar(select(Tag).where(Tag.slug == "working-out-loud"))
    assert db.session.scalar(select(Tag).where(Tag.slug == "viva-engage")) is None
    levels = dict(db.session.execute(select(PersonTag.user_id, PersonTag.level).where(PersonTag.tag_id == target.id)).all())
    assert levels == {both_low_target.id: "expert", both_high_target.id: "practitioner", only_source.id: "practitioner"}
    assert db.session.scalar(select(PersonTag).where(PersonTag.tag_id != target.id)) is None
    agendas = db.session.execute(select(SessionAgendaTag.session_id, SessionAgendaTag.tag_id)).all()
    assert sorted(agendas) == sorted([(session_both, target.id), (session_source, target.id)])
    assert db.session.scalar(select(MentorshipGoal.tag_id)) == target.id
    assert db.session.scalar(select(TopicQuestion.tag_id)) == target.id
    if threads:
        thread_tags = db.metadata.tables["thread_tags"]
        rows = db.session.execute(select(thread_tags.c.thread_id, thread_tags.c.tag_id)).all()
        assert sorted(rows) == sorted((thread, target.id) for thread in threads)
    terms = set(db.session.scalars(select(TagSynonym.term).where(TagSynonym.tag_id == target.id)))
    assert {"viva engage (yammer)", "viva-engage", "yammer", "enterprise social network", "wol"} <= terms
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tag.merged"))
    assert event.data["source"] == "viva-engage" and event.data["moved"]["person_tags"] == 1
    # Old words find the merged topic and its people.
    assert "Only Source" in text_of(client.get("/people?q=yammer"))
    assert "Working Out Loud" in html.unescape(text_of(client.get("/tags?q=yammer")))


def test_merge_into_itself_or_an_unknown_topic_is_refused(client, create_user, login_as, taxonomy):
    login_as(create_user(roles=["admin"]))
    page = client.post_form("/tags/linkedin/merge", {"target": "linkedin", "confirm": "y"})
    assert page.status_code == 200 and "Choose another existing topic." in text_of(page)
    page = client.get("/tags/linkedin/merge?target=nope")
    assert page.status_code == 200 and "Choose another existing topic." in text_of(page)
    assert client.get("/tags/linkedin").status_code == 200
