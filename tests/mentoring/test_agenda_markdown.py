"""A session's agenda is written in Markdown and shown as the community shows posts: rendered
and sanitised on the page, as written in e-mails and calendar files."""

from __future__ import annotations

AGENDA = ("Try **Copilot** on a real e-mail\n\n- the *inbox*\n- [AI guideline](https://example.com/ai)\n\n"
          "<script>alert(1)</script> [bad](javascript:alert(1))")


def _agenda_html(page: str) -> str:
    return page.split('class="prose agenda">', 1)[1].split("</div>", 1)[0]


def test_the_session_page_renders_the_agenda_markdown(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), agenda=AGENDA)
    for viewer in (executive, mentor):
        login_as(viewer)
        response = client.get(f"/sessions/{session_id}")
        agenda = _agenda_html(response.get_data(as_text=True))
        assert "<strong>Copilot</strong>" in agenda and "<em>inbox</em>" in agenda
        assert "**" not in agenda  # (the notes' Markdown hint on the same page shows "**bold**" on purpose)
        assert "<li>" in agenda
        assert '<a href="https://example.com/ai" rel="nofollow noopener noreferrer">AI guideline</a>' in agenda
        client.post_form("/logout")


def test_the_rendered_agenda_is_sanitised_like_a_post(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), agenda=AGENDA)
    login_as(executive)
    agenda = _agenda_html(client.get(f"/sessions/{session_id}").get_data(as_text=True))
    assert "<script" not in agenda and "&lt;script&gt;" in agenda  # shown as text, never run
    assert "href=\"javascript" not in agenda


def test_the_calendar_file_keeps_the_agenda_as_written(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), agenda="Try **Copilot**")
    login_as(executive)
    ics = client.get(f"/sessions/{session_id}.ics").get_data(as_text=True)
    assert "Try **Copilot**" in ics.replace("\r\n ", "") and "<strong>" not in ics


def test_a_session_without_an_agenda_text_shows_no_empty_box(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), agenda=None)
    login_as(executive)
    assert 'class="prose agenda"' not in client.get(f"/sessions/{session_id}").get_data(as_text=True)
