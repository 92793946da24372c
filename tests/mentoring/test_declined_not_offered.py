"""A mentor who declined an executive's request is not offered to that executive again for 90
days: not in the request form (which says who and until when), not among the suggestions, and a
request by id is refused with the date to ask again. A change manager still sees them (marked)
and can arrange it; after 90 days the mentor is offered again."""

from datetime import timedelta

import pytest

from tests.conftest import text_of


@pytest.fixture
def org(create_user, give_tags, taxonomy):
    declining = create_user(roles=("mentor",), name="Dora Declined", department="IT", languages=["de"], capacity=3)
    other = create_user(roles=("mentor",), name="Otto Other", department="HR", languages=["de"], capacity=3)
    for mentor in (declining, other):
        give_tags(mentor, {"microsoft-teams": "expert"})
    return {
        "declining": declining, "other": other,
        "executive": create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"]),
        "cm": create_user(roles=("change_manager",), name="Chris Change"),
    }


def _decline(api, org) -> int:
    made = api(org["executive"])("POST", "/api/v1/mentorships", {"mentor_id": org["declining"].id,
                                                                 "goals": ["microsoft-teams"]})
    assert made.status_code == 201
    mentorship_id = made.json["id"]
    assert api(org["declining"])("POST", f"/api/v1/mentorships/{mentorship_id}/decline",
                                 {"reason": "No time this quarter"}).status_code == 200
    return mentorship_id


def _suggested(call, executive):
    response = call("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=microsoft-teams")
    assert response.status_code == 200
    return {item["person"]["name"]: item["reasons"] for item in response.json["items"]}


def test_the_executive_is_not_offered_the_mentor_who_declined(org, api, client, login_as):
    executive = org["executive"]
    _decline(api, org)
    login_as(executive)
    form = client.get("/mentoring/request")
    html = form.get_data(as_text=True)
    assert f'<option value="{org["other"].id}"' in html and f'<option value="{org["declining"].id}"' not in html
    text = text_of(form)
    assert "Not offered again for now, as this mentor declined your request:" in text
    assert "Dora Declined, declined on" in text and "you can ask again from" in text
    assert set(_suggested(api(executive), executive)) == {"Otto Other"}
    assert "Dora Declined" not in text_of(client.get("/mentoring/suggestions?goal=microsoft-teams"))
    again = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": org["declining"].id, "goals": ["microsoft-teams"]})
    assert again.status_code == 422
    assert "Dora Declined declined your request on" in again.json["error"]["fields"]["mentor_id"][0]
    page = client.post_form("/mentoring/request", {"mentor_id": str(org["declining"].id), "goals": "microsoft-teams"})
    assert page.status_code == 200 and "Dora Declined declined your request on" in text_of(page)
    assert "you can ask again from" in text_of(page) and "Not a valid choice" not in text_of(page)


def test_a_change_manager_sees_the_decline_and_can_still_arrange_it(org, api):
    executive, cm = org["executive"], org["cm"]
    _decline(api, org)
    reasons = _suggested(api(cm), executive)
    assert any(reason.startswith("declined a request from Eva Executive on") for reason in reasons["Dora Declined"])
    assert not any("declined" in reason for reason in reasons["Otto Other"])
    arranged = api(cm)("POST", "/api/v1/mentorships", {"mentor_id": org["declining"].id, "executive_id": executive.id,
                                                       "goals": ["microsoft-teams"]})
    assert arranged.status_code == 201


def test_after_ninety_days_the_mentor_is_offered_again(org, api, app):
    from community.extensions import db
    from community.mentoring.models import Mentorship

    mentorship_id = _decline(api, org)
    with app.app_context():
        mentorship = db.session.get(Mentorship, mentorship_id)
        mentorship.decided_at -= timedelta(days=91)
        db.session.commit()
    executive = org["executive"]
    assert "Dora Declined" in _suggested(api(executive), executive)
    again = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": org["declining"].id, "goals": ["microsoft-teams"]})
    assert again.status_code == 201


def test_the_mentors_profile_says_when_the_executive_can_ask_again(org, api, client, login_as):
    _decline(api, org)
    login_as(org["executive"])
    profile = client.get(f"/people/{org['declining'].id}")
    text = text_of(profile)
    assert "Dora Declined declined your request on" in text and "you can ask again from" in text
    assert "Request as mentor" not in text
    assert "Request as mentor" in text_of(client.get(f"/people/{org['other'].id}"))


def test_the_waiting_time_is_a_setting(org, api, app):
    """ASK_AGAIN_AFTER_DAYS: a company that waits 30 days names the day 30 days on; 0 offers the
    mentor again at once."""
    from flask_babel import format_date

    from community.extensions import db
    from community.mentoring.models import Mentorship

    executive = org["executive"]
    mentorship_id = _decline(api, org)
    app.config["ASK_AGAIN_AFTER_DAYS"] = 30
    refused = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": org["declining"].id, "goals": ["microsoft-teams"]})
    assert refused.status_code == 422
    with app.test_request_context("/"):
        decided_at = db.session.get(Mentorship, mentorship_id).decided_at
        again = format_date(decided_at + timedelta(days=30))
    assert f"you can ask again from {again}" in refused.json["error"]["fields"]["mentor_id"][0]
    app.config["ASK_AGAIN_AFTER_DAYS"] = 0
    assert "Dora Declined" in _suggested(api(executive), executive)


def test_a_bad_waiting_time_stops_the_start_with_its_name(monkeypatch, tmp_path):
    from community.config import default_config

    monkeypatch.setenv("ASK_AGAIN_AFTER_DAYS", "three months")
    with pytest.raises(ValueError, match="ASK_AGAIN_AFTER_DAYS must be a whole number of days"):
        default_config(str(tmp_path))
    monkeypatch.setenv("ASK_AGAIN_AFTER_DAYS", "-5")
    with pytest.raises(ValueError, match="ASK_AGAIN_AFTER_DAYS must be 0 or more days"):
        default_config(str(tmp_path))
