"""Demo: the built-in digital-workplace taxonomy plus a few synonyms colleagues actually use."""

from __future__ import annotations

from sqlalchemy import select

from community.expertise.models import Tag, TagSynonym
from community.expertise.services import normalise_term, seed_taxonomy
from community.extensions import db

DEMO_SYNONYMS = {
    "microsoft-teams": ["teams meetings", "teams channels"],
    "ai-assistants": ["llm", "m365 copilot"],
    "phishing": ["phishing mails"],
    "agile-methods": ["agility"],
    "remote-leadership": ["hybrid leadership"],
    "video-calls": ["online meetings"],
    "dashboards": ["bi"],
}


def seed(ctx) -> None:
    created = seed_taxonomy()
    tags = {tag.slug: tag for tag in db.session.scalars(select(Tag))}
    taken = set(db.session.scalars(select(TagSynonym.term)))
    added = 0
    for slug, terms in DEMO_SYNONYMS.items():
        tag = tags.get(slug)
        for term in terms:
            term = normalise_term(term)
            if tag is not None and term not in taken:
                db.session.add(TagSynonym(tag_id=tag.id, term=term))
                taken.add(term)
                added += 1
    db.session.flush()
    ctx.summary.update(tags=len(tags), new_tags=created, synonyms=len(taken), demo_synonyms=added)
