"""A small organisation with one object of every kind, for the access-matrix test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

ROLES = ("anonymous", "mentor", "executive", "staff", "change_manager", "admin")


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def build_world(app) -> World:
    from community.accounts import services as accounts
    from community.ambassadors import services as ambassadors
    from community.discussions import moderation
    from community.discussions import services as discussions
    from community.discussions.models import Category
    from community.expertise.models import TagSynonym
    from community.expertise.services import get_tag, seed_taxonomy
    from community.extensions import db
    from community.mentoring import services as mentoring
    from community.mentoring.models import MentoringSession, Mentorship
    from community.network import services as network
    from community.notifications.models import Notification
    from community.profiles.models import PersonTag

    world = World()
    with app.test_request_context():
        seed_taxonomy()
        for role in ROLES[1:]:
            user = accounts.create_user(email=f"{role}@example.com", name=f"{role.title()} Person", password="correct horse battery staple",
                                        roles=[role], department="IT" if role == "mentor" else "Sales", check_password=False)
            world.users[role] = user
        mentor, executive, staff, cm = (world.users[r] for r in ("mentor", "executive", "staff", "change_manager"))
        mentor.capacity = 3
        teams = get_tag("microsoft-teams")
        db.session.add(PersonTag(user_id=mentor.id, tag_id=teams.id, level="expert"))
        db.session.flush()
        world.ids["tag"] = teams.slug
        world.ids["synonym"] = db.session.query(TagSynonym.id).filter(TagSynonym.tag_id == teams.id).first()[0]

        members = Category(slug="tools", name="Tools & tricks", visibility="members", position=1)
        lounge = Category(slug="lounge", name="Mentor lounge", visibility="mentors", position=2)
        db.session.add_all([members, lounge])
        db.session.flush()
        thread = discussions.create_thread(mentor, category=members, title="Teams tips", body="Use channels, not chats.")
        post = discussions.reply(staff, thread, "Thanks @mentor.person!")
        moderation.flag_post(executive, post, "Please check this reply.")
        lounge_thread = discussions.create_thread(mentor, category=lounge, title="Mentors only", body="Just between us.")
        world.ids.update(category="tools", category_id=members.id, lounge="lounge", thread=thread.id, post=post.id, lounge_thread=lounge_thread.id,
                         first_post=thread.posts[0].id if hasattr(thread, "posts") else None)
        from community.discussions.models import Flag

        world.ids["flag"] = db.session.query(Flag.id).first()[0]

        cohort = mentoring.create_cohort(cm, name="Run 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
        world.ids["cohort"] = cohort.id
        ship = Mentorship(mentor_id=mentor.id, executive_id=executive.id, status="active", cohort_id=cohort.id, requested_by_id=executive.id)
        db.session.add(ship)
        db.session.flush()
        start = datetime.now(UTC).replace(microsecond=0, second=0, minute=0) + timedelta(days=7)
        session = MentoringSession(mentorship_id=ship.id, mentor_id=mentor.id, starts_at=start, ends_at=start + timedelta(hours=1),
                                   duration_minutes=60, status="planned")
        db.session.add(session)
        db.session.flush()
        world.ids.update(mentorship=ship.id, session=session.id)
        world.ids["feed_token"] = mentoring.regenerate_feed(mentor)
        from community.impact import services as impact

        survey = impact.create_survey(cm, cohort, "start")
        impact.open_survey(cm, survey)
        world.ids["survey"] = survey.id

        nomination = ambassadors.nominate(staff, mentor.id, "Always helps with Teams and SharePoint.")
        world.ids["nomination"] = nomination.id

        from community.profiles import questions

        question = questions.ask(executive, mentor.id, teams.slug, "How do I share a channel?")
        world.ids["question"] = question.id

        note = Notification(user_id=mentor.id, kind="x", params={})
        db.session.add(note)
        db.session.flush()
        world.ids["notification"] = note.id

        from community.pool.models import Circle, CircleMember

        circle = Circle(name="Peer circle", created_by_id=cm.id, rhythm_weeks=4, duration_minutes=60,
                        first_meeting_at=start)
        circle.members = [CircleMember(user_id=mentor.id, status="accepted")]
        db.session.add(circle)
        db.session.flush()
        world.ids["circle"] = circle.id

        snapshot = network.compute_snapshot(cm)
        world.ids["snapshot"] = snapshot.id
        for role, user in world.users.items():
            _row, plain = accounts.create_api_token(user, "matrix")
            world.tokens[role] = plain
            world.ids[f"token_{role}"] = _row.id
        db.session.commit()
        world.ids.update({f"user_{role}": user.id for role, user in world.users.items()})
    return world
