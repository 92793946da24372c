"""Demo: a few ambassadors, open nominations and a declined one with a note."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, update

from community.accounts.models import User
from community.ambassadors.models import AmbassadorCriteria, Nomination
from community.audit.models import AuditEvent
from community.extensions import db

REASONS = [
    "Ran three lunch-and-learn sessions on Teams for the whole sales floor and mentors two executives.",
    "Always answers questions in the community within a day; her SharePoint guides are used everywhere.",
    "Helped our board members start on LinkedIn; patient, practical and well connected across departments.",
    "Organised the Working Out Loud circles in logistics and brings people together across sites.",
    "Shows executives how AI assistants can help without hype; very good feedback from his mentees.",
]
DECLINE_NOTE = "Great mentor, but only one mentee so far. Let's look again after this year's programme run."


def seed(ctx) -> None:
    mentors = list(ctx.ids_by_role.get("mentor", []))
    managers = list(ctx.ids_by_role.get("change_manager", []))
    if len(mentors) < 6 or not managers:
        return
    rng = ctx.rng
    rng_mentors = mentors[:]
    rng.shuffle(rng_mentors)
    n_ambassadors = max(2, len(mentors) // 30)
    ambassadors = rng_mentors[:n_ambassadors]
    open_nominees = rng_mentors[n_ambassadors:n_ambassadors + 3]
    declined = rng_mentors[n_ambassadors + 3]
    decider = managers[0]
    nominators = [m for m in managers + mentors if m not in ambassadors][:20]

    rows, audits = [], []
    for i, person_id in enumerate(ambassadors):
        since = ctx.days_ago(rng.randint(30, 400))
        nominator = rng.choice([m for m in nominators if m not in (person_id, decider)] or [person_id])
        rows.append({"nominee_id": person_id, "nominated_by_id": nominator, "reason": REASONS[i % len(REASONS)],
                     "status": "promoted", "created_at": since - timedelta(days=14), "decided_by_id": decider,
                     "decided_at": since, "note": "Clear evidence from sessions, feedback and the community."})
        audits.append({"action": "ambassador.promoted", "actor_id": decider, "by_person": True, "subject_type": "user",
                       "subject_id": person_id, "note": "Clear evidence from sessions, feedback and the community.", "created_at": since})
        db.session.execute(update(User).where(User.id == person_id).values(is_ambassador=True, ambassador_since=since))
    for i, person_id in enumerate(open_nominees):
        created = ctx.days_ago(rng.randint(1, 20))
        nominator = person_id if i == 0 else rng.choice([m for m in nominators if m != person_id] or [person_id])
        rows.append({"nominee_id": person_id, "nominated_by_id": nominator, "reason": REASONS[(i + 2) % len(REASONS)],
                     "status": "open", "created_at": created})
    decided_at = ctx.days_ago(60)
    rows.append({"nominee_id": declined, "nominated_by_id": rng.choice([m for m in nominators if m != declined]),
                 "reason": REASONS[4], "status": "declined", "created_at": decided_at - timedelta(days=10),
                 "decided_by_id": decider, "decided_at": decided_at, "note": DECLINE_NOTE})
    audits.append({"action": "ambassador.declined", "actor_id": decider, "by_person": True, "subject_type": "user", "subject_id": declined,
                   "note": DECLINE_NOTE, "created_at": decided_at})
    db.session.execute(insert(Nomination), rows)
    db.session.execute(insert(AuditEvent), audits)
    db.session.add(AmbassadorCriteria())
    ctx.summary.update(ambassadors=len(ambassadors), open_nominations=len(open_nominees))
