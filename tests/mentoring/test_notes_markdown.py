"""Session notes are written in Markdown and shown as the agenda is: rendered and sanitised on
the session page (raw HTML never passes), while the editor and the API keep the text as written."""

from __future__ import annotations

import html as html_lib
import re

from tests.conftest import text_of
from tests.mentoring.conftest import in_days

NOTES = ("Try **Planner** next\n\n- the *board*\n- [guide](https://example.com/planner)\n\n"
         "<script>alert(1)</script> <b onclick=\"alert(2)\">click</b> [bad](javascript:alert(3))")


def _rendered(page: str, css_class: str = "notes") -> str:
    return page.split(f'class="prose {css_class}">', 1)[1].split("</div>", 1)[0]


def _editor(page: str, name: str = "notes") -> str:
    return html_lib.unescape(re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S).group(1)).removeprefix("\r\n")


def test_both_participants_see_the_notes_rendered(client, login_as, become, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(mentor)
    assert client.post_form(f"/sessions/{session_id}/notes", {"notes": NOTES}).status_code == 302
    for viewer in (mentor, executive):
        become(viewer)
        response = client.get(f"/sessions/{session_id}")
        notes = _rendered(response.get_data(as_text=True))
        assert "<strong>Planner</strong>" in notes and "<em>board</em>" in notes and "<li>" in notes
        assert '<a href="https://example.com/planner" rel="nofollow noopener noreferrer">guide</a>' in notes
        assert "Try Planner next" in text_of(response)


def test_a_script_or_an_onclick_in_a_note_comes_out_inert(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(executive)
    client.post_form(f"/sessions/{session_id}/notes", {"notes": NOTES, "tried": "<script>alert(4)</script> *Loop*"})
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    notes = _rendered(page)
    assert "<script" not in notes and "&lt;script&gt;alert(1)&lt;/script&gt;" in notes  # shown as text, never run
    assert not re.search(r"<[a-z][^>]*\sonclick", notes) and "&lt;b onclick=" in notes  # text, not an attribute
    assert 'href="javascript' not in notes
    tried = _rendered(page, "tried")
    assert "<em>Loop</em>" in tried and "<script" not in tried
    assert "<script>alert" not in page


def test_the_editor_keeps_the_text_as_written(client, login_as, people, create_mentorship, create_session, api):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(executive)
    client.post_form(f"/sessions/{session_id}/notes", {"notes": NOTES, "tried": "*Loop*"})
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert _editor(page) == NOTES and _editor(page, "tried") == "*Loop*"
    assert "<details class=\"notes-editor\">" in page  # folded while the rendered notes are shown
    assert api(mentor)("GET", f"/api/v1/sessions/{session_id}").json["notes"] == NOTES


def test_without_notes_the_editor_is_open_and_no_empty_box_is_shown(client, login_as, people, create_mentorship,
                                                                      create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(mentor)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert 'class="prose notes"' not in page
    assert '<details class="notes-editor" open>' in page and "Write notes" in page


def test_notes_refused_as_too_long_keep_the_editor_open_with_the_error(client, login_as, people, create_mentorship,
                                                                        create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    login_as(mentor)
    client.post_form(f"/sessions/{session_id}/notes", {"notes": "kept **as is**"})
    response = client.post_form(f"/sessions/{session_id}/notes", {"notes": "x" * 20001})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<details class="notes-editor" open>' in page
    assert "Field cannot be longer than 20000 characters." in text_of(response)
    assert "<strong>as is</strong>" in _rendered(page)  # the saved notes, unchanged


def test_the_notes_as_they_are_now_are_rendered_after_a_conflict(client, people, create_mentorship, create_session):
    from tests.conftest import login

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2))
    url = f"/sessions/{session_id}"
    hers, his = client, client.application.test_client()
    login(hers, mentor)
    login(his, executive)
    start = re.search(r'name="notes_version"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="notes_version"',
                      his.get(url).get_data(as_text=True))
    his_start = start.group(1) or start.group(2)
    hers.post_form(f"{url}/notes", {"notes": "**MENTOR** <script>x()</script>"})
    refused = his.post_form(f"{url}/notes", {"notes": "EXEC", "notes_version": his_start})
    assert refused.status_code == 409
    now = refused.get_data(as_text=True).split('id="notes-now"', 1)[1].split("</div>\n    </div>", 1)[0]
    assert "<strong>MENTOR</strong>" in now and "<script" not in now


def test_notes_written_one_item_a_line_keep_their_lines(client, login_as, become, people, create_mentorship,
                                                        create_session):
    """Before notes were Markdown, people wrote one thing a line without blank lines between:
    those lines stay lines instead of running together into one sentence."""
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(2),
                                agenda="Calendar sharing\nShared mailbox")
    login_as(executive)
    client.post_form(f"/sessions/{session_id}/notes", {"notes": "Next: **Loop**\nBook a room", "tried": "Tried Teams\nSet up OneNote"})
    become(mentor)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert _rendered(page, "tried") == "<p>Tried Teams<br>\nSet up OneNote</p>\n"
    assert _rendered(page) == "<p>Next: <strong>Loop</strong><br>\nBook a room</p>\n"
    assert _rendered(page, "agenda") == "<p>Calendar sharing<br>\nShared mailbox</p>\n"
    assert _editor(page) == "Next: **Loop**\nBook a room"  # the text itself is kept as written


def test_with_line_breaks_kept_lists_paragraphs_and_the_sanitiser_work_as_before():
    from community.markdown import render

    html = render("Plan\n- one\n- two\n\n1. first\n2. second\n\nA paragraph\nof two lines\n\n"
                  "<script>alert(1)</script>\n[bad](javascript:alert(2))\n![pic](/network/people/9)", breaks=True)
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html and "<ol>\n<li>first</li>" in html
    assert "<p>A paragraph<br>\nof two lines</p>" in html
    assert "<script" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
    assert "<img" not in html and '<a href="/network/people/9" rel="nofollow noopener noreferrer">pic</a>' in html
    assert render("> " * 30 + "deep\nquote", breaks=True).count("<blockquote>") == 20  # the same nesting guard
    assert "deep" in render("> " * 30 + "deep\nquote", breaks=True)


def test_posts_and_bios_still_join_single_lines_into_one_paragraph():
    from community.markdown import render

    assert render("one\ntwo") == "<p>one\ntwo</p>\n"
