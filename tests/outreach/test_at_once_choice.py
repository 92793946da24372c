"""Which preference marks a person who wants a kind of notification e-mailed at once: a write
that notifies many reads it before it writes (community.discussions.services.reply_target)."""

from community.outreach.services import PREF_KINDS, at_once_choice


def test_kinds_taken_as_a_digest_by_default_name_the_choice_that_asks_for_them_at_once():
    assert at_once_choice("discussion_reply") == "reply"
    assert at_once_choice("discussion_thread") == "new_thread"
    assert at_once_choice("circle_post") == "circles"


def test_kinds_anyone_may_get_at_once_name_no_choice():
    assert at_once_choice("discussion_mention") is None  # e-mailed at once unless one chose otherwise
    assert at_once_choice("weekly_briefing") is None  # never in a digest
    assert at_once_choice("no_such_kind") is None  # the e-mail task decides (and skips it)


def test_every_choice_named_is_one_a_person_can_store():
    keys = {pref.key for pref in PREF_KINDS}
    named = {at_once_choice(kind) for pref in PREF_KINDS for kind in pref.kinds} - {None}
    assert named and named <= keys
