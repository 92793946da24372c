"""Mentor suggestions: topic fit, free capacity, language, diversity, each with reasons; who may ask."""

from tests.conftest import text_of


def names(response):
    return [item["person"]["name"] for item in response.json["items"]]


def test_mentors_are_ranked_by_fit_to_the_goals_with_reasons(people, create_user, give_tags, taxonomy, api):
    _mentor, executive = people()
    expert = create_user(roles=("mentor",), name="Xaver Expert", department="IT", languages=["de"], capacity=2)
    practitioner = create_user(roles=("mentor",), name="Paula Practitioner", department="IT", languages=["de"], capacity=2)
    give_tags(expert, {"microsoft-teams": "expert", "linkedin": "expert"})
    give_tags(practitioner, {"microsoft-teams": "practitioner"})
    response = api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=microsoft-teams&goal=linkedin")
    assert response.status_code == 200
    ranked = names(response)
    assert ranked.index("Xaver Expert") < ranked.index("Paula Practitioner") < ranked.index("Mia Mentor")
    top = response.json["items"][0]
    assert top["score"] > response.json["items"][1]["score"]
    reasons = " · ".join(top["reasons"])
    assert "covers all 2 goals: LinkedIn, Microsoft Teams" in reasons
    assert "2 of 2 places free" in reasons and "speaks German, as you do" in reasons
    assert "a view from another department: IT" in reasons
    assert response.json["goals"] == ["microsoft-teams", "linkedin"]


def test_full_mentors_are_left_out_and_busy_ones_drop(people, create_user, give_tags, create_mentorship, taxonomy, api):
    _mentor, executive = people()
    full = create_user(roles=("mentor",), name="Frank Full", department="IT", languages=["de"], capacity=1)
    busy = create_user(roles=("mentor",), name="Berta Busy", department="IT", languages=["de"], capacity=4)
    free = create_user(roles=("mentor",), name="Fiona Free", department="IT", languages=["de"], capacity=4)
    for person in (full, busy, free):
        give_tags(person, {"sharepoint": "expert"})
    create_mentorship(full, create_user(roles=("executive",)))
    for _ in range(3):
        create_mentorship(busy, create_user(roles=("executive",)))
    ranked = names(api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=sharepoint"))
    assert "Frank Full" not in ranked
    assert ranked.index("Fiona Free") < ranked.index("Berta Busy")
    items = {i["person"]["name"]: i for i in api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=sharepoint").json["items"]}
    assert "already quite busy" in items["Berta Busy"]["reasons"]


def test_another_department_a_shared_language_and_a_new_contact_are_preferred(people, create_user, give_tags,
                                                                              create_mentorship, taxonomy, api):
    executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"])
    same_dept = create_user(roles=("mentor",), name="Sam Samedept", department="Sales", languages=["de"], capacity=2)
    other_dept = create_user(roles=("mentor",), name="Otto Otherdept", department="IT", languages=["de"], capacity=2)
    no_language = create_user(roles=("mentor",), name="Nora Nolanguage", department="IT", languages=["fr"], capacity=2)
    before = create_user(roles=("mentor",), name="Bea Before", department="IT", languages=["de"], capacity=2)
    for person in (same_dept, other_dept, no_language, before):
        give_tags(person, {"linkedin": "expert"})
    create_mentorship(before, executive, status="completed")
    response = api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=linkedin")
    ranked = names(response)
    assert ranked[0] == "Otto Otherdept"
    assert set(ranked[1:]) == {"Sam Samedept", "Nora Nolanguage", "Bea Before"}
    reasons = {i["person"]["name"]: i["reasons"] for i in response.json["items"]}
    assert "works in your department" in reasons["Sam Samedept"]
    assert "lists no language you speak" in reasons["Nora Nolanguage"]
    assert "has mentored you before" in reasons["Bea Before"]
    assert "would be a new contact for you" in reasons["Otto Otherdept"]


def test_goals_come_from_an_open_request_or_the_executives_interests(people, create_user, give_tags, create_mentorship,
                                                                    taxonomy, api):
    mentor, executive = people()
    interested = api(executive)
    give_tags(executive, {"prompting": "interested", "excel-advanced": "practitioner"})
    assert interested("GET", f"/api/v1/mentors/suggestions?executive={executive.id}").json["goals"] == ["prompting"]
    create_mentorship(mentor, executive, status="requested", goals=("phishing",))
    response = interested("GET", f"/api/v1/mentors/suggestions?executive={executive.id}")
    assert response.json["goals"] == ["phishing"]
    assert "Mia Mentor" not in names(response)  # already asked


def test_who_may_see_suggestions(people, create_user, taxonomy, api):
    _mentor, executive = people()
    manager = create_user(roles=("change_manager",))
    assert api(manager)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}").status_code == 200
    for other in (create_user(roles=("executive",)), create_user(roles=("staff",)), create_user(roles=("admin",))):
        refused = api(other)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}")
        missing = api(other)("GET", "/api/v1/mentors/suggestions?executive=999999")
        assert refused.status_code == missing.status_code == 404 and refused.json == missing.json
    assert api(manager)("GET", "/api/v1/mentors/suggestions?executive=999999").status_code == 404
    missing = api(manager)("GET", "/api/v1/mentors/suggestions")
    assert missing.status_code == 422 and "executive" in missing.json["error"]["fields"]
    unknown_goal = api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=nonsense-topic")
    assert unknown_goal.status_code == 422 and "goals" in unknown_goal.json["error"]["fields"]


def test_suggestions_page_links_to_a_prefilled_request(client, login_as, people, give_tags, taxonomy):
    mentor, executive = people()
    give_tags(mentor, {"linkedin": "expert"})
    give_tags(executive, {"linkedin": "interested"})
    login_as(executive)
    page = client.get("/mentoring/suggestions")
    assert page.status_code == 200
    assert "covers the goal: LinkedIn" in text_of(page)
    html = page.get_data(as_text=True)
    assert f"/mentoring/request?mentor={mentor.id}" in html
    form = client.get(f"/mentoring/request?mentor={mentor.id}&goal=linkedin").get_data(as_text=True)
    assert f'<option selected value="{mentor.id}">' in form or f'value="{mentor.id}" selected' in form


def test_change_manager_picks_an_executive_on_the_suggestions_page(client, login_as, people, create_user, taxonomy):
    _mentor, executive = people()
    login_as(create_user(roles=("change_manager",)))
    assert "Eva Executive" in text_of(client.get("/mentoring/suggestions"))
    assert "Suggested mentors for Eva Executive" in text_of(client.get(f"/mentoring/suggestions?executive={executive.id}"))
    assert client.get("/mentoring/suggestions?executive=999999").status_code == 404


def test_staff_cannot_open_the_suggestions_of_an_executive(client, login_as, people, create_user):
    _mentor, executive = people()
    login_as(create_user(roles=("staff",)))
    assert client.get(f"/mentoring/suggestions?executive={executive.id}").status_code == 404
    assert client.get("/mentoring/suggestions").status_code == 403
    assert client.get("/mentoring/request").status_code == 403


def test_nobody_but_the_executive_and_change_managers_learns_whom_an_id_names(people, create_user, api, client, login_as,
                                                                            taxonomy):
    """An executive hidden from the directory, a visible one, a person who is no executive and
    a missing id answer alike, on the API and the page, for everyone not allowed to ask."""
    _mentor, executive = people()
    hidden = create_user(roles=("executive",), name="Hilde Hidden", directory_visible=False)
    asked = {"hidden executive": hidden.id, "visible executive": executive.id,
             "not an executive": create_user(roles=("staff",)).id, "missing": 999_999}
    for role in ("staff", "executive", "mentor", "admin"):
        asker = create_user(roles=(role,))
        answers = {what: api(asker)("GET", f"/api/v1/mentors/suggestions?executive={id_}") for what, id_ in asked.items()}
        assert {what: (a.status_code, a.json) for what, a in answers.items()} == {
            what: (404, answers["missing"].json) for what in asked}, role
        client.post_form("/logout")
        login_as(asker)
        pages = {what: client.get(f"/mentoring/suggestions?executive={id_}") for what, id_ in asked.items()}
        assert {what: (p.status_code, text_of(p)) for what, p in pages.items()} == {
            what: (404, text_of(pages["missing"])) for what in asked}, role
    manager = create_user(roles=("change_manager",))
    assert api(manager)("GET", f"/api/v1/mentors/suggestions?executive={hidden.id}").status_code == 200
    assert api(hidden)("GET", f"/api/v1/mentors/suggestions?executive={hidden.id}").status_code == 200


def test_a_declined_or_withdrawn_request_is_no_earlier_mentorship(people, create_user, give_tags, create_mentorship,
                                                                   taxonomy, api, app):
    executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"])
    declined = create_user(roles=("mentor",), name="Dora Declined", department="IT", languages=["de"], capacity=2)
    withdrawn = create_user(roles=("mentor",), name="Willi Withdrawn", department="IT", languages=["de"], capacity=2)
    fresh = create_user(roles=("mentor",), name="Fritz Fresh", department="IT", languages=["de"], capacity=2)
    before = create_user(roles=("mentor",), name="Bea Before", department="IT", languages=["de"], capacity=2)
    for person in (declined, withdrawn, fresh, before):
        give_tags(person, {"linkedin": "expert"})
    declined_id = create_mentorship(declined, executive, status="declined")
    create_mentorship(withdrawn, executive, status="withdrawn")
    create_mentorship(before, executive, status="completed")
    with app.app_context():  # declined long enough ago to be offered again (see test_declined_not_offered)
        from datetime import timedelta

        from community.extensions import db
        from community.mentoring.models import Mentorship

        db.session.get(Mentorship, declined_id).decided_at -= timedelta(days=120)
        db.session.commit()
    response = api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}&goal=linkedin")
    items = {i["person"]["name"]: i for i in response.json["items"]}
    for name in ("Dora Declined", "Willi Withdrawn"):
        assert "would be a new contact for you" in items[name]["reasons"]
        assert "has mentored you before" not in items[name]["reasons"]
        assert items[name]["score"] == items["Fritz Fresh"]["score"]
    assert "has mentored you before" in items["Bea Before"]["reasons"]
    assert items["Bea Before"]["score"] < items["Fritz Fresh"]["score"]


def test_a_change_manager_reads_the_reasons_about_the_executive_the_executive_reads_them_to_herself(
        people, create_user, give_tags, create_mentorship, taxonomy, api):
    executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"])
    same_dept = create_user(roles=("mentor",), name="Sam Samedept", department="Sales", languages=["de"], capacity=2)
    no_language = create_user(roles=("mentor",), name="Nora Nolanguage", department="IT", languages=["fr"], capacity=2)
    before = create_user(roles=("mentor",), name="Bea Before", department="IT", languages=["de"], capacity=2)
    for person in (same_dept, no_language, before):
        give_tags(person, {"linkedin": "expert"})
    create_mentorship(before, executive, status="completed")
    url = f"/api/v1/mentors/suggestions?executive={executive.id}&goal=linkedin"
    manager = create_user(roles=("change_manager",))
    about = {i["person"]["name"]: i["reasons"] for i in api(manager)("GET", url).json["items"]}
    assert "works in the same department as Eva Executive" in about["Sam Samedept"]
    assert "speaks German, as Eva Executive does" in about["Sam Samedept"]
    assert "would be a new contact for Eva Executive" in about["Sam Samedept"]
    assert "lists no language Eva Executive speaks" in about["Nora Nolanguage"]
    assert "has mentored Eva Executive before" in about["Bea Before"]
    everything = " ".join(reason for reasons in about.values() for reason in reasons)
    assert " you" not in everything and "this executive" not in everything
    own = " ".join(r for i in api(executive)("GET", url).json["items"] for r in i["reasons"])
    assert "Eva Executive" not in own and "this executive" not in own and "for you" in own


def test_the_german_reasons_need_no_declined_topic_names(client, login_as, create_user, give_tags, taxonomy, db):
    """German read "kennt sich aus mit Digitales Aufgabenmanagement" (a topic name cannot be
    declined) and "bringt den Blick aus einem anderen Bereich mit (Logistics)"."""
    from community.accounts.models import User

    executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"])
    mentor = create_user(roles=("mentor",), name="Jan Kaya", department="Logistics", languages=["de"], capacity=3)
    give_tags(mentor, {"linkedin": "expert"})
    give_tags(executive, {"linkedin": "interested", "sharepoint": "interested"})
    db.session.get(User, executive.id).locale = "de"
    db.session.commit()
    login_as(executive)
    page = text_of(client.get("/mentoring/suggestions"))
    assert "kennt sich aus mit" not in page and "mit (Logistics)" not in page and "diese Führungskraft" not in page
    assert "deckt 1 der 2 Ziele ab: LinkedIn" in page
    assert "ein Blick aus einem anderen Bereich: Logistics" in page
    assert "wäre ein neuer Kontakt für Sie" in page


def test_the_suggestions_page_lets_the_goals_be_changed(people, create_user, give_tags, create_mentorship, taxonomy,
                                                         client, login_as):
    """The goals came from the executive's open request (or their topics) and the page had no
    way to ask for suggestions on other goals."""
    import re

    mentor, executive = people()
    create_mentorship(mentor, executive, status="requested", goals=("microsoft-teams",))
    linked = create_user(roles=("mentor",), name="Lina Linkedin", department="IT", languages=["de"], capacity=2)
    give_tags(linked, {"linkedin": "expert"})
    login_as(executive)
    html = client.get("/mentoring/suggestions").get_data(as_text=True)
    form = html.split('class="suggestion-goals')[1].split("</details>")[0]
    assert re.search(r'<input[^>]*checked[^>]*value="microsoft-teams"|<input[^>]*value="microsoft-teams"[^>]*checked', form)
    assert 'value="linkedin"' in form and 'name="executive"' not in form  # their own: no executive to name
    assert "<details" in html.split('class="suggestion-goals')[0][-40:] and " open" not in form.split(">")[0]
    chosen = client.get("/mentoring/suggestions?goal=linkedin")
    page = text_of(chosen)
    assert "Learning goals considered: LinkedIn" in page and "Microsoft Teams ·" not in page.split("Suggest for")[0]
    lina = page.split("Lina Linkedin")[1]
    assert "covers" in lina.split("Request Lina Linkedin")[0] and "LinkedIn" in lina.split("Request Lina Linkedin")[0]
    assert 'class="suggestion-goals mb-3" open' in chosen.get_data(as_text=True)  # what was chosen stays in view
    assert 'href="/mentoring/suggestions">Back to the goals known already</a>' in chosen.get_data(as_text=True)
    # Every box unticked: said, and the goals known already are weighed (it fell back silently).
    none = client.get("/mentoring/suggestions?chosen=1")
    assert "Tick at least one topic; the suggestions below weigh the goals known already." in text_of(none)
    assert "Learning goals considered: Microsoft Teams" in text_of(none)
    assert "Tick at least one topic" not in text_of(client.get("/mentoring/suggestions"))
    manager = create_user(roles=("change_manager",))
    client.post_form("/logout")
    login_as(manager)
    managed = client.get(f"/mentoring/suggestions?executive={executive.id}").get_data(as_text=True)
    assert f'name="executive" value="{executive.id}"' in managed.split('class="suggestion-goals')[1]
    refused = client.get(f"/mentoring/suggestions?executive={executive.id}&goal=no-such-topic")
    assert refused.status_code == 200 and "Unknown topic: no-such-topic." in text_of(refused)


def test_a_mentor_who_knows_a_goal_well_comes_before_one_merely_interested(people, create_user, give_tags, taxonomy,
                                                                              create_mentorship, api):
    """Leonie, only interested in Teams but with every place free and the executive's language,
    was suggested above Sophie, a LinkedIn practitioner with one place left."""
    executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"])
    leonie = create_user(roles=("mentor",), name="Leonie Interested", department="IT", languages=["de"], capacity=4)
    sophie = create_user(roles=("mentor",), name="Sophie Practitioner", department="Sales", languages=["fr"], capacity=2)
    give_tags(leonie, {"microsoft-teams": "interested"})
    give_tags(sophie, {"linkedin": "practitioner"})
    create_mentorship(sophie, create_user(roles=("executive",)))
    response = api(executive)("GET", f"/api/v1/mentors/suggestions?executive={executive.id}"
                                     "&goal=microsoft-teams&goal=linkedin")
    items = response.json["items"]
    ranked = [i["person"]["name"] for i in items]
    assert ranked.index("Sophie Practitioner") < ranked.index("Leonie Interested")
    scores = {i["person"]["name"]: i["score"] for i in items}
    assert scores["Leonie Interested"] > scores["Sophie Practitioner"]  # the score alone put Leonie first
