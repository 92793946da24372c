"""One unit of work per request: a route's writes are committed once when it succeeds and
not at all when it fails; a form shows a service's refusal and stores nothing of it."""

from __future__ import annotations

import pytest
from flask import flash, jsonify, redirect, render_template_string
from flask_wtf import FlaskForm
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from wtforms import StringField

from community.errors import ConflictError, NotFoundError, ValidationFailed
from community.expertise.models import Tag
from community.unit_of_work import after_commit, form_attempt, keep_changes, wrap_all_views

CALLBACKS: list[str] = []


class NameForm(FlaskForm):
    name = StringField()


def _write(slug: str) -> None:
    from community.extensions import db

    db.session.add(Tag(slug=slug, name=slug.title()))
    db.session.flush()  # what services do: the row exists in this transaction


@pytest.fixture
def app(app):
    """The suite's app with a few routes that write and then succeed or fail."""

    @app.post("/_uow/refused")
    def refused():
        _write("refused")
        raise ConflictError("This name is taken.")

    @app.post("/_uow/missing")
    def missing():
        _write("missing")
        raise NotFoundError("No such thing.")

    @app.post("/_uow/form")
    def form_page():
        form = NameForm()
        if form.validate_on_submit():
            with form_attempt(form) as attempt:
                _write("from-form")
                raise ValidationFailed("Not valid.", {"name": ["Choose another name."]})
            if attempt.ok:
                return redirect("/")
        return render_template_string("<p>{{ form.name.errors|join(' ') }}</p><p>{{ form.form_errors|join(' ') }}</p>",
                                      form=form)

    @app.post("/_uow/saved")
    def saved():
        _write("saved")
        after_commit(lambda: CALLBACKS.append("saved"))
        flash("Saved.")
        return redirect("/")

    @app.post("/_uow/error-status")
    def error_status():
        _write("error-status")
        after_commit(lambda: CALLBACKS.append("error-status"))
        return jsonify(ok=False), 400

    @app.post("/_uow/kept")
    def kept():
        _write("kept")
        keep_changes()  # e.g. a failed attempt that must be remembered
        return jsonify(ok=False), 401

    @app.get("/_uow/untouched")
    def untouched():
        return "nothing read"

    @app.get("/_uow/enqueues")
    def enqueues():
        from community import tasks

        tasks.enqueue("test.uow", "from a read")
        return "enqueued"

    @app.get("/_uow/reads")
    def reads():
        from community.extensions import db

        return str(db.session.scalar(select(func.count(Tag.id))))

    wrap_all_views(app)
    CALLBACKS.clear()
    return app


@pytest.fixture
def commits(app):
    """How many commits happened inside requests (the test's own session commits outside them)."""
    from flask import has_request_context

    seen: list[int] = []

    def count(_session):
        if has_request_context():
            seen.append(1)

    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


def stored(db) -> list[str]:
    return db.session.scalars(select(Tag.slug).order_by(Tag.slug)).all()


def test_a_route_that_refuses_after_writing_stores_nothing(client, db, commits):
    response = client.post_form("/_uow/refused")
    assert response.status_code == 409
    assert "This name is taken." in response.get_data(as_text=True)
    assert stored(db) == [] and commits == []


def test_the_refusal_answers_the_documented_json_error(client, db):
    response = client.post_form("/_uow/refused", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json == {"error": {"code": "conflict", "message": "This name is taken.", "fields": {}}}
    assert stored(db) == []


def test_not_found_after_writing_is_an_error_page_and_stores_nothing(client, db):
    response = client.post_form("/_uow/missing")
    # Every 404 says the same (missing and hidden look alike), whatever the service's text was.
    assert response.status_code == 404 and "does not exist, or you cannot see it" in response.get_data(as_text=True)
    assert "No such thing." not in response.get_data(as_text=True)
    assert stored(db) == []


def test_a_form_refusal_re_renders_with_the_field_error_and_stores_nothing(client, db, commits):
    response = client.post_form("/_uow/form", {"name": "x"})
    assert response.status_code == 200
    assert "<p>Choose another name.</p>" in response.get_data(as_text=True)
    assert stored(db) == []
    # The refused call was rolled back and the page shown again reads nothing more: nothing is
    # left to commit, and nothing of the refused call is stored.
    assert commits == []


def test_a_successful_post_is_committed_once(client, db, commits):
    response = client.post_form("/_uow/saved")
    assert response.status_code == 302
    assert stored(db) == ["saved"]
    assert len(commits) == 1
    assert CALLBACKS == ["saved"]  # after_commit callbacks run once the writes are stored


def test_an_error_status_rolls_back_and_skips_after_commit(client, db, commits):
    response = client.post_form("/_uow/error-status")
    assert response.status_code == 400
    assert stored(db) == [] and commits == [] and CALLBACKS == []


def test_keep_changes_stores_the_writes_of_an_error_answer(client, db, commits):
    response = client.post_form("/_uow/kept")
    assert response.status_code == 401
    assert stored(db) == ["kept"] and len(commits) == 1


def test_every_route_of_the_app_is_in_the_unit_of_work(app):
    assert all(getattr(view, "__wrapped_by_unit_of_work__", False) for view in app.view_functions.values())


def test_a_real_page_refusal_keeps_the_form_and_stores_nothing(client, db, create_user, login_as):
    """The admin's "new account" form, refused by the service (taken address), shows the
    message on the e-mail field and writes no account and no audit event."""
    from community.accounts.models import User
    from community.audit.models import AuditEvent

    admin = create_user(roles=("admin",))
    taken = create_user()
    login_as(admin)
    response = client.post_form("/admin/users/new", {"email": taken.email, "name": "Somebody Else",
                                                     "password": "another horse battery staple", "roles": "staff"})
    assert response.status_code == 200
    assert "An account with this e-mail address exists already." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "user.created")) == 0


def test_events_left_by_a_read_are_stored_whole_with_their_defaults(app, db):
    """A read's audit events are inserted after its answer (one Core insert per set of columns):
    every value given is stored, and a column left empty takes its default (created_at)."""
    from flask import g
    from sqlalchemy import select

    from community.audit.models import AuditEvent
    from community.database import utcnow
    from community.unit_of_work import write_after_read

    before = utcnow()
    with app.test_request_context("/network", method="GET"):
        g.write_after_read = [
            AuditEvent(action="test.viewed", subject_type="thing", subject_id=7, note="a", data={"k": [1, 2]}),
            AuditEvent(action="test.viewed", note="b", created_at=before),
        ]
        write_after_read()
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "test.viewed").order_by(AuditEvent.note)).all()
    assert [(r.note, r.subject_type, r.subject_id, r.data) for r in rows] == [("a", "thing", 7, {"k": [1, 2]}),
                                                                           ("b", None, None, None)]
    assert all(r.created_at is not None for r in rows)


def test_a_request_that_never_reached_the_database_commits_nothing(client, commits):
    response = client.get("/_uow/untouched")
    assert response.status_code == 200 and commits == []


def test_a_task_enqueued_by_a_request_that_reads_nothing_still_starts(app, client, commits):
    from community import tasks

    ran: list[str] = []
    tasks.task("test.uow")(lambda value: ran.append(value))
    try:
        response = client.get("/_uow/enqueues")
    finally:
        tasks._TASKS.pop("test.uow")
    assert response.status_code == 200 and ran == ["from a read"] and len(commits) == 1


def test_a_read_ends_its_transaction_at_the_edge(client, commits):
    response = client.get("/_uow/reads")
    assert response.status_code == 200 and len(commits) == 1


def test_the_unwritten_check_follows_the_session_connection(app, db):
    """The marker that a transaction reached the database is set when it begins a connection
    and dropped when the transaction ends, so a later request's session starts clean."""
    from community.unit_of_work import _nothing_to_commit

    with app.test_request_context("/"):
        session = db.session()
        session.rollback()
        assert _nothing_to_commit(session)
        session.scalar(select(func.count(Tag.id)))
        assert not _nothing_to_commit(session)
        session.commit()
        assert _nothing_to_commit(session)
        session.add(Tag(slug="pending", name="Pending"))
        assert not _nothing_to_commit(session)  # not flushed yet: the commit must flush it
        session.rollback()
