"""Template globals: navigation by role, home-page cards, unread counter, CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from community import markdown
from community.accounts.auth import peek_user
from community.security import csrf_token

if TYPE_CHECKING:
    from community.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...] = ()  # empty: every signed-in person
    anonymous: bool = False


MENTORING_ROLES = ("mentor", "executive", "change_manager")  # who has mentoring (and a calendar of it)

NAV = [
    NavItem("profiles.directory", _l("People")),
    NavItem("expertise.index", _l("Topics")),
    # Staff without a mentoring role found only "You have no mentorships yet" there.
    NavItem("mentoring.index", _l("Mentoring"), roles=MENTORING_ROLES),
    NavItem("discussions.index", _l("Community")),
    NavItem("ambassadors.directory", _l("Ambassadors")),
    NavItem("pool.circles", _l("Circles"), roles=("mentor", "change_manager")),
    NavItem("network.dashboard", _l("Network"), roles=("change_manager", "admin")),
    NavItem("admin.users", _l("Admin"), roles=("admin",)),
]


@dataclass
class CardItem:
    text: str
    url: str | None = None
    meta: str | None = None


@dataclass
class Card:
    title: object
    items: list[CardItem] = field(default_factory=list)
    empty: object = ""
    more_url: str | None = None
    more_label: object = ""


# Features register functions user -> Card | None; the home page shows them in order.
HOME_CARDS: list[Callable[[User], Card | None]] = []


def register_home_card(provider: Callable[[User], Card | None]) -> None:
    if provider not in HOME_CARDS:
        HOME_CARDS.append(provider)


def nav_items() -> list[dict]:
    user = peek_user()
    if user is None:
        return []
    # The entries and their addresses depend only on the roles (and where the app is
    # mounted): built once per combination, only "active" is worked out per request.
    known = current_app.extensions.setdefault("community.nav", {})
    key = (tuple(user.roles), request.script_root)
    entries = known.get(key)
    if entries is None:
        rules = current_app.view_functions
        entries = [
            (url_for(item.endpoint), item.label, item.endpoint)
            for item in NAV
            if item.endpoint in rules and (not item.roles or user.has_role(*item.roles))
        ]
        known[key] = entries
    items = []
    for url, label, endpoint in entries:
        prefix = url.rstrip("/") or "/"
        items.append({"url": url, "label": label, "endpoint": endpoint, "active": request.path.startswith(prefix) and prefix != "/"})
    return items


def nav_active() -> str | None:
    """The endpoint of the menu entry marked active on this page (the cached layout's key)."""
    for item in nav_items():
        if item["active"]:
            return item["endpoint"]
    return None


SETTINGS = [
    ("profiles.settings", _l("Profile & privacy")),
    ("accounts.change_password", _l("Password")),
    ("accounts.tokens", _l("API tokens")),
    ("outreach.notification_settings", _l("E-mail notifications")),
    ("mentoring.calendar_settings", _l("Calendar feed")),
    ("privacy.settings", _l("Your data")),
]


def settings_links(limit: int | None = None) -> list[tuple[str, object]]:
    """The settings pages this person has (the first `limit` of them): someone who signs in
    only with the company account (no password) has no password page. The password is looked
    at only when that page's turn comes (the header asks for the first link alone)."""
    links: list[tuple[str, object]] = []
    for endpoint, label in SETTINGS:
        if limit is not None and len(links) >= limit:
            break
        if endpoint not in current_app.view_functions:
            continue
        if endpoint == "accounts.change_password" and current_user.is_authenticated and not current_user.password_hash:
            continue
        if endpoint == "mentoring.calendar_settings" and current_user.is_authenticated \
                and not current_user.has_role(*MENTORING_ROLES):
            continue  # nothing would ever be in it
        links.append((endpoint, label))
    return links


def role_label(role: str) -> str:
    from community.admin.forms import role_choices

    return str(dict(role_choices()).get(role, role))


def account_url() -> str:
    if "profiles.show" in current_app.view_functions:
        return url_for("profiles.show", person_id=current_user.id)
    return url_for(settings_links(1)[0][0])


def profile_url(person: Any) -> str | None:
    """The link to a person where a page names them (a post's author, a mentorship's partner),
    or None where the reader could not open it: an erased account has no profile, and a
    deactivated or hidden person's profile answers 404 to everyone but change managers and
    administrators (community.profiles.services.can_view). The same for every reader of one set
    of roles, as pages are kept per set of roles: a hidden person's own name is not linked either."""
    if person is None or getattr(person, "erased_at", None) is not None or "profiles.show" not in current_app.view_functions:
        return None
    # A person given by id, or as a reference without these fields, is linked as it is.
    open_to_all = getattr(person, "active", True) and getattr(person, "directory_visible", True)
    # Outside a request (an e-mail made by a worker) nobody reads along who could open them.
    reader_opens = has_request_context() and current_user.is_authenticated and opens_hidden_profiles(current_user)
    if not open_to_all and not reader_opens:
        return None
    return url_for("profiles.show", person_id=getattr(person, "id", person))


def opens_hidden_profiles(viewer: User) -> bool:
    """Whether this reader opens the profiles of deactivated and hidden people (change managers
    and administrators): a part kept for several readers that names people (`profile_url`)
    carries it in its key."""
    if "profiles.show" not in current_app.view_functions:
        return False
    from community.profiles.services import sees_hidden

    return sees_hidden(viewer)


def home_cards() -> list[Card]:
    cards = []
    for provider in HOME_CARDS:
        card = provider(current_user)
        if card is not None:
            cards.append(card)
    return cards


def unread_for(user: User) -> int:
    """The person's unread counter, counted once per request: remembered for a few seconds
    until any notification changes; counted afresh when this request itself marked some read
    (a thread page)."""
    from flask import g
    from sqlalchemy.exc import SQLAlchemyError

    from community.notifications.services import remembered_unread

    unread = g.get("unread_notifications")
    if unread is not None:
        return unread
    try:
        unread = remembered_unread(user)
    except SQLAlchemyError:
        return 0  # an error page is being shown; the counter can wait
    g.unread_notifications = unread
    return unread


def markdown_html(source: str | None, breaks: bool = False) -> Markup:
    """A text people write in Markdown (a session's agenda and notes) as the community shows
    posts: community.markdown's renderer, raw HTML off, sanitised. `breaks=True` keeps single
    line breaks, for texts people wrote as plain lines before they became Markdown."""
    return Markup(markdown.render(source, breaks=breaks))  # noqa: S704 - rendered without raw HTML and sanitised by nh3


def address_breaks(address: str | None) -> Markup:
    """An e-mail address that wraps after its "@" and before its dots in a narrow column
    ("agnieszka.kowalski@de|mo.example" was cut inside a word), escaped."""
    text = escape(address or "")  # Markup: its replace escapes what it is given, unless it is Markup
    return text.replace("@", Markup("@<wbr>")).replace(".", Markup("<wbr>."))


def init_app(app: Flask) -> None:
    from community import fragments

    fragments.init_app(app)
    from community.page_parts import this_page

    app.jinja_env.globals["this_page"] = this_page
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from community.admin.forms import role_choices

    app.jinja_env.filters["markdown"] = markdown_html
    app.jinja_env.filters["address"] = address_breaks
    app.jinja_env.globals.update(
        nav_items=nav_items,
        nav_active=nav_active,
        account_url=account_url,
        profile_url=profile_url,
        home_cards=home_cards,
        settings_links=settings_links,
        role_label=role_label,
        role_choices=role_choices,
    )

    @app.context_processor
    def page_context():
        # Runs for every render_template (a page and each partial it renders): the counter is
        # counted once per request.
        user = peek_user()
        unread = unread_for(user) if user is not None else 0
        return {
            "unread_notifications": unread,
            # The layout's own small forms (language, log out) are plain HTML with the CSRF
            # token: no form object reads the request body (an error page for a 413 must not
            # parse the body that caused it).
            "csrf_token_value": csrf_token,
        }
