# ruff: noqa: F811
"""A real Celery worker process on Redis (TEST_REDIS_URL, this helper's own DB number) runs the
queued sending and the scheduled reminders; two workers never send a message twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.mentoring.conftest import in_days, in_hours
from tests.outreach_servers import smtp_server  # noqa: F401 - fixture

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL=redis://127.0.0.1:6379/<your DB> to run a real worker"),
]
QUEUE = f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def app_config(smtp_server):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "CELERY_BROKER_URL": REDIS_URL,
            "TASKS_IN_PROCESS": False, "CELERY_QUEUE": QUEUE}


@pytest.fixture
def workers(app, smtp_server, tmp_path):
    """Two worker processes (one also runs the beat scheduler, every periodic task each 2 s)."""
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_URL,
           "CELERY_QUEUE": QUEUE, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port),
           "SECRET_KEY": app.config["SECRET_KEY"], "TASKS_PERIODIC_SECONDS": "2", "BASE_URL": "http://community.test",
           "RATELIMIT_STORAGE_URI": "memory://"}
    celery = str(Path(sys.executable).with_name("celery"))
    processes = []
    for index, extra in enumerate((["--beat", "--schedule", str(tmp_path / "beat")], [])):
        log = open(tmp_path / f"worker{index}.log", "w")  # noqa: SIM115 - closed below
        processes.append((subprocess.Popen(
            [celery, "-A", "community.worker", "worker", "--pool", "solo", "-Q", QUEUE, "-n", f"w{index}-{QUEUE}@%h",
             "--loglevel", "info", *extra],
            env=env, stdout=log, stderr=subprocess.STDOUT), log))
    yield processes
    for process, log in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{QUEUE}*"):  # only this test's queue and its bindings
        client.delete(key)
    client.close()


def wait_for(predicate, timeout: float = 90.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_worker_sends_queued_mail_and_scheduled_reminders_once(people, create_mentorship, create_session, api,
                                                               smtp_server, workers, tmp_path):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201
    logs = lambda: "\n".join(p.read_text() for p in tmp_path.glob("worker*.log"))  # noqa: E731
    assert wait_for(lambda: smtp_server.to(executive.email)), logs()
    [invite] = smtp_server.to(executive.email)
    assert any(part.get_content_type() == "text/calendar" for part in invite.iter_attachments())
    # Scheduled: a session tomorrow is reminded by the beat, to each participant exactly once.
    create_session(mentorship_id, starts_at=in_hours(13))
    reminded = lambda who: [m for m in smtp_server.to(who.email) if "Reminder" in m["Subject"]]  # noqa: E731
    assert wait_for(lambda: reminded(mentor) and reminded(executive)), logs()
    time.sleep(6)  # several more ticks of the scheduler on two workers
    assert len(reminded(mentor)) == 1 and len(reminded(executive)) == 1
    assert len([m for m in smtp_server.to(executive.email) if "Reminder" not in m["Subject"]]) == 1
