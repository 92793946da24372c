"""One's own open nomination is shown instead of a form that could only be refused;
self-nominations and a change manager's own nomination are worded for what they are;
candidates read in words."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.ambassadors.conftest import nominations, summary_of
from tests.conftest import text_of
from tests.faces import faces_in

# One's own open nomination -------------------------------------------------------------------------

def test_a_mentor_with_an_open_nomination_sees_it_instead_of_nominate_myself(client, login_as, people, create_nomination):
    login_as(people["mentor"])
    page = text_of(client.get("/ambassadors/evidence"))
    assert "Nominate myself" in page and "waiting for a decision" not in page
    nomination_id = create_nomination(people["mentor"], people["staff"])
    response = client.get("/ambassadors/evidence")
    page = text_of(response)
    assert "Nominate myself" not in page
    assert "Your nomination is waiting for a decision" in page
    assert re.search(r"Sam Staff nominated you on \d+ \w+ \d{4}\. A change manager will decide", page)
    assert f'href="/ambassadors/nominations/{nomination_id}"' in response.get_data(as_text=True)


def test_nominate_myself_shows_the_waiting_nomination_and_no_form(client, login_as, people, create_nomination, db):
    create_nomination(people["mentor"], people["mentor"])
    login_as(people["mentor"])
    response = client.get(f"/ambassadors/nominate?person={people['mentor'].id}")
    page = text_of(response)
    assert re.search(r"Your nomination is waiting for a decision You nominated yourself on \d+ \w+ \d{4}\.", page)
    assert 'name="reason"' not in response.get_data(as_text=True)
    assert "Nominate someone else" in page
    # Someone else's name still gives the form.
    other = client.get(f"/ambassadors/nominate?person={people['other_mentor'].id}").get_data(as_text=True)
    assert 'name="reason"' in other and f'value="@{people["other_mentor"].handle}"' in other


def test_nominating_oneself_again_is_refused_cleanly(client, login_as, people, create_nomination, db):
    create_nomination(people["mentor"], people["staff"])
    login_as(people["mentor"])
    response = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["mentor"].handle,
                                                         "reason": "I ran eight sessions and the Teams tips thread."})
    assert response.status_code == 200
    assert "Mentor to nominate: Your nomination is open already; it is waiting for a decision." in summary_of(response)
    assert nominations(db) == 1


# Wording ------------------------------------------------------------------------------------------

def test_a_self_nomination_says_nominated_themselves(client, login_as, people, create_nomination):
    own = create_nomination(people["mentor"], people["mentor"])
    create_nomination(people["other_mentor"], people["staff"])
    login_as(people["cm"])
    listing = text_of(client.get("/ambassadors/nominations"))
    # (each person with their avatar: "SS" are Sam Staff's initials)
    assert "Mara Mentor Nominated themselves" in listing and "Otto Mentor SS Sam Staff" in listing
    assert re.search(r"Mara Mentor nominated themselves on \d+ \w+ \d{4}", text_of(client.get(f"/ambassadors/nominations/{own}")))
    client.post_form("/locale", {"locale": "de"})
    assert "Mara Mentor Hat sich selbst nominiert" in text_of(client.get("/ambassadors/nominations"))
    assert re.search(r"Mara Mentor hat sich am [\d.]+ selbst nominiert", text_of(client.get(f"/ambassadors/nominations/{own}")))


def test_the_nominations_show_nominee_and_nominator_with_their_avatars(client, login_as, people, create_nomination):
    create_nomination(people["mentor"], people["mentor"])
    create_nomination(people["other_mentor"], people["staff"])
    login_as(people["cm"])
    # Newest first; who nominated themselves is not shown twice.
    assert faces_in(client.get("/ambassadors/nominations").get_data(as_text=True)) == [
        ("OM", "Otto Mentor"), ("SS", "Sam Staff"), ("MM", "Mara Mentor")]


def test_change_managers_are_told_of_a_self_nomination_as_such(client, api_token, people, db):
    from community.notifications.models import Notification
    from community.notifications.services import render_plain

    client.send_json("POST", "/api/v1/nominations", {"nominee_id": people["mentor"].id,
                                                     "reason": "I ran eight sessions and the Teams tips thread."},
                     token=api_token(people["mentor"]))
    told = db.session.scalars(select(Notification).where(Notification.user_id == people["cm"].id)).all()
    assert [note.kind for note in told] == ["nomination_self_submitted"]
    assert render_plain(told[0]) == "Mara Mentor nominated themselves for the ambassador programme."


def test_a_change_manager_who_nominates_is_told_where_the_nomination_waits(client, login_as, people):
    login_as(people["cm"])
    response = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["mentor"].handle,
                                                         "reason": "Runs the Teams lunch sessions and helps everyone."},
                                follow_redirects=True)
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert "A change manager will decide" not in page
    assert "Mara Mentor is nominated. The nomination is now in the list of open nominations" in page
    assert '<a href="/ambassadors/nominations?status=open">Open nominations</a>' in html


def test_anyone_else_who_nominates_is_told_a_change_manager_decides(client, login_as, people):
    login_as(people["staff"])
    response = client.post_form("/ambassadors/nominate", {"nominee": "@" + people["mentor"].handle,
                                                         "reason": "Runs the Teams lunch sessions and helps everyone."},
                                follow_redirects=True)
    assert "Thank you: Mara Mentor is nominated. A change manager will decide." in text_of(response)


def test_candidates_read_in_words_and_each_criterion_says_met_or_not(client, login_as, people, analysed):
    analysed(people["mentor"], people["executive"])
    login_as(people["cm"])
    response = client.get("/ambassadors/candidates")
    page = text_of(response)
    # The line: the score, criteria met and which not yet; folded below it, the parts and each criterion.
    assert re.search(r"Mara Mentor Score \d{1,3} of 100 (?:Community at 0 )?\d of 6 criteria met\. Not yet: Sessions held",
                     page), page
    assert "Otto Mentor Score 0 of 100 Outcomes, Community, Reach at 0" in page  # what makes a score 0
    assert re.search(r"Outcomes \d{1,3} of 100 Community \d{1,3} of 100 Reach \d{1,3} of 100", page), page
    assert not re.search(r"\b0\.\d{2,}", page)  # no raw figures such as 0.859
    assert re.search(r"Sessions held 3 · needs \d+ (met|not yet) Mentees 1 · needs \d+ (met|not yet)", page)
    badges = re.findall(r'<span class="badge text-bg-(success|warning) criterion-state"><i [^>]*aria-hidden="true"></i> (met|not yet)</span>',
                        response.get_data(as_text=True))
    assert badges and len(badges) % 6 == 0 and all((colour == "success") == (words == "met") for colour, words in badges)
    client.post_form("/locale", {"locale": "de"})
    german = text_of(client.get("/ambassadors/candidates"))
    assert "Sortieren nach: Punktzahl" in german and re.search(r"Punktzahl \d{1,3} von 100", german)
    assert "Wert" not in german.replace("noch kein Wert", "")  # the row called the score "Wert", the sort "Punktzahl"
    assert re.search(r"Gehaltene Termine 3 · nötig: \d+ (erfüllt|noch nicht)", german)


def _link_text(html: str, href: str) -> str:
    """The visible words of the link to `href` (its icon is an empty <i>)."""
    link = re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*>(.*?)</a>', html, re.S)
    assert link, href
    return " ".join(re.sub(r"<[^>]+>", " ", link.group(1)).split())


def test_a_candidate_with_an_open_nomination_reads_nomination_open_not_a_bare_open(client, login_as, people, create_nomination):
    """The candidates list labelled the link to a waiting nomination "open", which read as the verb
    beside "nominate"; it names the state ("Nomination open"), in German "Nominierung offen"."""
    nomination_id = create_nomination(people["mentor"], people["staff"])
    login_as(people["cm"])
    html = client.get("/ambassadors/candidates").get_data(as_text=True)
    assert _link_text(html, f"/ambassadors/nominations/{nomination_id}") == "Nomination open"
    assert not re.search(r">\s*open\s*</a>", html)
    client.post_form("/locale", {"locale": "de"})
    html = client.get("/ambassadors/candidates").get_data(as_text=True)
    assert _link_text(html, f"/ambassadors/nominations/{nomination_id}") == "Nominierung offen"


def test_the_nominations_filter_marks_the_one_shown(client, login_as, people):
    """"all" was shown like the other filters: nothing said which list this was."""
    login_as(people["cm"])
    everything = client.get("/ambassadors/nominations").get_data(as_text=True)
    assert re.findall(r'<a class="nav-link py-1 active" href="([^"]+)" aria-current="page">', everything) == \
        ["/ambassadors/nominations"]
    declined = client.get("/ambassadors/nominations?status=declined").get_data(as_text=True)
    assert re.findall(r'<a class="nav-link py-1 active" href="([^"]+)" aria-current="page">', declined) == \
        ["/ambassadors/nominations?status=declined"]
