"""Pages show words, never internal identifiers of figures or tables."""

from tests.conftest import text_of

RAW = ("communities_reached", "departments_reached", "feedback_adjusted", "feedback_avg", "pagerank", "degree_threshold",
       "sessions_done", "person_tags", "thread_tags", "betweenness_threshold", "weighted_degree")


def test_the_dashboard_names_its_figures_in_words_in_both_languages(client, login_as, analyst, small_org, compute):
    compute()
    login_as(analyst)
    tabs = ("/network", "/network/risks", "/network/roles", "/network/coverage", "/network/trend", "/network/what-if")
    page = " ".join(text_of(client.get(tab)) for tab in tabs)
    assert "Direct ties" in page or "Communities reached" in page
    for raw in RAW:
        assert raw not in page, raw
    client.post_form("/locale", {"locale": "de", "next": "/network"})
    german = " ".join(text_of(client.get(tab)) for tab in tabs)
    for raw in RAW:
        assert raw not in german, raw


def test_figure_and_table_labels_fall_back_to_words(app):
    from community.labels import figure_label, tag_use_label

    with app.test_request_context("/"):
        assert figure_label("communities_reached") == "Communities reached"
        assert tag_use_label("person_tags") == "People's topics"
        assert figure_label("something_new") == "Something new"


def test_figures_in_the_role_sentences_use_the_readers_decimal_sign(app):
    """The German page read "Betweenness 0,153" in the table and "(Betweenness 0.153, Schwelle 0.0635)"
    in the sentence beside it."""
    from flask_babel import force_locale

    from community.network.queries import role_explanation

    figures = {"betweenness": 0.153, "betweenness_threshold": 0.0635, "communities": 3}
    with app.test_request_context("/"):
        with force_locale("de"):
            german = role_explanation("broker", figures)
        with force_locale("en"):
            english = role_explanation("broker", figures)
    assert "0,153" in german and "0,0635" in german and "0.153" not in german
    assert "0.153" in english and "0.0635" in english
