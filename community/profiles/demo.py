"""Demo profiles: topics with levels for everyone (mentors more and higher, shaped by their
department), mentors' capacity, bios and availability, a few people hidden from the directory.
Bulk inserts and updates; the search index is rebuilt once at the end."""

from __future__ import annotations

import random

from sqlalchemy import insert, select, update

from community import markdown
from community.accounts.models import User
from community.expertise.models import Tag
from community.extensions import db
from community.profiles import search
from community.profiles.models import PersonTag

FIELDS_OF_DEPARTMENT = {
    "Sales": ["social-media", "collaboration"],
    "Marketing": ["social-media", "data-ai"],
    "Finance": ["data-ai", "productivity"],
    "Human Resources": ["change", "ways-of-working", "social-media"],
    "IT": ["security", "collaboration", "data-ai", "productivity"],
    "Production": ["productivity", "collaboration", "security"],
    "Logistics": ["productivity", "data-ai"],
    "Research & Development": ["data-ai", "ways-of-working", "change"],
    "Legal & Compliance": ["security", "data-ai"],
    "Customer Service": ["collaboration", "productivity"],
    "Procurement": ["data-ai", "productivity"],
    "Corporate Communications": ["social-media", "change"],
}
# How many topics and which levels, by role: (min, max), weights of interested/practitioner/expert.
PROFILE_OF_ROLE = {
    "mentor": ((4, 8), (0.2, 0.45, 0.35)),
    "change_manager": ((3, 6), (0.2, 0.5, 0.3)),
    "executive": ((1, 3), (0.8, 0.2, 0.0)),
    "staff": ((1, 4), (0.6, 0.32, 0.08)),
}
LEVELS = ("interested", "practitioner", "expert")
CAPACITY_WEIGHTS = ((1, 0.2), (2, 0.4), (3, 0.3), (4, 0.1))
AVAILABILITY = [
    "Tuesdays and Thursdays after 3 pm", "Mornings before 10, Mondays to Wednesdays", "Friday afternoons",
    "Lunchtime, most days", "Dienstags und donnerstags nachmittags", "Ask me in Teams, I answer within a day",
    "Every second Wednesday", "Flexible; remote only",
]
MENTOR_BIOS = [
    "I work in {dept} and help colleagues get the most out of **{t1}** and **{t2}**. Ask me about {t3}, too.",
    "Digital native in {dept}. My favourite topics: *{t1}* and *{t2}*.\n\n- Happy to show shortcuts\n- Coffee chats welcome",
    "Ich arbeite in {dept} und zeige gern, wie **{t1}** den Alltag leichter macht. Außerdem: {t2}, {t3}.",
    "Reverse mentor since the first programme run. I learned most of what I know about {t1} by trying things out; "
    "let's try {t2} together.",
    "In {dept} I am the person people ask about **{t1}**. I also like {t2} and {t3}.",
]
STAFF_BIOS = [
    "{dept}, curious about {t1}.",
    "Working in {dept}. Ask me about {t1}.",
    "Ich interessiere mich für {t1} und {t2}.",
]


def _pick_level(rng, weights) -> str:
    return rng.choices(LEVELS, weights=weights, k=1)[0]


def _role_of(roles: set[str]) -> str:
    for role in ("mentor", "change_manager", "executive"):
        if role in roles:
            return role
    return "staff"


def seed(ctx) -> None:
    rng = ctx.rng
    tags = list(db.session.scalars(select(Tag).order_by(Tag.id)))
    if not tags:
        return
    by_field: dict[str, list[Tag]] = {}
    for tag in tags:
        by_field.setdefault(tag.field, []).append(tag)
    roles_of: dict[int, set[str]] = {}
    for role, ids in ctx.ids_by_role.items():
        for person_id in ids:
            roles_of.setdefault(person_id, set()).add(role)
    handles = dict(db.session.execute(select(User.id, User.handle)).all())
    rendered: dict[str, str] = {}

    def html(source: str) -> str:
        if source not in rendered:
            rendered[source] = markdown.render(source)
        return rendered[source]

    person_tags, mentor_rows, other_rows = [], [], []
    hidden = opted_out = 0
    for person_id in sorted(roles_of):
        role = _role_of(roles_of[person_id])
        (low, high), weights = PROFILE_OF_ROLE[role]
        department = ctx.department_of.get(person_id, "")
        preferred = [t for f in FIELDS_OF_DEPARTMENT.get(department, []) for t in by_field.get(f, [])]
        chosen = _chosen_tags(rng, rng.randint(low, high), preferred, tags)
        names = [t.name for t in chosen.values()] + ["digital tools", "collaboration", "new ways of working"]
        for tag in chosen.values():
            person_tags.append({"user_id": person_id, "tag_id": tag.id, "level": _pick_level(rng, weights), "updated_at": ctx.now})
        fill = {"dept": department or "our company", "t1": names[0], "t2": names[1], "t3": names[2]}
        if role == "mentor":
            mentor_rows.append(_mentor_row(rng, person_id, fill, handles.get(person_id, person_id), html))
        else:
            row = _other_row(rng, role, person_id, fill, html)
            hidden += not row["directory_visible"]
            opted_out += row["analysis_opt_out"]
            other_rows.append(row)
    if person_tags:
        db.session.execute(insert(PersonTag), person_tags)
    if mentor_rows:
        db.session.execute(update(User), mentor_rows)
    if other_rows:
        db.session.execute(update(User), other_rows)
    db.session.flush()
    search.refresh_all()
    search.forget_pending(db.session())
    ctx.summary.update(person_tags=len(person_tags), hidden_people=hidden, analysis_opt_outs=opted_out)
    _seed_questions(ctx, person_tags, tags)


QUESTIONS = (
    "How do I share a {topic} space with a partner company?",
    "What is the one thing about {topic} you would show a new colleague first?",
    "Is there a guide for {topic} in German?",
    "Our team wants to start with {topic} next month. Where do we begin?",
    "Who decides about {topic} licences in our department?",
)
ANSWERS = (
    "Good question! Start small: one pilot team, one clear use. I can show you in 15 minutes.",
    "There is a short guide on the intranet; I will send you the link and my own notes.",
    "Ask IT for access first, then we can set it up together. Tuesday afternoon works for me.",
)


def _seed_questions(ctx, person_tags: list[dict], tags: list[Tag]) -> None:
    """Questions to topic contacts, spread over the last months: most answered, many resolved
    (the ranking's "answers most questions · 4 of 5 found helpful" has something to say)."""
    from community.profiles.models import Answer, Question

    # An own generator: the steps after this one draw from ctx.rng exactly as before.
    rng = random.Random(ctx.people * 7919 + len(person_tags))
    visible = set(db.session.scalars(select(User.id).where(User.directory_visible.is_(True), User.active.is_(True))))
    contacts = [row for row in person_tags if row["level"] in ("practitioner", "expert") and row["user_id"] in visible]
    askers = [pid for role in ("staff", "executive", "admin") for pid in ctx.ids_by_role.get(role, [])]
    if not contacts or not askers:
        return
    names = {tag.id: tag.name for tag in tags}
    questions: list[dict] = []
    answers: list[tuple[int, dict]] = []
    for _ in range(max(10, min(200, ctx.people // 4))):
        contact = rng.choice(contacts)
        asker = rng.choice(askers)
        if asker == contact["user_id"]:
            continue
        asked = ctx.days_ago(rng.uniform(2, 300))
        fate = rng.random()
        question = {"asker_id": asker, "contact_id": contact["user_id"], "tag_id": contact["tag_id"],
                    "body": rng.choice(QUESTIONS).format(topic=names[contact["tag_id"]]), "status": "open",
                    "helpful": None, "created_at": asked, "answered_at": None, "resolved_at": None, "updated_at": asked}
        if fate < 0.8:
            answered = asked + (ctx.now - asked) * rng.uniform(0.01, 0.3)
            question.update(status="answered", answered_at=answered, updated_at=answered)
            answers.append((len(questions), {"author_id": contact["user_id"], "body": rng.choice(ANSWERS), "created_at": answered}))
            if fate < 0.6:
                resolved = answered + (ctx.now - answered) * rng.uniform(0.01, 0.5)
                question.update(status="resolved", helpful=fate < 0.5, resolved_at=resolved, updated_at=resolved)
        questions.append(question)
    ids = db.session.scalars(insert(Question).returning(Question.id, sort_by_parameter_order=True), questions).all()
    if answers:
        db.session.execute(insert(Answer), [{**row, "question_id": ids[index]} for index, row in answers])
    ctx.summary.update(questions=len(questions), question_answers=len(answers))


def _chosen_tags(rng, count: int, preferred: list, tags: list) -> dict:
    chosen = {}
    for _n in range(count):
        pool = preferred if preferred and rng.random() < 0.65 else tags
        tag = rng.choice(pool)
        chosen[tag.id] = tag
    return chosen


def _mentor_row(rng, person_id: int, fill: dict[str, str], handle, html) -> dict:
    bio = rng.choice(MENTOR_BIOS).format(**fill)
    capacity = rng.choices([c for c, _w in CAPACITY_WEIGHTS], weights=[w for _c, w in CAPACITY_WEIGHTS], k=1)[0]
    return {
        "id": person_id, "bio": bio, "bio_html": html(bio), "capacity": capacity,
        "availability": rng.choice(AVAILABILITY),
        "link": f"https://intranet.demo.example/people/{handle}" if rng.random() < 0.3 else None,
    }


def _other_row(rng, role: str, person_id: int, fill: dict[str, str], html) -> dict:
    bio = rng.choice(STAFF_BIOS).format(**fill) if rng.random() < 0.25 else None
    visible = not (role == "staff" and person_id > 1 and rng.random() < 0.02)
    opt_out = role == "staff" and rng.random() < 0.01
    return {
        "id": person_id, "bio": bio, "bio_html": html(bio) if bio else None,
        "availability": rng.choice(AVAILABILITY) if role == "change_manager" else None,
        "directory_visible": visible, "analysis_opt_out": opt_out,
    }
