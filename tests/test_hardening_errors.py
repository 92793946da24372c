"""Issue 13, class 4: bad input and failing databases never give a 500 or a page that is not
the product's own (documented body, security headers) — in the app and in gunicorn."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import login
from tests.faults import CuttableProxy
from tests.served import gunicorn

BAD_JSON = {
    "lone surrogate in a value": '{"timezone": "\\ud800"}',
    "lone low surrogate in a key": '{"\\udfff": 1}',
    "deeply nested arrays": "[" * 100_000 + "]" * 100_000,
    "deeply nested objects": '{"a":' * 5_000 + "1" + "}" * 5_000,
    # Well-formed JSON, but more digits than Python converts (a ValueError, not a decode error).
    "an integer of 5,000 digits": '{"reply_to_post_id": ' + "1" * 5_000 + ', "body": "x", "timezone": "UTC"}',
}


def assert_product_error(response, status: int) -> None:
    assert response.status_code == status
    assert response.json["error"]["code"]
    assert response.json["error"]["message"]
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("body", BAD_JSON.values(), ids=BAD_JSON.keys())
@pytest.mark.parametrize(("method", "path"), [
    ("PATCH", "/api/v1/me"), ("POST", "/api/v1/threads"), ("POST", "/api/v1/mentorships"),
    ("POST", "/api/v1/nominations"),
])
def test_unusable_json_gets_the_documented_400(client, create_user, api_token, method, path, body):
    token = api_token(create_user(roles=("mentor",)))
    response = client.open(path, method=method, data=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert_product_error(response, 400)


def test_a_nul_character_is_refused_naming_its_field_on_every_database(client, create_user, api_token):
    """PostgreSQL cannot store NUL: it answered "a value is out of range", naming no field, and
    SQLite stored it. Now 422 with the field named, before anything is read or written."""
    token = api_token(create_user(roles=("mentor",)))
    response = client.open("/api/v1/threads", method="POST",
                           data='{"category_id": 1, "title": "a\\u0000b", "body": "x", "tags": ["\\u0000"]}',
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert_product_error(response, 422)
    assert sorted(response.json["error"]["fields"]) == ["tags", "title"]
    assert "NUL" in response.json["error"]["fields"]["title"][0]
    assert response.json["error"]["message"].endswith("from: tags, title.")  # SCIM shows only this line
    escaped = client.open("/api/v1/me", method="PATCH", data='{"timezone": "Europe/Berlin\\\\u0000"}',
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert escaped.status_code == 422 and "timezone" in escaped.json["error"]["fields"]  # a backslash, then "u0000"
    assert "NUL" not in escaped.json["error"]["fields"]["timezone"][0]


def test_a_form_value_holding_nul_is_refused_alike_on_every_database(client, login_as, create_user):
    login_as(create_user())
    response = client.post_form("/settings", {"locale": "en", "timezone": "Europe/Zurich\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]


def test_a_paired_surrogate_is_an_ordinary_character(client, create_user, api_token):
    user = create_user()
    token = api_token(user)
    response = client.open("/api/v1/me", method="PATCH", data='{"timezone": "Europe/Berlin"}',
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 200
    from community.security import json_body_problem

    assert json_body_problem(b'{"name": "\\ud83d\\ude00"}') is None


def test_ids_in_other_scripts_digits_are_no_ids(app, client, login_as, create_user, api_token):
    """Python reads "١٩" (Arabic-Indic digits) as 19, and Werkzeug's <int:> matched it: a second
    address for every page. Only ASCII digits name an id, in URLs and in parameters."""
    user = create_user()
    login_as(user)
    arabic = "".join(chr(0x0660 + int(d)) for d in str(user.id))
    assert client.get(f"/people/{user.id}").status_code == 200
    assert client.get(f"/people/{arabic}").status_code == 404
    from community.network.pseudonyms import resolve_person
    from community.pagination import clamp

    with app.test_request_context():
        assert resolve_person(arabic, pseudonymised_mode=False) is None
        assert resolve_person(str(user.id), pseudonymised_mode=False) == user.id
    assert clamp("٣", 20)[0] == 1 and clamp("3", 20)[0] == 3
    api = client.open("/api/v1/people?page=٣", headers={"Authorization": f"Bearer {api_token(user)}"})
    assert api.status_code == 422 and "page" in api.json["error"]["fields"]
    assert client.open("/api/v1/people?per_page=٣", headers={"Authorization": f"Bearer {api_token(user)}"}).status_code == 422
    assert client.open("/api/v1/people?page=2", headers={"Authorization": f"Bearer {api_token(user)}"}).status_code == 200
    # An integer written with a fraction of zeros is that integer (JSON Schema counts 2.0 as one);
    # any other fraction, or an exponent, is refused.
    token = {"Authorization": f"Bearer {api_token(user)}"}
    assert client.open("/api/v1/people?page=2.0", headers=token).json["page"] == 2
    for written in ("2.5", "2e0", ".0", "2.0.0", "0x2"):
        refused = client.open(f"/api/v1/people?page={written}", headers=token)
        assert refused.status_code == 422 and "page" in refused.json["error"]["fields"], written


@pytest.fixture
def database_fails(app):
    """Every statement fails from now on, as when the database went away mid-request."""
    from community.extensions import db

    def fail(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    with app.app_context():
        engine = db.engine
    state = {"on": False}

    def maybe_fail(*args, **kwargs):
        if state["on"]:
            fail()

    event.listen(engine, "before_cursor_execute", maybe_fail)
    yield state
    event.remove(engine, "before_cursor_execute", maybe_fail)


def test_the_503_page_for_a_signed_in_person_never_asks_the_database(app, client, create_user, database_fails):
    from flask_login import current_user

    @app.get("/test-database-gone")
    def gone():
        assert current_user.name  # the person was loaded before the database went away
        database_fails["on"] = True
        from community.extensions import db

        db.session.expire_all()
        raise OperationalError("SELECT 1", {}, Exception("gone"))

    login(client, create_user(name="Signed In"))
    page = client.get("/test-database-gone")
    database_fails["on"] = False
    assert page.status_code == 503
    assert 'class="error-page"' in page.get_data(as_text=True)
    assert "Signed In" not in page.get_data(as_text=True)
    assert "object-src 'none'" in page.headers["Content-Security-Policy"]
    assert int(page.headers["Retry-After"]) > 0


def test_a_signed_in_request_while_the_database_is_down_gets_the_503_page(client, create_user, database_fails):
    login(client, create_user())
    database_fails["on"] = True
    page = client.get("/people")
    api = client.get("/api/v1/me")
    database_fails["on"] = False
    assert page.status_code == 503 and 'class="error-page"' in page.get_data(as_text=True)
    assert_product_error(api, 503)


def test_a_failing_cleanup_after_the_request_does_not_spoil_the_answer(app, client, monkeypatch):
    from community.extensions import db

    real_remove = db.session.remove
    calls = []

    def broken_remove():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("ROLLBACK", {}, Exception("connection lost"))
        real_remove()

    monkeypatch.setattr(db.session, "remove", broken_remove)
    response = client.get("/login")
    monkeypatch.undo()
    assert response.status_code == 200
    assert calls


# gunicorn ---------------------------------------------------------------------------------

def _raw(base: str, request: bytes) -> tuple[int, dict[str, str], str]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body.decode("utf-8", "replace")


@pytest.mark.slow
def test_gunicorn_answers_what_it_refuses_with_the_product_page_and_headers(database_url):
    with gunicorn(database_url, workers=1) as base:
        cases = {
            414: b"GET /people?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            431: b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
            400: b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n",
        }
        for expected, request in cases.items():
            status, headers, body = _raw(base, request)
            assert status == expected
            assert 'class="error-page"' in body
            assert "object-src 'none'" in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
        # A long URL within the limit reaches the app.
        status, headers, _body = _raw(base, b"GET /livez?x=" + b"a" * 7000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == 200


def _is_product_answer(status: int, body: str) -> bool:
    if status < 500:
        return True
    return 'class="error-page"' in body or re.search(r'"error":\s*\{', body) is not None


@pytest.mark.slow
def test_cutting_postgresql_mid_load_gives_only_the_products_own_errors(database_url, create_user, api_token):
    """A TCP proxy between gunicorn and PostgreSQL is cut while clients are busy and then
    restored: every answer is the product's (a page or JSON error), none is gunicorn's bare
    500 or a dropped connection, and the service recovers."""
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only: SQLite has no connection to cut")
    import requests

    user = create_user(roles=("mentor",))
    token = api_token(user)
    target = make_url(database_url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    proxy.start()
    url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    bad: list[str] = []
    counts = {"total": 0, "503": 0}
    stop = threading.Event()
    try:
        with gunicorn(url, workers=2, args=("--threads", "2")) as base:
            browser = requests.Session()
            page = browser.get(base + "/login", timeout=10).text
            csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(r'name="csrf-token" content="([^"]+)"', page)
            browser.post(base + "/login", data={"email": user.email, "password": "correct horse battery staple",
                                                "csrf_token": csrf.group(1)}, timeout=10, allow_redirects=False)
            cookies = browser.cookies.get_dict()

            def client(n: int) -> None:
                session = requests.Session()
                paths = [("/people", {}), ("/api/v1/me", {"Authorization": f"Bearer {token}"}),
                         ("/community", {}), ("/api/v1/people?q=a", {"Authorization": f"Bearer {token}"}),
                         ("/healthz", {}), ("/", {})]
                i = n
                while not stop.is_set():
                    path, headers = paths[i % len(paths)]
                    i += 1
                    try:
                        r = session.get(base + path, headers=headers, cookies=cookies, timeout=30)
                    except requests.RequestException as error:
                        bad.append(f"{path}: {type(error).__name__}")
                        continue
                    counts["total"] += 1
                    counts["503"] += r.status_code == 503
                    if not _is_product_answer(r.status_code, r.text):
                        bad.append(f"{path}: {r.status_code} {r.text[:80]!r}")
                    elif r.status_code >= 500 and "object-src" not in r.headers.get("Content-Security-Policy", ""):
                        bad.append(f"{path}: {r.status_code} without security headers")

            threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(2)
            proxy.cut()
            time.sleep(3)
            proxy.start()
            time.sleep(3)
            stop.set()
            for thread in threads:
                thread.join(60)
            recovered = requests.get(base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    finally:
        stop.set()
        proxy.cut()
    assert counts["total"] > 20
    assert counts["503"] > 0, "the cut was not noticed"
    assert bad == []
    assert recovered.status_code == 200
