"""Categories: the starter set, and moderators creating, changing and deleting them (each act
logged). Flushes, never commits."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from community.accounts.models import User
from community.discussions.access import require_moderator
from community.discussions.models import VISIBILITIES, Category, Subscription, Thread
from community.discussions.moderation import _log, _names_of
from community.errors import ConflictError, ValidationFailed
from community.extensions import db

STARTER_CATEGORIES = (
    # slug, name, German name, description, German description, visibility
    ("sessions-that-worked", "Sessions that worked", "Gelungene Termine",
     "Share a mentoring session that went well: what you showed, what stuck.",
     "Teilen Sie einen gelungenen Mentoring-Termin: was Sie gezeigt haben und was hängen blieb.", "members"),
    ("tools-and-tricks", "Tools & tricks", "Tools & Tricks",
     "Features, shortcuts and small tricks worth showing an executive.",
     "Funktionen, Abkürzungen und kleine Tricks, die man einer Führungskraft zeigen sollte.", "members"),
    ("mentor-lounge", "Mentor lounge", "Mentoring-Lounge",
     "Only for mentors (and the programme team): doubts, tough sessions, peer advice.",
     "Nur für Mentor:innen (und das Programmteam): Zweifel, schwierige Termine, kollegialer Rat.",
     "mentors"),
    ("ambassador-corner", "Ambassador corner", "Botschafter-Ecke",
     "Change ambassadors plan events, share materials and report from their departments.",
     "Botschafter:innen des Wandels planen Aktionen, teilen Material und berichten aus ihren Bereichen.", "members"),
    ("questions-from-staff", "Questions from staff", "Fragen aus der Belegschaft",
     "Anyone may ask the mentors about the digital workplace.",
     "Alle können den Mentor:innen Fragen zum digitalen Arbeitsplatz stellen.", "members"),
)


def seed_categories() -> int:
    """The starter categories, when there are none yet; returns how many were created."""
    if db.session.scalar(select(Category.id).limit(1)) is not None:
        return 0
    for position, (slug, name, name_de, description, description_de, visibility) in enumerate(STARTER_CATEGORIES, 1):
        db.session.add(Category(slug=slug, name=name, name_de=name_de, description=description,
                                description_de=description_de, visibility=visibility, position=position))
    db.session.flush()
    return len(STARTER_CATEGORIES)


def _category_fields(name: str | None, name_de: str | None, description: str | None, description_de: str | None,
                     visibility: str | None, position: int | None) -> dict[str, Any]:
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the category a name.")]
    elif len(name) > 120:
        errors["name"] = [_("At most %(n)d characters.", n=120)]
    if visibility not in VISIBILITIES:
        errors["visibility"] = [_("Choose who sees the category.")]
    if position is None:
        position = 0
    if not isinstance(position, int) or not 0 <= position <= 1000:
        errors["position"] = [_("A number from 0 to 1000.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)

    def clean(text: str | None) -> str | None:
        return (text or "").strip() or None

    return {"name": name, "name_de": clean(name_de), "description": clean(description),
            "description_de": clean(description_de), "visibility": visibility, "position": position}


def _check_names_free(fields: dict[str, Any], category_id: int | None = None) -> None:
    """No two categories share a name, in either language and whatever the case ("tools &
    TRICKS" is "Tools & tricks"; a German name may not be another category's English one)."""
    taken: dict[str, str] = {}
    for other_id, name, name_de in db.session.execute(select(Category.id, Category.name, Category.name_de)):
        if other_id != category_id:
            for term in (name, name_de):
                if term:
                    taken.setdefault(" ".join(term.split()).casefold(), name)
    errors: dict[str, list[str]] = {}
    for field in ("name", "name_de"):
        value = fields.get(field)
        other = taken.get(" ".join(value.split()).casefold()) if value else None
        if other is not None:
            errors[field] = [_("The category “%(name)s” has this name already.", name=other)]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)


def _unique_slug(name: str, category_id: int | None = None) -> str:
    from community.accounts.services import slugify

    base = slugify(name, max_length=50)
    if base == "person" and "person" not in name.lower():
        base = "category"  # a name without Latin letters; slugify's own fallback is for people
    slug, n = base, 1
    while db.session.scalar(select(Category.id).where(Category.slug == slug, Category.id != (category_id or 0))):
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_category(actor: User, *, name: str | None, name_de: str | None = None, description: str | None = None,
                    description_de: str | None = None, visibility: str | None = "members",
                    position: int | None = 0) -> Category:
    require_moderator(actor)
    fields = _category_fields(name, name_de, description, description_de, visibility, position)
    _check_names_free(fields)
    category = Category(slug=_unique_slug(fields["name"]), **fields)
    db.session.add(category)
    db.session.flush()
    _log(actor, "category.created", data={"category": category.slug, "names": _names_of(category)})
    return category


def update_category(actor: User, category: Category, *, name: str | None, name_de: str | None = None,
                    description: str | None = None, description_de: str | None = None,
                    visibility: str | None = "members", position: int | None = 0) -> Category:
    """Rename, describe, reorder or change who sees it; the address (slug) stays, so links keep working."""
    require_moderator(actor)
    fields = _category_fields(name, name_de, description, description_de, visibility, position)
    _check_names_free(fields, category.id)
    changed = {key: value for key, value in fields.items() if getattr(category, key) != value}
    for key, value in changed.items():
        setattr(category, key, value)
    if changed:
        _log(actor, "category.changed", data={"category": category.slug, "changed": sorted(changed),
                                              "names": _names_of(category)})
    db.session.flush()
    return category


def delete_category(actor: User, category: Category) -> None:
    """Only an empty category can go: threads are moved elsewhere first, never deleted with it."""
    require_moderator(actor)
    if db.session.scalar(select(Thread.id).where(Thread.category_id == category.id).limit(1)) is not None:
        raise ConflictError(_("Move the threads of this category elsewhere first."))
    db.session.execute(Subscription.__table__.delete().where(Subscription.target_kind == "category",
                                                            Subscription.target_id == category.id))
    _log(actor, "category.deleted", data={"category": category.slug, "names": _names_of(category)})
    db.session.delete(category)
    db.session.flush()
