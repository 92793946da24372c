"""Nominating and deciding name every refused field at once, on the page and in the API (an
unknown @handle was named only once a too short reason had been fixed)."""

from __future__ import annotations

import pytest

from tests.ambassadors.conftest import nominations, summary_of
from tests.conftest import text_of

# Every error at once -----------------------------------------------------------------------------

def test_an_unknown_handle_and_a_short_reason_are_refused_together(client, login_as, people, db):
    login_as(people["cm"])
    response = client.post_form("/ambassadors/nominate", {"nominee": "@nobody.here", "reason": "Great"})
    assert response.status_code == 200
    summary = summary_of(response)
    assert "Mentor to nominate: Nobody you can nominate has this @handle." in summary
    assert any(item.startswith("Why this mentor? ") for item in summary), summary  # its own "?", no "?:"
    assert nominations(db) == 0


def test_an_open_nomination_and_a_short_reason_are_refused_together(client, login_as, people, create_nomination, db):
    create_nomination(people["mentor"], people["staff"])
    login_as(people["cm"])
    response = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["mentor"].handle, "reason": "Great"})
    summary = summary_of(response)
    assert "Mentor to nominate: Mara Mentor has an open nomination already; it awaits a decision." in summary
    assert any(item.startswith("Why this mentor?") for item in summary)
    assert nominations(db) == 1


def test_a_non_mentor_and_a_reason_of_spaces_are_refused_together(client, login_as, people):
    login_as(people["staff"])
    response = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["executive"].handle, "reason": "  ab" + " " * 20})
    summary = summary_of(response)
    assert any("is not a mentor" in item for item in summary)
    assert "Why this mentor? Write at least 10 characters." in summary


def test_the_api_names_an_unknown_nominee_and_a_short_reason_in_one_422(client, api_token, people, db):
    response = client.send_json("POST", "/api/v1/nominations", {"nominee_id": 999999, "reason": "x"}, token=api_token(people["staff"]))
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"nominee_id", "reason"}
    assert response.json["error"]["fields"]["nominee_id"] == ["No such person."]
    assert nominations(db) == 0


@pytest.mark.parametrize("nominee, words", [("executive", "not a mentor"), ("mentor", "has an open nomination already")])
def test_the_api_names_a_refused_nominee_and_a_short_reason_in_one_422(client, api_token, people, create_nomination, nominee, words):
    create_nomination(people["mentor"], people["cm"])
    response = client.send_json("POST", "/api/v1/nominations", {"nominee_id": people[nominee].id, "reason": "short"},
                                token=api_token(people["staff"]))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert words in fields["nominee_id"][0] and "reason" in fields


def test_a_refused_nominee_alone_keeps_its_status(client, api_token, people, create_nomination):
    create_nomination(people["mentor"], people["cm"])
    token = api_token(people["staff"])
    reason = "She explains Teams better than the manual."
    assert client.send_json("POST", "/api/v1/nominations", {"nominee_id": 999999, "reason": reason}, token=token).status_code == 404
    assert client.send_json("POST", "/api/v1/nominations", {"nominee_id": people["mentor"].id, "reason": reason},
                            token=token).status_code == 409
    refused = client.send_json("POST", "/api/v1/nominations", {"nominee_id": people["executive"].id, "reason": reason}, token=token)
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"nominee_id"}


def test_a_decision_without_a_choice_and_with_a_note_of_spaces_names_both(client, login_as, people, create_nomination, db):
    from community.ambassadors.models import Nomination

    nomination_id = create_nomination(people["mentor"], people["staff"])
    login_as(people["cm"])
    response = client.post_form(f"/ambassadors/nominations/{nomination_id}/decision", {"note": "   ab      "})
    summary = summary_of(response)
    assert any(item.startswith("Decision:") for item in summary)
    assert "Note: Write at least 3 characters." in summary
    assert db.session.get(Nomination, nomination_id).status == "open"


def test_deciding_a_nomination_decided_meanwhile_returns_to_it_with_why(client, login_as, people, create_nomination,
                                                                         api_token, db):
    """A stale tab's decision ended on a bare 409 page with a link to the start page."""
    from community.ambassadors.models import Nomination

    nomination_id = create_nomination(people["mentor"], people["staff"])
    login_as(people["cm"])
    assert client.get(f"/ambassadors/nominations/{nomination_id}").status_code == 200  # the tab, still open
    assert client.send_json("POST", f"/api/v1/nominations/{nomination_id}/decision",
                            {"decision": "promote", "note": "Yes, gladly."}, token=api_token(people["cm2"])).status_code == 200
    stale = client.post_form(f"/ambassadors/nominations/{nomination_id}/decision",
                             {"decision": "decline", "note": "Not this time."})
    assert stale.status_code == 302 and stale.location.endswith(f"/ambassadors/nominations/{nomination_id}")
    assert "promoted already" in text_of(client.get(stale.location))
    assert db.session.get(Nomination, nomination_id).status == "promoted"
