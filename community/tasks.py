"""The task runner: work that is not the request's own, run after the request's commit.

Services call `enqueue("name", *args)`. The task is remembered on the database session and
handed over only when that transaction commits (a rollback drops it), so a worker never
looks for rows that do not exist yet:

- with REDIS_URL set, tasks go to Celery (Redis as broker); `make worker` runs the worker and
  the beat scheduler, which also starts the periodic tasks (PERIODIC below);
- without Redis (the embedded default, `make run`), tasks run in the same process right after
  the commit; `flask --app wsgi tasks worker` runs the periodic ones in a loop.

Every task is idempotent: sending is guarded by unique keys (see community.outreach), the
analysis job is claimed atomically. This module is the only place that commits for jobs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from community.database import utcnow
from community.extensions import db
from community.unit_of_work import commit, rollback

log = logging.getLogger(__name__)

# Publishing to a broker that does not answer gives up quickly (the task then runs in-process).
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
PENDING = "community.tasks.pending"  # enqueued in the open transaction
READY = "community.tasks.ready"  # committed, waiting to be handed over


@dataclass(frozen=True)
class TaskSpec:
    name: str
    run: Callable[..., Any]
    max_retries: int = 5


@dataclass(frozen=True)
class Periodic:
    """A task started by the scheduler every `every` (seconds); `claim` names a period so it
    runs once per period even when two schedulers fire (see `claim_period`)."""

    task: str
    every: float


_TASKS: dict[str, TaskSpec] = {}
PERIODIC: list[Periodic] = []


def task(name: str, *, max_retries: int = 5, every: float | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a task under a stable name (the name is what travels through Redis)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _TASKS[name] = TaskSpec(name, fn, max_retries)
        if every is not None and all(p.task != name for p in PERIODIC):
            PERIODIC.append(Periodic(name, every))
        return fn

    return register


def registered() -> dict[str, TaskSpec]:
    _load_task_modules()
    return dict(_TASKS)


def _load_task_modules() -> None:
    import importlib

    for module in TASK_MODULES:
        importlib.import_module(module)


# Modules whose import registers tasks.
TASK_MODULES = ("community.outreach.jobs", "community.admin.jobs", "community.discussions.mentions")


# --------------------------------------------------------------------------- after the commit


def enqueue(name: str, *args: Any) -> None:
    """Run `name(*args)` once the current transaction has committed (never if it rolls back)."""
    db.session.info.setdefault(PENDING, []).append((name, tuple(args)))


def enqueue_once(name: str, *args: Any) -> None:
    """`enqueue`, unless the same task with the same arguments is pending in this transaction
    already (a task that covers everything queued needs no second run for one request)."""
    pending = db.session.info.setdefault(PENDING, [])
    if (name, tuple(args)) not in pending:
        pending.append((name, tuple(args)))


def discard_pending() -> None:
    """The transaction is rolled back: what it enqueued never happens."""
    db.session.info.pop(PENDING, None)


def _install_session_hooks() -> None:
    if getattr(_install_session_hooks, "done", False):
        return

    @event.listens_for(Session, "after_commit")
    def committed(session: Session) -> None:
        pending = session.info.pop(PENDING, None)
        if pending:
            session.info.setdefault(READY, []).extend(pending)

    @event.listens_for(Session, "after_soft_rollback")
    def rolled_back(session: Session, previous_transaction: Any) -> None:
        if previous_transaction.parent is None:  # the whole transaction, not a savepoint
            session.info.pop(PENDING, None)

    _install_session_hooks.done = True  # type: ignore[attr-defined]


def dispatch_ready() -> None:
    """Hand committed tasks over: to Celery, or run them here, one after the other."""
    info = db.session.info
    if info.get("community.tasks.dispatching"):
        return  # a task run in-process committed: its follow-ups join the loop below
    info["community.tasks.dispatching"] = True
    try:
        while info.get(READY):
            name, args = info[READY].pop(0)
            send(name, *args)
    finally:
        info.pop("community.tasks.dispatching", None)


def send(name: str, *args: Any) -> None:
    """Start a task now: through the broker when there is one, else in this process."""
    celery = celery_for(current_app._get_current_object())  # type: ignore[attr-defined]
    if celery is not None:
        try:
            celery.send_task(name, args=list(args), retry=True, retry_policy=PUBLISH_RETRY)
            return
        except Exception:  # noqa: BLE001 - the broker is down: do it here rather than lose it
            log.exception("could not queue task %s; running it in this process", name)
    run_now(name, *args)


def run_now(name: str, *args: Any) -> bool:
    """Run a task in this process and commit; a failure is logged, never raised to the caller."""
    spec = registered().get(name)
    if spec is None:
        log.error("unknown task %s", name)
        return False
    try:
        spec.run(*args)
        commit()
        return True
    except Exception:  # noqa: BLE001 - the request that caused it has answered already
        rollback()
        log.exception("task %s failed", name)
        return False
    finally:
        dispatch_ready()


# --------------------------------------------------------------------------- once per period


def claim_period(key: str) -> bool:
    """True for the first caller with this key (e.g. "digest:17:2026-12-02"), False after.

    A unique key in table `task_claims`, so two workers or two schedulers never both do it.
    """
    from community.outreach.models import TaskClaim

    if db.session.scalar(select(TaskClaim.key).where(TaskClaim.key == key)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.execute(insert(TaskClaim).values(key=key, created_at=utcnow()))
    except IntegrityError:
        return False
    return True


# --------------------------------------------------------------------------- Celery


def init_app(app: Flask) -> None:
    """With REDIS_URL: a Celery app (broker and result store on Redis) whose tasks run inside
    an app context. Without it: nothing but the after-commit hook."""
    _install_session_hooks()


def celery_for(app: Flask) -> Any:
    """The Celery app, made on first use (web processes that never hand over a task never
    import Celery); None without a broker."""
    if "celery" in app.extensions:
        return app.extensions["celery"]
    broker = app.config.get("CELERY_BROKER_URL") or app.config.get("REDIS_URL")
    if not broker or app.config.get("TASKS_IN_PROCESS"):
        return None
    from celery import Celery
    from celery import Task as CeleryTask

    class FlaskTask(CeleryTask):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker,
        task_ignore_result=True,
        task_acks_late=True,  # a worker that dies mid-task leaves it for another
        worker_prefetch_multiplier=1,
        task_default_queue=app.config.get("CELERY_QUEUE", "community"),
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
        beat_schedule={
            p.task: {"task": p.task, "schedule": timedelta(seconds=p.every)} for p in _periodic_for(app)
        },
        timezone="UTC",
    )
    for spec in registered().values():
        _celery_task(celery, spec)
    app.extensions["celery"] = celery
    return celery


def _periodic() -> list[Periodic]:
    _load_task_modules()
    every = current_app.config.get("TASKS_PERIODIC_SECONDS") if _has_app() else None
    return [Periodic(p.task, float(every)) for p in PERIODIC] if every else list(PERIODIC)


def _has_app() -> bool:
    from flask import has_app_context

    return has_app_context()


def _periodic_for(app: Flask) -> list[Periodic]:
    with app.app_context():
        return _periodic()


def _celery_task(celery: Any, spec: TaskSpec) -> None:
    @celery.task(name=spec.name, bind=True, max_retries=spec.max_retries)
    def run(self: Any, *args: Any) -> None:
        try:
            spec.run(*args)
            commit()
        except Exception as error:
            rollback()
            log.exception("task %s failed (attempt %s)", spec.name, self.request.retries + 1)
            # Exponential backoff: 30 s, 60 s, 120 s … capped at an hour.
            raise self.retry(exc=error, countdown=min(30 * 2 ** self.request.retries, 3600)) from error
        finally:
            dispatch_ready()


# --------------------------------------------------------------------------- the embedded worker


def run_periodic_once(now: datetime | None = None, last_run: dict[str, float] | None = None) -> list[str]:
    """Run the periodic tasks that are due (all of them when last_run is None)."""
    started = []
    clock = time.monotonic()
    for periodic in _periodic():
        if last_run is not None and clock - last_run.get(periodic.task, -1e12) < periodic.every:
            continue
        if last_run is not None:
            last_run[periodic.task] = clock
        run_now(periodic.task)
        started.append(periodic.task)
    return started


def embedded_worker(stop_after: float | None = None, tick: float = 5.0) -> None:
    """Without Redis: run the periodic tasks on their schedule in this process (Ctrl-C stops)."""
    last_run: dict[str, float] = {}
    began = time.monotonic()
    while stop_after is None or time.monotonic() - began < stop_after:
        run_periodic_once(last_run=last_run)
        db.session.remove()
        time.sleep(tick)
