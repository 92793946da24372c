"""Pages show words, never internal identifiers of figures or tables."""

import re

from tests.conftest import text_of

RAW = ("communities_reached", "departments_reached", "feedback_adjusted", "feedback_avg", "pagerank", "degree_threshold",
       "sessions_done", "person_tags", "thread_tags", "betweenness_threshold", "weighted_degree")


def test_the_dashboard_names_its_figures_in_words_in_both_languages(client, login_as, analyst, small_org, compute):
    compute()
    login_as(analyst)
    tabs = ("/network", "/network/risks", "/network/roles", "/network/coverage", "/network/trend", "/network/what-if")
    page = " ".join(text_of(client.get(tab)) for tab in tabs)
    assert "Direct ties" in page or "Groups reached" in page
    for raw in RAW:
        assert raw not in page, raw
    client.post_form("/locale", {"locale": "de", "next": "/network"})
    german = " ".join(text_of(client.get(tab)) for tab in tabs)
    for raw in RAW:
        assert raw not in german, raw


def test_figure_and_table_labels_fall_back_to_words(app):
    from community.labels import figure_label, tag_use_label

    with app.test_request_context("/"):
        assert figure_label("communities_reached") == "Groups reached"
        assert tag_use_label("person_tags") == "People's topics"
        assert figure_label("something_new") == "Something new"


def test_a_brokers_reason_reads_in_words_not_figures(app):
    """The German page read "(Betweenness 0,07, Schwelle 0,0452)" in the sentence: the sentence
    says it in words, the exact figures stay under "Figures" beside it and in the API."""
    from flask_babel import force_locale

    from community.network.queries import role_explanation

    figures = {"betweenness": 0.153, "betweenness_threshold": 0.0635, "communities": 3, "top_percent": 10.0}
    with app.test_request_context("/"):
        with force_locale("en"):
            assert role_explanation("broker", figures) == "Bridges between groups: high (among the top 10%); has ties into 3 groups."
            older = {name: value for name, value in figures.items() if name != "top_percent"}  # a snapshot before it was stored
            assert role_explanation("broker", older) == "Bridges between groups: high; has ties into 3 groups."
        with force_locale("de"):
            assert role_explanation("broker", figures) == (
                "Brücke zwischen Gruppen: hoch (unter den oberen 10\u00a0%); hat Verbindungen in 3 Gruppen.")


def test_groups_are_numbered_from_one_in_words_on_the_roles_page(client, login_as, analyst, small_org, compute):
    """"Community 0" to "7" under an untranslated "Community" header read as codes: groups are
    "Group 1"… ("Gruppe 1"…), the API keeps its numbers from 0."""
    compute()
    login_as(analyst)
    html = client.get("/network/roles").get_data(as_text=True)
    assert '<th scope="col">Group</th>' in html and ">Group 1</td>" in html
    assert "Group 0" not in html and "Community 0" not in html
    assert re.search(r'title="0(\.\d+)?"[^>]*>.*?<span class="small score-value">\d{1,3} of 100</span>', html)  # the shortlist
    client.post_form("/locale", {"locale": "de"})
    german = client.get("/network/roles").get_data(as_text=True)
    assert '<th scope="col">Gruppe</th>' in german and ">Gruppe 1</td>" in german and "Gemeinschaft" not in german


def test_pictures_and_the_explorer_number_groups_from_one_too(app, client, login_as, analyst, small_org, compute):
    from flask_babel import force_locale

    from community.network.pictures import picture_words

    with app.test_request_context("/"), force_locale("de"):
        words = picture_words()
        assert (words.community(0), words.other_communities, words.no_community) == ("Gruppe 1", "Andere Gruppen", "keine Gruppe")
    compute()
    login_as(analyst)
    explorer = client.get("/network/explorer").get_data(as_text=True)
    assert 'data-label-community="Group {number}"' in explorer and '<option value="community">Group</option>' in explorer


def test_pseudonymised_figures_call_the_group_a_group_numbered_from_one(app, client, login_as, create_user, analyst,
                                                                         small_org, compute, settle):
    """In pseudonymised mode the banded figures read "Community: 0" beside the pages' "Group 1":
    the analysis' groups are "Group" there too, numbered from 1 ("Gruppe" in German)."""
    from tests.network_app.test_k_anonymity import pseudonymised_dashboard

    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
    html = client.get("/network/roles").get_data(as_text=True)
    rows = re.findall(r"<li>(Group|Community): ([^<]*)</li>", html)
    assert rows and {label for label, _value in rows} == {"Group"}
    assert all(value == "—" or int(value) >= 1 for _label, value in rows)
    client.post_form("/locale", {"locale": "de"})
    german = client.get("/network/roles").get_data(as_text=True)
    assert re.search(r"<li>Gruppe: (—|[1-9]\d*)</li>", german) and "<li>Community:" not in german


def test_network_pages_use_the_shared_page_title_and_topic_chip(client, login_as, analyst, small_org, compute):
    """The network frame and the person page sized their title down in markup (<h1 class="h3">)
    and drew topics as grey "badge text-bg-light border" boxes, where every other page has the
    plain page title and the blue topic chip (.tag). Max alone teaches Power BI: the topic is cut
    off with him on the risks tab and on his page."""
    compute()
    login_as(analyst)
    pages = {path: client.get(path).get_data(as_text=True)
             for path in ("/network", "/network/risks", "/network/roles", f"/network/people/{small_org['max'].id}")}
    for path, html in pages.items():
        assert re.findall(r"<h1[^>]*>", html) == ["<h1>"], path
        assert "badge text-bg-light border" not in html, path
    assert '<div class="page-head">\n  <h1>Network analysis</h1>' in pages["/network/risks"]
    chips = re.findall(r'<a class="tag me-1" href="/tags/([^"]+)">([^<]+)</a>', pages["/network/risks"])
    assert [slug for slug, _name in chips] == ["power-bi"]
    assert f'<span class="tag me-1">{chips[0][1]}</span>' in pages[f"/network/people/{small_org['max'].id}"]


def test_a_boundary_spanner_below_the_departments_threshold_is_explained_by_the_rule_that_listed_them(app):
    """"Has ties into 9 other departments (threshold 9.5)" read as if they did not qualify: they
    were listed for many ties of which most cross a department boundary."""
    from flask_babel import force_locale

    from community.network.queries import role_explanation

    figures = {"other_departments": 9, "department_threshold": 9.5, "cross_department_share": 0.8, "ties": 24}
    with app.test_request_context("/"), force_locale("en"):
        text = role_explanation("boundary_spanner", figures)
        assert text == "Has many ties (24), 80% of them across a department boundary, into 9 other departments."
        above = role_explanation("boundary_spanner", {**figures, "other_departments": 11})
        assert above.startswith("Has ties into 11 other departments (threshold 9.5)")
