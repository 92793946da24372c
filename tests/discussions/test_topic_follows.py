"""Following a topic: the follow survives a merge of topics and goes with a deleted topic."""

from sqlalchemy import select

from tests.conftest import isolated
from tests.discussions.test_notifications import notes_of


def _switch(client, login_as, person):
    client.post_form("/logout")
    login_as(person)


def _follow(client, login_as, person, tag, level):
    _switch(client, login_as, person)
    assert client.post_form(f"/community/follow/tag/{tag.id}", {"level": level}).status_code == 302


def _merge(client, login_as, create_user, source, target):
    _switch(client, login_as, create_user(roles=["change_manager"]))
    response = client.post_form(f"/tags/{source.slug}/merge", {"target": target.slug, "confirm": "y"})
    assert response.status_code == 302


def test_people_following_a_merged_topic_follow_the_topic_it_was_merged_into(
    client, login_as, db, create_user, create_category, create_tag, create_thread
):
    from community.discussions.models import Subscription

    source, target = create_tag("yammer"), create_tag("viva-engage")
    only_source, mutes_source, both = create_user(), create_user(), create_user()
    _follow(client, login_as, only_source, source, "watching")
    _follow(client, login_as, mutes_source, source, "muted")
    _follow(client, login_as, mutes_source, target, "watching")
    _follow(client, login_as, both, source, "watching")
    _follow(client, login_as, both, target, "normal")

    _merge(client, login_as, create_user, source, target)

    _switch(client, login_as, only_source)
    assert '<option selected value="watching">' in client.get("/community/topics/viva-engage").get_data(as_text=True)
    create_thread(create_user(), category=create_category(), title="Communities in Viva Engage", tags=["viva-engage"])
    assert [n.kind for n in notes_of(db, only_source)] == ["discussion_thread"]
    assert [n.kind for n in notes_of(db, both)] == ["discussion_thread"]  # watching beats normal
    assert notes_of(db, mutes_source) == []  # muted wins, as everywhere in the community
    db.session.expire_all()
    follows = db.session.scalars(select(Subscription).where(Subscription.target_kind == "tag")).all()
    assert sorted((s.user_id, s.target_id, s.level) for s in follows) == sorted(
        [(only_source.id, target.id, "watching"), (mutes_source.id, target.id, "muted"), (both.id, target.id, "watching")]
    )


def test_a_new_topic_never_inherits_the_follows_of_a_deleted_one(app, client, login_as, db, create_user, create_tag):
    from community.discussions.models import Subscription
    from community.expertise.models import Tag

    gone = create_tag("old-topic")
    follower = create_user()
    _follow(client, login_as, follower, gone, "watching")

    def delete_topic():
        with app.app_context():
            db.session.delete(db.session.get(Tag, gone.id))
            db.session.commit()

    isolated(app, delete_topic)
    db.session.expire_all()
    assert db.session.scalars(select(Subscription).where(Subscription.target_kind == "tag")).all() == []
    reborn = create_tag("new-topic")
    _switch(client, login_as, follower)
    assert '<option selected value="watching">' not in client.get(f"/community/topics/{reborn.slug}").get_data(as_text=True)


def test_watching_a_topic_tells_about_every_new_post_in_its_threads_unless_the_thread_is_muted(
    client, login_as, db, create_user, create_category, create_tag, create_thread, add_reply
):
    topic = create_tag("sharepoint")
    watcher, muted_thread, normal_thread = create_user(), create_user(), create_user()
    thread = create_thread(create_user(), category=create_category(), title="Sharing pages", tags=["sharepoint"])
    other = create_thread(create_user(), category=create_category(), title="Unrelated")
    for person in (watcher, muted_thread, normal_thread):
        _follow(client, login_as, person, topic, "watching")
    client.post_form(f"/community/follow/thread/{thread.id}", {"level": "normal"})  # normal_thread's own choice
    _switch(client, login_as, muted_thread)
    client.post_form(f"/community/follow/thread/{thread.id}", {"level": "muted"})

    add_reply(create_user(), thread, "Use the share dialog")
    add_reply(create_user(), other, "Not about the topic")

    assert [(n.kind, n.params["thread"]) for n in notes_of(db, watcher)] == [("discussion_reply", "Sharing pages")]
    assert notes_of(db, muted_thread) == [] and notes_of(db, normal_thread) == []


def test_a_muted_topic_silences_replies_a_category_watch_would_bring(
    client, login_as, db, create_user, create_category, create_tag, create_thread, add_reply
):
    topic, category = create_tag("gossip"), create_category()
    person = create_user()
    _follow(client, login_as, person, topic, "muted")
    client.post_form(f"/community/follow/category/{category.id}", {"level": "watching"})
    thread = create_thread(create_user(), category=category, tags=["gossip"])
    add_reply(create_user(), thread, "More gossip")
    assert notes_of(db, person) == []
