"""The task runner: tasks start only after the commit, a rollback drops them, a savepoint's
rollback does not."""

from __future__ import annotations


def test_tasks_run_after_commit_and_are_dropped_on_rollback(app):
    from community import tasks
    from community.extensions import db
    from community.unit_of_work import commit, rollback

    ran: list[str] = []
    tasks.task("test.record")(lambda value: ran.append(value))
    with app.app_context():
        tasks.enqueue("test.record", "kept")
        assert ran == []  # nothing before the commit
        try:
            with db.session.begin_nested():
                raise RuntimeError("a savepoint fails")
        except RuntimeError:
            pass
        commit()
        assert ran == ["kept"]
        tasks.enqueue("test.record", "dropped")
        rollback()
        commit()
        assert ran == ["kept"]
    tasks._TASKS.pop("test.record")
