"""Benchmark of the directory, topic-contact, profile and community pages on a 10,000-person demo organisation.

    .venv/bin/python bench/directory_bench.py [--people 10000] [--seed 1] [--requests 200]

Builds the demo organisation (community.demo.build) in a temporary SQLite database, signs in
as the demo admin through the login form, and times the pages with Flask's test client (no
network, one process), next to /livez as the bare-Flask baseline served the same way. Prints
requests per second and mean / p95 latency per page; no assertions.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not


def build_app(database: Path, people: int, seed: int):
    from sqlalchemy import func, select

    from community import create_app, demo
    from community.config import config_for_tests
    from community.database import SCHEMA_EXTRAS
    from community.expertise.models import Tag
    from community.extensions import db
    from community.profiles.models import PersonTag

    app = create_app({**config_for_tests(f"sqlite:///{database}"), "TESTING": False})
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            for install in SCHEMA_EXTRAS:
                install(conn)
        started = time.perf_counter()
        summary = demo.build(people=people, seed=seed)
        db.session.commit()
        print(f"demo organisation: {people} people in {time.perf_counter() - started:.1f} s "
              f"({summary.get('person_tags', '?')} person topics)")
        busiest = db.session.execute(
            select(Tag.slug, func.count()).join(PersonTag, PersonTag.tag_id == Tag.id)
            .group_by(Tag.slug).order_by(func.count().desc()).limit(1)
        ).one()
        from community.discussions.models import Thread

        thread_id = db.session.scalar(select(Thread.id).order_by(Thread.id).limit(1))
        db.session.remove()
    return app, busiest, thread_id


def sign_in(client) -> None:
    from community.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD

    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or re.search(
        r'name="csrf-token" content="([^"]+)"', form
    )
    response = client.post("/login", data={"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD,
                                           "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"could not sign in: {response.status_code}")


def time_page(client, url: str, requests: int) -> dict:
    for _ in range(5):  # warm caches and the connection pool
        assert client.get(url).status_code == 200, url
    latencies = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    total = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": requests / total,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, (slug, holders), thread_id = build_app(Path(tmp) / "bench.sqlite3", args.people, args.seed)
        client = app.test_client()
        sign_in(client)
        pages = [
            ("bare Flask (/livez)", "/livez"),
            ("directory, text search", "/people?q=teams"),
            ("directory, two-word prefix search", "/people?q=mar sales"),
            (f"directory, topic filter ({slug}, {holders} people)", f"/people?tag={slug}"),
            (f"topic contacts ({slug})", f"/tags/{slug}/contacts"),
            ("topic page", f"/tags/{slug}"),
            ("API directory search", "/api/v1/people?q=teams"),
            ("profile page", "/people/2"),
            ("community start page", "/community"),
            ("thread page", f"/threads/{thread_id}"),
        ]
        print(f"{args.requests} requests per page, Flask test client, SQLite")
        print(f"{'page':52} {'req/s':>8} {'mean ms':>9} {'p95 ms':>9}")
        baseline = None
        for label, url in pages:
            result = time_page(client, url, args.requests)
            baseline = baseline or result["rps"]
            share = f"  ({result['rps'] / baseline:.0%} of bare Flask)" if url != "/livez" else ""
            print(f"{label:52} {result['rps']:8.1f} {result['mean_ms']:9.2f} {result['p95_ms']:9.2f}{share}")
        with app.app_context():
            from community.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
