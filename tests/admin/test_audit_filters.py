"""A compliance officer narrows the audit trail to a person and a period: what they did, what
was done to their account, between two days of the officer's own calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import delete, event

from tests.conftest import text_of


@pytest.fixture
def add_event(db):
    """add_event(action, actor=None, subject=None, when=None, data=None, subject_type="user") -> id."""
    from community.audit.models import AuditEvent

    def add(action, actor=None, subject=None, when=None, data=None, subject_type="user"):
        row = AuditEvent(action=action, actor_id=getattr(actor, "id", actor), by_person=actor is not None, data=data,
                         subject_type=subject_type if subject is not None else None,
                         subject_id=getattr(subject, "id", subject),
                         created_at=when or datetime.now(UTC))
        db.session.add(row)
        db.session.commit()
        return row.id

    return add


@pytest.fixture
def no_events(db):
    """Forget the events the set-up wrote (accounts created, sign-ins)."""
    from community.audit.models import AuditEvent

    def clear():
        db.session.execute(delete(AuditEvent))
        db.session.commit()

    return clear


@pytest.fixture
def cast(create_user, login_as, no_events):
    admin = create_user(roles=["admin"], name="Ada Admin", email="ada@example.com", timezone="Asia/Tokyo")
    petra = create_user(name="Petra Person", email="petra@example.com", department="Sales")
    paula = create_user(name="Paula Person", email="paula@example.com", department="Legal")
    otto = create_user(name="Otto Other", email="otto@example.com")
    login_as(admin)
    no_events()
    return admin, petra, paula, otto


def rows_of(response) -> list[str]:
    body = response.get_data(as_text=True)
    if "<tbody>" not in body:
        return []
    tbody = body.split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in tbody.split("<tr>")[1:]]


def field_errors(response, name: str) -> str:
    body = response.get_data(as_text=True)
    if f'id="{name}-errors"' not in body:
        return ""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body.split(f'id="{name}-errors"')[1].split("</ul>")[0])).split())


def test_person_filter_shows_what_they_did_and_what_was_done_to_their_account(client, cast, add_event):
    admin, petra, paula, otto = cast
    add_event("user.password_changed", actor=petra, subject=petra)
    add_event("user.roles_changed", actor=admin, subject=petra, data={"before": [], "after": ["mentor"]})
    add_event("mentorship.requested", actor=petra, subject=12, subject_type="mentorship")
    add_event("user.roles_changed", actor=admin, subject=otto)
    add_event("cohort.updated", actor=admin, subject=petra.id, subject_type="cohort")  # a run, not Petra

    for typed in ("Petra", "petra person", "PETRA@example.com", "  petra@exa  "):
        response = client.get("/admin/audit", query_string={"person": typed})
        assert response.status_code == 200
        rows = rows_of(response)
        assert len(rows) == 3, (typed, rows)
        assert all("Petra Person" in row for row in rows)
        assert not [row for row in rows if "Otto" in row or "Programme run" in row]
        assert "What Petra Person did, and what was done to their account." in text_of(response)
    assert 'value="Petra"' in client.get("/admin/audit?person=Petra").get_data(as_text=True)  # what was typed stays


def test_a_name_several_people_share_offers_them_to_choose_and_keeps_the_other_filters(client, cast, add_event):
    admin, petra, paula, otto = cast
    add_event("user.password_changed", actor=petra, subject=petra)
    add_event("user.password_changed", actor=paula, subject=paula)
    response = client.get("/admin/audit?person=person&action=user.&date_from=2020-01-01")
    assert response.status_code == 200
    assert rows_of(response) == []  # nothing is shown until the officer says whom they mean
    assert "2 people match “person”: choose one below." in field_errors(response, "person")
    assert "There is a problem" in text_of(response)
    body = response.get_data(as_text=True)
    choices = body.split('class="list-unstyled mb-0 person-choices"')[1].split("</ul>")[0]
    assert "Paula Person" in choices and "Petra Person" in choices and "Legal" in choices and "Otto" not in choices
    link = unescape(re.search(r'href="([^"]*petra[^"]*)"', choices).group(1))
    assert "action=user." in link and "date_from=2020-01-01" in link and "person=petra@example.com" in link

    chosen = client.get(link)
    assert [row for row in rows_of(chosen)] and all("Petra Person" in row for row in rows_of(chosen))
    assert 'value="petra@example.com"' in chosen.get_data(as_text=True)


def test_too_many_matching_people_asks_for_more_of_the_name(client, cast, create_user):
    for n in range(21):
        create_user(name=f"Mass Member {n:02d}")
    response = client.get("/admin/audit?person=mass member")
    assert response.status_code == 200
    assert "More than 20 people match “mass member”: type more of the name, or the e-mail." in field_errors(response, "person")
    assert rows_of(response) == []


def test_an_unknown_person_is_named_on_the_field(client, cast, add_event):
    admin, petra, _paula, _otto = cast
    add_event("user.password_changed", actor=petra, subject=petra)
    response = client.get("/admin/audit?person=nobody%25here")
    assert response.status_code == 200
    assert "Nobody’s name or e-mail contains “nobody%here”." in field_errors(response, "person")
    assert rows_of(response) == [] and "Correct the filters above to see the entries." in text_of(response)
    assert "Type at most 254 characters." in field_errors(client.get("/admin/audit?person=" + "x" * 255), "person")


def test_an_erased_person_is_found_by_the_e_mail_left_and_not_by_the_old_name(client, cast, create_user, add_event):
    gone = create_user(name="Gerda Gone", email="erased-77@erased.example.com", erased_at=datetime.now(UTC))
    add_event("user.erased", subject=gone, data={"by": "self"})
    rows = rows_of(client.get("/admin/audit?person=erased-77@erased.example.com"))
    assert len(rows) == 1 and "Former member" in rows[0] and "Gerda" not in rows[0]
    assert "Nobody’s name" in field_errors(client.get("/admin/audit?person=Gerda"), "person")


def test_days_are_the_readers_own_and_both_ends_are_included(client, cast, add_event):
    """The admin lives in Tokyo (UTC+9): 10 March there runs from 9 March, 15:00 UTC."""
    admin, petra, _paula, _otto = cast
    for note, when in (("before", datetime(2026, 3, 9, 14, 59, tzinfo=UTC)), ("first", datetime(2026, 3, 9, 15, 0, tzinfo=UTC)),
                       ("last", datetime(2026, 3, 10, 14, 59, tzinfo=UTC)), ("after", datetime(2026, 3, 10, 15, 0, tzinfo=UTC))):
        add_event("cohort.updated", actor=admin, subject=1, subject_type="cohort", when=when, data={"name": note})

    def names(query):
        return [re.search(r"Name: (\w+)", row).group(1) for row in rows_of(client.get(f"/admin/audit?{query}"))]

    assert names("date_from=2026-03-10&date_to=2026-03-10") == ["last", "first"]
    assert names("date_from=2026-03-10") == ["after", "last", "first"]
    assert names("date_to=2026-03-09") == ["before"]
    assert names("date_from=2026-03-11&date_to=2026-12-31") == ["after"]
    assert names("date_from=10.03.2026&date_to=10.03.2026") == ["last", "first"]  # as German readers write it


def test_a_date_that_cannot_be_read_stays_in_its_box(client, cast):
    """The box was emptied, so the reader could not see what was wrong with it."""
    response = client.get("/admin/audit?date_from=2026-13-45")
    assert "Enter a date such as 2026-03-31." in field_errors(response, "date_from")
    assert 'value="2026-13-45"' in re.search(r'<input[^>]*id="date_from"[^>]*>', response.get_data(as_text=True)).group(0)


@pytest.mark.parametrize("query, field, message", [
    ("date_from=10.13.2026", "date_from", "Enter a date such as 2026-03-31."),
    ("date_to=2026-02-30", "date_to", "Enter a date such as 2026-03-31."),
    ("date_from=yesterday", "date_from", "Enter a date such as 2026-03-31."),
    ("date_from=0001-01-01", "date_from", "Enter a date such as 2026-03-31."),
    ("date_to=9999-12-31", "date_to", "Enter a date such as 2026-03-31."),
    ("date_from=2026-03-10&date_to=2026-03-09", "date_to", "The end date cannot be before the start date."),
])
def test_dates_that_cannot_be_used_are_named_on_their_field(client, cast, add_event, query, field, message):
    admin, _petra, _paula, _otto = cast
    add_event("cohort.updated", actor=admin, subject=1, subject_type="cohort")
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert f'href="#{field}"' in response.get_data(as_text=True)  # the summary at the top links to the field
    assert rows_of(response) == []


def test_a_bad_date_and_an_unknown_person_are_named_together(client, cast):
    response = client.get("/admin/audit?person=zzz&date_from=soon")
    assert "Enter a date such as 2026-03-31." in field_errors(response, "date_from")
    assert "Nobody’s name or e-mail contains “zzz”." in field_errors(response, "person")
    several = client.get("/admin/audit?person=person&date_to=later")
    assert "Paula Person" in several.get_data(as_text=True).split("person-choices")[1]


def test_filters_combine(client, cast, add_event):
    admin, petra, _paula, otto = cast
    march = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    add_event("user.roles_changed", actor=admin, subject=petra, when=march, data={"after": ["mentor"]})  # the one
    add_event("user.roles_changed", actor=admin, subject=petra, when=march - timedelta(days=30))  # too early
    add_event("user.password_set", actor=admin, subject=petra, when=march)  # another action
    add_event("user.roles_changed", actor=admin, subject=otto, when=march)  # someone else
    rows = rows_of(client.get("/admin/audit?action=user.roles_changed&person=petra&date_from=2026-03-01&date_to=2026-03-31"))
    assert len(rows) == 1 and "Roles changed" in rows[0] and "Petra Person" in rows[0] and "After: Mentor" in rows[0]
    assert len(rows_of(client.get("/admin/audit?action=user.&person=petra"))) == 3
    assert len(rows_of(client.get("/admin/audit?action=user.roles_changed&date_from=2026-03-01"))) == 2


def test_page_links_keep_the_filters(client, cast, add_event):
    admin, petra, _paula, otto = cast
    when = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    for n in range(60):
        add_event("user.password_changed", actor=petra, subject=petra, when=when + timedelta(minutes=n))
        add_event("user.password_changed", actor=otto, subject=otto, when=when + timedelta(minutes=n))
    first = client.get("/admin/audit?person=petra&action=user.&date_from=2026-03-10&date_to=2026-03-10")
    assert len(rows_of(first)) == 50 and "Page 1 of 2" in text_of(first)
    following = unescape(re.search(r'rel="next" href="([^"]+)"', first.get_data(as_text=True)).group(1))
    for kept in ("person=petra", "action=user.", "date_from=2026-03-10", "date_to=2026-03-10", "page=2"):
        assert kept in following, kept
    second = client.get(following)
    assert len(rows_of(second)) == 10 and all("Petra Person" in row for row in rows_of(second))
    previous = unescape(re.search(r'rel="prev" href="([^"]+)"', second.get_data(as_text=True)).group(1))
    assert "person=petra" in previous and "date_from=2026-03-10" in previous
    # a page past the end goes to the last page of the same filters
    past = client.get("/admin/audit?person=petra&date_from=2026-03-10&page=9")
    assert past.status_code == 302 and "person=petra" in past.location and "page=2" in past.location


def test_no_match_says_so_and_offers_to_clear_the_filters(client, cast, add_event, no_events):
    admin, petra, _paula, _otto = cast
    add_event("user.password_changed", actor=petra, subject=petra, when=datetime(2026, 3, 10, tzinfo=UTC))
    response = client.get("/admin/audit?person=petra&date_from=2027-01-01")
    text = text_of(response)
    assert "No entries match these filters." in text and "Clear the filters" in text
    assert 'href="/admin/audit">Clear the filters</a>' in response.get_data(as_text=True)
    assert "Clear the filters" not in text_of(client.get("/admin/audit"))  # nothing to clear
    no_events()
    assert "Nothing has been recorded yet." in text_of(client.get("/admin/audit"))


def test_only_admins_get_the_filter_form_even_with_bad_filters(client, login_as, create_user):
    login_as(create_user(roles=["change_manager"]))
    for query in ("", "?date_from=nonsense", "?person=someone"):
        assert client.get(f"/admin/audit{query}").status_code in (403, 404)


def test_people_in_the_trail_read_as_names_never_as_ids(client, cast, create_user, add_event):
    admin, petra, paula, otto = cast
    gone = create_user(name="Gerda Gone", erased_at=datetime.now(UTC))
    add_event("user.password_changed", actor=gone, subject=gone)
    add_event("people.imported", actor=admin, subject=4, subject_type="import",
              data={"created": 0, "updated": 2, "unchanged": 0, "errors": 0, "updated_ids": [petra.id, 999_999]})
    add_event("people.imported", actor=admin, subject=5, subject_type="import",
              data={"created": 3, "updated": 0, "unchanged": 0, "errors": 0, "updated_ids": []})
    add_event("network.what_if", actor=admin, data={"remove": [paula.id, otto.id]})
    add_event("mentorship.requested", actor=petra, subject=3, subject_type="mentorship",
              data={"mentor_id": paula.id, "executive_id": petra.id})
    add_event("user.roles_changed", actor=admin, subject=888_888)
    text = text_of(client.get("/admin/audit"))
    assert "Updated people: Petra Person, a former member" in text
    assert "Mentors who leave: Paula Person, Otto Other" in text
    assert "Executive: Petra Person" in text and "Mentor: Paula Person" in text
    assert "Former member" in text and "Gerda" not in text  # the erased person, as actor and subject
    assert "a former member" in text  # the account that is gone
    assert not re.search(r"999,?999|888,?888", text)
    imports = [row for row in rows_of(client.get("/admin/audit?action=people.imported")) if "Created: 3" in row]
    assert imports and "Updated people" not in imports[0]


def test_a_page_of_fifty_events_takes_as_many_statements_as_five(app, client, cast, create_user, add_event, db):
    admin, petra, paula, otto = cast
    people = [create_user(name=f"Member {n}") for n in range(50)]

    made = []

    def fill(up_to):
        """Events up to `up_to` in all: accounts changed by their owners or the admin, imports naming people."""
        for n in range(len(made), up_to):
            person = people[n]
            if n % 2:
                made.append(add_event("user.roles_changed", actor=person, subject=person))
            else:
                made.append(add_event("people.imported", actor=admin, subject=n + 1, subject_type="import",
                                      data={"updated_ids": [people[n - 1].id, person.id]}))

    def statements(url):
        client.get(url)  # warm caches
        seen = []

        def count(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(url)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(seen), len(rows_of(response))

    urls = ("/admin/audit", "/admin/audit?action=user.&date_from=2020-01-01&date_to=2999-12-31",
            "/admin/audit?person=ada@example.com&date_from=2020-01-01")
    fill(5)
    few = {url: statements(url) for url in urls}
    fill(50)
    many = {url: statements(url) for url in urls}
    assert few["/admin/audit"][1] == 5 and many["/admin/audit"][1] == 50
    for url in urls:
        assert few[url][1] and many[url][1] >= 25, (url, few, many)
        assert many[url][0] == few[url][0], (url, few, many)


def test_the_filters_speak_german(client, cast, add_event):
    """(The German texts come with the branch's translation list, tmp/wt-audit-de.json.)"""
    admin, petra, _paula, _otto = cast
    add_event("user.password_changed", actor=petra, subject=petra)
    client.post_form("/locale", {"locale": "de", "next": "/admin/audit"})
    several = client.get("/admin/audit?person=person")
    assert "2 Personen passen zu „person“: Wählen Sie unten eine aus." in field_errors(several, "person")
    assert "Welche Person meinen Sie?" in text_of(several)
    assert "Geben Sie ein Datum wie 2026-03-31 ein." in field_errors(client.get("/admin/audit?date_to=morgen"), "date_to")
    assert "Das Enddatum darf nicht vor dem Anfangsdatum liegen." in field_errors(
        client.get("/admin/audit?date_from=2026-03-10&date_to=2026-03-09"), "date_to")
    assert "Kein Name und keine E-Mail-Adresse enthält „zzz“." in field_errors(client.get("/admin/audit?person=zzz"), "person")
    empty = text_of(client.get("/admin/audit?date_from=2999-01-01"))
    assert "Keine Einträge passen zu diesen Filtern." in empty and "Filter zurücksetzen" in empty
    found = text_of(client.get("/admin/audit?person=petra"))
    assert "Was Petra Person getan hat und was mit dem Konto dieser Person geschah." in found
    assert "Bis" in found and "Beide Tage eingeschlossen." in found
