"""The run report: figures only for groups of at least REPORT_MIN_GROUP, comments only where
shared, exports without notes, everything for change managers only and audited."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import text_of
from tests.impact.conftest import set_status
from tests.mentoring.conftest import in_days


def _api_report(client, api_token, manager, cohort_id):
    return client.send_json("GET", f"/api/v1/runs/{cohort_id}/report", token=api_token(manager))


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return " ".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))


def test_groups_under_the_threshold_are_suppressed_in_page_api_and_export(app, client, login_as, api_token, make_run, answer):
    run = make_run(pairs=5)
    survey = run.surveys["start"]
    for index, executive in enumerate(run.executives[:4]):
        answer(executive, survey, rating=5 if index else 1, comment=f"Shared remark {index}", shared=True, level=1)
    login_as(run.manager)

    page = text_of(client.get(f"/runs/{run.cohort_id}/report"))
    assert "fewer than 5 answers" in page
    assert "Shared remark" not in page
    assert "4 of 5" in page  # the response rate is shown: it reveals no answer

    report = _api_report(client, api_token, run.manager, run.cohort_id).get_json()
    assert report["min_group"] == 5
    executive_rows = [d for d in report["dimensions"] if d["survey"] == "start" and d["side"] == "executive"]
    assert executive_rows and all(d["suppressed"] and "average" not in d for d in executive_rows)
    assert all(t["suppressed"] and "average" not in t["before"] for t in report["competence"])
    assert report["comments"] == []
    assert report["competence_overall"]["suppressed"] is True
    assert report["surveys"]["start"]["status"] == "open" and report["surveys"]["start"]["opened_at"].startswith("20")

    csv_text = client.get(f"/runs/{run.cohort_id}/export?format=csv").get_data(as_text=True)
    assert "fewer than 5 respondents" in csv_text and "Shared remark" not in csv_text
    xlsx = _xlsx_text(client.get(f"/runs/{run.cohort_id}/export?format=xlsx").data)
    assert "fewer than 5 respondents" in xlsx and "Shared remark" not in xlsx

    # The fifth executive answers: now the group is large enough.
    answer(run.executives[4], survey, rating=4, comment="Shared remark 4", shared=True, level=3)
    report = _api_report(client, api_token, run.manager, run.cohort_id).get_json()
    content = next(d for d in report["dimensions"] if (d["survey"], d["side"], d["dimension"]) == ("start", "executive", "content"))
    assert content["suppressed"] is False and content["respondents"] == 5
    assert content["average"] == 4.0 and content["spread"] == 1.55  # 1, 5, 5, 5, 4: mean 4, population SD √2.4
    assert {c["comment"] for c in report["comments"]} >= {"Shared remark 0", "Shared remark 4"}
    assert "Shared remark 0" in text_of(client.get(f"/runs/{run.cohort_id}/report"))
    # The mentors' side has nobody yet: still suppressed.
    assert all(d["suppressed"] for d in report["dimensions"] if d["side"] == "mentor")


def test_exports_hold_no_note_no_agenda_text_and_no_unshared_comment(app, db, client, login_as, api_token, make_run, answer,
                                                                    create_session):
    from community.extensions import db as database
    from community.mentoring.models import SessionNote

    run = make_run(pairs=5, open_kinds=("start", "end"))
    session_id = create_session(run.mentorships[0], starts_at=in_days(-3), status="done", agenda_tags=("sharepoint",),
                                agenda="SECRET-AGENDA-TEXT")
    db.session.add(SessionNote(session_id=session_id, notes="SECRET-NOTE", tried="SECRET-TRIED"))
    db.session.commit()
    for index, person in enumerate(run.executives + run.mentors):
        answer(person, run.surveys["end"], comment=f"SECRET-COMMENT-{index}" if index % 2 else f"Open words {index}",
               shared=not index % 2)
    login_as(run.manager)
    exports = [
        client.get(f"/runs/{run.cohort_id}/export?format=csv").get_data(as_text=True),
        _xlsx_text(client.get(f"/runs/{run.cohort_id}/export?format=xlsx").data),
        _api_report(client, api_token, run.manager, run.cohort_id).get_data(as_text=True),
    ]
    for text in exports:
        for secret in ("SECRET-NOTE", "SECRET-TRIED", "SECRET-COMMENT", "SECRET-AGENDA-TEXT"):
            assert secret not in text
        assert "Open words 0" in text
    assert "SharePoint" in exports[0] and "SharePoint" in exports[1]  # agenda topics are there
    assert "Mentor Run 2026 0" in exports[0]  # mentorships with their people
    del database


def test_a_formula_in_a_name_is_exported_as_text(app, client, login_as, create_user, create_mentorship, make_run):
    run = make_run(pairs=1)
    mentor = create_user(roles=("mentor",), name="=HYPERLINK(\"http://evil\")", capacity=2)
    executive = create_user(roles=("executive",), name="Eve")
    create_mentorship(mentor, executive, cohort_id=run.cohort_id)
    login_as(run.manager)
    csv_text = client.get(f"/runs/{run.cohort_id}/export?format=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text


def test_report_and_exports_are_for_change_managers_only_and_audited(app, db, client, login_as, api_token, make_run, create_user):
    from community.audit.models import AuditEvent

    run = make_run(pairs=1)
    staff = create_user(roles=("staff", "mentor", "executive", "admin"))
    login_as(staff)
    for url in (f"/runs/{run.cohort_id}/report", f"/runs/{run.cohort_id}/export?format=csv"):
        assert client.get(url).status_code == 403
    assert client.send_json("GET", f"/api/v1/runs/{run.cohort_id}/report", token=api_token(staff)).status_code == 403

    manager_client = app.test_client()
    from tests.conftest import login

    login(manager_client, run.manager)
    assert manager_client.get(f"/runs/{run.cohort_id}/report").status_code == 200
    csv_response = manager_client.get(f"/runs/{run.cohort_id}/export?format=csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]
    xlsx = manager_client.get(f"/runs/{run.cohort_id}/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert manager_client.get(f"/runs/{run.cohort_id}/export?format=pdf").status_code == 400
    assert manager_client.get("/runs/999999/report").status_code == 404
    assert manager_client.send_json("GET", "/api/v1/runs/999999/report", token=api_token(run.manager)).status_code == 404
    assert manager_client.send_json("GET", f"/api/v1/runs/{run.cohort_id}/report", token=api_token(run.manager)).status_code == 200
    db.session.rollback()
    events = db.session.execute(select(AuditEvent.action, AuditEvent.data).where(AuditEvent.action.like("run_report.%"))).all()
    assert ("run_report.viewed", None) in [(a, None) for a, _d in events]
    formats = sorted(d["format"] for a, d in events if a == "run_report.exported")
    assert formats == ["csv", "json", "xlsx"]


def _surveyed_before_and_after(app, make_run, answer):
    """A run of five pairs whose executives rated themselves 1 at the start and 3 at the end."""
    run = make_run(pairs=5, open_kinds=("start",))
    for executive in run.executives:
        answer(executive, run.surveys["start"], level=1)
    set_status(app, run.manager, run.surveys["start"], "close")
    set_status(app, run.manager, run.surveys["end"], "open")
    for executive in run.executives:
        answer(executive, run.surveys["end"], level=3)
    return run


def test_competence_gain_goals_sessions_and_runs_compared(app, db, client, login_as, api_token, make_run, answer,
                                                         create_session):
    run = _surveyed_before_and_after(app, make_run, answer)
    for _ in range(2):
        create_session(run.mentorships[0], starts_at=in_days(-10 - _), status="done")
    other = make_run(pairs=1, name="Earlier run", manager=run.manager)
    del other
    report = _api_report(client, api_token, run.manager, run.cohort_id).get_json()
    teams = next(t for t in report["competence"] if t["topic"] == "microsoft-teams")
    assert teams["before"]["average"] == 1 and teams["after"]["average"] == 3 and teams["gain"] == 2
    assert report["sessions"]["per_pair_histogram"] == {"0": 4, "2": 1}
    assert report["goals"] == {"planned": 10, "in_progress": 0, "reached": 0}
    assert {r["name"] for r in report["comparison"]} == {"Run 2026", "Earlier run"}
    login_as(run.manager)
    page = client.get(f"/runs/{run.cohort_id}/report")
    html = page.get_data(as_text=True)
    assert html.count("<svg") >= 5  # incentives (2), competence, goals, sessions, runs compared
    assert "<script" not in html.split("<main", 1)[-1]


def test_multipliers_count_executives_active_after_their_mentorship(app, db, client, login_as, api_token, make_run, give_tags):
    from community.database import utcnow
    from community.discussions.models import Category, Post, Thread
    from community.mentoring.models import Mentorship

    app.config["REPORT_MIN_GROUP"] = 2
    run = make_run(pairs=3, status="completed")
    done_at = utcnow() - timedelta(days=30)
    for mentorship_id in run.mentorships:
        db.session.get(Mentorship, mentorship_id).completed_at = done_at
    category = Category(slug="general", name="General", visibility="members", position=1)
    db.session.add(category)
    db.session.flush()
    colleague_thread = Thread(category_id=category.id, title="A question", author_id=run.mentors[0].id)
    own_thread = Thread(category_id=category.id, title="My first thread", author_id=run.executives[0].id)
    db.session.add_all([colleague_thread, own_thread])
    db.session.flush()
    db.session.add_all([
        Post(thread_id=own_thread.id, author_id=run.executives[0].id, body="Hello", html="<p>Hello</p>", created_at=utcnow()),
        Post(thread_id=colleague_thread.id, author_id=run.executives[1].id, body="Try this", html="<p>Try this</p>",
             created_at=utcnow()),
        # Before the mentorship ended: does not count.
        Post(thread_id=colleague_thread.id, author_id=run.executives[2].id, body="Old", html="<p>Old</p>",
             created_at=done_at - timedelta(days=5)),
    ])
    db.session.commit()
    give_tags(run.executives[2], {"linkedin": "practitioner"})
    multiplier = _api_report(client, api_token, run.manager, run.cohort_id).get_json()["multiplier"]
    assert multiplier == {"executives": 3, "suppressed": False, "posted": 2, "answered": 1, "topic_contacts": 1, "any": 3,
                          "share": 1.0}
    # A thread a moderator removed (spam) is no sign of activity: its answer no longer counts.
    colleague_thread.removed_at = utcnow()
    db.session.commit()
    multiplier = _api_report(client, api_token, run.manager, run.cohort_id).get_json()["multiplier"]
    assert (multiplier["posted"], multiplier["answered"], multiplier["any"]) == (1, 0, 2)
    app.config["REPORT_MIN_GROUP"] = 5
    multiplier = _api_report(client, api_token, run.manager, run.cohort_id).get_json()["multiplier"]
    assert multiplier == {"executives": 3, "suppressed": True}


def test_the_report_page_runs_the_same_statements_however_many_runs_and_answers(app, db, client, login_as, make_run, answer):
    # Caches that do not expire mid-measurement on a slow machine (before any request makes them): warm means warm.
    app.config.update(IDENTITY_CACHE_SECONDS=600, CACHE_FRAGMENT_SECONDS=600, FRAGMENT_LOCAL_SECONDS=600)
    from tests.mentoring.test_statement_counts import statements_for

    run = make_run(pairs=2)
    answer(run.executives[0], run.surveys["start"])
    login_as(run.manager)
    few = statements_for(client, db, f"/runs/{run.cohort_id}/report")
    for index in range(3):
        other = make_run(pairs=3, name=f"Run {index}", manager=run.manager)
        for person in other.executives + other.mentors:
            answer(person, other.surveys["start"])
    answer(run.executives[1], run.surveys["start"])
    many = statements_for(client, db, f"/runs/{run.cohort_id}/report")
    assert many == few


def test_the_multiplier_counts_questions_answered_as_a_topic_contact(app, db, client, api_token, make_run):
    from community.database import utcnow
    from community.expertise.services import get_tag
    from community.mentoring.models import Mentorship
    from community.profiles.models import Answer, Question

    app.config["REPORT_MIN_GROUP"] = 2
    run = make_run(pairs=2, status="completed")
    done_at = utcnow() - timedelta(days=30)
    for mentorship_id in run.mentorships:
        db.session.get(Mentorship, mentorship_id).completed_at = done_at
    tag_id = get_tag("microsoft-teams").id
    asked = Question(asker_id=run.mentors[0].id, contact_id=run.executives[0].id, tag_id=tag_id, body="How?",
                     status="answered", created_at=utcnow(), updated_at=utcnow(), answered_at=utcnow())
    db.session.add(asked)
    db.session.flush()
    db.session.add(Answer(question_id=asked.id, author_id=run.executives[0].id, body="Like this.", created_at=utcnow()))
    db.session.commit()
    multiplier = _api_report(client, api_token, run.manager, run.cohort_id).get_json()["multiplier"]
    assert multiplier["answered"] == 1 and multiplier["any"] == 1


def test_csv_export_reads_like_the_report_page_in_each_language(client, login_as, make_run, answer, create_session):
    """The German CSV had German headers but raw values ("completed", "in_progress", "start",
    "executive"), times like "2026-12-04T21:14:39.524267+00:00" and decimal points that a German
    spreadsheet misreads (and commas between fields, which it does not split)."""
    import csv
    import io
    import re

    run = make_run(pairs=5, open_kinds=("start",))
    create_session(run.mentorships[0], starts_at=in_days(-3), status="done")
    create_session(run.mentorships[1], starts_at=in_days(-2), status="done")
    create_session(run.mentorships[1], starts_at=in_days(-1), status="done")
    for index, executive in enumerate(run.executives):
        answer(executive, run.surveys["start"], rating=4 + index % 2)
    login_as(run.manager)
    english = client.get(f"/runs/{run.cohort_id}/export?format=csv").get_data(as_text=True)
    assert english.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(english.removeprefix("\ufeff"))))
    mentorships = rows[2:2 + 5]
    assert {row[3] for row in mentorships} == {"active"} and "(planned)" in mentorships[0][7]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", mentorships[0][4])
    assert "Requested (UTC)" in rows[1]
    figures = [row for row in rows if row and row[0] == "average rating (1–5)"]
    assert figures and {row[1] for row in figures} <= {"Start survey", "End survey"}
    assert {row[2] for row in figures} == {"Executives", "Mentors"}
    assert "in_progress" not in english and "+00:00" not in english

    client.post_form("/locale", {"locale": "de"})
    german = client.get(f"/runs/{run.cohort_id}/export?format=csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(german.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][0] == "Mentoring" and len(rows[1]) == 8  # split at the semicolons
    assert {row[3] for row in rows[2:7]} == {"aktiv"}
    pairs = next(row for row in rows if row and row[0] == "erledigte Termine je Tandem")
    assert re.fullmatch(r"\d+,\d+", pairs[5]), pairs


def test_the_excel_file_holds_moments_as_dates_and_empty_cells_blank(client, login_as, make_run):
    """Requested, decided, completed and start times were text ("2026-08-31 00:00") that Excel
    could neither sort as dates nor filter; the CSV keeps the text."""
    import re

    run = make_run(pairs=2)
    login_as(run.manager)
    data = client.get(f"/runs/{run.cohort_id}/export?format=xlsx").data
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    requested = re.search(r'<c r="E2"([^>]*)>(.*?)</c>', sheet)
    assert requested is not None and 't="s"' not in requested.group(1)  # a number (a date), not a string
    assert float(re.search(r"<v>(.*?)</v>", requested.group(2)).group(1)) > 40000  # days since 1900: this century
    assert "yyyy-mm-dd hh:mm" in styles
    assert not re.search(r'<c r="G2"[^>]*t="s"', sheet)  # completed: a date; not yet: no cell, not an empty string
    csv_text = client.get(f"/runs/{run.cohort_id}/export?format=csv").get_data(as_text=True)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", csv_text)


def test_the_report_tables_are_cards_on_a_phone_with_each_mean_beside_its_spread(app, client, login_as, make_run,
                                                                                answer):
    """At 390 px the incentives table was cut at its End survey column and the runs compared at
    their second one; on a phone each row is now a card, each figure beside its heading."""
    import re

    from tests.stacked import tables_in, unlabelled

    run = _surveyed_before_and_after(app, make_run, answer)
    login_as(run.manager)
    html = client.get(f"/runs/{run.cohort_id}/report").get_data(as_text=True)
    tables = tables_in(html)
    incentives = next(t for t in tables if "Incentive" in t.headings)
    competence = next(t for t in tables if "Gain" in t.headings)
    runs = next(t for t in tables if "Multipliers" in t.headings)
    for table in (incentives, competence, runs):
        assert table.rows and "label-figure" in table.classes and unlabelled(table) == [], table.headings
    assert runs.rows[0][0].is_title and runs.rows[0][0].text == "Run 2026"
    # The mean and its spread are one element: side by side, not spread across the card's line.
    assert re.search(r'data-label="End survey"><span>[\d.]+ <span class="meta">± [\d.]+ · n = 5</span></span>', html)


def test_the_mentorships_headline_counts_every_mentorship_of_the_run(app, client, login_as, make_run):
    """The card read "Mentorships 1" for a run of 19 mentorships: its big figure was the completed
    ones under a heading that names them all. It counts all of them now; each status is a line."""
    import re

    run = make_run(pairs=4, status="active")
    for mentorship_id in run.mentorships[:1]:
        _set_mentorship_status(app, mentorship_id, "completed")
    login_as(run.manager)
    body = client.get(f"/runs/{run.cohort_id}/report").get_data(as_text=True)
    card = re.search(r"<h2>Mentorships</h2>(.*?)</section>", body, re.S).group(1)
    assert re.search(r'<p class="stat">\s*4\s*</p>', card), card
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert "mentorships in this run" in text
    assert text.index("active: 3") < text.index("completed: 1")  # in the order of a mentorship's life


def test_a_run_of_one_mentorship_says_so_in_the_singular(app, client, login_as, make_run, create_user):
    run = make_run(pairs=1, status="requested", manager=create_user(roles=("change_manager",), locale="de"))
    login_as(run.manager)
    text = text_of(client.get(f"/runs/{run.cohort_id}/report"))
    assert "1 Mentoring in diesem Durchlauf" in text and "angefragt: 1" in text


def _set_mentorship_status(app, mentorship_id: int, status: str) -> None:
    from tests.conftest import isolated

    def _go():
        from community.extensions import db
        from community.mentoring.models import Mentorship

        with app.app_context():
            db.session.get(Mentorship, mentorship_id).status = status
            db.session.commit()

    isolated(app, _go)


def test_the_runs_table_says_mentor_innen_in_german(client, login_as, make_run):
    """The table of runs headed its column "Mentoren, Abschlussbefragung" beside the report's
    "Mentor:innen" everywhere else; column and stacked-card label read the colon form."""
    run = make_run(pairs=1)
    login_as(run.manager)
    client.post_form("/locale", {"locale": "de"})
    response = client.get(f"/runs/{run.cohort_id}/report")
    html = response.get_data(as_text=True)
    assert '<th scope="col">Mentor:innen, Abschlussbefragung</th>' in html
    assert 'data-label="Mentor:innen, Abschlussbefragung"' in html
    assert not re.search(r"Mentoren(?!-Community)", html)  # the product's name stays


def test_a_mentor_reads_the_german_network_question_with_mentor_innen(client, login_as, make_run):
    """The mentors' start survey asked about "andere Mentoren" in German."""
    run = make_run(pairs=1)
    login_as(run.mentors[0])
    client.post_form("/locale", {"locale": "de"})
    body = text_of(client.get(f"/surveys/{run.surveys['start']}"))
    assert "Mein berufliches Netzwerk erweitern: andere Mentor:innen und meine Führungskraft" in body


def test_the_xlsx_export_reads_as_a_spreadsheet(client, login_as, make_run, answer):
    """Checked with openpyxl: the response rate was a raw fraction (0.917), the count column
    said "Respondents" above pairs and executives, the multiplier rows "fewer than 5
    respondents", and every column was 18 wide, cutting the goal texts."""
    from openpyxl import load_workbook

    run = make_run(pairs=5)
    survey = run.surveys["start"]
    for executive in run.executives[:3]:
        answer(executive, survey, rating=4, level=2)
    login_as(run.manager)
    book = load_workbook(io.BytesIO(client.get(f"/runs/{run.cohort_id}/export?format=xlsx").data))
    figures = book[book.sheetnames[-1]]
    header = [cell.value for cell in figures[1]]
    assert header[4] == "Based on (n)" and "Respondents" not in header
    rows = [[cell for cell in row] for row in figures.iter_rows(min_row=2)]
    rates = [row[5] for row in rows if row[0].value == "response rate" and isinstance(row[5].value, float)]
    assert rates and all(cell.number_format == "0.0%" and 0 <= cell.value <= 1 for cell in rates)
    multipliers = [row[5].value for row in rows if str(row[0].value).startswith("executives ")]
    assert multipliers and all(value == "fewer than 5 executives" for value in multipliers)
    mentorships = book[book.sheetnames[0]]
    widths = [mentorships.column_dimensions[letter].width for letter in "ABCDEFGH"]
    assert max(widths) > 18 and min(widths) >= 10


def test_a_handed_over_mentorship_counts_as_one_pair_with_all_its_sessions(app, db, client, api_token, make_run,
                                                                           create_user, create_session, login_as):
    """After a handover the report counted two pairs, the old one with its 2 sessions and the new
    one with 1, for one executive's mentoring of 3 sessions."""
    run = make_run(pairs=2)
    first = run.mentorships[0]
    for days in (20, 13):
        create_session(first, starts_at=in_days(-days), status="done")
    new_mentor = create_user(roles=("mentor",), name="Nina New", capacity=3)
    handed = client.send_json("POST", f"/api/v1/mentorships/{first}/handover", {"mentor_id": new_mentor.id},
                              token=api_token(run.manager))
    assert handed.status_code == 201
    create_session(handed.get_json()["id"], starts_at=in_days(-2), status="done")
    report = _api_report(client, api_token, run.manager, run.cohort_id).get_json()
    assert report["sessions"]["pairs"] == 2
    assert report["sessions"]["per_pair_histogram"] == {"0": 1, "3": 1}
    assert report["sessions"]["per_pair_average"] == 1.5
    login_as(run.manager)  # the list of runs counts it as the run's page does: handed over, not completed
    runs = text_of(client.get("/mentoring/runs"))
    assert "3 (active 2, handed over 1)" in runs and "completed 1" not in runs
