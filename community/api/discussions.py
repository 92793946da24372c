"""API v1: community categories, threads and posts (visibility rules as on the pages)."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_login import current_user
from marshmallow import validate

from community.api.schemas import (
    Blueprint,
    ErrorSchema,
    JsonInteger,
    PageArgsSchema,
    PersonRefSchema,
    id_field,
    page_of,
    text_field,
)
from community.discussions import access, moderation, queries, services
from community.discussions.models import MAX_BODY_CHARS, MAX_TITLE_CHARS, VISIBILITIES
from community.expertise.services import find_tag
from community.extensions import limiter
from community.labels import shown

blp = Blueprint("api_discussions", __name__, description="Community: categories, threads, posts")


def _poster_key() -> str:
    return f"poster:{current_user.id}"


def _post_limit() -> str:
    return current_app.config["POST_RATE_LIMIT"]


class CategorySchema(ma.Schema):
    """Names and descriptions in English and German, as topics (GET /api/v1/tags) give them."""

    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    name_de = ma.fields.String(allow_none=True)
    description = ma.fields.String(allow_none=True)
    description_de = ma.fields.String(allow_none=True)
    visibility = ma.fields.String(required=True, validate=validate.OneOf(VISIBILITIES))


class ThreadSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    category_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    tags = ma.fields.Method("tag_slugs", metadata={"type": "array", "items": {"type": "string"}})
    author = ma.fields.Nested(PersonRefSchema, allow_none=True)
    post_count = ma.fields.Integer(required=True)
    locked = ma.fields.Boolean(required=True)
    pinned = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)
    last_post_at = ma.fields.DateTime(required=True)
    edited_at = ma.fields.DateTime(allow_none=True, metadata={"description": "The last change of the title or topics"})
    version = ma.fields.Method("title_version", metadata={
        "type": "integer", "description": "The title's and topics' version; send it back with a PATCH to refuse overwriting a newer change"})
    # Only moderators ever see a removed thread; for everyone else it does not exist (404).
    removed = ma.fields.Boolean(required=True)
    removed_at = ma.fields.DateTime(allow_none=True)
    removed_by = ma.fields.Nested(PersonRefSchema, allow_none=True, metadata={"description": "The moderator who removed it"})
    removal_reason = ma.fields.String(allow_none=True)

    @ma.post_dump
    def reason_as_read(self, data: dict, **_kwargs) -> dict:
        """A reason the product stored itself ("Its author deleted its only post.") in the reader's language."""
        if data.get("removal_reason") is not None:
            data["removal_reason"] = shown(data["removal_reason"])
        return data

    def tag_slugs(self, thread) -> list[str]:
        return [tag.slug for tag in thread.tags]

    def title_version(self, thread) -> int:
        return services.thread_version(thread)


class CategoryRefSchema(ma.Schema):
    """A category in short, as a removed thread names it (names in English and German)."""

    id = ma.fields.Integer(required=True)
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    name_de = ma.fields.String(allow_none=True)


class RemovedThreadSchema(ThreadSchema):
    """A removed thread as moderators list them: the thread with its category by name."""

    category = ma.fields.Nested(CategoryRefSchema, required=True)


class PostSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    thread_id = ma.fields.Integer(required=True)
    author = ma.fields.Nested(PersonRefSchema, allow_none=True)
    body = ma.fields.Method("visible_body")
    html = ma.fields.Method("visible_html")
    created_at = ma.fields.DateTime(required=True)
    edited_at = ma.fields.DateTime(allow_none=True)
    deleted = ma.fields.Boolean(required=True)
    hidden = ma.fields.Boolean(required=True)
    reply_to_post_id = ma.fields.Integer(allow_none=True)
    version = ma.fields.Method("body_version", metadata={
        "type": "integer", "description": "The body's version; send it back with an edit (PATCH) to refuse overwriting a newer edit"})

    def body_version(self, post) -> int:
        return services.post_version(post)

    def _shown(self, post) -> bool:
        return post.visible or access.is_moderator(current_user)

    def visible_body(self, post) -> str:
        return post.body if self._shown(post) else ""

    def visible_html(self, post) -> str:
        return post.html if self._shown(post) else ""


PostPageSchema = page_of(PostSchema)


class ThreadDetailSchema(ThreadSchema):
    posts = ma.fields.Nested(PostPageSchema, required=True, attribute="posts_page")


class ThreadQuerySchema(PageArgsSchema):
    category_id = id_field(query=True)
    tag = ma.fields.String(validate=validate.Length(max=80))
    q = ma.fields.String(validate=validate.Length(max=200))


class ThreadCreateSchema(ma.Schema):
    category_id = id_field(required=True)
    title = text_field(MAX_TITLE_CHARS)
    body = text_field(MAX_BODY_CHARS, too_large=True)
    tags = ma.fields.List(ma.fields.String(validate=validate.Length(max=80)), load_default=list, validate=validate.Length(max=20))


class ThreadEditSchema(ma.Schema):
    """What a PATCH may change; a field left out stays as it is."""

    title = text_field(MAX_TITLE_CHARS, required=False)
    tags = ma.fields.List(ma.fields.String(validate=validate.Length(max=80)), validate=validate.Length(max=20),
                          metadata={"description": "Topic slugs or synonyms (at most five), replacing the thread's topics"})
    version = JsonInteger(load_default=None, allow_none=True, validate=validate.Range(min=0, max=2**53 - 1), metadata={
        "description": "The thread's `version` the change is based on; if it was changed since: 409"})


class ThreadRemovalSchema(ma.Schema):
    BODY_OPTIONAL = True  # removing needs no body at all

    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=moderation.MAX_REMOVAL_REASON), metadata={
        "description": "Why (optional): shown to moderators, and to the author in their notification"})


class ThreadRestoreSchema(ma.Schema):
    BODY_OPTIONAL = True  # restoring needs no body at all

    note = ma.fields.String(allow_none=True, validate=validate.Length(max=1000), metadata={
        "description": "A note for the moderation log (optional)"})


class PostCreateSchema(ma.Schema):
    body = text_field(MAX_BODY_CHARS, too_large=True)
    reply_to_post_id = id_field(allow_none=True)


class PostEditSchema(ma.Schema):
    body = text_field(MAX_BODY_CHARS, too_large=True)
    # Optional, so clients that never sent it keep working (their edit replaces what is there).
    version = JsonInteger(load_default=None, allow_none=True, validate=validate.Range(min=0, max=2**53 - 1), metadata={
        "description": "The post's `version` the edit is based on; if the post was edited since: 409"})


def _detail(thread, page: int, per_page: int):
    thread.posts_page = queries.thread_view(current_user, thread, page=page, per_page=per_page).posts
    return thread


@blp.route("/categories")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(CategorySchema))
def list_categories(args: dict):
    """Categories the caller may see, in their order."""
    return queries.category_page(current_user, page=args["page"], per_page=args["per_page"])


@blp.route("/threads")
@blp.arguments(ThreadQuerySchema, location="query")
@blp.response(200, page_of(ThreadSchema))
def list_threads(args: dict):
    """Visible threads by latest activity (pinned first); filter by category, tag or words."""
    tag = None
    if args.get("tag"):
        tag = find_tag(args["tag"])
        if tag is None:
            from community.pagination import Page

            return Page(items=[], page=args["page"], per_page=args["per_page"], total=0)
    if args.get("category_id") is not None:
        access.get_category(current_user, args["category_id"])  # 404 for hidden ones
    return queries.list_threads(
        current_user, page=args["page"], per_page=args["per_page"], category_id=args.get("category_id"),
        tag=tag, q=(args.get("q") or "").strip(),
    )


@blp.route("/threads/removed")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_of(RemovedThreadSchema))
@blp.alt_response(403, schema=ErrorSchema, description="Only moderators (change managers and administrators)")
def list_removed_threads(args: dict):
    """Threads moderators removed, most recently removed first (moderators only): each with its
    category, author, who removed it and when (`removed_by`, `removed_at`) and the
    `removal_reason`. Restore one with `POST /threads/{id}/restore`."""
    return queries.removed_threads(current_user, page=args["page"], per_page=args["per_page"])


@blp.route("/threads", methods=["POST"])
@limiter.limit(_post_limit, methods=["POST"], key_func=_poster_key)
@blp.arguments(ThreadCreateSchema)
@blp.response(201, ThreadDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such category (or not visible to you)")
@blp.alt_response(413, schema=ErrorSchema, description="The body is longer than 20,000 characters")
def create_thread(data: dict):
    """Start a thread; its first post is `body` (Markdown)."""
    category = access.get_category(current_user, data["category_id"])
    thread = services.create_thread(current_user, category=category, title=data["title"], body=data["body"], tags=data["tags"])
    return _detail(thread, 1, 20)


@blp.route("/threads/<int:thread_id>")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ThreadDetailSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No such thread (or not visible to you)")
def get_thread(args: dict, thread_id: int):
    """A thread with its posts in order, paginated by `page` and `per_page`."""
    thread = access.get_thread(current_user, thread_id)
    return _detail(thread, args["page"], args["per_page"])


@blp.route("/threads/<int:thread_id>", methods=["PATCH"])
@blp.arguments(ThreadEditSchema)
@blp.response(200, ThreadSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not your thread, or (as for posts) a locked thread")
@blp.alt_response(404, schema=ErrorSchema, description="No such thread (or not visible to you)")
@blp.alt_response(409, schema=ErrorSchema, description="The title or topics were changed since `version`")
def edit_thread(data: dict, thread_id: int):
    """Change a thread's title and/or topics (its author while it is not locked, moderators)."""
    thread = access.get_thread(current_user, thread_id)
    return services.edit_thread(current_user, thread, title=data.get("title"), tags=data.get("tags"),
                                version=data.get("version"))


@blp.route("/threads/<int:thread_id>", methods=["DELETE"])
@blp.arguments(ThreadRemovalSchema, required=False)
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="Only moderators remove threads")
@blp.alt_response(404, schema=ErrorSchema, description="No such thread (or not visible to you)")
def remove_thread(data: dict, thread_id: int):
    """Remove a thread (moderators): kept and restorable, but gone for members (404 like a
    thread that never was). The author is told, with the `reason` if given."""
    thread = access.get_thread(current_user, thread_id)
    moderation.remove_thread(current_user, thread, reason=data.get("reason"))
    return None


@blp.route("/threads/<int:thread_id>/restore", methods=["POST"])
@blp.arguments(ThreadRestoreSchema, required=False)
@blp.response(200, ThreadSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Only moderators restore threads")
@blp.alt_response(404, schema=ErrorSchema, description="No such thread (or not visible to you)")
def restore_thread(data: dict, thread_id: int):
    """Bring a removed thread back (moderators); a thread that is not removed stays as it is."""
    thread = access.get_thread(current_user, thread_id)
    moderation.restore_thread(current_user, thread, note=data.get("note"))
    return thread


@blp.route("/threads/<int:thread_id>/posts", methods=["POST"])
@limiter.limit(_post_limit, methods=["POST"], key_func=_poster_key)
@blp.arguments(PostCreateSchema)
@blp.response(201, PostSchema)
@blp.alt_response(403, schema=ErrorSchema, description="The thread is locked (or, for moderators, removed)")
@blp.alt_response(404, schema=ErrorSchema, description="No such thread (or not visible to you)")
@blp.alt_response(413, schema=ErrorSchema, description="The body is longer than 20,000 characters")
def create_post(data: dict, thread_id: int):
    """Reply in a thread (Markdown body; @handle mentions notify people)."""
    user = current_user._get_current_object()  # once, not through the proxy at every use
    thread = services.reply_target(user, thread_id)  # read before the write lock
    return services.reply(user, thread, data["body"], reply_to_post_id=data.get("reply_to_post_id"))


@blp.route("/posts/<int:post_id>", methods=["PATCH"])
@blp.arguments(PostEditSchema)
@blp.response(200, PostSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not your post")
@blp.alt_response(404, schema=ErrorSchema, description="No such post (or not visible to you)")
@blp.alt_response(409, schema=ErrorSchema, description="The post was deleted, or edited since `version`")
@blp.alt_response(413, schema=ErrorSchema, description="The body is longer than 20,000 characters")
def edit_post(data: dict, post_id: int):
    """Edit a post; the previous body is kept in the history."""
    post = access.get_post(current_user, post_id)
    services.edit_post(current_user, post, data["body"], version=data.get("version"))
    return post


@blp.route("/posts/<int:post_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="Not your post, or (as for editing) a locked thread or a hidden post")
@blp.alt_response(404, schema=ErrorSchema, description="No such post (or not visible to you)")
def delete_post(post_id: int):
    """Soft-delete a post: it stays in the thread as "deleted". The author's opening post of a
    thread with nothing else left to read takes the thread down (removed, by its author)."""
    post = access.get_post(current_user, post_id)
    services.delete_post(current_user, post)
    return None
