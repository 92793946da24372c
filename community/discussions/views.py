"""Community pages: categories, threads at /threads/<id>, posting, moderation, search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from community import submissions
from community.accounts.forms import EmptyForm
from community.accounts.views import safe_next
from community.database import ascii_digits
from community.discussions import access, bp, queries, search, services, subscriptions
from community.discussions import categories as category_services
from community.discussions import moderation as moderation_services
from community.discussions.forms import (
    CategoryForm,
    EditPostForm,
    EditThreadForm,
    FlagForm,
    ModerationNoteForm,
    MoveThreadForm,
    ReplyForm,
    ResolveFlagForm,
    SubscriptionForm,
    ThreadForm,
)
from community.discussions.models import MENTOR_AREA_ROLES
from community.discussions.visibility import sees_mentor_areas
from community.errors import ConflictError, NotFoundError, ValidationFailed
from community.expertise.services import get_tag
from community.extensions import limiter
from community.forms import as_choices
from community.htmx import is_htmx, redirect_client
from community.i18n import listed, local_datetime
from community.page_parts import cached_html, cached_page
from community.pagination import clamp
from community.templating import opens_hidden_profiles, register_home_card
from community.unit_of_work import form_attempt

if TYPE_CHECKING:
    from community.accounts.models import User
    from community.discussions.models import Post, Thread
    from community.pagination import Page

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20


def poster_key() -> str:
    """Rate limits on posting count per person, not per address."""
    if current_user.is_authenticated:
        return f"poster:{current_user.id}"
    return f"poster-ip:{request.remote_addr}"


def post_limit() -> str:
    return current_app.config["POST_RATE_LIMIT"]


def _page_args(default_per_page: int) -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"), default_per_page)


def _category_choices(selected=None):
    return as_choices((c.id, c.display_name) for c in queries.visible_categories(current_user))


@bp.app_context_processor
def discussion_helpers():
    user = current_user._get_current_object()  # once per page, not once per post
    signed_in = user.is_authenticated
    return {
        "can_edit_post": lambda post: signed_in and access.can_edit(user, post),
        "can_delete_post": lambda post: signed_in and access.can_delete(user, post),
        "can_see_history": lambda post: signed_in and access.can_see_history(user, post),
        "is_moderator": lambda: access.is_moderator(user),
    }


# Lists ----------------------------------------------------------------------------------------

@bp.get("/community")
@login_required
def index():
    user = current_user._get_current_object()

    def render() -> str:
        return render_template("discussions/_index_body.html", summaries=queries.category_summaries(user),
                               recent=queries.recent_threads(user, 8))

    # The same for everyone who sees the same categories and moderation links, until a
    # category, thread, post, person or topic changes (community.page_parts).
    parts = (sees_mentor_areas(user), access.is_moderator(user))
    return cached_page("community-index", ("community", "directory"), parts, lambda: render_template(
        "discussions/index.html", body=cached_html("community-index", ("community", "directory"), parts, render)))


@bp.get("/community/c/<slug>")
@login_required
def category(slug: str):
    category = access.get_category(current_user, slug)
    page, per_page = _page_args(THREADS_PER_PAGE)
    threads = queries.list_threads(current_user, page=page, per_page=per_page, category_id=category.id)
    form = SubscriptionForm(formdata=None, level=subscriptions.subscription_level(current_user, "category", category.id) or "normal",
                            next=request.full_path.rstrip("?"))
    return render_template("discussions/category.html", category=category, threads=threads, follow_form=form)


@bp.get("/community/topics/<slug>")
@login_required
def tag(slug: str):
    topic = get_tag(slug)
    page, per_page = _page_args(THREADS_PER_PAGE)
    threads = queries.list_threads(current_user, page=page, per_page=per_page, tag=topic)
    form = SubscriptionForm(formdata=None, level=subscriptions.subscription_level(current_user, "tag", topic.id) or "normal",
                            next=request.full_path.rstrip("?"))
    return render_template("discussions/tag.html", topic=topic, threads=threads, follow_form=form)


@bp.get("/community/search")
@login_required
def search_page():
    q = (request.args.get("q") or "").strip()[:200]
    page, per_page = _page_args(THREADS_PER_PAGE)
    results: Page | None = None
    hits: dict[int, Post] = {}
    if q:
        results, hits = queries.search_page(current_user, q, page=page, per_page=per_page)
    return render_template("discussions/search.html", q=q, results=results, hits=hits, excerpt=search.excerpt)


# Threads and posts ---------------------------------------------------------------------------------

@bp.route("/community/new", methods=["GET", "POST"])
@login_required
@limiter.limit(post_limit, methods=["POST"], key_func=poster_key)
def new_thread():
    form = ThreadForm()
    categories = _category_choices()
    form.category.choices = categories if len(categories) == 1 else as_choices([("", _("Choose a category"))]) + categories
    if request.method == "GET" and request.args.get("category"):
        chosen = next((c for c in queries.visible_categories(current_user) if c.slug == request.args["category"]), None)
        if chosen is not None:
            form.category.data = chosen.id
    if request.method == "GET" and request.args.get("tag"):
        form.tags.data = request.args["tag"][:80]  # a topic page's "start one": the topic filled in
    if form.validate_on_submit():
        replay = submissions.claim(current_user, form)
        if replay:
            return replay
        with form_attempt(form, show=ValidationFailed) as attempt:
            category = access.get_category(current_user, form.category.data)
            thread = services.create_thread(
                current_user, category=category, title=form.title.data or "", body=form.body.data or "", tags=form.tag_terms()
            )
        if attempt.ok:
            flash(_("Your thread is published."), "success")
            _say_unseen(thread)
            return submissions.done(current_user, form, url_for("discussions.thread", thread_id=thread.id))
    return render_template("discussions/new_thread.html", form=form)


def _unseen_words(post: Post | Thread | None) -> str | None:
    """"Andrea Becker cannot see this category and was not told.": a mention of someone who
    cannot read the thread links them, but tells them nothing (it looked as if it had)."""
    names = getattr(post, "unseen_mentions", None) or []
    if not names:
        return None
    return ngettext("%(names)s cannot see this category and was not told.",
                    "%(names)s cannot see this category and were not told.", len(names), names=listed(names))


def _say_unseen(post: Post | Thread | None) -> None:
    if words := _unseen_words(post):
        flash(words, "warning")


def _reply_target(view, form: ReplyForm) -> Post | None:
    """The post a reply answers, so the reply box can name its author (not its number)."""
    raw = form.reply_to.data or ""
    if not ascii_digits(raw):
        return None
    wanted = int(raw)
    for post in [*view.posts.items, *view.parents.values()]:
        if post.id == wanted:
            return post
    try:
        post = access.get_post(current_user, wanted)
    except NotFoundError:
        return None
    return post if post.thread_id == view.thread.id else None


def _mention_audience(field, category) -> None:
    """In a mentors-only category the @mention picker offers only people who can read it."""
    if category.visibility != "members":
        field.render_kw = {**(field.render_kw or {}), "data-suggest-role": ",".join(MENTOR_AREA_ROLES)}


def _render_thread(thread, *, page: int, per_page: int, form: ReplyForm, template: str = "discussions/thread.html", **extra):
    mod_form = ModerationNoteForm(formdata=None)
    _mention_audience(form.body, thread.category)
    view: queries.ThreadView
    if template == "discussions/thread.html":
        view = queries.thread_view_outline(current_user, thread, page=page, per_page=per_page)
        extra.update(_thread_parts(thread, view, mod_form))
        if not form.errors and not form.reply_to.data and "saved" not in extra:
            # The empty reply box: the same for every reader of the page but for its tokens.
            reply_view = view
            extra["reply_html"] = cached_html(
                "thread-reply", ("community",), (thread.id, view.posts.page, view.posts.pages, thread.locked, thread.removed, view.moderator),
                lambda: render_template("discussions/_reply.html", view=reply_view, thread=thread, form=form, reply_target=None),
                submission=form.submission.data or "")
    else:
        view = queries.thread_view(current_user, thread, page=page, per_page=per_page)
    follow_form = SubscriptionForm(formdata=None, level=view.level or "normal", next=url_for("discussions.thread", thread_id=thread.id))
    return render_template(
        template, view=view, thread=thread, form=form, follow_form=follow_form,
        mod_form=mod_form, reply_target=_reply_target(view, form),
        may_edit_thread=services.can_edit_thread(current_user, thread), **extra,
    )


def _thread_parts(thread, outline: queries.ThreadOutline, mod_form) -> dict:
    """The thread's heading, the page's posts and its "In this thread" list, rendered once per
    page of the thread and reader class (community.page_parts): a post's buttons depend on
    whether the reader is a moderator and wrote it, so both are part of the key, and the CSRF
    token is put back per reader. Only a miss loads the posts and their authors."""
    user = current_user._get_current_object()
    loaded: list[queries.ThreadView] = []

    def full_view() -> queries.ThreadView:
        if not loaded:
            loaded.append(queries.thread_view(user, thread, page=outline.posts.page, per_page=outline.posts.per_page))
        return loaded[0]

    position = (thread.id, outline.posts.page, outline.posts.per_page, outline.first_number, thread.locked)
    own = tuple(post_id for post_id, author_id in outline.authors if author_id == user.id)
    areas = ("community", "directory")
    # Authors are linked to the profiles the reader may open (community.templating.profile_url).
    opens = opens_hidden_profiles(user)
    head = cached_html("thread-head", areas, (thread.id, opens), lambda: render_template(
        "discussions/_thread_head.html", thread=thread))
    posts = cached_html("thread-posts", areas, (*position, outline.moderator, own, opens), lambda: render_template(
        "discussions/_posts.html", view=full_view(), thread=thread, mod_form=mod_form))
    people = cached_html("thread-people", areas, (*position, opens), lambda: render_template(
        "discussions/_thread_people.html", view=full_view()))
    return {"head_html": head, "posts_html": posts, "people_html": people}


@bp.get("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int):
    user = current_user._get_current_object()
    facts = access.visible_thread(user, thread_id)  # 404 before anything kept is looked at
    services.mark_thread_read(user, thread_id)  # stored by the request's one commit
    page, per_page = _page_args(POSTS_PER_PAGE)
    if ascii_digits(request.args.get("post", "")):
        page = queries.page_of_post(thread_id, int(request.args["post"]), per_page)
    reply_to = request.args.get("reply_to", "")

    def render() -> str:
        thread = access.get_thread(user, thread_id)
        form = ReplyForm(formdata=None)
        if ascii_digits(reply_to):
            form.reply_to.data = reply_to
        return _render_thread(thread, page=page, per_page=per_page, form=form)

    # The whole page is the same for every reader with the same roles, moderation rights, own
    # posts on the page (their Edit/Delete buttons), authorship of the thread (Change title) and
    # way of following the thread, until the community changes (community.page_parts): a hit
    # loads neither the thread nor its posts.
    if reply_to:
        return render()  # a reply box answering one post: this reader's own
    own = queries.own_posts_on_page(user, thread_id, page=page, per_page=per_page)
    parts = (thread_id, page, per_page, facts.locked, facts.post_count, access.is_moderator(user), own,
             subscriptions.remembered_subscription_level(user, "thread", thread_id), facts.removed,
             facts.author_id is not None and facts.author_id == user.id)
    return cached_page("thread", ("community", "directory"), parts, render)


@bp.post("/threads/<int:thread_id>/reply")
@login_required
@limiter.limit(post_limit, methods=["POST"], key_func=poster_key)
def reply(thread_id: int):
    thread = access.get_thread(current_user, thread_id)
    services.require_can_post(current_user, thread)
    form = ReplyForm()
    if form.validate_on_submit():
        reply_to = int(form.reply_to.data or "") if ascii_digits(form.reply_to.data or "") else None
        replay = submissions.claim(current_user, form)
        if replay:
            return redirect_client(replay)
        with form_attempt(form, show=ValidationFailed) as attempt:
            post = services.reply(current_user, thread, form.body.data or "", reply_to_post_id=reply_to)
        if attempt.ok:
            link = access.thread_link(thread.id, post.id)
            if is_htmx() and (thread.post_count - 1) % POSTS_PER_PAGE:
                # Reply in place: the new post is on the page the person is reading.
                submissions.remember(current_user, form, link)
                last_page = max(1, -(-thread.post_count // POSTS_PER_PAGE))
                added = make_response(_render_thread(
                    thread, page=last_page, per_page=POSTS_PER_PAGE, form=ReplyForm(formdata=None),
                    template="discussions/_reply_added.html", new_post=post, saved=True, unseen=_unseen_words(post)))
                # The address bar leaves the "Reply" link's address (?reply_to=…): reloaded, the
                # box answered the same post again.
                added.headers["HX-Replace-Url"] = url_for("discussions.thread", thread_id=thread.id,
                                                          page=last_page if last_page > 1 else None) + f"#post-{post.id}"
                return added
            flash(_("Your reply is posted."), "success")  # (in place, the reply box says it)
            _say_unseen(post)
            return redirect_client(submissions.done(current_user, form, link))
    last_page = max(1, -(-thread.post_count // POSTS_PER_PAGE))
    template = "discussions/_reply.html" if is_htmx() else "discussions/thread.html"
    return _render_thread(thread, page=last_page, per_page=POSTS_PER_PAGE, form=form, template=template)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = access.get_post(current_user, post_id)
    thread = services.require_can_edit(current_user, post)
    form = EditPostForm(data={"body": post.body, "version": services.post_version(post)} if request.method == "GET" else None)
    changed_meanwhile = False
    if form.validate_on_submit():
        raw_version = form.version.data or ""
        version = int(raw_version) if ascii_digits(raw_version) else None
        with form_attempt(form, show=(ValidationFailed, ConflictError)) as attempt:
            services.edit_post(current_user, post, form.body.data or "", version=version)
        if attempt.ok:
            flash(_("Your changes are saved; the previous version is kept in the history."), "success")
            _say_unseen(post)
            return redirect(access.thread_link(thread.id, post.id))
        if isinstance(attempt.error, ConflictError):
            # The typed text stays; the current version is shown above it, and saving again
            # (now knowingly) replaces it.
            changed_meanwhile = True  # (form_attempt put the one message on the form)
            form.version.data = str(services.post_version(post))
            form.version.raw_data = [form.version.data]
    _mention_audience(form.body, thread.category)
    return render_template("discussions/edit_post.html", form=form, post=post, thread=thread,
                           changed_meanwhile=changed_meanwhile, back=access.thread_link(thread.id, post.id))


@bp.route("/threads/<int:thread_id>/edit", methods=["GET", "POST"])
@login_required
def edit_thread(thread_id: int):
    """Change a thread's title and topics: its author (while not locked) and moderators."""
    thread = access.get_thread(current_user, thread_id)
    services.require_can_edit_thread(current_user, thread)
    form = EditThreadForm(data={
        "title": thread.title, "tags": ", ".join(tag.slug for tag in thread.tags),
        "version": str(services.thread_version(thread))} if request.method == "GET" else None)
    changed_meanwhile = False
    if form.validate_on_submit():
        raw_version = form.version.data or ""
        version = int(raw_version) if ascii_digits(raw_version) else None
        with form_attempt(form, show=(ValidationFailed, ConflictError)) as attempt:
            services.edit_thread(current_user, thread, title=form.title.data or "", tags=form.tag_terms(), version=version)
        if attempt.ok:
            flash(_("The title and topics are saved."), "success")
            return redirect(url_for("discussions.thread", thread_id=thread.id))
        if isinstance(attempt.error, ConflictError):
            # What was typed stays; the current title is shown above it, and saving again
            # (now knowingly) replaces it.
            changed_meanwhile = True
            form.version.data = str(services.thread_version(thread))
            form.version.raw_data = [form.version.data]
    return render_template("discussions/edit_thread.html", form=form, thread=thread, changed_meanwhile=changed_meanwhile)


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete_post(post_id: int):
    post = access.get_post(current_user, post_id)
    if ModerationNoteForm().validate_on_submit():
        if services.delete_post(current_user, post):
            flash(_("Your thread is deleted; moderators can still see it."), "success")
            return redirect(url_for("discussions.category", slug=access.thread_of(post).category.slug))
        flash(_("The post was deleted."), "success")
    return redirect(access.thread_link(post.thread_id, post.id))


@bp.get("/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    post = access.get_post(current_user, post_id)
    revisions = services.revisions(current_user, post)
    return render_template("discussions/history.html", post=post, thread=access.thread_of(post), revisions=revisions)


@bp.route("/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(post_id: int):
    post = access.get_post(current_user, post_id)
    if why_not := moderation_services.flag_refusal(current_user, post):  # said before the reason is typed
        flash(why_not, "info")
        return redirect(access.thread_link(post.thread_id, post.id))
    form = FlagForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            moderation_services.flag_post(current_user, post, form.reason.data or "")
        if attempt.ok:
            flash(_("Thank you. Moderators will look at this post."), "success")
            return redirect(access.thread_link(post.thread_id, post.id))
    return render_template("discussions/flag.html", form=form, post=post, thread=access.thread_of(post))


@bp.post("/posts/<int:post_id>/<any(hide, restore):action>")
@login_required
def moderate_post(post_id: int, action: str):
    post = access.get_post(current_user, post_id)
    form = ModerationNoteForm()
    if form.validate_on_submit():
        moderation_services.set_hidden(current_user, post, action == "hide", note=form.note.data)
        flash(_("The post is hidden.") if action == "hide" else _("The post is visible again."), "success")
    return redirect(access.thread_link(post.thread_id, post.id))


@bp.post("/threads/<int:thread_id>/<any(lock, unlock, pin, unpin, remove, restore):action>")
@login_required
def moderate_thread(thread_id: int, action: str):
    thread = access.get_thread(current_user, thread_id)
    form = ModerationNoteForm()
    if form.validate_on_submit():
        if action in ("lock", "unlock"):
            moderation_services.set_locked(current_user, thread, action == "lock", note=form.note.data)
        elif action in ("pin", "unpin"):
            moderation_services.set_pinned(current_user, thread, action == "pin", note=form.note.data)
        elif action == "remove":  # the note is the reason, told to the author
            moderation_services.remove_thread(current_user, thread, reason=form.note.data)
        else:
            moderation_services.restore_thread(current_user, thread, note=form.note.data)
        messages = {"lock": _("The thread is locked."), "unlock": _("The thread is open again."),
                    "pin": _("The thread is pinned."), "unpin": _("The thread is no longer pinned."),
                    "remove": _("The thread is removed: members no longer see it. You can restore it here."),
                    "restore": _("The thread is restored: members see it again.")}
        flash(messages[action], "success")
    elif form.note.errors:
        flash(form.note.errors[0], "error")
    return redirect(url_for("discussions.thread", thread_id=thread.id))


@bp.route("/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id: int):
    thread = access.get_thread(current_user, thread_id)
    access.require_moderator(current_user)
    form = MoveThreadForm(data={"category": thread.category_id} if request.method == "GET" else None)
    form.category.choices = _category_choices()
    if form.validate_on_submit():
        with form_attempt(form, show=ValidationFailed) as attempt:
            moderation_services.move_thread(current_user, thread, form.category.data, note=form.note.data)
        if attempt.ok:
            flash(_("The thread was moved."), "success")
            return redirect(url_for("discussions.thread", thread_id=thread.id))
    return render_template("discussions/move.html", form=form, thread=thread)


@bp.post("/community/follow/<any(thread, category, tag):kind>/<int:target_id>")
@login_required
def follow(kind: str, target_id: int):
    form = SubscriptionForm()
    if form.validate_on_submit():
        subscriptions.set_subscription(current_user, kind, target_id, form.level.data)
        if is_htmx():  # saved in place: the same form answers with a confirmation
            return render_template("discussions/_follow.html", form=form, kind=kind, target_id=target_id)
        flash(_("Your notification setting is saved."), "success")
    return redirect_client(redirect(safe_next(form.next.data, "discussions.index")))


# Moderation ---------------------------------------------------------------------------------------

MODERATION_PER_PAGE = 30


@bp.get("/community/moderation")
@login_required
def moderation():
    page, per_page = _page_args(MODERATION_PER_PAGE)
    return render_template("discussions/moderation.html", flags=queries.open_flags(current_user, page=page, per_page=per_page),
                           form=ResolveFlagForm(formdata=None), failed_id=None, failed_form=None)


@bp.post("/community/flags/<int:flag_id>/resolve")
@login_required
def resolve_flag(flag_id: int):
    access.require_moderator(current_user)
    form = ResolveFlagForm()
    if form.validate_on_submit():
        with form_attempt(form, show=(ConflictError, ValidationFailed)) as attempt:
            moderation_services.resolve_flag(current_user, flag_id, form.outcome.data, note=form.note.data)
        if attempt.ok:
            flash(_("The report is resolved."), "success")
            return redirect(url_for("discussions.moderation"))
        if isinstance(attempt.error, ConflictError):  # another moderator was quicker: the queue no longer lists it
            flash(attempt.message, "info")
            return redirect(url_for("discussions.moderation"))
    # Nothing decided (no decision chosen, an unknown one, an expired form): the queue again,
    # the error beside this report's decision and nothing changed.
    page, per_page = _page_args(MODERATION_PER_PAGE)
    flags = queries.open_flags(current_user, page=page, per_page=per_page)
    if not any(flag.id == flag_id for flag in flags.items):  # no longer on that page: say it above the queue
        flash(str((form.outcome.errors or form.note.errors or [_("The form expired; please send it again.")])[0]), "error")
        return redirect(url_for("discussions.moderation"))
    return render_template("discussions/moderation.html", flags=flags, form=ResolveFlagForm(formdata=None),
                           failed_id=flag_id, failed_form=form), 422


# Categories (moderators) --------------------------------------------------------------------------

def _category_args(form: CategoryForm) -> dict:
    return {"name": form.name.data, "name_de": form.name_de.data, "description": form.description.data,
            "description_de": form.description_de.data, "visibility": form.visibility.data,
            "position": form.position.data}


@bp.get("/community/categories")
@login_required
def categories():
    return render_template("discussions/categories.html", rows=queries.categories_to_manage(current_user),
                           form=CategoryForm(formdata=None))


@bp.route("/community/categories/new", methods=["GET", "POST"])
@login_required
def new_category():
    access.require_moderator(current_user)
    form = CategoryForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            category = category_services.create_category(current_user, **_category_args(form))
        if attempt.ok:
            flash(_("The category “%(name)s” is open.", name=category.name), "success")
            return submissions.done(current_user, form, url_for("discussions.categories"))
    return render_template("discussions/category_form.html", form=form, category=None)


@bp.route("/community/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(category_id: int):
    access.require_moderator(current_user)
    category = access.get_category(current_user, category_id)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            category_services.update_category(current_user, category, **_category_args(form))
        if attempt.ok:
            flash(_("The category is saved."), "success")
            return redirect(url_for("discussions.categories"))
    return render_template("discussions/category_form.html", form=form, category=category, delete_form=EmptyForm())


@bp.post("/community/categories/<int:category_id>/delete")
@login_required
def delete_category(category_id: int):
    access.require_moderator(current_user)
    category = access.get_category(current_user, category_id)
    form = EmptyForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            category_services.delete_category(current_user, category)
        if not attempt.ok:
            flash(attempt.message, "error")
            return redirect(url_for("discussions.edit_category", category_id=category.id))
        flash(_("The category is deleted."), "success")
    return redirect(url_for("discussions.categories"))


@bp.get("/community/moderation/removed")
@login_required
def removed_threads():
    page, per_page = _page_args(30)
    return render_template("discussions/removed.html",
                           threads=queries.removed_threads(current_user, page=page, per_page=per_page),
                           mod_form=ModerationNoteForm(formdata=None))


@bp.get("/community/moderation/log")
@login_required
def moderation_log():
    page, per_page = _page_args(50)
    entries = queries.moderation_log(current_user, page=page, per_page=per_page)
    return render_template("discussions/log.html", entries=entries, category_names=queries.log_category_names(entries.items))


def community_card(user: User):
    """Home page: the latest threads the person can see."""
    from community.templating import Card, CardItem

    threads = queries.recent_threads(user, 5)
    return Card(
        title=_l("Community"),
        items=[CardItem(t.title, url_for("discussions.thread", thread_id=t.id), local_datetime(t.last_post_at))
               for t in threads],
        empty=_l("No discussions yet. Start one!"),
        more_url=url_for("discussions.index"),
        more_label=_l("All categories"),
    )


register_home_card(community_card)
