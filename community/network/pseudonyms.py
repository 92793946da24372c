"""Pseudonymised mode and pseudonyms.

The mode (config ANALYSIS_PSEUDONYMISED, or the admins' switch on the dashboard, stored in
AnalysisSetting "pseudonymised") shows people as stable pseudonyms derived from an HMAC of
their id with the SECRET_KEY; a change manager may reveal one name with a stated reason, which
goes to the audit trail. ANALYSIS_PSEUDONYMISED=1 locks the mode on.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections import Counter
from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from community.accounts.models import User
from community.audit import services as audit
from community.database import ascii_digits
from community.errors import ValidationFailed
from community.extensions import db
from community.network.access import require_admin, require_analyst
from community.network.models import AnalysisSetting

PSEUDONYM_PATTERN = re.compile(r"^P-[0-9A-F]{10}([0-9A-F]{6})?$")


PSEUDONYM_LENGTH = 10


REVEAL_REASON_MIN = 10


REVEAL_REASON_MAX = 500


def pseudonymised_locked() -> bool:
    """ANALYSIS_PSEUDONYMISED=1 in the environment: the mode is on and admins cannot turn it off."""
    return bool(current_app.config.get("ANALYSIS_PSEUDONYMISED"))


def pseudonymised() -> bool:
    if pseudonymised_locked():
        return True
    row = db.session.get(AnalysisSetting, "pseudonymised")
    return bool(row and row.value.get("on"))


def set_pseudonymised(actor: User, on: bool) -> bool:
    """Admins switch the pseudonymised mode; audited."""
    require_admin(actor)
    if pseudonymised_locked() and not on:
        message = _("The pseudonymised mode is required by the server configuration.")
        raise ValidationFailed(message, {"pseudonymised": [message]})
    row = db.session.get(AnalysisSetting, "pseudonymised")
    if row is None:
        row = AnalysisSetting(key="pseudonymised", value={})
        db.session.add(row)
    row.value = {"on": bool(on)}
    row.updated_by_id = actor.id
    db.session.flush()
    audit.record("network.settings", actor=actor, data={"pseudonymised": bool(on)})
    return bool(on)


def pseudonym(user_id: int, length: int = PSEUDONYM_LENGTH) -> str:
    """Stable pseudonym of a person: "P-" and hex digits of an HMAC of the id (SECRET_KEY)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"network-pseudonym:{user_id}".encode(), hashlib.sha256).hexdigest()
    return "P-" + digest[:length].upper()


def pseudonyms_for(ids: Iterable[int]) -> dict[int, str]:
    """Pseudonyms of these people, unique among them (a clash takes 16 digits for both)."""
    ids = sorted(set(ids))
    names = {pid: pseudonym(pid) for pid in ids}
    clashes = {name for name, count in Counter(names.values()).items() if count > 1}
    for pid in ids:
        if names[pid] in clashes:
            names[pid] = pseudonym(pid, 16)
    return names


def _pseudonym_index() -> dict[str, int]:
    """Pseudonym -> user id for everyone, rebuilt when people are added (one small query)."""
    count, highest = db.session.execute(select(func.count(User.id), func.max(User.id))).one()
    store = current_app.extensions.setdefault("network.pseudonyms", {})
    cached = store.get("index")
    if cached and cached[0] == (count, highest):
        known: dict[str, int] = cached[1]
        return known
    ids = list(db.session.scalars(select(User.id)))
    index: dict[str, int] = {}
    for pid in ids:
        index[pseudonym(pid)] = pid
        index[pseudonym(pid, 16)] = pid
    store["index"] = ((count, highest), index)
    return index


def resolve_person(ref: str | int, *, pseudonymised_mode: bool | None = None) -> int | None:
    """A person named by id (normal mode) or by pseudonym (either mode); None when neither.

    In pseudonymised mode ids are refused: an id would tie a pseudonym to a profile.
    """
    mode = pseudonymised() if pseudonymised_mode is None else pseudonymised_mode
    text = str(ref).strip().upper()
    if ascii_digits(text):
        if mode or len(text) > 12:
            return None
        return int(text)
    if PSEUDONYM_PATTERN.match(text):
        return _pseudonym_index().get(text)
    return None


def reveal(actor: User, ref: str, reason: str) -> User:
    """A change manager reveals the name behind one pseudonym, giving a reason; audited."""
    require_analyst(actor)
    reason = " ".join((reason or "").split())
    if len(reason) < REVEAL_REASON_MIN:
        message = _("Give a reason of at least %(num)d characters.", num=REVEAL_REASON_MIN)
        raise ValidationFailed(message, {"reason": [message]})
    if len(reason) > REVEAL_REASON_MAX:
        message = _("Keep the reason under %(num)d characters.", num=REVEAL_REASON_MAX)
        raise ValidationFailed(message, {"reason": [message]})
    text = (ref or "").strip().upper()
    person_id = _pseudonym_index().get(text) if PSEUDONYM_PATTERN.match(text) else None
    person = db.session.get(User, person_id) if person_id else None
    if person is None or person.analysis_opt_out:
        message = _("No person in the analysis has this pseudonym.")
        raise ValidationFailed(message, {"pseudonym": [message]})
    audit.record(
        "network.revealed", actor=actor, subject_type="user", subject_id=person.id,
        note=reason, data={"pseudonym": text},
    )
    return person
