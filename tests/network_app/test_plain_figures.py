"""Figures on the network pages in words people use: no compute time in seconds and thousandths
in the page header ("0,037 s"), a typical load instead of a median with decimals. The API keeps
its figures as they are."""

from __future__ import annotations

import re

import pytest

from tests.conftest import text_of


@pytest.mark.parametrize("path", ["/network", "/network/risks", "/network/coverage", "/network/trend"])
def test_the_header_of_the_network_pages_shows_no_compute_time(client, login_as, analyst, small_org, compute, path):
    compute()
    login_as(analyst)
    text = text_of(client.get(path))
    assert "Snapshot of" in text
    assert not re.search(r"\d+[.,]\d+ s\b", text), re.search(r".{60}\d+[.,]\d+ s\b", text)
    assert "How it was computed" not in text and "The analysis took" not in text  # admins only


@pytest.mark.parametrize("language, words", [("en", "The analysis took under a second."),
                                             ("de", "Die Analyse dauerte weniger als eine Sekunde.")])
def test_admins_find_the_compute_time_in_words_folded_away(client, login_as, create_user, small_org, compute,
                                                          language, words):
    compute()
    login_as(create_user(roles=("admin",), locale=language))
    body = client.get("/network").get_data(as_text=True)
    details = re.search(r'<details class="snapshot-details">(.*?)</details>', body, re.S)
    assert details and words in " ".join(details.group(1).split())


def test_the_recompute_message_says_how_long_in_words(client, login_as, analyst, small_org):
    login_as(analyst)
    page = client.post_form("/network/analyse", follow_redirects=True)
    assert "A new snapshot was computed in under a second." in text_of(page)
    assert not re.search(r"computed in \d", text_of(page))


def test_the_analysis_api_keeps_its_figures(client, api_token, analyst, small_org, compute):
    compute()
    body = client.send_json("GET", "/api/v1/network/analysis", token=api_token(analyst)).get_json()
    loads = [entry.get("median_load") for entry in body["overloaded"]]
    assert loads and all(isinstance(value, int | float) for value in loads)


@pytest.mark.parametrize("seconds, words", [(0.037, "under a second"), (1.4, "1 second"), (12.6, "13 seconds"),
                                            (200, "3 minutes"), (None, "under a second")])
def test_a_compute_time_in_words(app, seconds, words):
    from community.network.briefing import duration_words

    with app.test_request_context():
        assert duration_words(seconds) == words


@pytest.mark.parametrize("language, median, words", [
    ("en", 1, "3 mentees, far more than most mentors (usually 1)"),
    ("en", 1.5, "3 mentees, far more than most mentors (usually 1 to 2)"),
    ("de", 1.5, "3 Mentees, weit mehr als die meisten Mentor:innen (üblich: 1 bis 2)"),
])
def test_an_overload_names_the_usual_load_not_a_median_with_decimals(app, language, median, words):
    """It read "Load 3, far above the median load of 1.5"."""
    from flask_babel import force_locale

    from community.network.queries import overload_reason

    with app.test_request_context(), force_locale(language):
        assert overload_reason({"reasons": ["far_above_median"], "load": 3, "median_load": median}) == words


def test_an_overload_within_capacity_says_so(app):
    """A mentor with 4 mentees and 5 places was "overloaded" with no word on the places they offer."""
    from flask_babel import force_locale

    from community.network.queries import overload_reason

    entry = {"reasons": ["far_above_median"], "load": 4, "capacity": 5, "median_load": 1}
    with app.test_request_context(), force_locale("en"):
        assert overload_reason(entry) == "4 mentees, far more than most mentors (usually 1), though still within the 5 places they offer"
        both = {**entry, "reasons": ["over_capacity", "far_above_median"], "capacity": 3}
        assert "within" not in overload_reason(both) and overload_reason(both).startswith("Load 4 for a capacity of 3")
    with app.test_request_context(), force_locale("de"):
        assert overload_reason(entry).endswith(", wenn auch noch im Rahmen der 5 angebotenen Plätze")
