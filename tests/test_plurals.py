"""Plurals come from ngettext with German plural forms, never assembled by hand."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _in(app, locale: str, fn):
    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale(locale):
        return fn()


def test_free_places_agree_with_their_number_in_english_and_german(app):
    from community.profiles.contacts import Candidate, reasons

    one = Candidate(person_id=1, level="expert", capacity=1, availability=None, is_mentor=True)
    three = Candidate(person_id=2, level="expert", capacity=3, availability=None, is_mentor=True, open_mentorships=1)
    full = Candidate(person_id=3, level="expert", capacity=1, availability=None, is_mentor=True, open_mentorships=1)
    assert "1 of 1 place free" in _in(app, "en", lambda: reasons(one))
    assert "2 of 3 places free" in _in(app, "en", lambda: reasons(three))
    assert "fully booked (1 of 1 place taken)" in _in(app, "en", lambda: reasons(full))
    assert "1 von 1 Platz frei" in _in(app, "de", lambda: reasons(one))
    assert "2 von 3 Plätzen frei" in _in(app, "de", lambda: reasons(three))


def test_a_single_point_of_failure_reason_has_no_broken_agreement(app):
    from community.network.queries import spof_reason

    text = _in(app, "en", lambda: spof_reason(1, 0, 1, 0))
    assert "1 executive lose" not in text
    assert text == "If they leave, these lose their only mentor link: 1 executive, 1 topic."
    german = _in(app, "de", lambda: spof_reason(1, 0, 2, 0))
    assert "1 Führungskraft" in german and "2 Themen" in german


def test_a_peripheral_specialist_reason_counts_ties_and_topics_properly(app):
    from community.network.queries import role_explanation

    figures = {"degree": 1, "rare_tags": 1, "rare_tag_max_mentors": 1}
    text = _in(app, "en", lambda: role_explanation("peripheral_specialist", figures))
    assert text == "Has only 1 tie but holds 1 rare topic that at most 1 mentor covers."
    assert "(s)" not in text


def test_no_translatable_string_builds_a_plural_by_hand():
    offenders = []
    pattern = re.compile(r"""_l?\(\s*["'][^"']*(\(s\)|%\((n|num|count)\)d \w+s\b[^"']*moved)""")
    for path in (ROOT / "community").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_german_plural_entry_has_both_forms():
    with (ROOT / "community/translations/de/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = [message.id[0] for message in catalog if message.pluralizable and message.id
               and not all(message.string)]
    assert missing == []


def test_a_suggested_mentors_reasons_agree_with_their_numbers(app):
    """The request form's suggestions read "knows LinkedIn (1 of 1 goals)" and "1 of 1 places free";
    one goal of one is "the goal", more of them are counted."""
    from types import SimpleNamespace

    from community.expertise.models import Tag
    from community.mentoring.matching import Suggestion, _explain

    def explain(locale: str, wanted: int = 1) -> list[str]:
        suggestion = Suggestion(person_id=1, score=1.0, free_places=1, topics=[(Tag(slug="linkedin", name="LinkedIn"), "expert")],
                                facts={"department": None, "capacity": 1, "busy": False, "shared": [], "wanted": wanted,
                                       "past": False, "asked_languages": False})
        return _in(app, locale, lambda: _explain(suggestion, SimpleNamespace(department=None)))

    assert explain("en")[:2] == ["covers the goal: LinkedIn", "1 of 1 place free"]
    assert explain("de")[:2] == ["deckt das Ziel ab: LinkedIn", "1 von 1 Platz frei"]
    assert explain("en", 3)[0] == "covers 1 of the 3 goals: LinkedIn"
    assert explain("de", 3)[0] == "deckt 1 der 3 Ziele ab: LinkedIn"
