"""Choosing topics on the schedule and request forms: the mentorship's goals first (ticked when
scheduling), the other topics grouped by their field as the taxonomy groups them, alphabetical
in the reader's language; one label for the field. Works without JavaScript."""

from __future__ import annotations

import re

from tests.conftest import text_of
from tests.mentoring.conftest import in_days

FIELD_ORDER_EN = ["Collaboration", "Social media", "Ways of working", "Productivity", "Data &amp; AI", "Security", "Change"]


def _fieldset(html: str, name: str) -> str:
    """The field's outer fieldset, with the groups' fieldsets inside."""
    start = html.index(f'<fieldset class="field grouped-choices" id="{name}"')
    depth = 0
    for tag in re.finditer(r"<(/?)fieldset\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start:start + tag.end()]
    raise AssertionError("unclosed fieldset")


def _groups(fieldset: str) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """[(group heading, [(value, label, ticked)])] in page order."""
    groups = []
    for block in fieldset.split('<fieldset class="choice-group')[1:]:
        heading = re.search(r'<legend class="choice-group-label">([^<]*)</legend>', block)
        options = [(value, label, "checked" in attrs) for attrs, value, label in re.findall(
            r'<input ([^>]*?)value="([^"]+)"[^>]*>\s*<label[^>]*>([^<]*)</label>', block)]
        groups.append((heading.group(1) if heading else "", options))
    return groups


def _fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def test_scheduling_lists_the_mentorships_goals_first_ticked_and_folds_the_other_topics_by_field(
        client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("sharepoint", "linkedin", "microsoft-teams"))
    login_as(executive)
    html = client.get(f"/mentoring/mentorships/{mentorship_id}/sessions/new").get_data(as_text=True)
    field = _fieldset(html, "agenda_tags")
    groups = _groups(field)
    lead_heading, lead = groups[0]
    assert lead_heading == "Goals of this mentorship"
    assert [label for _value, label, _ticked in lead] == ["LinkedIn", "Microsoft Teams", "SharePoint"]
    assert all(ticked for *_rest, ticked in lead)
    # The others follow folded under "Other topics", in the taxonomy's fields, none ticked, no goal twice.
    assert re.search(r'<details class="more-choices">\s*<summary>Other topics <span class="meta">\(\d+\)</span>', field)
    assert [heading for heading, _ in groups[1:]] == FIELD_ORDER_EN
    others = [option for _heading, options in groups[1:] for option in options]
    assert not any(ticked for *_rest, ticked in others)
    assert {"linkedin", "sharepoint", "microsoft-teams"}.isdisjoint(value for value, *_ in others)
    for _heading, options in groups[1:]:
        labels = [label for _value, label, _ticked in options]
        assert labels == sorted(labels, key=_fold)
    # One label for the field: its legend; the groups have headings of their own.
    assert field.count('class="form-label"') == 1 and "Agenda topics</legend>" in field


def test_once_every_goal_was_covered_the_goals_not_yet_reached_are_ticked(client, login_as, people, create_mentorship,
                                                                          create_session, db):
    from community.mentoring.models import MentorshipGoal

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin", "microsoft-teams"))
    create_session(mentorship_id, starts_at=in_days(-7), status="done", agenda_tags=("linkedin", "microsoft-teams"))
    db.session.get(MentorshipGoal, (mentorship_id, _tag_id(db, "linkedin"))).progress = "reached"
    db.session.commit()
    login_as(executive)
    html = client.get(f"/mentoring/mentorships/{mentorship_id}/sessions/new").get_data(as_text=True)
    lead = _groups(_fieldset(html, "agenda_tags"))[0][1]
    assert [(value, ticked) for value, _label, ticked in lead] == [("linkedin", False), ("microsoft-teams", True)]


def _tag_id(db, slug: str) -> int:
    from sqlalchemy import select

    from community.expertise.models import Tag

    return db.session.scalar(select(Tag.id).where(Tag.slug == slug))


def test_topics_are_alphabetical_in_the_readers_language(client, login_as, people, create_mentorship, db):
    from community.accounts.models import User

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin",))
    db.session.get(User, executive.id).locale = "de"
    db.session.commit()
    login_as(executive)
    html = client.get(f"/mentoring/mentorships/{mentorship_id}/sessions/new").get_data(as_text=True)
    groups = _groups(_fieldset(html, "agenda_tags"))
    collaboration = dict(groups[1:])["Zusammenarbeit"]
    labels = [label for _value, label, _ticked in collaboration]
    assert labels == sorted(labels, key=_fold)
    assert labels[0] == "Digitale Whiteboards"  # in English "Co-authoring documents" comes first


def test_a_topic_from_the_folded_list_is_scheduled_without_javascript_and_stays_shown_after_a_refusal(
        client, login_as, people, create_mentorship, db):
    from sqlalchemy import select

    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("linkedin",))
    login_as(executive)
    url = f"/mentoring/mentorships/{mentorship_id}/sessions/new"
    refused = client.post_form(url, {"starts_at": "", "duration_minutes": 60, "agenda_tags": ["linkedin", "sharepoint"]})
    html = refused.get_data(as_text=True)
    assert "There is a problem" in text_of(refused)
    assert '<details class="more-choices" open>' in html  # the ticked other topic is not hidden away
    ticked = {value for _h, options in _groups(_fieldset(html, "agenda_tags")) for value, _l, t in options if t}
    assert ticked == {"linkedin", "sharepoint"}
    start = in_days(4, hour=9).astimezone().strftime("%Y-%m-%dT%H:%M")
    done = client.post_form(url, {"starts_at": start, "duration_minutes": 60, "agenda_tags": ["linkedin", "sharepoint"]})
    assert done.status_code == 302
    session = db.session.scalar(select(MentoringSession))
    assert {row.tag.slug for row in session.agenda_tags} == {"linkedin", "sharepoint"}


def test_the_request_form_groups_its_topics_by_field_and_keeps_those_chosen_by_the_link(client, login_as, people,
                                                                                       taxonomy):
    mentor, executive = people()
    login_as(executive)
    html = client.get(f"/mentoring/request?mentor={mentor.id}&goal=linkedin&goal=sharepoint").get_data(as_text=True)
    field = _fieldset(html, "goals")
    groups = _groups(field)
    assert [heading for heading, _ in groups] == FIELD_ORDER_EN
    assert "<details" not in field  # nothing to come first: every group is shown
    ticked = {value for _h, options in groups for value, _l, t in options if t}
    assert ticked == {"linkedin", "sharepoint"}
    assert field.count('class="form-label"') == 1 and "Learning goals</legend>" in field
    assert len({value for _h, options in groups for value, *_ in options}) == sum(len(o) for _h, o in groups)
