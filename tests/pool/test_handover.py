"""Substitute mentors and handovers: a mentor leaves, pauses or is deactivated or erased."""

from __future__ import annotations

import re

import pytest

from tests.conftest import isolated, text_of
from tests.mentoring.conftest import in_days


@pytest.fixture
def org(app, taxonomy, create_user, create_mentorship, create_session, give_tags):
    """A leaving mentor with three executives, two good substitutes (one at capacity) and a change manager."""
    leaver = create_user(roles=("mentor",), name="Lena Leaver", department="IT", languages=["de"], capacity=3)
    sub = create_user(roles=("mentor",), name="Sam Substitute", department="Finance", languages=["de", "en"], capacity=3)
    full = create_user(roles=("mentor",), name="Frida Full", department="HR", languages=["de"], capacity=1)
    far = create_user(roles=("mentor",), name="Otto Other", department="Legal", languages=["en"], capacity=3)
    give_tags(leaver, {"microsoft-teams": "expert", "sharepoint": "expert"})
    give_tags(sub, {"microsoft-teams": "expert", "sharepoint": "practitioner"})
    give_tags(full, {"microsoft-teams": "expert", "sharepoint": "expert"})
    give_tags(far, {"linkedin": "expert"})
    executives = [create_user(roles=("executive",), name=f"Eve {n}", department="Sales", languages=["de"])
                  for n in (1, 2, 3)]
    other_exec = create_user(roles=("executive",), name="Fred Busy", department="Sales")
    create_mentorship(full, other_exec, goals=("microsoft-teams",))  # Frida is at capacity
    ships = [create_mentorship(leaver, e, goals=("microsoft-teams", "sharepoint"), goal_text="Run better meetings")
             for e in executives]
    done = create_session(ships[0], starts_at=in_days(-10), status="done", agenda_tags=("microsoft-teams",))
    planned = create_session(ships[0], starts_at=in_days(5))
    cm = create_user(roles=("change_manager",), name="Chris Change")
    admin = create_user(roles=("admin",), name="Ada Admin")
    staff = create_user(roles=("staff",), name="Stan Staff")
    return dict(leaver=leaver, sub=sub, full=full, far=far, executives=executives, ships=ships, done=done,
                planned=planned, cm=cm, admin=admin, staff=staff)


def _notes(app, user_id):
    from community.extensions import db
    from community.notifications.models import Notification

    def read():
        with app.app_context():
            return [n.kind for n in db.session.query(Notification).filter_by(user_id=user_id).order_by(Notification.id)]

    return isolated(app, read)


def test_substitutes_come_with_reasons_and_never_someone_at_capacity(org, api):
    call = api(org["cm"])
    for ship in org["ships"]:
        response = call("GET", f"/api/v1/mentorships/{ship}/substitutes")
        assert response.status_code == 200
        items = response.get_json()["items"]
        names = [item["person"]["name"] for item in items]
        assert names[0] == "Sam Substitute"
        assert "Frida Full" not in names and "Lena Leaver" not in names
        reasons = " · ".join(items[0]["reasons"])
        assert "Microsoft Teams" in reasons and "places free" in reasons and "speaks German" in reasons


def test_the_executive_sees_substitutes_for_their_own_mentorship_others_do_not(org, api):
    ship = org["ships"][0]
    assert api(org["executives"][0])("GET", f"/api/v1/mentorships/{ship}/substitutes").status_code == 200
    assert api(org["leaver"])("GET", f"/api/v1/mentorships/{ship}/substitutes").status_code == 403
    # Someone who may not see the mentorship gets the same 404 as for one that does not exist.
    hidden = api(org["staff"])("GET", f"/api/v1/mentorships/{ship}/substitutes")
    missing = api(org["staff"])("GET", "/api/v1/mentorships/999999/substitutes")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert api(org["executives"][1])("GET", f"/api/v1/mentorships/{ship}/substitutes").status_code == 404


def test_handover_completes_the_old_mentorship_opens_a_new_one_and_tells_all_three(app, org, api):
    ship = org["ships"][0]
    response = api(org["cm"])("POST", f"/api/v1/mentorships/{ship}/handover",
                              {"mentor_id": org["sub"].id, "note": "Lena moves to Singapore"})
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert new["status"] == "active" and new["mentor"]["id"] == org["sub"].id
    assert sorted(new["goals"]) == ["microsoft-teams", "sharepoint"] and new["goal_text"] == "Run better meetings"

    old = api(org["cm"])("GET", f"/api/v1/mentorships/{ship}").get_json()
    assert old["status"] == "completed"
    assert "handed_over_old" in _notes(app, org["leaver"].id)
    assert "handed_over_executive" in _notes(app, org["executives"][0].id)
    assert "handed_over_new" in _notes(app, org["sub"].id)

    # The planned session of the old pair is cancelled; the done one stays as an earlier session.
    session = api(org["executives"][0])("GET", f"/api/v1/sessions/{org['planned']}").get_json()
    assert session["status"] == "cancelled"

    # Twice is refused.
    again = api(org["cm"])("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["far"].id})
    assert again.status_code == 409


def test_the_new_mentor_sees_earlier_sessions_but_never_the_old_pairs_private_notes(app, org, api, client, login_as):
    executive = org["executives"][0]
    assert api(executive)("PATCH", f"/api/v1/sessions/{org['done']}", {"notes": "SECRET between Lena and Eve"}).status_code == 200
    new = api(executive)("POST", f"/api/v1/mentorships/{org['ships'][0]}/handover", {"mentor_id": org["sub"].id}).get_json()

    login_as(org["sub"])
    page = client.get(f"/mentoring/mentorships/{new['id']}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Earlier sessions" in text and "Lena Leaver" in text
    assert "SECRET" not in page.get_data(as_text=True)
    assert client.get(f"/sessions/{org['done']}").status_code == 404
    assert api(org["sub"])("GET", f"/api/v1/sessions/{org['done']}").status_code == 404


def test_handover_is_refused_to_a_mentor_at_capacity_paused_or_the_current_one(org, api):
    call = api(org["cm"])
    ship = org["ships"][1]
    full = call("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["full"].id})
    assert full.status_code == 409 and "no free mentoring place" in full.get_json()["error"]["message"]
    same = call("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["leaver"].id})
    assert same.status_code == 422
    not_mentor = call("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["staff"].id})
    assert not_mentor.status_code == 422
    assert api(org["far"])("PATCH", "/api/v1/me", {"mentoring_paused": True}).status_code == 200
    paused = call("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["far"].id})
    assert paused.status_code == 422
    assert api(org["leaver"])("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["sub"].id}).status_code == 403


def test_deactivation_page_lists_what_needs_a_handover_and_deactivating_asks_the_change_managers(app, org, client, login_as):
    login_as(org["admin"])
    page = client.get(f"/admin/users/{org['leaver'].id}/deactivate")
    assert page.status_code == 200
    text = text_of(page)
    assert "3 active mentorships will need a new mentor" in text
    for n in (1, 2, 3):
        assert f"Eve {n}" in text
    response = client.post_form(f"/admin/users/{org['leaver'].id}/active", {"active-csrf_token": client.csrf_token()})
    assert response.status_code == 302
    assert _notes(app, org["cm"].id).count("handover_needed") == 3

    def reasons():
        from community.extensions import db
        from community.mentoring.models import Mentorship

        with app.app_context():
            return sorted((m.handover_reason, m.handover_requested_at is not None)
                          for m in db.session.query(Mentorship).filter(Mentorship.id.in_(org["ships"])))

    assert isolated(app, reasons) == [("deactivated", True)] * 3


def test_a_change_manager_hands_over_on_the_page(app, org, client, login_as):
    from community.mentoring import services

    def request():
        from community.extensions import db
        from community.mentoring.models import Mentorship

        with app.test_request_context():
            services.request_handover(db.session.get(Mentorship, org["ships"][2]), "left")
            services.request_handover(db.session.get(Mentorship, org["ships"][2]), "paused")  # only once
            db.session.commit()

    isolated(app, request)
    assert _notes(app, org["cm"].id).count("handover_needed") == 1
    login_as(org["cm"])
    detail = text_of(client.get(f"/mentoring/mentorships/{org['ships'][2]}"))
    assert "needs a new mentor: the mentor left the company" in detail
    page = client.get(f"/mentoring/mentorships/{org['ships'][2]}/handover")
    assert page.status_code == 200
    text = text_of(page)
    assert "Sam Substitute" in text and "Frida Full" not in text
    empty = client.post_form(f"/mentoring/mentorships/{org['ships'][2]}/handover", {"mentor_id": ""})
    assert empty.status_code == 422 and "Choose one of the substitute mentors, or name another mentor" in text_of(empty)
    unknown = client.post_form(f"/mentoring/mentorships/{org['ships'][2]}/handover", {"other_mentor": "@nobody.here"})
    assert unknown.status_code == 422 and "Nobody you can choose has this @handle." in text_of(unknown)
    done = client.post_form(f"/mentoring/mentorships/{org['ships'][2]}/handover",
                            {"other_mentor": "@" + org["far"].handle, "note": "Welcome"}, follow_redirects=True)
    assert done.status_code == 200
    assert "continues with Otto Other" in text_of(done)  # named by @handle, not a number


def test_pausing_shows_on_the_profile_refuses_requests_skips_suggestions_and_asks_for_handovers(app, org, api, client, login_as):
    sub = org["sub"]
    assert api(sub)("PATCH", "/api/v1/me", {"mentoring_paused": True}).get_json()["mentoring_paused"] is True
    login_as(org["staff"])
    assert "Mentoring paused" in text_of(client.get(f"/people/{sub.id}"))
    executive = org["executives"][0]
    refused = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": sub.id, "goals": ["microsoft-teams"]})
    assert refused.status_code == 422
    suggestions = api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}").get_json()
    assert sub.id not in [item["person"]["id"] for item in suggestions["items"]]
    client.post_form("/logout")
    login_as(executive)
    form = text_of(client.get("/mentoring/request"))
    assert "Otto Other" in form and "Sam Substitute" not in form  # the request form does not offer them either
    # The leaver pauses: their three mentorships need a handover; staff cannot pause.
    assert api(org["leaver"])("PATCH", "/api/v1/me", {"mentoring_paused": True}).status_code == 200
    assert _notes(app, org["cm"].id).count("handover_needed") == 3
    assert api(org["staff"])("PATCH", "/api/v1/me", {"mentoring_paused": True}).status_code == 422


def test_a_mentor_pauses_and_resumes_on_their_profile(org, client, login_as):
    login_as(org["far"])
    profile = client.get(f"/people/{org['far'].id}").get_data(as_text=True)
    assert 'href="/settings/mentoring-pause"' in profile  # a pause is confirmed on its own page
    assert 'href="/settings/mentoring-pause"' in client.get("/settings").get_data(as_text=True)  # and from the settings
    # The button without the confirmation (an older page): the confirmation page, nothing paused.
    response = client.post_form("/settings/mentoring-pause", {"paused": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/mentoring-pause")
    assert "Mentoring is paused" not in text_of(client.get(f"/people/{org['far'].id}"))
    assert "Mentoring paused" not in text_of(client.get("/tags/linkedin"))
    response = client.post_form("/settings/mentoring-pause", {"paused": "1", "confirmed": "1"}, follow_redirects=True)
    assert "Mentoring is paused" in text_of(response)
    # The page then reads as the state it is in (it was titled "Pause mentoring" once paused)
    # and the topic pages show the pause, as the page promised.
    paused_page = text_of(client.get("/settings/mentoring-pause"))
    assert paused_page.startswith("Mentoring paused") and "Resume mentoring" in paused_page
    assert "Otto Other" in text_of(client.get("/tags/linkedin")) and "Mentoring paused" in text_of(client.get("/tags/linkedin"))
    response = client.post_form("/settings/mentoring-pause", {"paused": "0"}, follow_redirects=True)
    assert "Welcome back" in text_of(response)


def test_the_pause_page_names_the_mentees_a_pause_hands_over(org, client, login_as, db):
    login_as(org["leaver"])
    page = client.get("/settings/mentoring-pause")
    assert page.status_code == 200
    text = text_of(page)
    assert "Your 3 current mentees get a new mentor" in text
    names = page.get_data(as_text=True).split('id="mentees-handed-over"')[1].split("</ul>")[0]
    assert names.count("<li>") == 3
    client.post_form("/logout")
    login_as(org["staff"])
    assert client.get("/settings/mentoring-pause").status_code == 403  # not a mentor


def test_erasing_a_mentor_asks_for_handovers_and_they_can_still_be_handed_over(app, org, client, login_as, api):
    login_as(org["admin"])
    response = client.post_form(f"/admin/users/{org['leaver'].id}/erase", {"confirm": org["leaver"].email})
    assert response.status_code in (200, 302)
    assert _notes(app, org["cm"].id).count("handover_needed") == 3
    ship = org["ships"][0]
    assert api(org["cm"])("GET", f"/api/v1/mentorships/{ship}").get_json()["status"] == "completed"
    handed = api(org["cm"])("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["sub"].id})
    assert handed.status_code == 201
    assert handed.get_json()["status"] == "active"


def test_sessions_and_times_are_untouched_by_a_refused_handover(org, api):
    ship = org["ships"][0]
    assert api(org["cm"])("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["full"].id}).status_code == 409
    session = api(org["executives"][0])("GET", f"/api/v1/sessions/{org['planned']}").get_json()
    assert session["status"] == "planned"


def test_after_the_handover_the_notice_is_read_and_its_page_leads_to_the_continuing_mentorship(app, org, client, login_as):
    """A change manager's "needs a new mentor" notice stayed new after the handover, and its page
    said "A new mentor is needed" and then "cannot be handed over", with no way on."""
    import re

    from community.mentoring import services

    def request():
        from community.extensions import db
        from community.mentoring.models import Mentorship

        with app.test_request_context():
            services.request_handover(db.session.get(Mentorship, org["ships"][1]), "left")
            db.session.commit()

    isolated(app, request)
    login_as(org["cm"])
    assert "needs a new mentor" in text_of(client.get("/notifications/"))
    client.post_form(f"/mentoring/mentorships/{org['ships'][1]}/handover", {"mentor_id": str(org["sub"].id)})

    def unread():
        from community.extensions import db
        from community.notifications.models import Notification

        with app.app_context():
            return db.session.query(Notification).filter_by(kind="handover_needed", read_at=None).count()

    assert isolated(app, unread) == 0
    page = client.get(f"/mentoring/mentorships/{org['ships'][1]}/handover")
    text = text_of(page)
    assert "Handed over to another mentor on" in text
    assert "A new mentor is needed" not in text and "cannot be handed over" not in text
    assert "a new one starts at once" not in text  # what a handover would do: done already
    assert " mentored " in text and " mentors " not in text  # the past, beside the "completed" badge
    successor = re.search(r'href="/mentoring/mentorships/(\d+)">Open the continuing mentorship', page.get_data(as_text=True))
    assert successor and int(successor.group(1)) != org["ships"][1]
    assert "Sam Substitute" in text_of(client.get(f"/mentoring/mentorships/{successor.group(1)}"))


def test_a_mentorship_that_simply_ended_still_says_it_cannot_be_handed_over(app, org, client, login_as, api):
    assert api(org["leaver"])("POST", f"/api/v1/mentorships/{org['ships'][0]}/complete",
                              {"reason": "Goals reached"}).status_code == 200
    login_as(org["cm"])
    text = text_of(client.get(f"/mentoring/mentorships/{org['ships'][0]}/handover"))
    assert "cannot be handed over" in text and "Handed over to another mentor" not in text


def test_only_analysts_read_that_a_substitute_shares_the_mentors_network_group(app, org, api, client, login_as):
    """The executive choosing a substitute read "in the same cluster of the mentor network as the
    current mentor": a network-analysis result the dashboard keeps for change managers. The
    network pages call its groups "groups" ("Group 8"); the reason said "community", the word of
    the product's discussion area."""
    from community.extensions import db
    from community.network.models import AnalysisSnapshot, PersonFigure

    def snapshot():
        with app.app_context():
            taken = AnalysisSnapshot()
            db.session.add(taken)
            db.session.flush()
            for person in (org["leaver"], org["sub"], org["far"]):
                db.session.add(PersonFigure(snapshot_id=taken.id, user_id=person.id, community=7))
            db.session.commit()

    isolated(app, snapshot)
    ship = org["ships"][0]

    def reasons(user):
        items = api(user)("GET", f"/api/v1/mentorships/{ship}/substitutes").get_json()["items"]
        return " · ".join(r for item in items for r in item["reasons"])

    assert "same group of the mentor network" in reasons(org["cm"]) and "community" not in reasons(org["cm"])
    executive_reads = reasons(org["executives"][0])
    assert "Microsoft Teams" in executive_reads and "group of the mentor network" not in executive_reads

    login_as(org["cm"])
    page = text_of(client.get(f"/mentoring/mentorships/{ship}/handover"))
    assert "in the same group of the mentor network as the current mentor" in page
    assert "community of the mentor network" not in page
    client.post_form("/locale", {"locale": "de"})
    page = text_of(client.get(f"/mentoring/mentorships/{ship}/handover"))
    assert "in derselben Gruppe des Mentoring-Netzwerks wie die bisherige Mentorin oder der bisherige Mentor" in page
    assert "Gemeinschaft" not in page


def test_the_new_mentor_reads_in_german_whom_they_take_over_from(app, org, api, client, login_as):
    assert api(org["sub"])("PATCH", "/api/v1/me", {"locale": "de"}).status_code == 200
    response = api(org["cm"])("POST", f"/api/v1/mentorships/{org['ships'][0]}/handover", {"mentor_id": org["sub"].id})
    assert response.status_code == 201, response.get_json()
    login_as(org["sub"])
    told = text_of(client.get("/notifications/"))
    assert "hat Ihnen das Mentoring von Eve 1 übergeben (Sie übernehmen es von Lena Leaver)" in told


def test_resuming_withdraws_the_handovers_the_pause_asked_for(app, org, api, client, login_as, db):
    from community.mentoring.models import Mentorship

    leaver = org["leaver"]
    assert api(leaver)("PATCH", "/api/v1/me", {"mentoring_paused": True}).status_code == 200
    assert _notes(app, org["cm"].id).count("handover_needed") == 3
    assert api(leaver)("PATCH", "/api/v1/me", {"mentoring_paused": False}).status_code == 200
    db.session.expire_all()
    ships = [db.session.get(Mentorship, ship) for ship in org["ships"]]
    assert all(ship.handover_requested_at is None and ship.handover_reason is None for ship in ships)
    login_as(org["cm"])
    assert "Needs a handover" not in text_of(client.get("/mentoring/runs"))
    from community.notifications.models import Notification

    notices = db.session.query(Notification).filter_by(user_id=org["cm"].id, kind="handover_needed").all()
    assert len(notices) == 3 and all(note.read_at is not None for note in notices)  # nothing left to act on


def test_a_handover_does_not_count_the_executives_goals_twice_as_topic_demand(app, org, api):
    """The analysis counted the goals of the old and of the continuing mentorship: each handover
    raised the demand for its topics by one (the topic demand page counted them once)."""
    from collections import Counter

    from community.database import utcnow
    from community.network.loading import _mentorships

    def demand() -> Counter:
        with app.app_context():
            records, _sessions = _mentorships(utcnow())
            return Counter(goal for record in records for goal in record.goals)

    before = demand()
    assert api(org["cm"])("POST", f"/api/v1/mentorships/{org['ships'][0]}/handover",
                          {"mentor_id": org["sub"].id}).status_code == 201
    assert demand() == before and before["sharepoint"] == 3


def test_the_earlier_sessions_are_cards_on_a_phone(org, api, client, login_as):
    """The table of sessions before the handover scrolled sideways at 390 px; on a phone each is
    now a card, its date as the title and the mentor, topics and status under their headings."""
    from tests.stacked import tables_in, unlabelled

    new = api(org["executives"][0])("POST", f"/api/v1/mentorships/{org['ships'][0]}/handover",
                                    {"mentor_id": org["sub"].id}).get_json()
    login_as(org["sub"])
    html = client.get(f"/mentoring/mentorships/{new['id']}").get_data(as_text=True)
    [earlier] = [t for t in tables_in(html) if "Mentor" in t.headings]
    assert unlabelled(earlier) == []
    done = next(row for row in earlier.rows if "Lena Leaver" in row[1].text)
    assert done[0].is_title and [c.label for c in done[1:]] == ["Mentor", "Topics", "Status"]


def test_a_handover_carries_the_goals_on_and_is_counted_as_a_handover_not_a_completion(app, org, api, client, login_as):
    """The new pair's goals started again at "planned" and were suggested as "not yet covered";
    the run counted the handed-over pair as completed (and the executive twice)."""
    from datetime import date

    from sqlalchemy import update

    from community.extensions import db
    from community.mentoring.models import Cohort, Mentorship, MentorshipGoal

    ship = org["ships"][0]
    with app.app_context():
        cohort = Cohort(name="Run now", starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31), status="running")
        db.session.add(cohort)
        db.session.flush()
        db.session.execute(update(Mentorship).where(Mentorship.id.in_(org["ships"])).values(cohort_id=cohort.id))
        db.session.execute(update(MentorshipGoal).where(MentorshipGoal.mentorship_id == ship,
                                                        MentorshipGoal.tag_id == db.session.scalar(
                                                            select_tag_id("sharepoint"))).values(progress="reached"))
        db.session.commit()
        cohort_id = cohort.id
    new = api(org["cm"])("POST", f"/api/v1/mentorships/{ship}/handover", {"mentor_id": org["sub"].id}).get_json()
    with app.app_context():
        progress = {goal.tag.slug: goal.progress for goal in db.session.get(Mentorship, new["id"]).goals}
    assert progress == {"microsoft-teams": "planned", "sharepoint": "reached"}
    login_as(org["sub"])
    page = client.get(f"/mentoring/mentorships/{new['id']}").get_data(as_text=True)
    # Teams was on a done session of the old pair, SharePoint is reached: nothing left to suggest.
    suggested = page.split("Suggested next topics")[1].split("</section>")[0] if "Suggested next topics" in page else ""
    assert "Microsoft Teams" not in suggested and "SharePoint" not in suggested
    client.post_form("/logout")
    login_as(org["cm"])
    run = text_of(client.get(f"/mentoring/runs/{cohort_id}"))
    assert "handed over: 1" in run and "completed: 1" not in run and "active: 3" in run
    # The table under the counts says so too (it read "completed" beside the count "handed over").
    table = run.split("Mentorships in this run")[1]
    assert table.count("handed over") == 1 and "completed" not in table
    assert "handed over" in text_of(client.get(f"/mentoring/mentorships/{ship}")).split("Learning goals")[0]


def select_tag_id(slug):
    from sqlalchemy import select

    from community.expertise.models import Tag

    return select(Tag.id).where(Tag.slug == slug)


def test_the_handover_form_chooses_nobody_for_you_and_says_what_it_will_do(app, org, client, login_as, db):
    """The first substitute was ticked already: one click on "Hand over" ended the mentorship,
    cancelled its planned session and told three people, without a choice being made."""
    import re

    from community.mentoring.models import Mentorship

    ship = org["ships"][0]
    login_as(org["cm"])
    page = client.get(f"/mentoring/mentorships/{ship}/handover")
    html, text = page.get_data(as_text=True), text_of(page)
    assert "Sam Substitute" in text and not re.search(r'name="mentor_id"[^>]* checked', html)
    assert "What handing over does" in text and "This planned session is cancelled; both participants are told:" in text
    assert "The executive, the current mentor and the new mentor are told." in text
    refused = client.post_form(f"/mentoring/mentorships/{ship}/handover", {})
    assert refused.status_code == 422 and "Substitute mentors: Choose one of the substitute mentors, or name another mentor." in text_of(refused)
    assert db.session.get(Mentorship, ship).status == "active"
    staff_handle = org["staff"].handle
    wrong = client.post_form(f"/mentoring/mentorships/{ship}/handover", {"other_mentor": f"@{staff_handle}"})
    assert wrong.status_code == 422  # the refusal stands under the field the handle was typed in
    substitutes, typed = wrong.get_data(as_text=True).split("Substitute mentors", 1)[1].split('for="other_mentor"', 1)
    assert "Choose a person with the mentor role." not in substitutes
    assert 'id="other_mentor-errors"' in typed and "Choose a person with the mentor role." in typed
    db.session.expire_all()
    assert db.session.get(Mentorship, ship).status == "active"


def test_the_handover_picker_says_which_mentors_take_nobody_new(app, org, client, login_as, create_user):
    """"Or another mentor" offered Frida, whose places are all taken, and a paused mentor as if
    they could take over; the handover then refused them."""
    create_user(roles=("mentor",), name="Fiona Paused", mentoring_paused=True, capacity=3)
    login_as(org["cm"])
    page = client.get(f"/mentoring/mentorships/{org['ships'][0]}/handover").get_data(as_text=True)
    assert 'data-suggest-places="1"' in page and 'data-suggest-role="mentor"' in page
    details = {i["name"]: i["detail"] for i in client.get("/suggest/people?q=f&role=mentor&places=1").json["items"]}
    assert details["Frida Full"].endswith("· no free place")
    assert details["Fiona Paused"].endswith("· mentoring paused")
    sam = client.get("/suggest/people?q=sam&role=mentor&places=1").json["items"][0]
    assert sam["detail"] == "@" + sam["handle"] + " · Finance"  # free places: nothing added
    # The current mentor and the executive are left out of the picker: they cannot take over.
    html = client.get(f"/mentoring/mentorships/{org['ships'][0]}/handover").get_data(as_text=True)
    exclude = re.search(r'data-suggest-exclude="([0-9,]+)"', html).group(1)
    assert exclude == f"{org['leaver'].id},{org['executives'][0].id}"
    names = [i["name"] for i in client.get(f"/suggest/people?q=l&role=mentor&exclude={exclude}").json["items"]]
    assert "Lena Leaver" not in names
    assert "Lena Leaver" in [i["name"] for i in client.get("/suggest/people?q=l&role=mentor").json["items"]]
    assert client.get("/suggest/people?q=l&exclude=x,%00,99999999999999").status_code == 200  # nonsense is ignored
    # Other pickers of mentors say nothing of places.
    assert "no free place" not in str(client.get("/suggest/people?q=f&role=mentor").json)
