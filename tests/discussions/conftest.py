"""Factories for the community: categories, tags, threads, replies (committed, like data
another request left behind)."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import isolated

_seq = itertools.count(1)


@pytest.fixture
def create_category(app):
    """create_category(name=..., visibility="members"|"mentors", position=0) -> Category."""
    from community.discussions.models import Category
    from community.extensions import db

    def make(name: str | None = None, visibility: str = "members", position: int = 0, slug: str | None = None, **fields):
        n = next(_seq)

        def _make():
            with app.app_context():
                category = Category(slug=slug or f"category-{n}", name=name or f"Category {n}", visibility=visibility,
                                    position=position, description=fields.pop("description", f"About things {n}"), **fields)
                db.session.add(category)
                db.session.commit()
                db.session.refresh(category)
                db.session.expunge(category)
                return category

        return isolated(app, _make)

    return make


@pytest.fixture
def create_tag(app):
    from community.expertise.models import Tag
    from community.extensions import db

    def make(slug: str, name: str | None = None):
        def _make():
            with app.app_context():
                tag = Tag(slug=slug, name=name or slug.replace("-", " ").title(), field="collaboration")
                db.session.add(tag)
                db.session.commit()
                db.session.refresh(tag)
                db.session.expunge(tag)
                return tag

        return isolated(app, _make)

    return make


def _as(user):
    from community.accounts.models import User
    from community.extensions import db

    return db.session.get(User, user.id)


@pytest.fixture
def create_thread(app, create_category):
    """create_thread(author, category=None, title=..., body=..., tags=()) -> Thread (via the service)."""
    from community.discussions import services
    from community.discussions.models import Category
    from community.extensions import db

    def make(author, category=None, title: str | None = None, body: str = "Hello community", tags=()):
        category = category or create_category()

        def _make():
            with app.test_request_context():
                thread = services.create_thread(
                    _as(author), category=db.session.get(Category, category.id),
                    title=title or f"Thread {next(_seq)}", body=body, tags=tags,
                )
                db.session.commit()
                db.session.refresh(thread)
                thread.tags  # noqa: B018 - load before leaving the session
                db.session.expunge_all()
                return thread

        return isolated(app, _make)

    return make


@pytest.fixture
def add_reply(app):
    """add_reply(author, thread, body, reply_to=None) -> Post (via the service)."""
    from community.discussions import services
    from community.discussions.models import Thread
    from community.extensions import db

    def make(author, thread, body: str = "A reply", reply_to=None):
        def _make():
            with app.test_request_context():
                post = services.reply(_as(author), db.session.get(Thread, thread.id), body,
                                      reply_to_post_id=getattr(reply_to, "id", reply_to))
                db.session.commit()
                db.session.refresh(post)
                db.session.expunge_all()
                return post

        return isolated(app, _make)

    return make


@pytest.fixture
def first_post(db):
    def get(thread):
        from sqlalchemy import select

        from community.discussions.models import Post

        return db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1))

    return get
