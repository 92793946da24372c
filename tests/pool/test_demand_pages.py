"""Topic demand on the page, in the API and as CSV: follows goals, agendas and questions."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import isolated, text_of
from tests.mentoring.conftest import in_days


@pytest.fixture
def org(app, taxonomy, create_user, create_mentorship, create_session, give_tags):
    mentor = create_user(roles=("mentor",), name="Mia Mentor", department="IT", capacity=2)
    give_tags(mentor, {"microsoft-teams": "expert"})
    sales = create_user(roles=("executive",), name="Sven Sales", department="Sales")
    finance = create_user(roles=("executive",), name="Fiona Finance", department="Finance")
    ship = create_mentorship(mentor, sales, goals=("microsoft-teams", "linkedin"))
    create_mentorship(mentor, finance, status="requested", goals=("linkedin",))
    create_session(ship, starts_at=in_days(-3), status="done", agenda_tags=("linkedin",))
    staff = create_user(roles=("staff",), name="Stan Staff", department="Finance")

    def ask():
        from community.expertise.services import get_tag
        from community.extensions import db
        from community.profiles.models import TopicQuestion

        with app.app_context():
            db.session.add(TopicQuestion(asker_id=staff.id, person_id=mentor.id, tag_id=get_tag("linkedin").id,
                                         message="How do I post?"))
            db.session.commit()

    isolated(app, ask)
    cm = create_user(roles=("change_manager",), name="Chris Change")
    return dict(mentor=mentor, cm=cm, staff=staff)


def test_demand_api_has_the_documented_shape_and_follows_goals_agendas_and_questions(org, api):
    response = api(org["cm"])("GET", "/api/v1/network/demand?months=12")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"computed_at", "topics"}
    topics = {t["slug"]: t for t in body["topics"]}
    linkedin = topics["linkedin"]
    assert set(linkedin) >= {"slug", "name", "demand", "supply", "need", "by_department"}
    # two goals (1 each) + one agenda (½, three days old) + one question (¾): nobody knows LinkedIn
    assert 3.2 < linkedin["demand"] <= 3.25
    assert linkedin["supply"] == 0 and linkedin["need"] == 2  # ⌈3.2 ÷ 2 places per mentor⌉
    assert set(linkedin["by_department"]) == {"Sales", "Finance"}
    assert "to recruit" in linkedin["arithmetic"]
    teams = topics["microsoft-teams"]
    # Mia knows Teams but both her places are taken (an active mentorship and a request): one to recruit.
    assert teams["demand"] == 1.0 and teams["supply"] == 0 and teams["need"] == 1
    assert api(org["mentor"])("GET", "/api/v1/network/demand").status_code == 403
    assert api(org["cm"])("GET", "/api/v1/network/demand?months=0").status_code == 422


def test_demand_page_shows_need_and_both_heatmaps_without_naming_anyone(org, client, login_as):
    login_as(org["cm"])
    page = client.get("/network/demand")
    assert page.status_code == 200
    text = text_of(page)
    assert "Recruitment need per topic" in text and "Demand by department" in text and "Demand by month" in text
    assert "LinkedIn" in text and "Finance" in text and "Sales" in text
    assert "Sven Sales" not in text and "Stan Staff" not in text
    assert client.get("/network/demand?months=abc").status_code == 200


def test_demand_csv_and_refusals(org, client, login_as):
    login_as(org["cm"])
    response = client.get("/network/demand.csv?months=6")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {r["Topic key"] for r in rows} >= {"linkedin", "microsoft-teams"}
    assert "Department: Sales" in rows[0]
    client.post_form("/logout")
    login_as(org["staff"])
    assert client.get("/network/demand").status_code == 403
    assert client.get("/network/demand.csv").status_code == 403


def test_every_view_of_the_demand_is_audited(app, org, client, login_as):
    login_as(org["cm"])
    client.get("/network/demand")
    client.get("/network/demand.csv")

    def actions():
        from community.audit.models import AuditEvent
        from community.extensions import db

        with app.app_context():
            return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]

    done = isolated(app, actions)
    assert "network.demand_viewed" in done and "network.demand_exported" in done


def test_the_arithmetic_of_a_small_shortfall_adds_up(app):
    """A shortfall under a twentieth of a place read "1.2 − 1.2 = 0 places short … = 1 to recruit"."""
    from flask_babel import force_locale

    from community.network.demand import TopicDemand
    from community.pool.services import arithmetic

    row = TopicDemand(slug="sharepoint", demand=1.24, supply=1.2, places_short=0.04, places_per_mentor=3, need=1,
                      signals={"goal": 1}, mentors=1, free_places=2)
    with app.test_request_context():
        assert arithmetic(row).startswith("demand 1.24 − supply 1.2 = 0.04 places short; ÷ 3 places per mentor")
        with force_locale("de"):
            assert "1,24" in arithmetic(row) and "0,04" in arithmetic(row)  # German decimal commas
        row.demand, row.places_short = 3.4, 2.2
        assert arithmetic(row).startswith("demand 3.4 − supply 1.2 = 2.2 places short")  # one decimal as before


def test_a_topics_signals_are_counted_in_words_with_plurals(org, client, login_as):
    login_as(org["cm"])
    page = text_of(client.get("/network/demand?months=12"))
    # Teams: one goal, Mia with no free place; LinkedIn: two goals, one agenda, one question, nobody
    # who knows it. A count of nothing is left out ("0 agendas · 0 questions" said nothing).
    assert "Microsoft Teams 1 goal 1 mentor with 0 free places 1 more mentor needed" in page
    assert "LinkedIn 2 goals · 1 agenda · 1 question no mentor knows it yet 2 more mentors needed" in page
    assert "1 goals" not in page and "1 mentors" not in page and "0 agendas" not in page


@pytest.mark.parametrize("asked, shown", [("5", 5), ("0", 1), ("-3", 1), ("999", 36), ("abc", 12), ("", 12)])
def test_the_period_chosen_above_the_figures_is_the_period_they_cover(org, client, login_as, asked, shown):
    """?months=5 showed five months of figures under a choice reading "last 3 months"."""
    import re

    login_as(org["cm"])
    body = client.get(f"/network/demand?months={asked}").get_data(as_text=True)
    select = re.search(r'<select id="months".*?</select>', body, re.S).group(0)
    assert re.findall(r'<option value="(\d+)" selected', select) == [str(shown)]
    month_columns = re.search(r"Demand by month.*?<thead>(.*?)</thead>", body, re.S).group(1)
    assert len(re.findall(r'<th scope="col" class="num">', month_columns)) == shown


def test_german_demand_page_writes_figures_months_and_plurals_the_german_way(app, org, client, login_as, create_user):
    """The department heatmap read "1.5" under a German page, the month columns "2026-08", and the
    signals "1 Mentor:in mit 0 freie Plätze" (the dative is "mit 0 freien Plätzen")."""
    import re

    login_as(create_user(roles=("change_manager",), locale="de"))
    body = client.get("/network/demand?months=12").get_data(as_text=True)
    departments = re.search(r"Bedarf nach Abteilung.*?<tbody>(.*?)</tbody>", body, re.S).group(1)
    cells = re.findall(r'<td class="num heat-\d">([^<]*)</td>', departments)
    assert cells and all(re.fullmatch(r"\d+|·", cell) for cell in cells), cells  # counts, no decimals to misread
    months = re.search(r"Bedarf nach Monat.*?<thead>(.*?)</thead>", body, re.S).group(1)
    assert not re.search(r"\d{4}-\d{2}", months)
    page = text_of(client.get("/network/demand?months=12"))
    assert "1 Mentor:in mit 0 freien Plätzen" in page and "freie Plätze" not in page
    assert re.search(r"Zahlen für die letzten 12 Monate: \S+ \d{4} bis \S+ \d{4}\.", page)


@pytest.mark.parametrize("asked, sentence, note", [
    ("5", "Figures for the last 5 months:", False),
    ("1", "Figures for the last month:", False),
    ("999", "Figures for the last 36 months:", True),
    ("-1", "Figures for the last month:", True),
    ("abc", "Figures for the last 12 months:", True),  # it said nothing about the value it could not read
    ("", "Figures for the last 12 months:", True),
])
def test_the_page_says_which_period_its_figures_cover(org, client, login_as, asked, sentence, note):
    login_as(org["cm"])
    page = text_of(client.get(f"/network/demand?months={asked}"))
    assert sentence in page and "last 1 month" not in page  # one month is "the last month"
    assert ("Periods of 1 to 36 months can be shown." in page) is note


def test_a_shortfall_hidden_by_rounding_shows_in_the_table_too(org, client, login_as, monkeypatch):
    """A row read demand 1.2, supply 1.2 and 1 mentor to recruit (demand 1.22 against 1.2). The page
    says the gap in words and shows no weighted figures that could contradict it; the CSV keeps
    them with the decimals the arithmetic needs."""
    import re

    from community.network.demand import DemandReport, TopicDemand
    from community.pool import services

    rows = [TopicDemand(slug="microsoft-teams", demand=1.22, supply=1.2, places_short=0.02, places_per_mentor=2,
                        need=1, signals={"goal": 1, "agenda": 0, "question": 0}, mentors=1, free_places=1),
            TopicDemand(slug="linkedin", demand=3.44, supply=1.2, places_short=2.24, places_per_mentor=2,
                        need=2, signals={"goal": 2, "agenda": 0, "question": 0}, mentors=1, free_places=1)]
    monkeypatch.setattr(services.demand_model, "topic_demand",
                        lambda *a, **k: DemandReport(months=["2026-08"], departments=[], topics=rows, places_per_mentor=2))
    login_as(org["cm"])
    page = text_of(client.get("/network/demand?months=1"))
    assert "Microsoft Teams 1 goal 1 mentor with 1 free place 1 more mentor needed" in page
    assert not re.search(r"\d[.,]\d", page.split("How exactly it is weighed")[1].split("Computed")[0].replace("0.6", ""))
    rows = list(csv.DictReader(io.StringIO(client.get("/network/demand.csv?months=1").data.decode("utf-8-sig"))))
    arithmetic = {row["Topic key"]: row["How it is computed"] for row in rows}
    assert arithmetic["microsoft-teams"].startswith("demand 1.22 − supply 1.2 = 0.02 places short")
    assert arithmetic["linkedin"].startswith("demand 3.4 − supply 1.2 = 2.2 places short")  # one decimal where it adds up


def test_a_whole_place_short_and_one_place_per_mentor_are_singular(app):
    """A median capacity of 1 read "÷ 1 places per mentor", a shortfall of one place "1 places short"."""
    from flask_babel import force_locale

    from community.network.demand import TopicDemand
    from community.pool.services import arithmetic

    row = TopicDemand(slug="sharepoint", demand=3.0, supply=2.0, places_short=1.0, places_per_mentor=1, need=1,
                      signals={"goal": 3}, mentors=1, free_places=2)
    with app.test_request_context():
        assert arithmetic(row) == ("demand 3 − supply 2 = 1 place short; ÷ 1 place per mentor (median capacity) "
                                   "= 1 to recruit")
        with force_locale("de"):
            assert arithmetic(row) == ("Bedarf 3 − Angebot 2 = 1 fehlender Platz; ÷ 1 Platz pro Mentor:in "
                                       "(Median der Kapazität) = 1 zu gewinnen")
        row.demand, row.places_short, row.places_per_mentor, row.need = 4.5, 2.5, 3, 1
        assert "= 2.5 places short; ÷ 3 places per mentor" in arithmetic(row)


def test_demand_csv_opens_in_a_german_spreadsheet(org, client, login_as):
    """A German reader's Excel splits rows at semicolons and reads decimal commas; the
    byte-order mark makes it read the umlauts as UTF-8."""
    login_as(org["cm"])
    client.post_form("/locale", {"locale": "de"})
    body = client.get("/network/demand.csv?months=6").data
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert {r["Themenschlüssel"] for r in rows} >= {"linkedin", "microsoft-teams"}  # headers in German too
    ratios = [r["Plätze je Mentor:in"] for r in rows if r["Plätze je Mentor:in"] not in ("", "0")]
    assert ratios and all("." not in value for value in ratios), ratios


def test_the_page_explains_the_counting_once_and_says_each_gap_in_words(org, client, login_as):
    """Every row read "demand 7.3 − supply 2 = 5.3 places short; ÷ 3 places per mentor … = 2 to
    recruit". One explanation above the list now; each row says its gap in words."""
    import re

    login_as(org["cm"])
    body = client.get("/network/demand").get_data(as_text=True)
    page = text_of(client.get("/network/demand"))
    assert page.count("Demand is what executives ask to learn in the period") == 1
    table = re.search(r'<table class="table table-sm align-middle table-stack labels-above demand-table">(.*?)</table>', body, re.S).group(1)
    assert not re.search(r"−|÷|places short|\d[.,]\d", table), table
    assert "2 topics need more mentors. 3 mentors to recruit in all." in page
    gaps = re.findall(r'<td data-label="Gap"><span class="badge text-bg-danger">([^<]+)</span></td>', body)
    assert gaps == ["2 more mentors needed", "1 more mentor needed"]  # greatest need first


def test_the_period_is_a_styled_select_and_each_section_has_room_around_its_heading(org, client, login_as):
    import re

    login_as(org["cm"])
    body = client.get("/network/demand").get_data(as_text=True)
    assert re.search(r'<select id="months" name="months" class="form-select">', body)
    for heading in ("need-heading", "dept-heading", "month-heading"):
        # The heading stood on the card's edge: it sits in the card's body now.
        assert re.search(rf'<section aria-labelledby="{heading}" class="card[^"]*"><div class="card-body">\s*<h2 id="{heading}"', body), heading


def test_the_department_demand_counts_signs_and_lists_them_per_topic_for_a_phone(org, client, login_as):
    """The grid printed weighted decimals ("0,2"); it counts the signs now, as the month grid does,
    with a legend, and a phone gets each topic's departments as a list instead of the grid."""
    import re

    login_as(org["cm"])
    body = client.get("/network/demand").get_data(as_text=True)
    grid = re.search(r'<table class="table table-sm align-middle heatmap heatmap-departments">(.*?)</table>', body, re.S).group(1)
    heads = re.findall(r'<th scope="col" class="num">([^<]+)</th>', grid)
    assert heads == ["Finance", "Sales"]  # departments that asked for something shown, nothing else
    linkedin = re.search(r'<th scope="row">LinkedIn</th>(.*?)</tr>', grid, re.S).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", linkedin) == ["2", "2"]  # Finance: goal, question; Sales: goal, agenda
    assert body.count('class="heat-legend') == 2  # under both grids
    phone = re.search(r'<ul class="list-unstyled mb-0 d-md-none demand-departments-list">(.*?)</ul>', body, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", " ", phone).split()).startswith("LinkedIn Finance 2 · Sales 2 Microsoft Teams Sales 1")


def test_the_page_shows_the_topics_with_the_greatest_need_first_and_all_on_request(org, client, login_as, monkeypatch):
    """The page listed every topic of the taxonomy (5,500 px on a desktop, 13,900 px on a phone)."""
    import re

    from community.pool import services

    monkeypatch.setattr(services, "DEMAND_TOP", 1)
    login_as(org["cm"])
    body = client.get("/network/demand?months=6").get_data(as_text=True)
    rows = re.findall(r'<th scope="row" class="stack-title"><a class="tag" href="/tags/([^"]+)">', body)
    assert rows == ["linkedin"]
    assert 'href="/network/demand?months=6&amp;all=1#need-heading">Show all 2 topics</a>' in body
    assert "Microsoft Teams" not in re.search(r'id="month-heading".*?</table>', body, re.S).group(0)
    every = client.get("/network/demand?months=6&all=1").get_data(as_text=True)
    assert re.findall(r'<th scope="row" class="stack-title"><a class="tag" href="/tags/([^"]+)">', every) == ["linkedin", "microsoft-teams"]
    assert '<input type="hidden" name="all" value="1">' in every  # a new period keeps the whole list
    assert 'href="/network/demand?months=6#need-heading">Show only the topic with the greatest need</a>' in every
    odd = client.get("/network/demand?all=yes&months=6")
    assert odd.status_code == 200 and "Show all 2 topics" in text_of(odd)
