"""Words for internal names that reach pages: analysis figures and the tables a topic is used in.

Pages never show a raw identifier (`communities_reached`, `person_tags`): templates use the
`figure_label`, `tag_use_label` and `subject_label` (audit log) filters; an unknown name falls back to plain words.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

FIGURE_LABELS = {
    "activity": _l("Community activity"),
    "betweenness": _l("Betweenness (bridging between groups)"),
    "betweenness_threshold": _l("Betweenness threshold"),
    "communities": _l("Groups with ties"),
    "communities_reached": _l("Groups reached"),
    "cross_department_share": _l("Share of ties across departments"),
    "degree": _l("Direct ties"),
    "degree_threshold": _l("Direct-ties threshold"),
    "department_threshold": _l("Departments threshold"),
    "departments_reached": _l("Departments reached"),
    "feedback_adjusted": _l("Feedback (adjusted for few ratings)"),
    "feedback_avg": _l("Average feedback"),
    "feedback_count": _l("Feedback ratings"),
    "interaction": _l("Interaction"),
    "other_departments": _l("Other departments reached"),
    "pagerank": _l("Influence (PageRank)"),
    "rare_tag_max_mentors": _l("Most mentors for a rare topic"),
    "rare_tags": _l("Rare topics"),
    "sessions_done": _l("Sessions held"),
    "ties": _l("Ties"),
    "top_percent": _l("Top share of the network (%)"),
    "weighted_degree": _l("Weighted ties"),
}

TAG_USE_LABELS = {
    "circle_topics": _l("Learning circle topics"),
    "mentorship_goals": _l("Mentorship goals"),
    "person_tags": _l("People's topics"),
    "session_agenda_tags": _l("Session agendas"),
    "survey_levels": _l("Survey self-ratings"),
    "thread_tags": _l("Discussion topics"),
    "discussion_subscriptions": _l("People following the topic"),
    "questions": _l("Questions about a topic"),
}


# What an audit event is about (audit_events.subject_type), as the audit log shows it.
SUBJECT_LABELS = {
    "ambassador_criteria": _l("Ambassador criteria"),
    "analysis_job": _l("Analysis job"),
    "analysis_snapshot": _l("Analysis snapshot"),
    "api_token": _l("API token"),
    "ambassadors": _l("Ambassadors' channel"),
    "category": _l("Category"),
    "circle": _l("Learning circle"),
    "cohort": _l("Programme run"),
    "import": _l("CSV import"),
    "mentorship": _l("Mentorship"),
    "nomination": _l("Nomination"),
    "post": _l("Post"),
    "scim_token": _l("SCIM token"),
    "survey": _l("Survey"),
    "tag": _l("Topic"),
    "thread": _l("Thread"),
    "user": _l("Person"),
}


def _words(name: object) -> str:
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def figure_label(name: object) -> str:
    label = FIGURE_LABELS.get(str(name))
    return str(label) if label is not None else _words(name)


def tag_use_label(name: object) -> str:
    label = TAG_USE_LABELS.get(str(name))
    return str(label) if label is not None else _words(name)


def subject_label(name: object) -> str:
    label = SUBJECT_LABELS.get(str(name))
    return str(label) if label is not None else _words(name)


# Texts the product writes itself into stored records (why sessions were cancelled, why a
# mentorship needs a new mentor): stored as a marked code, shown in the reader's language on
# pages, in e-mails, exports and the API. Records written before were stored in English.
PHRASES = {
    "mentorship_handed_over": _l("The mentorship was handed over to another mentor."),
    "request_withdrawn": _l("The request was withdrawn."),
    "thread_withdrawn": _l("Its author deleted its only post."),
    "mentorship_completed": _l("The mentorship was completed."),
    "account_erased": _l("The account was erased."),
    "account_deactivated": _l("The account was deactivated."),
    "person_left": _l("The person has left the organisation."),
    "handover_left": _l("the mentor left the company"),
    "handover_deactivated": _l("the mentor's account was deactivated"),
    "handover_paused": _l("the mentor paused mentoring"),
    "handover_erased": _l("the mentor's account was erased"),
}
_MARK = "\u2063phrase:"  # an invisible separator: no typed text starts with it
_LEGACY: dict[str, str] = {}  # English text as stored before -> code (read once, in English)


def _legacy() -> dict[str, str]:
    if not _LEGACY:
        with force_locale("en"):
            _LEGACY.update({str(text): code for code, text in PHRASES.items()})
        _LEGACY["account erased"] = "account_erased"
    return _LEGACY


def stored_phrase(code: str) -> str:
    """What a record stores for one of the PHRASES."""
    if code not in PHRASES:
        raise KeyError(code)
    return _MARK + code


def shown(value: object) -> object:
    """A stored text as the reader reads it: one of the PHRASES in the reader's language,
    anything else (what a person typed) unchanged."""
    if not isinstance(value, str):
        return value
    code = value[len(_MARK):] if value.startswith(_MARK) else _legacy().get(value)
    phrase = PHRASES.get(code) if code else None
    return str(phrase) if phrase is not None else value


def init_app(app: Flask) -> None:
    app.jinja_env.filters["shown"] = shown
    app.jinja_env.filters["subject_label"] = subject_label
    app.jinja_env.filters["figure_label"] = figure_label
    app.jinja_env.filters["tag_use_label"] = tag_use_label
