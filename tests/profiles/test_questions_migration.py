"""Migration 0021 moves the earlier topic questions into questions (same ids, status open),
and back on a downgrade."""

from sqlalchemy import text


def test_topic_questions_move_into_questions_and_back(tmp_path_factory):
    from flask_migrate import downgrade, upgrade

    from community.extensions import db
    from tests.test_migrations import at_revision

    with at_revision(tmp_path_factory, "_questions", "3f2b7c9d1e04"):
        with db.engine.begin() as conn:
            for i in (1, 2):
                conn.execute(text(
                    "INSERT INTO users (id, email, name, handle, timezone, active, created_at, capacity, directory_visible, "
                    "analysis_opt_out) VALUES (:id, :email, :name, :handle, 'Europe/Berlin', true, CURRENT_TIMESTAMP, 0, true, false)"
                ), {"id": i, "email": f"p{i}@example.com", "name": f"P {i}", "handle": f"p{i}"})
            conn.execute(text("INSERT INTO tags (id, slug, name, field, created_at) VALUES (1, 'teams', 'Teams', 'collaboration', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO topic_questions (id, asker_id, person_id, tag_id, message, created_at) "
                              "VALUES (7, 1, 2, 1, 'Channels?', CURRENT_TIMESTAMP)"))
        upgrade(revision="9a4c1e7b2d21")
        with db.engine.begin() as conn:
            row = conn.execute(text("SELECT id, asker_id, contact_id, body, status, helpful FROM questions")).one()
            assert tuple(row) == (7, 1, 2, "Channels?", "open", None)
            # New questions get the next id.
            conn.execute(text("INSERT INTO questions (asker_id, contact_id, tag_id, body, status, created_at, updated_at) "
                              "VALUES (2, 1, 1, 'Back?', 'open', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            assert conn.execute(text("SELECT max(id) FROM questions")).scalar() == 8
        downgrade(revision="3f2b7c9d1e04")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM topic_questions")).scalar() == 2
        db.session.remove()
        db.engine.dispose()
