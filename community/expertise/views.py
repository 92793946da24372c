"""Tag pages and curation: the taxonomy index, a topic's page, create, rename, synonyms, merge."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from community import submissions
from community.accounts.forms import EmptyForm
from community.caching import cached
from community.expertise import bp, queries, services
from community.expertise.forms import MergeForm, NewTagForm, SynonymForm, TagForm
from community.page_parts import cached_page
from community.pagination import clamp
from community.unit_of_work import form_attempt


@bp.before_request
@login_required
def require_login():
    """The taxonomy is for signed-in members."""


@bp.context_processor
def labels() -> dict:
    from community.profiles.views import label_context

    return label_context()


def _people():
    """The profiles feature's queries (imported late: profiles imports the taxonomy)."""
    from community.profiles import queries

    return queries


def _threads(tag, limit: int = 5):
    """The latest community threads on the topic the viewer may see (when the community exists)."""
    try:
        from community.discussions import queries as discussions
    except ImportError:
        return None
    return discussions.list_threads(current_user, page=1, per_page=limit, tag=tag)


def _curator() -> bool:
    return services.is_curator(current_user)


@bp.get("/tags")
def index():
    q = (request.args.get("q") or "").strip()[:80]
    groups = queries.tags_grouped(q)
    counts = _people().level_counts()
    return render_template("expertise/index.html", q=q, groups=groups, counts=counts,
                           field_label=queries.field_label, curator=_curator())


@bp.get("/tags/<slug>")
def show(slug: str):
    tag_id = services.tag_id_for(slug)  # 404 for an unknown topic; the topic is loaded only to render
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 30)
    args = sorted(request.args.items(multi=True))

    def people_html() -> Markup:
        # The same for everyone (hidden people are never listed) until the directory changes.
        def render() -> str:
            return render_template("expertise/_people.html",
                                   holders=_people().tag_holders(services.get_tag(slug), page=page, per_page=per_page),
                                   counts=_people().level_counts([tag_id]).get(tag_id, {}))

        people = cached(("topic-people", tag_id, str(get_locale()), args, page, per_page), render)
        # Our own autoescaped template rendered it (cached as a string), so it is safe HTML.
        return Markup(people)  # noqa: S704

    # The page's body is the same for every viewer with the same roles (which discussions they
    # see, whether they curate) until the directory or the community changes: the template
    # caches it (community.fragments) and asks for the people and threads only when rendering.
    curator = _curator()

    def render() -> str:
        tag = services.get_tag(slug)
        return render_template(
            "expertise/show.html", tag=tag, field_label=queries.field_label, curator=curator,
            load_threads=lambda: _threads(tag), load_people=people_html, page_key=(args, page, per_page))

    return cached_page("topic", ("directory", "community"), (tag_id, curator), render)


@bp.route("/tags/new", methods=["GET", "POST"])
def create():
    services.require_curator(current_user)
    form = NewTagForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            tag = services.create_tag(
                current_user, name=form.name.data or "", slug=(form.slug.data or "").strip() or None,
                name_de=form.name_de.data, field=form.field.data, description=form.description.data,
                description_de=form.description_de.data,
                synonyms=[t for t in (form.synonyms.data or "").split(",") if t.strip()],
            )
        if attempt.ok:
            flash(_("Topic “%(name)s” created.", name=tag.name), "success")
            return submissions.done(current_user, form, url_for("expertise.show", slug=tag.slug))
    return render_template("expertise/new.html", form=form)


def _render_edit(tag, form=None, synonym_form=None):
    form = form or TagForm(obj=tag, formdata=None)
    return render_template(
        "expertise/edit.html", tag=tag, form=form, synonym_form=synonym_form or SynonymForm(formdata=None),
        remove_form=EmptyForm(), field_label=queries.field_label,
    )


@bp.route("/tags/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    tag = services.get_tag(slug)
    services.require_curator(current_user)
    form = TagForm(obj=tag) if request.method == "GET" else TagForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.update_tag(
                current_user, tag, name=form.name.data, name_de=form.name_de.data or "", field=form.field.data,
                description=form.description.data or "", description_de=form.description_de.data or "",
            )
        if attempt.ok:
            flash(_("Topic saved."), "success")
            return redirect(url_for("expertise.edit", slug=tag.slug))
    return _render_edit(tag, form=form)


@bp.post("/tags/<slug>/synonyms")
def add_synonym(slug: str):
    tag = services.get_tag(slug)
    services.require_curator(current_user)
    form = SynonymForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            synonym = services.add_synonym(current_user, tag, form.term.data or "")
        if attempt.ok:
            term = synonym.term
            flash(_("Synonym “%(term)s” added.", term=term), "success")
            return redirect(url_for("expertise.edit", slug=tag.slug))
    return _render_edit(tag, synonym_form=form)


@bp.post("/tags/<slug>/synonyms/<int:synonym_id>/delete")
def remove_synonym(slug: str, synonym_id: int):
    tag = services.get_tag(slug)
    services.require_curator(current_user)
    if EmptyForm().validate_on_submit():
        services.remove_synonym(current_user, tag, synonym_id)
        flash(_("Synonym removed."), "success")
    return redirect(url_for("expertise.edit", slug=tag.slug))


@bp.route("/tags/<slug>/merge", methods=["GET", "POST"])
def merge(slug: str):
    source = services.get_tag(slug)
    services.require_curator(current_user)
    form = MergeForm(formdata=None) if request.method == "GET" else MergeForm()
    form.target.choices = queries.tag_choices(exclude_id=source.id, blank=_("— choose a topic —"))
    chosen = request.args.get("target") if request.method == "GET" else form.target.data
    if request.method == "GET" and chosen:
        form.target.data = chosen
    target = services.find_tag(chosen) if chosen else None
    if chosen and (target is None or target.id == source.id):
        target = None
        form.target.errors = [_("Choose another existing topic.")]
    if request.method == "POST" and target is not None and form.validate_on_submit():
        with form_attempt(form) as attempt:
            moved = services.merge_tags(current_user, source, target)
        if attempt.ok:
            target_slug, target_name = target.slug, target.name
            flash(ngettext("Merged into “%(name)s”: %(num)d use moved.", "Merged into “%(name)s”: %(num)d uses moved.",
                           sum(moved.values()), name=target_name), "success")
            return redirect(url_for("expertise.show", slug=target_slug))
    preview = queries.merge_preview(source, target) if target is not None else None
    return render_template("expertise/merge.html", source=source, form=form, preview=preview)

