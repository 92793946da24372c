"""Demo people: departments, locations, ~10 % mentors, ~5 % executives, a few change managers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from community.accounts.models import User, UserLanguage, UserRole
from community.accounts.passwords import hash_password
from community.accounts.services import slugify
from community.demo_support import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, reset_sequence
from community.extensions import db

DEPARTMENTS = [
    ("Sales", 0.16), ("Marketing", 0.08), ("Finance", 0.08), ("Human Resources", 0.06),
    ("IT", 0.10), ("Production", 0.18), ("Logistics", 0.08), ("Research & Development", 0.09),
    ("Legal & Compliance", 0.03), ("Customer Service", 0.09), ("Procurement", 0.04),
    ("Corporate Communications", 0.01),
]
LOCATIONS = [("Munich", 0.3), ("Hamburg", 0.2), ("Berlin", 0.15), ("Stuttgart", 0.12),
             ("Vienna", 0.08), ("Zurich", 0.07), ("Barcelona", 0.05), ("Remote", 0.03)]
TIMEZONE_OF = {"Vienna": "Europe/Vienna", "Zurich": "Europe/Zurich", "Barcelona": "Europe/Madrid"}
FIRST = ["Anna", "Lena", "Lukas", "Jonas", "Leonie", "Finn", "Emma", "Paul", "Mia", "Ben", "Hannah", "Elias", "Lea", "Noah", "Sophie", "Felix", "Marie", "Leon", "Laura", "Max", "Julia", "Tim", "Sarah", "Jan", "Lisa", "Tom", "Nina", "David", "Katharina", "Simon", "Aylin", "Emre", "Mehmet", "Zeynep", "Luca", "Giulia", "Mateo", "Sofia", "Olga", "Piotr", "Agnieszka", "Ivan", "Fatma", "Yusuf", "Chiara", "Nico", "Clara", "Moritz", "Greta", "Theo", "Ida", "Anton", "Mila", "Karl", "Frieda", "Oskar", "Helene", "Jakob", "Marlene", "Matteo"]
SENIOR_FIRST = ["Wolfgang", "Ulrike", "Bernd", "Gabriele", "Michael", "Petra", "Thomas", "Andrea", "Stefan", "Claudia", "Jürgen", "Martina", "Frank", "Susanne", "Klaus", "Birgit", "Ralf", "Monika", "Uwe", "Sabine", "Dieter", "Karin", "Rainer"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Bauer", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schmid", "Yılmaz", "Kaya", "Demir", "Rossi", "Ferrari", "Nowak", "Kowalski", "García", "Martínez", "Novak", "Horvat", "Jansen", "Petersen", "Berger", "Huber", "Graf", "Vogel", "Frank", "Roth", "Beck"]


def _pick(rng, weighted):
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights=weights, k=1)[0]


def seed(ctx) -> None:
    rng = ctx.rng
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for all: hashing 10,000 would take minutes
    n = ctx.people
    n_mentors = max(4, round(n * 0.10))
    n_execs = max(2, round(n * 0.05))
    n_change = max(2, min(8, n // 400 + 2))
    users: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    languages: list[dict[str, Any]] = []
    used_handles: set[str] = set()
    ids_by_role: dict[str, list[int]] = {r: [] for r in ("mentor", "executive", "staff", "change_manager", "admin")}
    for i in range(1, n + 1):
        if i == 1:
            role_set, name, email = ["admin", "change_manager"], "Ada Admin", DEMO_ADMIN_EMAIL
        elif i <= 1 + n_change:
            role_set = ["change_manager", "staff"]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = None
        elif i <= 1 + n_change + n_mentors:
            role_set = ["mentor"]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = None
        elif i <= 1 + n_change + n_mentors + n_execs:
            role_set = ["executive"]
            name = f"{rng.choice(SENIOR_FIRST)} {rng.choice(LAST)}"
            email = None
        else:
            role_set = ["staff"]
            name = f"{rng.choice(FIRST + SENIOR_FIRST)} {rng.choice(LAST)}"
            email = None
        handle = base = slugify(name).replace("-", ".")
        k = 1
        while handle in used_handles:
            k += 1
            handle = f"{base}{k}"
        used_handles.add(handle)
        email = email or f"{handle}@demo.example"
        department = "Corporate Communications" if "change_manager" in role_set and i > 1 else _pick(rng, DEPARTMENTS)
        location = _pick(rng, LOCATIONS)
        users.append(
            {
                "id": i, "email": email, "name": name, "handle": handle, "password_hash": password_hash,
                "department": department, "location": location,
                "timezone": TIMEZONE_OF.get(location, "Europe/Berlin"),
                "locale": "de" if rng.random() < 0.5 else "en", "active": True, "created_at": ctx.days_ago(rng.randint(30, 900)),
            }
        )
        for role in role_set:
            roles.append({"user_id": i, "role": role})
            ids_by_role[role].append(i)
        langs = {"de"} if location not in {"Barcelona"} else {"es"}
        if rng.random() < (0.9 if "mentor" in role_set else 0.6):
            langs.add("en")
        if rng.random() < 0.08:
            langs.add(rng.choice(["fr", "tr", "it", "pl", "es"]))
        languages.extend({"user_id": i, "code": code} for code in sorted(langs))
        ctx.department_of[i] = department
    db.session.execute(insert(User.__table__), users)  # rows by column (the "name" column is User.stored_name)
    db.session.execute(insert(UserRole), roles)
    db.session.execute(insert(UserLanguage), languages)
    reset_sequence("users", n)
    ctx.ids_by_role = ids_by_role
    ctx.summary.update(people=n, mentors=len(ids_by_role["mentor"]), executives=len(ids_by_role["executive"]),
                       change_managers=len(ids_by_role["change_manager"]))

