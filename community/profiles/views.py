"""Profile pages, the people directory, topic contacts, the peer finder, personal settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import (
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from community import submissions
from community.accounts.models import ROLES
from community.ambassadors.queries import nominee_marks
from community.caching import cached
from community.database import utcnow
from community.errors import DomainError
from community.expertise.queries import field_label, tag_choices, tags_grouped
from community.expertise.services import get_tag, search_tags, tag_id_for
from community.forms import as_choices, service_checks_too
from community.i18n import language_name, zone_place
from community.mentoring.services import RequestOffer, may_request, request_offer
from community.page_parts import cached_html, cached_page
from community.pagination import Page, clamp
from community.profiles import bp, contacts, peers, queries, questions, services
from community.profiles.forms import (
    AskForm,
    ProfileForm,
    SettingsForm,
    language_choices,
    timezone_choices,
    topic_names,
)
from community.security import csrf_token
from community.templating import Card, CardItem, register_home_card
from community.unit_of_work import form_attempt

if TYPE_CHECKING:
    from community.accounts.models import User


@bp.before_request
@login_required
def require_login():
    """Every page here is for signed-in members."""


def label_context() -> dict:
    """Role and level names translated once per language, not once per page or badge."""
    from community.admin.forms import role_choices
    from community.profiles.forms import level_choices

    known = current_app.extensions.setdefault("community.profile_labels", {})
    locale = str(get_locale())
    labels = known.get(locale)
    if labels is None:
        labels = known[locale] = {"role_names": {role: str(label) for role, label in role_choices()},
                                  "level_names": {level: str(label) for level, label in level_choices()}}
    return labels


bp.context_processor(label_context)


# Directory -------------------------------------------------------------------------------------

bp.add_app_template_filter(language_name, "language_name")
bp.add_app_template_filter(zone_place, "zone_place")


@dataclass(frozen=True)
class Chip:
    """An active directory filter, shown as a chip whose link drops just that filter."""

    name: str
    label: str
    remove_url: str


CHIP_CHARS = 40


def _chips(query: queries.DirectoryQuery) -> list[Chip]:
    from community.admin.forms import role_choices
    from community.expertise.services import find_tag

    roles = {role: str(label) for role, label in role_choices()}
    names = {"q": _("Search"), "tag": _("Topic"), "role": _("Role"), "department": _("Department"),
             "location": _("Location"), "language": _("Language")}
    chips = []
    for name in queries.FILTERS:
        value = getattr(query, name)
        if not value:
            continue
        if name == "tag":
            tag = find_tag(value)
            value = tag.display_name if tag is not None else value
        elif name == "role":
            value = roles.get(value, value)
        elif name == "language":
            value = language_name(value)
        rest = {key: getattr(query, key) for key in queries.FILTERS if key != name and getattr(query, key)}
        shown = value if len(value) <= CHIP_CHARS else value[:CHIP_CHARS - 1].rstrip() + "…"  # 500 characters widened the page
        chips.append(Chip(name, f"{names[name]}: {shown}", url_for("profiles.directory", **rest)))
    return chips


@bp.get("/people")
def directory():
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 20)
    query = queries.DirectoryQuery.from_args(request.args)
    locale = str(get_locale())
    args = sorted(request.args.items(multi=True))

    def load_results() -> dict:
        try:
            # The results are the same for every viewer (hidden people are never listed), so the
            # rendered list is cached until the data changes (community.caching).
            html = cached(("directory", locale, args, page, per_page), lambda: _directory_results(query, page, per_page))
        except DomainError as exc:
            return {"error": exc, "html": None}
        # Our own autoescaped template rendered it (cached as a string), so it is safe HTML.
        return {"error": None, "html": Markup(html)}  # noqa: S704

    # Search as you type (htmx): only the results, unless htmx restores a page from history.
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    if fragment:
        found = load_results()
        response = make_response(render_template("profiles/_directory_live.html", error=found["error"],
                                                 results_html=found["html"]))
    else:
        # The whole search form and results: the same for every viewer of the same roles and
        # language until the directory changes (community.fragments, the template), and so
        # the whole page (community.page_parts).
        response = make_response(cached_page("directory", ("directory",), (), lambda: render_template(
            "profiles/directory.html", query=query, load_results=load_results, page_key=(args, page, per_page),
            load_options=lambda: cached(("directory-options",), queries.filter_options, timeout=300),
            load_tag_groups=lambda: cached(("tag-options", locale), _tag_options, timeout=300), field_label=field_label,
        )))
    response.vary.add("HX-Request")
    return response


def _directory_results(query, page: int, per_page: int) -> str:
    result = queries.search_people(query, page=page, per_page=per_page)
    return render_template("profiles/_directory_results.html", query=query, result=result, chips=_chips(query))


def _tag_options() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(field, [(t.slug, t.display_name) for t in tags]) for field, tags in tags_grouped(synonyms=False)]


# Pickers (autocomplete) ------------------------------------------------------------------------

def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())


@bp.get("/suggest/people")
def suggest_people():
    """People for pickers (static/js/suggest.js): `{"items": [{id, name, handle, detail}]}`."""
    # One role, or several ("mentor,change_manager": who can read a mentors-only category).
    roles = tuple(role for role in (request.args.get("role") or "").split(",") if role in ROLES)
    # People the picker leaves out (a handover's current mentor and executive): ids, the rest ignored.
    exclude = {int(part) for part in (request.args.get("exclude") or "").split(",")[:10] if part.isdigit() and len(part) < 12}
    people = queries.suggest_people(_printable(request.args.get("q", "")), role=roles or None, exclude=exclude)
    # The handover's mentor picker (`places=1`) says who takes nobody new, as their profile says;
    # the nomination's (`nominees=1`) who would be refused, as the ambassadors' pages say.
    marks = (nominee_marks(people) if request.args.get("nominees")
             else queries.mentor_place_marks(people) if roles == ("mentor",) and request.args.get("places") else {})
    return jsonify(items=[{"id": p.id, "name": p.name, "handle": p.handle, "value": "@" + p.handle,
                           "detail": " · ".join(x for x in ("@" + p.handle, p.department or "", marks.get(p.id, "")) if x)}
                          for p in people])


@bp.get("/suggest/topics")
def suggest_topics():
    """Topics for pickers: `{"items": [{slug, name, value, detail}]}` by name, German name, slug or synonym."""
    q = _printable(request.args.get("q", ""))[:80]
    tags = search_tags(q, limit=queries.SUGGEST_LIMIT) if q.strip() else []
    return jsonify(items=[{"slug": t.slug, "name": t.display_name, "value": t.slug, "detail": str(field_label(t.field))}
                          for t in tags])


# Profile ----------------------------------------------------------------------------------------

@bp.get("/people/<int:person_id>")
def show(person_id: int):
    viewer = current_user._get_current_object()
    # Hidden people stay hidden (404) before anything kept is looked at; the facts the rules
    # read are remembered, the person is loaded only to render.
    facts = services.visible_person(viewer, person_id)
    can_edit, sees_email = services.can_edit(viewer, facts), services.sees_email(viewer, facts)
    loaded: list[User] = []

    def person() -> User:
        if not loaded:
            loaded.append(services.get_person(viewer, person_id))
        return loaded[0]

    offer = _request_offer(viewer, facts, person)

    def render() -> str:
        rows = queries.person_with_tags(person())
        return render_template(
            "profiles/_show_body.html", person=person(), groups=queries.tags_by_field(rows), field_label=field_label,
            figures=queries.mentoring_figures(person_id), can_edit=can_edit, sees_email=sees_email,
            activity=_community_activity(person()), request_offer=offer,
        )

    # The body is the same for every viewer with the same rights on this person: whether they
    # may edit it, see the e-mail address, are the person, which community posts they may
    # count (mentors-only categories), and what they may do about asking the person as their
    # mentor. Any change to people, topics, mentoring or the community renders it afresh
    # (community.page_parts).
    parts = (person_id, can_edit, sees_email, person_id == viewer.id, _sees_mentor_areas(viewer), utcnow().strftime("%Y-%m"),
             offer)
    return cached_page("profile", ("contacts", "community"), parts, lambda: render_template(
        "profiles/show.html", person=person(), body=cached_html("profile", ("contacts", "community"), parts, render)))


def _request_offer(viewer: User, facts, person: Callable[[], User]) -> RequestOffer | None:
    """Whether the profile offers "Request as mentor" (or says why not): only people who request
    mentors ask (no query for anybody else); the answer is kept until people or mentoring change,
    and for the day at most (a mentor who declined is offered again after a set number of days)."""
    if not may_request(viewer) or facts.id == viewer.id or not facts.active:
        return None
    return cached(("request-offer", viewer.id, facts.id, utcnow().date().isoformat()), lambda: request_offer(viewer, person()))


def _sees_mentor_areas(viewer: User) -> bool | None:
    try:
        from community.discussions.visibility import sees_mentor_areas
    except ImportError:
        return None
    return sees_mentor_areas(viewer)


def _community_activity(person: User):
    """Threads and posts in the community, as far as the viewer may see them (if the feature exists)."""
    try:
        from community.discussions.queries import person_activity
    except ImportError:
        return None
    return person_activity(current_user, person.id)


def _profile_form(person: User):
    if request.method == "POST":
        form = ProfileForm()
    else:
        rows = queries.person_with_tags(person)
        rows.sort(key=lambda r: r.tag.name.lower())
        form = ProfileForm(data={
            "bio": person.bio or "", "department": person.department or "", "location": person.location or "",
            "languages": list(person.languages), "timezone": person.timezone, "capacity": person.capacity or 0,
            "availability": person.availability or "", "link": person.link or "",
            "directory_visible": person.directory_visible,
            "tags": [{"tag": r.tag.slug, "level": r.level} for r in rows],
        })
    choices = tag_choices(blank=_("— choose a topic —"))
    for entry in form.tags:
        entry.form.tag.choices = choices
    form.new_tag.choices = choices
    zones = timezone_choices()
    if person.timezone and person.timezone not in {c.value for c in zones}:
        zones = as_choices([(person.timezone, person.timezone)]) + zones
    form.timezone.choices = zones
    form.languages.choices = language_choices(person.languages)
    if not person.has_role("mentor"):
        del form.capacity
    return form


def _profile_values(form, *, checked_only: bool = False) -> dict:
    """The form's values as `services.update_profile` takes them; with `checked_only` only those
    of fields the form itself found nothing wrong with."""
    names = ["bio", "department", "location", "timezone", "availability", "link", "directory_visible", "languages", "tags"]
    if form.capacity is not None:
        names.append("capacity")
    if checked_only:
        names = [name for name in names if not getattr(form, name).errors]
    values = {name: getattr(form, name).data for name in names if name not in ("languages", "tags")}
    if "languages" in names:  # ticked boxes; a single "de, en" (an older form, a script) is split as before
        values["languages"] = [code for value in (form.languages.data or []) for code in value.replace(";", ",").split(",")]
    if "tags" in names:
        values["tags"] = [(row.form.tag.data, row.form.level.data) for row in form.tags if row.form.tag.data]
        if form.new_tag.data and not form.new_tag.errors:  # chosen in "Add a topic", saved without pressing Add
            values["tags"].append((form.new_tag.data, form.new_level.data))
    return values


def _profile_checks_too(form) -> None:
    """A profile form refused for some fields also shows what the service would refuse in the
    others (its checks run only once the form is valid): every error at once, not one round
    after another (a capacity of 99 hid a javascript: link)."""
    service_checks_too(form, lambda: services.check_profile(_profile_values(form, checked_only=True)))


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    person = services.get_person(current_user, person_id)
    services.require_editor(current_user, person)  # the form page too
    form = _profile_form(person)
    topic_note = None
    if form.is_submitted() and ("add_topic" in request.form or "remove_topic" in request.form):
        # "Add" and "Remove" change the form being edited (whatever else was typed stays);
        # "Save profile" stores it. Without JavaScript each is one plain post of the whole form.
        topic_note = _change_topics(form)
    elif form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.update_profile(current_user, person, **_profile_values(form))
        if attempt.ok:
            flash(_("Profile saved."), "success")
            return redirect(url_for("profiles.show", person_id=person.id))
    elif form.is_submitted():
        _profile_checks_too(form)
    names = topic_names(form.new_tag.choices)
    # "Add a topic" offers only topics not in the rows above (picking one of them was refused
    # after the post); one chosen there anyway stays shown beside its message.
    listed = {entry.form.tag.data for entry in form.tags} - {form.new_tag.data}
    form.new_tag.choices = [choice for choice in form.new_tag.choices if not choice.value or choice.value not in listed]
    return render_template("profiles/edit.html", person=person, form=form, topic_note=topic_note,
                           topic_names=names, topics_max=services.TOPICS_MAX)


def _change_topics(form) -> str | None:
    """Add the "Add a topic" row's topic to the form's rows, or drop the row whose Remove was
    pressed; what the page then says about it (a refusal is put on the field instead)."""
    names = topic_names(form.new_tag.choices)
    if "remove_topic" in request.form:
        slug = request.form.get("remove_topic", "")
        kept = [entry for entry in form.tags.entries if entry.form.tag.data != slug]
        if len(kept) == len(form.tags.entries):
            return None
        form.tags.entries = kept
        return _("%(topic)s removed. Save the profile to keep the change.", topic=names.get(slug, slug))
    if not form.check_new_topic(required=True):
        return None
    slug = form.new_tag.data.strip()
    form.tags.append_entry({"tag": slug, "level": form.new_level.data})
    form.tags.entries[-1].form.tag.choices = form.new_tag.choices
    form.new_tag.data, form.new_level.data = "", "interested"
    return _("%(topic)s added. Save the profile to keep the change.", topic=names[slug])


# Peers ------------------------------------------------------------------------------------------

PEERS_SHOWN = 8  # per kind, until the reader asks for all of that kind


@bp.get("/people/<int:person_id>/peers")
def peer_finder(person_id: int):
    mentor, found = peers.find_peers(current_user, person_id)
    more = request.args.get("more")
    return render_template(
        "profiles/peers.html", mentor=mentor, own=getattr(current_user, "id", None) == mentor.id,
        unconnected=peers.sees_connections(current_user, mentor),
        similar=[p for p in found if p.kind == "similar"],
        complementary=[p for p in found if p.kind == "complementary"],
        shown={kind: None if more == kind else PEERS_SHOWN for kind in ("similar", "complementary")},
    )


# Topic contacts ---------------------------------------------------------------------------------

def _render_contacts(slug: str, ask_form=None, asked_person_id=None):
    """The contacts page of a topic; the topic is loaded only when the page is rendered."""
    tag_id = tag_id_for(slug)
    loaded: list = []

    def topic():
        if not loaded:
            loaded.append(get_tag(slug))
        return loaded[0]

    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 20)
    viewer_id = current_user.id
    # The rendered list is the same for everyone except the people on it (they are left out of
    # their own list), so it is cached per page, language and, for them only, per viewer.
    excluded = viewer_id if viewer_id in contacts.listed_ids(tag_id, topic) else None
    week = contacts.week_of(utcnow())

    def listed() -> dict:
        def render_list() -> dict:
            result = contacts.topic_contacts(current_user, topic(), page=page, per_page=per_page)
            return {"html": render_template("profiles/_contacts_list.html", tag=topic(), page=result),
                    "options": [(c.person.id, c.person.name) for c in result.items], "total": result.total}

        found = cached(("contacts", "page", tag_id, week, page, per_page, str(get_locale()), excluded), render_list)
        options = contacts.ask_options(viewer_id, tag_id, topic, found["options"], asked_person_id)
        # Our own autoescaped template rendered it (cached as a string), so it is safe HTML.
        return {**found, "html": Markup(found["html"]), "options": options,  # noqa: S704
                "page": Page(items=[], page=page, per_page=per_page, total=found["total"])}

    if asked_person_id is None:
        asked_person_id = request.args.get("ask", type=int)
    # The page's body is cached too (community.fragments, the template); the ask form's tokens
    # are holes. A form sent back with its errors is rendered afresh.
    tokens = {"csrf": csrf_token, "submission": submissions.new_token if ask_form is None else ask_form.submission.data}
    body_key = (tag_id, week, page, per_page, excluded, asked_person_id)

    def render() -> str:
        return render_template(
            "profiles/contacts.html", tag=topic(), load_listed=listed, ask_form=ask_form, new_ask_form=lambda: AskForm(formdata=None),
            asked_person_id=asked_person_id, cache_body=ask_form is None, form_tokens=tokens, body_key=body_key)

    # A form sent back with its errors is this request's own page; the empty one is the same
    # for every viewer but the people listed (community.page_parts).
    return cached_page("contacts", ("contacts",), body_key, render) if ask_form is None else render()


@bp.get("/tags/<slug>/contacts")
def contacts_page(slug: str):
    return _render_contacts(slug)


@bp.post("/tags/<slug>/contacts/ask")
def ask(slug: str):
    """Send a listed person a question; errors re-render the contacts page with the form."""
    tag = get_tag(slug)
    form = AskForm()
    person_id = request.form.get("person_id", type=int)
    if form.validate_on_submit():
        if person_id is None:
            form.person_id.errors = [_("Choose a person from the list.")]
        else:
            if replay := submissions.claim(current_user, form):
                return replay
            with form_attempt(form) as attempt:
                question = questions.ask(current_user, person_id, tag.slug, form.message.data)
            if attempt.ok:
                name = question.contact.name
                if getattr(question, "repeated", False):
                    flash(_("You asked %(name)s this already; here is your question.", name=name), "info")
                else:
                    flash(_("Your question went to %(name)s.", name=name), "success")
                return submissions.done(current_user, form, url_for("questions.show", question_id=question.id))
    return _render_contacts(slug, ask_form=form, asked_person_id=person_id)


# Settings ---------------------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
def settings():
    if request.method == "POST":
        form = SettingsForm()
    else:
        form = SettingsForm(data={
            "directory_visible": current_user.directory_visible, "analysis_opt_out": current_user.analysis_opt_out,
            "locale": current_user.locale or "en", "timezone": current_user.timezone,
        })
    zones = timezone_choices()
    if current_user.timezone not in {c.value for c in zones}:
        form.timezone.choices = as_choices([(current_user.timezone, current_user.timezone)]) + zones
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.update_settings(
                current_user, directory_visible=form.directory_visible.data, analysis_opt_out=form.analysis_opt_out.data,
                locale=form.locale.data, timezone=form.timezone.data,
            )
        if attempt.ok:
            refresh()  # said in the language just chosen, as the next page speaks it
            flash(_("Settings saved."), "success")
            return redirect(url_for("profiles.settings"))
    return render_template("profiles/settings.html", form=form)


# Home page --------------------------------------------------------------------------------------

def profile_card(user: User):
    """Nudges to complete one's profile, so colleagues can find the right contact."""
    if not getattr(user, "is_authenticated", False):
        return None
    todo = []
    if not user.bio:
        todo.append(CardItem(_("Write a few words about yourself"), url_for("profiles.edit", person_id=user.id)))
    if not queries.has_tags(user.id):
        todo.append(CardItem(_("Add the topics you know"), url_for("profiles.edit", person_id=user.id)))
    if user.has_role("mentor"):
        todo.append(CardItem(_("Meet mentors with similar or complementary topics"), url_for("profiles.peer_finder", person_id=user.id)))
    return Card(
        title=_("Your profile"), items=todo, empty=_("Your profile is complete. Thank you!"),
        more_url=url_for("profiles.directory"), more_label=_("Find people"),
    )


register_home_card(profile_card)
