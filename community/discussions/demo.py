"""Demo community: five categories, threads with replies, mentions and topics over the last
18 months, written mostly by mentors (a few very active, many occasional, some silent).

Bulk inserts with explicit ids; 10,000 people stay fast (threads scale with people, capped).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from community.accounts.models import User
from community.demo_support import reset_sequence
from community.discussions.categories import STARTER_CATEGORIES
from community.discussions.models import (
    Category,
    Flag,
    Mention,
    ModerationAction,
    Post,
    Subscription,
    Thread,
    ThreadTag,
)
from community.expertise.models import Tag
from community.extensions import db
from community.markdown import render
from community.notifications.models import Notification

MAX_THREADS = 3_000
PLACEHOLDER = "mention.placeholder"  # a handle no person has (demo handles have no such dot form)
DAYS = 548  # 18 months

# The starter categories with the share of demo threads each gets.
SHARES = {"sessions-that-worked": 0.30, "tools-and-tricks": 0.28, "mentor-lounge": 0.20, "ambassador-corner": 0.10,
          "questions-from-staff": 0.12}
CATEGORIES = [(*row, SHARES[row[0]]) for row in STARTER_CATEGORIES]

TITLES = {
    "en": {
        "sessions-that-worked": ["How I showed {tag} to my executive in 20 minutes", "{tag}: the session that finally clicked",
                                 "Letting my mentee drive: a {tag} session", "From sceptic to fan: {tag} in practice",
                                 "Second session on {tag}, much better than the first"],
        "tools-and-tricks": ["Five {tag} shortcuts executives love", "Hidden {tag} feature worth showing",
                             "{tag}: which settings do you change first?", "Quick win: {tag} on the phone",
                             "Does anyone have a good {tag} cheat sheet?"],
        "mentor-lounge": ["My mentee keeps cancelling: what would you do?", "Feeling out of my depth with {tag}",
                          "How do you prepare for the first session?", "When the executive knows more than you about {tag}",
                          "Balancing mentoring with my actual job"],
        "ambassador-corner": ["{tag} open lunch in our department: who joins?", "Material for a {tag} info stand",
                              "Report from the {tag} town hall", "Ideas for the next ambassador meetup"],
        "questions-from-staff": ["Can someone explain {tag} to me?", "Is {tag} allowed for customer data?",
                                 "Where do I start with {tag}?", "{tag} keeps confusing me"],
    },
    "de": {
        "sessions-that-worked": ["Wie ich {tag} in 20 Minuten gezeigt habe", "{tag}: der Termin, bei dem es Klick machte",
                                 "Die Führungskraft ans Steuer lassen: {tag}", "Vom Skeptiker zum Fan: {tag} in der Praxis",
                                 "{tag}: zweiter Termin, viel besser als der erste"],
        "tools-and-tricks": ["{tag}: fünf Abkürzungen, die Führungskräfte lieben", "{tag}: eine versteckte Funktion",
                             "{tag}: welche Einstellungen ändert ihr zuerst?", "Schneller Erfolg: {tag} auf dem Handy",
                             "Hat jemand einen guten Spickzettel für {tag}?"],
        "mentor-lounge": ["Meine Führungskraft sagt ständig ab – was tun?", "{tag}: ich fühle mich noch unsicher",
                          "Wie bereitet ihr den ersten Termin vor?", "Wenn die Führungskraft mehr über {tag} weiß als ich",
                          "Mentoring neben dem eigentlichen Job"],
        "ambassador-corner": ["Offene Mittagspause in unserem Bereich, Thema {tag}: wer macht mit?", "Material für einen Infostand, Thema {tag}",
                              "Bericht von der Mitarbeiterversammlung, Thema {tag}", "Ideen für das nächste Ambassador-Treffen"],
        "questions-from-staff": ["Kann mir jemand {tag} erklären?", "Darf ich {tag} für Kundendaten nutzen?",
                                 "{tag}: wo fange ich an?", "{tag} verwirrt mich immer wieder"],
    },
}

OPENINGS = {
    "en": ["We spent the whole session on **{tag}**. I prepared three small tasks from the executive's real week "
           "and let them do everything themselves.\n\nWhat worked best: *no slides*, just trying it out.",
           "Short version: start with the problem, not the tool. My mentee wanted fewer e-mails, so we looked at "
           "{tag} together.\n\n- one real example\n- one shortcut\n- one thing to try until next time",
           "I'd love to hear how you approach {tag}. My executive is curious but worried about time.",
           "Has anyone found a good way to explain {tag} without jargon? Tips welcome."],
    "de": ["Wir haben den ganzen Termin dem Thema **{tag}** gewidmet. Ich hatte drei kleine Aufgaben aus der echten Woche "
           "der Führungskraft vorbereitet, und sie hat alles selbst gemacht.\n\nAm besten lief: *keine Folien*, nur ausprobieren.",
           "Kurz gesagt: mit dem Problem anfangen, nicht mit dem Tool. Meine Führungskraft wollte weniger E-Mails, "
           "also haben wir uns {tag} zusammen angesehen.\n\n- ein echtes Beispiel\n- eine Abkürzung\n- eine Aufgabe bis zum nächsten Mal",
           "Mich interessiert, wie ihr {tag} angeht. Meine Führungskraft ist neugierig, hat aber wenig Zeit.",
           "Hat jemand einen guten Weg gefunden, {tag} ohne Fachchinesisch zu erklären? Tipps willkommen."],
}

REPLIES = {
    "en": ["Great idea, I'll try that next week.", "Same experience here: real examples beat demos every time.",
           "We did something similar with {tag}; the shortcut list was the hit.", "Thanks for sharing! Saved.",
           "I'd add: agree on one small thing to try until the next session.",
           "Careful with {tag} and confidential data, check the guideline first.",
           "My executive asked exactly this yesterday. Sending them the link.", "+1, works well for us too."],
    "de": ["Gute Idee, probiere ich nächste Woche aus.", "Gleiche Erfahrung: echte Beispiele schlagen jede Demo.",
           "Wir haben beim Thema {tag} etwas Ähnliches gemacht; die Liste mit Abkürzungen war der Renner.",
           "Danke fürs Teilen! Gespeichert.", "Ich würde ergänzen: eine kleine Aufgabe bis zum nächsten Termin vereinbaren.",
           "Vorsicht beim Thema {tag} und vertraulichen Daten, vorher die Richtlinie prüfen.",
           "Genau das hat meine Führungskraft gestern gefragt. Ich schicke den Link weiter.", "+1, klappt bei uns auch gut."],
}

MENTION_LINES = {
    "en": ["@{handle} you presented this at the last meetup, right?", "@{handle} might know more about this.",
           "Thanks @{handle}, that helped a lot."],
    "de": ["@{handle}, du hattest das beim letzten Treffen gezeigt, oder?", "@{handle} weiß dazu bestimmt mehr.",
           "Danke @{handle}, das hat sehr geholfen."],
}


def _weights(rng, ids: list[int]) -> list[float]:
    """A few very active people, many occasional ones, some silent."""
    weights = []
    for _ in ids:
        roll = rng.random()
        weights.append(0.0 if roll < 0.2 else 25.0 if roll > 0.95 else rng.uniform(0.5, 3.0))
    if ids and not any(weights):
        weights[0] = 1.0
    return weights


def seed(ctx) -> None:
    rng = ctx.rng
    mentors = list(ctx.ids_by_role.get("mentor", []))
    managers = list(ctx.ids_by_role.get("change_manager", []))
    askers = list(ctx.ids_by_role.get("staff", []))[:2000] + list(ctx.ids_by_role.get("executive", []))
    if not mentors:
        return
    forum = _Forum(ctx, mentors, managers, askers)
    forum.category_ids = _seed_categories(ctx)
    forum.mentor_weights = _weights(rng, mentors)
    forum.active_mentors = [m for m, w in zip(mentors, forum.mentor_weights, strict=True) if w > 0]
    n_threads = min(MAX_THREADS, max(30, round(ctx.people * 0.75)))
    for thread_id in range(1, n_threads + 1):
        forum.thread(thread_id)
    newest = _pin_newest(forum.threads)
    forum.insert()
    # A little moderation: pins logged, a few open reports for the review queue.
    moderator = managers[0] if managers else None
    if moderator is not None:
        _moderate(ctx, forum, moderator, newest)
    ctx.summary.update(threads=len(forum.threads), posts=len(forum.posts), mentions=len(forum.mentions))


def _seed_categories(ctx) -> dict[str, int]:
    """The starter categories, reusing those that `flask setup` may have created already."""
    category_ids = {slug: cid for slug, cid in db.session.execute(select(Category.slug, Category.id))}
    for position, (slug, name, name_de, description, description_de, visibility, _share) in enumerate(CATEGORIES, start=1):
        if slug not in category_ids:
            category = Category(slug=slug, name=name, name_de=name_de, description=description,
                                description_de=description_de, position=position, visibility=visibility,
                                created_at=ctx.days_ago(DAYS + 10))
            db.session.add(category)
            db.session.flush()
            category_ids[slug] = category.id
    return category_ids


def _pin_newest(threads: list[dict]) -> dict[int, dict]:
    """One pinned thread per category: the newest of each."""
    newest: dict[int, dict] = {}
    for row in threads:
        if row["category_id"] not in newest or row["created_at"] > newest[row["category_id"]]["created_at"]:
            newest[row["category_id"]] = row
    for row in newest.values():
        row["pinned"] = True
    return newest


def _moderate(ctx, forum: _Forum, moderator: int, newest: dict[int, dict]) -> None:
    rng = ctx.rng
    db.session.execute(insert(ModerationAction.__table__), [
        {"actor_id": moderator, "action": "thread.pinned", "thread_id": row["id"], "created_at": min(row["created_at"] + timedelta(hours=2), ctx.now)}
        for row in newest.values()
    ])
    candidates = [p for p in forum.posts if p["reply_to_post_id"] is None and p["author_id"] not in forum.managers]
    flagged = rng.sample(candidates, k=min(3, len(candidates)))
    reporters = forum.active_mentors or forum.mentors
    db.session.execute(insert(Flag.__table__), [
        {"post_id": p["id"], "reporter_id": rng.choice([r for r in reporters if r != p["author_id"]] or reporters),
         "reason": rng.choice(["Off topic for this category.", "Contains a customer's name.", "Sounds like an advert."]),
         "created_at": ctx.now - timedelta(days=rng.randint(0, 5))}
        for p in flagged
    ])


class _Forum:
    """Threads, posts, mentions, subscriptions and mention notifications, row by row."""

    def __init__(self, ctx, mentors: list[int], managers: list[int], askers: list[int]) -> None:
        self.ctx, self.rng = ctx, ctx.rng
        self.mentors, self.managers, self.askers = mentors, managers, askers
        self.people = {uid: (handle, locale)
                       for uid, handle, locale in db.session.execute(select(User.id, User.handle, User.locale))}
        # Each topic with its name in each language: a German post names it in German.
        tags: list[tuple[int | None, dict[str, str]]] = [
            (tag_id, {"en": name, "de": name_de or name})
            for tag_id, name, name_de in db.session.execute(select(Tag.id, Tag.name, Tag.name_de).order_by(Tag.id))]
        self.tags = tags or [(None, {"en": "Microsoft Teams", "de": "Microsoft Teams"})]
        self.category_ids: dict[str, int] = {}
        self.mentor_weights: list[float] = []
        self.active_mentors: list[int] = []
        self.shares = [c[6] for c in CATEGORIES]
        self.html_cache: dict[str, str] = {}
        self.threads: list[dict] = []
        self.thread_tags: list[dict] = []
        self.posts: list[dict] = []
        self.mentions: list[dict] = []
        self.subscriptions: set[tuple[int, int]] = set()
        self.notes: list[dict] = []
        self.post_id = 0

    def html_of(self, body: str, mentioned: dict[str, int]) -> str:
        """Render each distinct text once; a mention is rendered as a placeholder and filled in."""
        handle, uid = next(iter(mentioned.items())) if mentioned else (None, None)
        key = body.replace(f"@{handle}", "@" + PLACEHOLDER) if handle else body
        if key not in self.html_cache:
            self.html_cache[key] = render(key, mentions={PLACEHOLDER: "/people/0"})
        html = self.html_cache[key]
        if handle:
            html = html.replace('href="/people/0"', f'href="/people/{uid}"').replace("@" + PLACEHOLDER, "@" + handle)
        return html

    def language(self, uid: int) -> str:
        return "de" if self.people.get(uid, ("", "en"))[1] == "de" else "en"

    def _author(self, slug: str) -> int:
        rng = self.rng
        if slug == "questions-from-staff" and self.askers:
            return rng.choice(self.askers)
        if slug == "ambassador-corner" and self.managers and rng.random() < 0.3:
            return rng.choice(self.managers)
        return rng.choices(self.mentors, weights=self.mentor_weights, k=1)[0]

    def thread(self, thread_id: int) -> None:
        rng, ctx = self.rng, self.ctx
        category_index = rng.choices(range(len(CATEGORIES)), weights=self.shares, k=1)[0]
        slug = CATEGORIES[category_index][0]
        author = self._author(slug)
        lang = self.language(author)
        chosen = rng.sample(self.tags, k=min(len(self.tags), rng.choice((1, 1, 2))))
        names = chosen[0][1]
        title = rng.choice(TITLES[lang][slug]).format(tag=names[lang])[:200]
        # Recent months are busier than old ones.
        started = ctx.now - timedelta(days=DAYS * rng.random() ** 1.4, hours=rng.randint(0, 23))
        for tag_id, _name in chosen:
            if tag_id is not None:
                self.thread_tags.append({"thread_id": thread_id, "tag_id": tag_id})
        participants = [author]
        thread_posts: list[dict[str, Any]] = []
        at = started
        n_replies = min(14, int(rng.expovariate(1 / 3.2)))
        for index in range(n_replies + 1):
            if index == 0:
                poster = author
                body = rng.choice(OPENINGS[lang]).format(tag=names[lang])
            else:
                at = at + timedelta(hours=rng.expovariate(1 / 14))
                if at >= ctx.now:
                    break
                pool = self.active_mentors + self.managers
                poster = rng.choice(participants) if rng.random() < 0.25 else rng.choice(pool)
                reply_lang = self.language(poster)
                body = rng.choice(REPLIES[reply_lang]).format(tag=names[reply_lang])
            self._post(thread_id, title, index, poster, body, at, participants, thread_posts)
        self.posts.extend(thread_posts)
        for person in participants:
            self.subscriptions.add((person, thread_id))
        last = thread_posts[-1]
        self.threads.append({
            "id": thread_id, "category_id": self.category_ids[slug], "title": title, "author_id": author,
            "created_at": started, "last_post_at": last["created_at"], "last_poster_id": last["author_id"],
            "pinned": False, "locked": rng.random() < 0.02 and (ctx.now - started).days > 200,
            "post_count": len(thread_posts),
        })

    def _post(self, thread_id: int, title: str, index: int, poster: int, body: str, at: datetime,
              participants: list[int], thread_posts: list[dict]) -> None:
        rng, ctx = self.rng, self.ctx
        mentioned: dict[str, int] = {}
        if index > 0 and rng.random() < 0.2:
            others = [p for p in participants if p != poster] or [rng.choice(self.active_mentors)]
            target = rng.choice(others)
            if target != poster and target in self.people:
                handle = self.people[target][0]
                body = rng.choice(MENTION_LINES[self.language(poster)]).format(handle=handle) + " " + body
                mentioned[handle] = target
        self.post_id += 1
        post_id = self.post_id
        reply_to = None
        if index > 1 and rng.random() < 0.4:
            reply_to = rng.choice(thread_posts)["id"]
        row = {"id": post_id, "thread_id": thread_id, "author_id": poster, "body": body,
               "html": self.html_of(body, mentioned), "created_at": at, "hidden": False, "reply_to_post_id": reply_to}
        thread_posts.append(row)
        for target in mentioned.values():
            self.mentions.append({"post_id": post_id, "user_id": target})
            age = (ctx.now - at).days
            if age < 45:
                self.notes.append({"user_id": target, "actor_id": poster, "kind": "discussion_mention",
                                   "params": {"thread": title}, "link": f"/threads/{thread_id}?post={post_id}#post-{post_id}",
                                   "created_at": at, "read_at": None if age < 10 else at + timedelta(days=1)})
        if poster not in participants:
            participants.append(poster)

    def insert(self) -> None:
        ctx = self.ctx
        db.session.execute(insert(Thread.__table__), self.threads)
        if self.thread_tags:
            db.session.execute(insert(ThreadTag.__table__), self.thread_tags)
        db.session.execute(insert(Post.__table__), self.posts)
        if self.mentions:
            db.session.execute(insert(Mention.__table__), self.mentions)
        db.session.execute(insert(Subscription.__table__), [
            {"user_id": uid, "target_kind": "thread", "target_id": tid, "level": "watching", "updated_at": ctx.now}
            for uid, tid in sorted(self.subscriptions)
        ])
        if self.notes:
            db.session.execute(insert(Notification.__table__), self.notes)
        reset_sequence("threads", len(self.threads))
        reset_sequence("posts", self.post_id)
