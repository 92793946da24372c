"""A reply's followers as `reply_target` reads them (the subscriptions' rows, the rules applied
in Python: subscriptions.reply_followers) are exactly those of the one-statement rules
(`_reply_recipients_stmt`, still used where a thread was loaded), for every mix of levels on the
thread, its category and its topics, inactive people and mentors-only categories, each with
their e-mail choice. Both databases."""

from __future__ import annotations

import random

import pytest

LEVELS = (None, "watching", "normal", "muted")


@pytest.mark.parametrize("visibility", ["members", "mentors"])
def test_followers_read_apart_are_those_of_the_one_statement_rules(app, db, create_user, create_category, create_tag,
                                                                  create_thread, visibility):
    from community.accounts.models import User
    from community.discussions.models import Subscription, Thread
    from community.discussions.services import reply_target
    from community.discussions.subscriptions import reply_recipients
    from community.outreach.models import NotificationPreference
    from community.outreach.services import at_once_choice

    pick = random.Random(f"followers-{visibility}")
    category = create_category(visibility=visibility)
    first, second = create_tag(f"topic-{visibility}-a"), create_tag(f"topic-{visibility}-b")
    author = create_user(roles=("mentor",))
    thread = create_thread(author, category=category, tags=[first.name, second.name])
    assert {tag.id for tag in thread.tags} == {first.id, second.id}
    other = create_thread(author, category=create_category(visibility=visibility))  # never counted
    pref_key = at_once_choice("discussion_reply")
    people = [create_user(roles=(pick.choice(["staff", "mentor", "executive", "change_manager"]),)) for _ in range(40)]
    with app.app_context():
        for person in people:
            for kind, target_id in (("thread", thread.id), ("category", category.id), ("tag", first.id),
                                    ("tag", second.id), ("thread", other.id)):
                level = pick.choice(LEVELS)
                if level is not None:
                    db.session.add(Subscription(user_id=person.id, target_kind=kind, target_id=target_id, level=level))
            if pref_key is not None and pick.random() < 0.4:
                db.session.add(NotificationPreference(user_id=person.id, kind=pref_key, mode="immediately"))
            if pick.random() < 0.15:
                db.session.get(User, person.id).active = False
        db.session.commit()
    replier = create_user(roles=("mentor",))
    with app.test_request_context(f"/api/v1/threads/{thread.id}/posts", method="POST"):
        me = db.session.get(User, replier.id)
        target = reply_target(me, thread.id)
        expected = set(reply_recipients(db.session.get(Thread, thread.id), exclude=()))
        db.session.rollback()
    assert set(target.followers) == expected
    assert len(target.followers) == len(expected) > 3  # each once, and the mix left some
    if pref_key is None:
        assert target.emailed is None
    else:
        with app.app_context():
            chose = {p.user_id for p in db.session.query(NotificationPreference).filter_by(kind=pref_key)}
        assert target.emailed == frozenset(expected & chose)
