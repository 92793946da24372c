"""Peer learning circles: proposals, creation, answers, private discussion, rhythm and calendar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import text_of
from tests.faces import faces_in


@pytest.fixture
def org(app, taxonomy, create_user, give_tags):
    departments = ["IT", "Sales", "HR", "Finance", "Legal", "Marketing", "IT", "Sales"]
    topics = ["microsoft-teams", "sharepoint", "linkedin", "microsoft-teams", "sharepoint", "linkedin", "linkedin",
              "sharepoint"]
    mentors = []
    for n, (department, topic) in enumerate(zip(departments, topics, strict=True)):
        m = create_user(roles=("mentor",), name=f"Mentor {n}", department=department, capacity=2)
        give_tags(m, {topic: "expert", "microsoft-teams": "practitioner" if topic != "microsoft-teams" else "expert"})
        mentors.append(m)
    private = create_user(roles=("mentor",), name="Pia Private", department="Legal", capacity=2, analysis_opt_out=True)
    cm = create_user(roles=("change_manager",), name="Chris Change")
    staff = create_user(roles=("staff",), name="Stan Staff")
    return dict(mentors=mentors, private=private, cm=cm, staff=staff)


def test_proposals_mix_departments_with_reasons_and_never_repeat_a_pair(org, api):
    call = api(org["cm"])
    response = call("GET", "/api/v1/circles/proposals")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert items
    first = items[0]
    assert 4 <= len(first["members"]) <= 6
    assert len({m["department"] for m in first["members"]}) >= 3
    assert any("departments" in r for r in first["reasons"])
    # The reasons speak of topics the proposal lists, never "each brings" all of them.
    topic_reasons = [r for r in first["reasons"] if r.startswith(("common ground", "brought by one member"))]
    assert topic_reasons and not any("each brings" in r for r in first["reasons"])
    assert "Pia Private" not in str(items)
    ids = [m["id"] for m in first["members"]]
    created = call("POST", "/api/v1/circles", {"name": "Teams circle", "member_ids": ids,
                                               "topic_slugs": first["topics"][:2]})
    assert created.status_code == 201
    again = call("GET", "/api/v1/circles/proposals").get_json()["items"]
    pairs = {frozenset((a, b)) for a in ids for b in ids if a < b}
    for proposal in again:
        members = [m["id"] for m in proposal["members"]]
        assert not {frozenset((a, b)) for a in members for b in members if a < b} & pairs
    assert api(org["mentors"][0])("GET", "/api/v1/circles/proposals").status_code == 403


def test_members_accept_or_decline_and_only_joined_members_discuss(app, org, api, client, login_as, become):
    m = org["mentors"]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Sharing circle", "member_ids": [x.id for x in m[:4]],
                                                        "topic_slugs": ["sharepoint"]}).get_json()
    assert [x["status"] for x in circle["members"]] == ["invited"] * 4
    listed = api(m[0])("GET", "/api/v1/circles").get_json()
    assert listed["total"] == 1 and listed["items"][0]["your_status"] == "invited"
    assert api(m[0])("POST", f"/api/v1/circles/{circle['id']}/accept").get_json()["your_status"] == "accepted"
    assert api(m[1])("POST", f"/api/v1/circles/{circle['id']}/decline").status_code == 200
    assert api(m[1])("GET", "/api/v1/circles").get_json()["total"] == 0
    assert api(m[0])("POST", f"/api/v1/circles/{circle['id']}/accept").status_code == 409
    # Outsiders: the same 404 as for a circle that does not exist.
    hidden = api(org["staff"])("GET", f"/api/v1/circles/{circle['id']}")
    assert hidden.status_code == 404 and hidden.get_json() == api(org["staff"])("GET", "/api/v1/circles/99999").get_json()

    login_as(m[0])
    posted = client.post_form(f"/circles/{circle['id']}/posts", {"body": "Hello **circle**"}, follow_redirects=True)
    assert "<strong>circle</strong>" in posted.get_data(as_text=True)
    become(m[2])  # invited, not joined yet: sees the invitation, not the discussion
    page = client.get(f"/circles/{circle['id']}")
    assert page.status_code == 200 and "Hello" not in text_of(page) and "Join the circle" in text_of(page)
    assert client.post_form(f"/circles/{circle['id']}/posts", {"body": "Me too"}).status_code == 403
    become(org["cm"])  # the change manager sees the circle, never its discussion
    page = client.get(f"/circles/{circle['id']}")
    assert page.status_code == 200 and "Hello" not in text_of(page)


def test_a_rhythm_gives_meetings_and_a_repeating_calendar_entry(org, api, client, login_as):
    from datetime import UTC, datetime, timedelta

    m = org["mentors"]
    first = (datetime.now(UTC) + timedelta(days=60)).replace(hour=15, minute=0, second=0, microsecond=0)
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Rhythm", "member_ids": [x.id for x in m[:4]],
                                                        "rhythm_weeks": 2, "first_meeting_at": first.isoformat(),
                                                        "location": "Room 1"}).get_json()
    assert circle["next_meetings"][:2] == [first.isoformat(), (first + timedelta(weeks=2)).isoformat()]
    far = api(org["cm"])("POST", "/api/v1/circles", {"name": "Far", "member_ids": [x.id for x in m[:4]],
                                                     "first_meeting_at": "0001-01-01T00:00:00+05:00"})
    assert far.status_code == 422
    api(m[0])("POST", f"/api/v1/circles/{circle['id']}/accept")
    login_as(m[0])
    ics = client.get(f"/circles/{circle['id']}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    body = ics.get_data(as_text=True)
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2" in body and "Room 1" in body
    assert f"DESCRIPTION:http://localhost/circles/{circle['id']}" in body  # a calendar app opens it (it was a bare path)
    saved = client.post_form(f"/circles/{circle['id']}/rhythm", {"rhythm_weeks": "4", "first_meeting_at": (first + timedelta(days=30)).strftime("%Y-%m-%dT10:00"),
                                                               "duration_minutes": "90", "location": "Online"},
                             follow_redirects=True)
    assert "Meeting rhythm saved" in text_of(saved)
    assert "Every 4 weeks" in text_of(saved)


def test_creating_a_circle_refuses_wrong_sizes_and_people_who_are_not_mentors(org, api):
    call = api(org["cm"])
    m = org["mentors"]
    assert call("POST", "/api/v1/circles", {"name": "Too small", "member_ids": [m[0].id, m[1].id]}).status_code == 422
    assert call("POST", "/api/v1/circles", {"name": "Staff", "member_ids": [x.id for x in m[:3]] + [org["staff"].id]}).status_code == 422
    assert api(m[0])("POST", "/api/v1/circles", {"name": "Mine", "member_ids": [x.id for x in m[:4]]}).status_code == 403


def test_a_change_manager_creates_a_circle_from_a_proposal_on_the_page(org, client, login_as):
    login_as(org["cm"])
    page = client.get("/circles/proposals")
    assert page.status_code == 200 and "Create this circle" in text_of(page)
    ids = ",".join(str(x.id) for x in org["mentors"][:5])
    created = client.post_form("/circles/proposals", {"name": "Page circle", "member_ids": ids, "topic_slugs": "linkedin"},
                               follow_redirects=True)
    assert "its members are invited" in text_of(created)


def test_export_lists_circles_and_erasure_leaves_them(app, org, api, create_user, client, login_as):
    m = org["mentors"]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Export circle", "member_ids": [x.id for x in m[:4]]}).get_json()
    api(m[0])("POST", f"/api/v1/circles/{circle['id']}/accept")
    exported = api(m[0])("GET", "/api/v1/me/export").get_json()
    assert [(c["circle"], c["status"]) for c in exported["pool"]["circles"]] == [("Export circle", "accepted")]

    admin = create_user(roles=("admin",), name="Ada Admin")
    login_as(admin)
    client.post_form(f"/admin/users/{m[0].id}/erase", {"confirm": m[0].email})
    members = api(org["cm"])("GET", f"/api/v1/circles/{circle['id']}").get_json()["members"]
    assert m[0].id not in [x["person"]["id"] for x in members]


@pytest.fixture
def pseudonymised_mode(create_user, app):
    """The network's pseudonymised mode, switched on by an admin."""
    from tests.conftest import isolated

    admin = create_user(roles=("admin",), name="Ada Admin")

    def switch():
        from community.accounts.models import User
        from community.extensions import db
        from community.network import services

        with app.app_context():
            services.set_pseudonymised(db.session.get(User, admin.id), True)
            db.session.commit()

    isolated(app, switch)


def test_in_pseudonymised_mode_proposals_show_pseudonyms_on_the_page_and_in_the_api(org, api, client, login_as,
                                                                                    pseudonymised_mode):
    """The proposals, drawn from the network analysis, named every member (with a link to the
    profile and the department) while the network pages showed only pseudonyms."""
    names = [m.name for m in org["mentors"]]
    login_as(org["cm"])
    page = client.get("/circles/proposals")
    body, text = page.get_data(as_text=True), text_of(page)
    assert "Create this circle" in text
    assert not [name for name in names if name in text]
    assert not re.search(r'href="/people/\d+"', body.split("<main", 1)[1])
    shown = set(re.findall(r"P-[0-9A-F]{10}", text))
    assert len(shown) >= 4
    member_keys = re.search(r'name="member_ids" value="([^"]+)"', body).group(1)
    assert all(key.startswith("P-") for key in member_keys.split(","))  # no id ties a pseudonym to a profile
    departments = {"IT", "Sales", "HR", "Finance", "Legal", "Marketing"}
    assert not departments & set(re.findall(r"\b[A-Z][A-Za-z]+\b", text.split("Proposal 1", 1)[1].split("Create this")[0]))

    items = api(org["cm"])("GET", "/api/v1/circles/proposals").get_json()["items"]
    members = [m for item in items for m in item["members"]]
    assert members and not [name for name in names if name in str(items)]
    assert all(m["id"] is None and m["name"] == m["pseudonym"] and m["pseudonym"].startswith("P-") for m in members)
    assert not any(set(m) & {"handle", "location", "languages", "capacity"} for m in members)

    # A proposal's form still creates the circle: its pseudonyms name the members.
    created = client.post_form("/circles/proposals", {"name": "Pseudonymous circle", "member_ids": member_keys,
                                                       "topic_slugs": ""}, follow_redirects=True)
    assert "its members are invited" in text_of(created)
    refused = client.post_form("/circles/proposals", {"name": "By ids", "topic_slugs": "",
                                                       "member_ids": ",".join(str(m.id) for m in org["mentors"][4:8])})
    assert refused.status_code == 422 and "name the members by their pseudonyms" in text_of(refused)


def test_proposals_say_group_for_the_network_analysis_groups(app, org, client, login_as):
    """The network pages call the analysis' groups "groups" ("Group 3"); the proposals said "the
    same community of the mentor network" and "(same community)", the word of the product's
    discussion area. German said "Gemeinschaft" beside the pages' "Gruppe"."""
    from community.extensions import db
    from community.network.models import AnalysisSnapshot, PersonFigure
    from tests.conftest import isolated

    def snapshot():
        with app.app_context():
            taken = AnalysisSnapshot()
            db.session.add(taken)
            db.session.flush()
            for mentor in org["mentors"]:
                db.session.add(PersonFigure(snapshot_id=taken.id, user_id=mentor.id, community=2))
            db.session.commit()

    isolated(app, snapshot)
    login_as(org["cm"])
    text = text_of(client.get("/circles/proposals"))
    assert "from the same group of the mentor network" in text
    assert "already close in the mentor network (same group)" in text
    assert "same community" not in text and "community of the mentor network" not in text
    client.post_form("/locale", {"locale": "de"})
    german = text_of(client.get("/circles/proposals"))
    assert "aus derselben Gruppe des Mentoring-Netzwerks" in german
    assert "im Mentoring-Netzwerk schon nah beieinander (dieselbe Gruppe)" in german
    assert "Gemeinschaft" not in german


def test_without_pseudonymised_mode_proposals_name_their_members(org, client, login_as):
    login_as(org["cm"])
    page = client.get("/circles/proposals")
    text = text_of(page)
    assert any(m.name in text for m in org["mentors"]) and not re.search(r"P-[0-9A-F]{10}", text)
    faces = faces_in(page.get_data(as_text=True))  # each with their avatar
    assert faces and {name for _initials, name in faces} <= {m.name for m in org["mentors"]}
    assert all(initials == "M" + name[-1] for initials, name in faces)


def test_a_circle_lists_its_members_with_their_avatars(org, api, client, login_as, become):
    m = org["mentors"]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Sharing circle", "member_ids": [x.id for x in m[:4]],
                                                        "topic_slugs": ["sharepoint"]}).get_json()
    api(m[0])("POST", f"/api/v1/circles/{circle['id']}/accept")
    login_as(org["cm"])
    assert faces_in(client.get(f"/circles/{circle['id']}").get_data(as_text=True)) == [
        ("M0", "Mentor 0"), ("M1", "Mentor 1"), ("M2", "Mentor 2"), ("M3", "Mentor 3")]
    become(m[0])  # a member sees the same faces
    assert len(faces_in(client.get(f"/circles/{circle['id']}").get_data(as_text=True))) == 4


def test_in_pseudonymised_mode_a_refusal_names_the_pseudonym_not_the_id_behind_it(org, client, login_as,
                                                                                pseudonymised_mode):
    """Typing the pseudonym of someone who is no mentor (an executive's, from the network pages)
    answered "person 123 is neither": the id behind the pseudonym, one click from the profile."""
    from community.network.pseudonyms import pseudonyms_for

    login_as(org["cm"])
    with client.application.app_context():
        staff_pseudonym = pseudonyms_for([org["staff"].id])[org["staff"].id]
        keys = list(pseudonyms_for([m.id for m in org["mentors"][:3]]).values()) + [staff_pseudonym]
    refused = client.post_form("/circles/proposals", {"name": "Mixed", "topic_slugs": "", "member_ids": ",".join(keys)})
    text = text_of(refused)
    assert refused.status_code == 422 and f"{staff_pseudonym} is neither" in text
    assert str(org["staff"].id) not in re.findall(r"\b\d+\b", text.split("Circles are for", 1)[1][:80])


def test_in_pseudonymised_mode_the_api_creates_a_proposed_circle_by_its_pseudonyms(org, api, app, pseudonymised_mode):
    """The proposals API names members by pseudonym only (id null), and `POST /api/v1/circles`
    took ids only: an API client could not create a proposed circle, as the page can."""
    call = api(org["cm"])
    proposal = call("GET", "/api/v1/circles/proposals").get_json()["items"][0]
    keys = [m["pseudonym"] for m in proposal["members"]]
    created = call("POST", "/api/v1/circles", {"name": "Pseudonymous API circle", "members": keys})
    assert created.status_code == 201, created.get_json()
    from community.network.pseudonyms import pseudonyms_for

    with app.app_context():
        behind = pseudonyms_for([m.id for m in org["mentors"]])
    invited = {m["person"]["id"] for m in created.get_json()["members"]}
    assert {behind[uid] for uid in invited} == set(keys)
    assert {m["status"] for m in created.get_json()["members"]} == {"invited"}

    # Ids are refused in this mode (they would tie the proposals' pseudonyms to profiles) …
    by_ids = call("POST", "/api/v1/circles", {"name": "By ids", "members": [str(m.id) for m in org["mentors"][:4]]})
    assert by_ids.status_code == 422
    assert "pseudonyms" in by_ids.get_json()["error"]["fields"]["members"][0]
    # … and an unknown pseudonym is named as given.
    unknown = call("POST", "/api/v1/circles", {"name": "Unknown", "members": keys[:3] + ["P-0000000000"]})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["fields"]["members"] == ["Unknown person: P-0000000000."]


def test_in_pseudonymised_mode_a_refused_id_is_named_by_the_id_not_its_pseudonym(org, api, app, pseudonymised_mode):
    """`member_ids` with a non-mentor's id answered "P-… is neither": the pseudonym of that id,
    so any id could be tied to its pseudonym on the network pages."""
    from community.network.pseudonyms import pseudonyms_for

    call = api(org["cm"])
    staff = org["staff"]
    refused = call("POST", "/api/v1/circles", {"name": "Probe", "member_ids": [m.id for m in org["mentors"][:3]] + [staff.id]})
    assert refused.status_code == 422
    message = refused.get_json()["error"]["fields"]["member_ids"][0]
    with app.app_context():
        assert pseudonyms_for([staff.id])[staff.id] not in message
    assert message == f"Circles are for mentors and ambassadors: {staff.id} is neither."


def test_a_circle_is_named_by_member_ids_or_members_but_not_both(org, api):
    call = api(org["cm"])
    ids = [m.id for m in org["mentors"][:4]]
    neither = call("POST", "/api/v1/circles", {"name": "Neither"})
    both = call("POST", "/api/v1/circles", {"name": "Both", "member_ids": ids, "members": [str(i) for i in ids]})
    for refused in (neither, both):
        assert refused.status_code == 422
        assert refused.get_json()["error"]["fields"]["members"] == ["Give either member_ids or members."]
    by_keys = call("POST", "/api/v1/circles", {"name": "By keys", "members": [str(i) for i in ids]})
    assert by_keys.status_code == 201
    assert sorted(m["person"]["id"] for m in by_keys.get_json()["members"]) == sorted(ids)


def test_the_same_people_make_no_second_circle(org, api):
    """A stale proposal page (or a second tab, or a second change manager) sent the same
    proposal again: each post created another circle and invited everyone once more."""
    call = api(org["cm"])
    ids = [m.id for m in org["mentors"][:4]]
    first = call("POST", "/api/v1/circles", {"name": "Teams circle", "member_ids": ids})
    assert first.status_code == 201
    again = call("POST", "/api/v1/circles", {"name": "Teams circle", "member_ids": list(reversed(ids))})
    assert again.status_code == 422
    assert again.get_json()["error"]["fields"]["member_ids"] == ["These people are all in the circle “Teams circle” already."]
    within = call("POST", "/api/v1/circles", {"name": "Subset", "members": [str(i) for i in ids[:3]] + [str(org["mentors"][5].id)]})
    assert within.status_code == 201  # three of them with someone new is another circle
    listed = api(org["mentors"][0])("GET", "/api/v1/circles").get_json()
    assert listed["total"] == 2


def test_once_someone_declined_the_rest_may_start_a_new_circle_with_them_again(org, api):
    call = api(org["cm"])
    ids = [m.id for m in org["mentors"][:4]]
    circle = call("POST", "/api/v1/circles", {"name": "First try", "member_ids": ids}).get_json()
    assert api(org["mentors"][0])("POST", f"/api/v1/circles/{circle['id']}/decline").status_code == 200
    assert call("POST", "/api/v1/circles", {"name": "Second try", "member_ids": ids}).status_code == 201


def test_in_pseudonymised_mode_the_refusal_of_a_second_circle_does_not_name_the_first(org, api, pseudonymised_mode):
    call = api(org["cm"])
    keys = [m["pseudonym"] for m in call("GET", "/api/v1/circles/proposals").get_json()["items"][0]["members"]]
    assert call("POST", "/api/v1/circles", {"name": "Secret name", "members": keys}).status_code == 201
    again = call("POST", "/api/v1/circles", {"name": "Again", "members": keys})
    assert again.status_code == 422
    assert again.get_json()["error"]["fields"]["members"] == ["These people are all in one circle already."]


def test_change_managers_find_every_circle_on_the_circles_page(org, api, client, login_as):
    """A change manager who started a circle without joining it found it nowhere afterwards: the
    page listed only the circles one is in. It now lists every circle for change managers, with
    the invitations still open; a mentor still sees only their own."""
    members = [m.id for m in org["mentors"][:4]]
    made = api(org["cm"])("POST", "/api/v1/circles", {"name": "Teams pioneers", "member_ids": members,
                                                      "topic_slugs": ["linkedin"]})
    assert made.status_code == 201, made.json
    login_as(org["cm"])
    page = text_of(client.get("/circles"))
    assert "You are not in a circle yet." in page and "All circles" in page
    assert "Teams pioneers" in page and "4 invitations not answered yet" in page
    client.post_form("/logout")
    login_as(org["mentors"][5])
    outsider = text_of(client.get("/circles"))
    assert "Teams pioneers" not in outsider and "All circles" not in outsider


@pytest.mark.parametrize(("locale", "pattern"), [("en", r'name="name"[^>]*value="[^"]+ circle"'),
                                                 ("de", r'name="name"[^>]*value="Lernkreis [^"]+"')])
def test_a_proposal_suggests_a_name_that_reads_right_in_the_language(org, client, login_as, db, locale, pattern):
    """The suggested name was the topic and the word "circle" glued together: "Microsoft Teams Kreis"."""
    from community.accounts.models import User

    db.session.get(User, org["cm"].id).locale = locale
    db.session.commit()
    login_as(org["cm"])
    page = client.get("/circles/proposals").get_data(as_text=True)
    assert re.search(pattern, page), page[:200]
    assert " Kreis\"" not in page


def test_a_double_click_on_join_or_decline_goes_where_the_first_click_went(org, api, client, login_as):
    m = org["mentors"]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Double click circle", "member_ids": [x.id for x in m[:4]],
                                                        "topic_slugs": ["sharepoint"]}).get_json()
    login_as(m[0])
    for _click in range(2):
        joined = client.post_form(f"/circles/{circle['id']}/answer", {"answer": "accept"})
        assert joined.status_code == 302 and joined.headers["Location"].endswith(f"/circles/{circle['id']}")
    client.post_form("/logout")
    login_as(m[1])
    for _click in range(2):
        declined = client.post_form(f"/circles/{circle['id']}/answer", {"answer": "decline"})
        assert declined.status_code == 302 and declined.headers["Location"].endswith("/circles")
    assert api(m[0])("GET", f"/api/v1/circles/{circle['id']}").get_json()["your_status"] == "accepted"


def test_the_rhythm_choice_reads_right_in_german(org, api, client, login_as, create_user):
    m = org["mentors"]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Rhythm circle", "member_ids": [x.id for x in m[:4]],
                                                        "topic_slugs": ["sharepoint"]}).get_json()
    login_as(create_user(roles=("change_manager",), locale="de"))
    page = client.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert "Trifft sich" in page and ">jede Woche<" in page and ">alle 2 Wochen<" in page
    assert "Trifft sich alle<" not in page and ">Woche<" not in page  # "Trifft sich alle Woche"


def test_change_managers_list_every_circle_through_the_api(org, api):
    m = org["mentors"]
    api(org["cm"])("POST", "/api/v1/circles", {"name": "API circle", "member_ids": [x.id for x in m[:4]],
                                               "topic_slugs": ["sharepoint"]})
    assert api(org["cm"])("GET", "/api/v1/circles").get_json()["total"] == 0  # their own: none
    every = api(org["cm"])("GET", "/api/v1/circles?all=true").get_json()
    assert every["total"] == 1 and every["items"][0]["name"] == "API circle"
    assert api(m[0])("GET", "/api/v1/circles?all=true").status_code == 403


@pytest.fixture
def hidden_circle(org, api, create_user, give_tags):
    """Four mentors and Hanna, who keeps her profile out of the directory, invited to one circle."""
    hanna = create_user(roles=("mentor",), name="Hanna Hidden", department="Treasury", capacity=2,
                        directory_visible=False)
    members = org["mentors"][:4] + [hanna]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Quiet circle", "member_ids": [x.id for x in members]})
    assert circle.status_code == 201
    return {"id": circle.get_json()["id"], "hanna": hanna, "mentors": org["mentors"][:4]}


def _members_box(client, circle_id: int) -> str:
    html = client.get(f"/circles/{circle_id}").get_data(as_text=True)
    return html[html.index('id="members-heading"'):html.index('id="rhythm-heading"')]


def test_a_hidden_invited_mentor_is_counted_not_named_until_they_accept(org, api, client, login_as, become,
                                                                       hidden_circle):
    circle_id, hanna, m = hidden_circle["id"], hidden_circle["hanna"], hidden_circle["mentors"]
    assert api(m[0])("POST", f"/api/v1/circles/{circle_id}/accept").status_code == 200
    for viewer in (m[0], m[1]):  # one who joined, one still invited
        body = api(viewer)("GET", f"/api/v1/circles/{circle_id}").get_json()
        assert hanna.id not in [x["person"]["id"] for x in body["members"]]
        assert "Hanna" not in str(body) and "Treasury" not in str(body) and hanna.handle not in str(body)
        assert body["others_invited"] == 1
        listed = api(viewer)("GET", "/api/v1/circles").get_json()["items"][0]
        assert "Hanna" not in str(listed) and listed["others_invited"] == 1
        become(viewer)
        box = _members_box(client, circle_id)
        assert "Hanna" not in box and "Treasury" not in box and f"/people/{hanna.id}" not in box
        assert "1 more invited member" in box
    # The change manager who runs the circle, and Hanna herself, see her.
    cm_body = api(org["cm"])("GET", f"/api/v1/circles/{circle_id}").get_json()
    assert hanna.id in [x["person"]["id"] for x in cm_body["members"]] and cm_body["others_invited"] == 0
    become(org["cm"])
    assert "Hanna Hidden" in _members_box(client, circle_id)
    become(hanna)
    page = text_of(client.get(f"/circles/{circle_id}"))
    assert "Hanna Hidden" in page
    assert "the circle’s members see your name and department" in page  # before she accepts
    become(m[2])  # listed in the directory: already named to the others, and told so plainly
    listed_page = text_of(client.get(f"/circles/{circle_id}"))
    assert "The members see who is invited and who joined" in listed_page and "also while your profile is hidden" not in listed_page

    assert api(hanna)("POST", f"/api/v1/circles/{circle_id}/accept").status_code == 200
    body = api(m[1])("GET", f"/api/v1/circles/{circle_id}").get_json()
    assert hanna.id in [x["person"]["id"] for x in body["members"]] and body["others_invited"] == 0
    become(m[1])
    box = _members_box(client, circle_id)
    assert "Hanna Hidden" in box
    assert f'href="/people/{hanna.id}"' not in box  # her profile stays hidden: no link to a 404


def test_members_are_not_told_who_declined_a_circle(org, api, client, login_as, become, hidden_circle):
    from community.extensions import db
    from community.notifications.models import Notification
    from community.notifications.services import render_plain

    circle_id, hanna, m = hidden_circle["id"], hidden_circle["hanna"], hidden_circle["mentors"]
    assert api(m[0])("POST", f"/api/v1/circles/{circle_id}/accept").status_code == 200
    assert api(hanna)("POST", f"/api/v1/circles/{circle_id}/decline").status_code == 200
    assert api(m[1])("POST", f"/api/v1/circles/{circle_id}/decline").status_code == 200
    body = api(m[0])("GET", f"/api/v1/circles/{circle_id}").get_json()
    named = [x["person"]["name"] for x in body["members"]]
    assert "Hanna Hidden" not in named and "Mentor 1" not in named and body["others_invited"] == 0
    become(m[0])
    box = _members_box(client, circle_id)
    assert "Hanna" not in box and "Mentor 1" not in box and "declined" not in box
    with client.application.app_context():
        told = [render_plain(n) for n in db.session.query(Notification).filter_by(user_id=m[0].id)]
        assert not [t for t in told if "declined" in t or "Hanna" in t], told
        told_cm = [render_plain(n) for n in db.session.query(Notification).filter_by(user_id=org["cm"].id)]
    # The change manager who started the circle is told, by name, and sees who declined.
    assert any("Hanna Hidden declined" in t for t in told_cm) and any("Mentor 1 declined" in t for t in told_cm)
    become(org["cm"])
    box = _members_box(client, circle_id)
    assert "Hanna Hidden" in box and "declined" in box


@pytest.fixture
def joined_circle(org, api, create_user):
    """Four mentors and Dora from Treasury, all of whom joined; Ivo is invited and has not answered."""
    dora = create_user(roles=("mentor",), name="Dora Departed", department="Treasury", capacity=2)
    ivo = create_user(roles=("mentor",), name="Ivo Invited", department="Procurement", capacity=2)
    members = org["mentors"][:4] + [dora, ivo]
    made = api(org["cm"])("POST", "/api/v1/circles", {"name": "Steady circle", "member_ids": [x.id for x in members]})
    assert made.status_code == 201, made.get_json()
    circle_id = made.get_json()["id"]
    for person in org["mentors"][:3] + [dora]:
        assert api(person)("POST", f"/api/v1/circles/{circle_id}/accept").status_code == 200
    return {"id": circle_id, "dora": dora, "ivo": ivo, "mentors": org["mentors"][:4]}


def _set_active(client, become, admin, person) -> None:
    become(admin)
    assert client.post_form(f"/admin/users/{person.id}/active").status_code == 302


def test_a_member_deactivated_after_joining_is_a_former_member_counted_not_named(
        org, api, client, login_as, become, create_user, joined_circle):
    circle_id, dora, ivo, m = joined_circle["id"], joined_circle["dora"], joined_circle["ivo"], joined_circle["mentors"]
    become(dora)
    assert client.post_form(f"/circles/{circle_id}/posts", {"body": "Greetings from Treasury"}).status_code == 302
    admin = create_user(roles=("admin",))
    _set_active(client, become, admin, dora)
    _set_active(client, become, admin, ivo)  # invited, never answered: no longer waited for

    for viewer in (m[0], m[3]):  # one who joined, one still invited
        body = api(viewer)("GET", f"/api/v1/circles/{circle_id}").get_json()
        assert dora.id not in [x["person"]["id"] for x in body["members"]]
        assert "Dora" not in str(body) and "Treasury" not in str(body) and dora.handle not in str(body)
        assert "Ivo" not in str(body)
        assert body["former_members"] == 1 and body["others_invited"] == 0
        assert all(x["former_member"] is False for x in body["members"])
        listed = api(viewer)("GET", "/api/v1/circles").get_json()["items"][0]
        assert "Dora" not in str(listed) and listed["former_members"] == 1
        become(viewer)
        box = _members_box(client, circle_id)
        assert "Dora" not in box and "Treasury" not in box and f"/people/{dora.id}" not in box and "Ivo" not in box
        assert "1 former member" in box and "invited member" not in box
    # Her post stays in the discussion, signed as a former member's.
    become(m[0])
    page = text_of(client.get(f"/circles/{circle_id}"))
    assert "Greetings from Treasury" in page and "Dora" not in page
    assert "Former member ·" in page
    post = _first_post(client.get(f"/circles/{circle_id}"))
    assert "avatar-neutral" in post and "/people/" not in post  # the neutral face, no link
    assert "3 members" in text_of(client.get("/circles"))  # three joined and are here; Dora is not counted

    # The change manager who runs the circle sees who left, marked so.
    cm_body = api(org["cm"])("GET", f"/api/v1/circles/{circle_id}").get_json()
    dora_row = next(x for x in cm_body["members"] if x["person"]["id"] == dora.id)
    assert dora_row["former_member"] is True and dora_row["status"] == "accepted" and cm_body["former_members"] == 0
    become(org["cm"])
    box = _members_box(client, circle_id)
    assert "Dora Departed" in box and "no longer active" in box


def test_a_reactivated_member_is_named_again(org, api, client, login_as, become, create_user, joined_circle):
    circle_id, dora, m = joined_circle["id"], joined_circle["dora"], joined_circle["mentors"]
    admin = create_user(roles=("admin",))
    _set_active(client, become, admin, dora)
    assert api(m[0])("GET", f"/api/v1/circles/{circle_id}").get_json()["former_members"] == 1
    _set_active(client, become, admin, dora)  # activated again

    body = api(m[0])("GET", f"/api/v1/circles/{circle_id}").get_json()
    assert dora.id in [x["person"]["id"] for x in body["members"]] and body["former_members"] == 0
    become(m[0])
    box = _members_box(client, circle_id)
    assert "Dora Departed" in box and "Treasury" in box and "former member" not in box


def test_a_member_whose_account_ended_gets_no_circle_notifications(
        app, org, api, client, login_as, become, create_user, joined_circle):
    from sqlalchemy import func, select

    from community.extensions import db
    from community.notifications.models import Notification

    circle_id, dora, m = joined_circle["id"], joined_circle["dora"], joined_circle["mentors"]

    def dora_told() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Notification).where(
                Notification.user_id == dora.id, Notification.kind.like("circle_%")))

    before = dora_told()
    _set_active(client, become, create_user(roles=("admin",)), dora)
    become(m[0])
    assert client.post_form(f"/circles/{circle_id}/posts", {"body": "Anyone for Thursday?"}).status_code == 302
    assert api(m[3])("POST", f"/api/v1/circles/{circle_id}/accept").status_code == 200  # "… joined the circle"
    assert dora_told() == before
    # The members still here are told as before.
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == m[1].id)).all()
    assert "circle_post" in kinds and "circle_accepted" in kinds


def test_a_change_manager_who_left_is_not_told_of_answers(db, org, api, client, become, create_user, joined_circle):
    from sqlalchemy import select

    from community.notifications.models import Notification

    circle_id, m = joined_circle["id"], joined_circle["mentors"]
    _set_active(client, become, create_user(roles=("admin",)), org["cm"])
    before = db.session.scalars(select(Notification.id).where(Notification.user_id == org["cm"].id)).all()
    assert api(m[3])("POST", f"/api/v1/circles/{circle_id}/decline").status_code == 200
    db.session.expire_all()
    assert db.session.scalars(select(Notification.id).where(Notification.user_id == org["cm"].id)).all() == before


def test_mentions_in_a_circle_link_to_profiles_as_in_the_community(org, api, client, login_as, become, hidden_circle):
    """"@marlene.nowak" stayed plain text in a circle, while a community post links it. A member
    whose profile the reader may not open (hidden from the directory) stays plain "@handle"."""
    circle_id, hanna, m = hidden_circle["id"], hidden_circle["hanna"], hidden_circle["mentors"]
    for member in (m[0], m[1], hanna):
        assert api(member)("POST", f"/api/v1/circles/{circle_id}/accept").status_code == 200
    login_as(m[0])
    body = f"Hi @{m[1].handle}, can you show OneNote? Also @{hanna.handle} and @nobody.here, and `@{m[1].handle}` in code."
    client.post_form(f"/circles/{circle_id}/posts", {"body": body})
    become(m[1])
    html = client.get(f"/circles/{circle_id}").get_data(as_text=True)
    assert re.search(rf'<a href="/people/{m[1].id}" class="mention"[^>]*>@{re.escape(m[1].handle)}</a>', html)
    assert f'href="/people/{hanna.id}"' not in html and f"@{hanna.handle}" in html  # her profile answers 404 to them
    assert "@nobody.here" in html and html.count('class="mention"') == 1
    become(hanna)  # she may open her own profile
    assert re.search(rf'<a href="/people/{hanna.id}" class="mention"[^>]*>@{re.escape(hanna.handle)}</a>',
                     client.get(f"/circles/{circle_id}").get_data(as_text=True))


def test_the_message_box_has_room_under_the_last_message(org, api, client, login_as):
    """The box sat flush under the last post."""
    m = org["mentors"]
    circle = api(org["cm"])("POST", "/api/v1/circles", {"name": "Gap circle", "member_ids": [x.id for x in m[:4]]}).get_json()
    api(m[0])("POST", f"/api/v1/circles/{circle['id']}/accept")
    login_as(m[0])
    client.post_form(f"/circles/{circle['id']}/posts", {"body": "Hello"})
    html = client.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert re.search(r'<ol class="circle-posts[^"]*">\s*<li><article class="card circle-post"', html)
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.circle-posts \{[^}]*margin: 0 0 1\.5rem", css)
    assert 'data-suggest="people"' in html and 'data-suggest-mode="mention"' in html  # "@han" completes, as in the community


def _first_post(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('class="card circle-post"')
    return html[start:html.index("</article>", start)]


def test_a_circle_post_is_signed_with_its_authors_face_and_profile_link(client, become, joined_circle):
    """Like a post in the community: the author's avatar (initials on their colour) and name,
    linked to their profile."""
    circle_id, author = joined_circle["id"], joined_circle["mentors"][0]
    become(author)
    assert client.post_form(f"/circles/{circle_id}/posts", {"body": "Shall we try Loop?"}).status_code == 302
    become(joined_circle["mentors"][1])
    post = _first_post(client.get(f"/circles/{circle_id}"))
    assert "Shall we try Loop?" in post
    assert f'avatar-c{author.id % 12}' in post and f'href="/people/{author.id}"' in post and author.name in post


def test_a_refused_name_stays_in_its_proposal_with_the_message_under_it(org, client, login_as):
    """A name too long on proposal 2: the message stood only at the top, its link led to "#name"
    (no such field), and the name typed was replaced by the default."""
    import re as regex

    login_as(org["cm"])
    page = client.get("/circles/proposals").get_data(as_text=True)
    keys = regex.findall(r'name="member_ids" value="([^"]+)"', page)
    assert keys
    typed = "N" * 130
    refused = client.post_form("/circles/proposals", {"name": typed, "member_ids": keys[-1], "topic_slugs": ""})
    html = refused.get_data(as_text=True)
    index = len(keys)
    assert refused.status_code == 422
    assert f'href="#name-{index}"' in html and 'href="#name"' not in html
    field = html.split(f'id="name-{index}"', 1)[1].split("</form>", 1)[0]
    assert f'value="{typed}"' in field and 'aria-invalid="true"' in field and f'id="name-{index}-errors"' in field
