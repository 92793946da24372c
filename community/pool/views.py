"""Pages: topic demand (/network/demand, CSV), handover with substitutes, pausing mentoring."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import submissions
from community.errors import ValidationFailed
from community.forms import as_choices
from community.i18n import select_timezone, user_zone
from community.mentoring import services as mentoring
from community.mentoring.labels import mentorship_heading
from community.pool import bp, fading, queries, services
from community.pool import circles as circle_services
from community.pool.forms import CircleForm, CirclePostForm, HandoverForm, PauseForm, RhythmForm
from community.profiles.naming import person_by_handle
from community.spreadsheets import csv_response
from community.unit_of_work import form_attempt


@bp.get("/network/demand")
@login_required
def demand():
    asked = request.args.get("months", type=int)
    # `?months=abc` (or empty) shows the default period and says which periods can be shown.
    unreadable = asked is None and "months" in request.args
    view = services.demand_report(current_user, asked)
    # The topics with the greatest need first; `?all=1` lists every topic (the page ran to 5,500 px).
    show_all = request.args.get("all") == "1"
    shown = view.topics if show_all else view.topics[:services.DEMAND_TOP]
    demanded = [t for t in shown if t.row.demand]
    return render_template("pool/demand.html", view=view, shown=shown, show_all=show_all, top=services.DEMAND_TOP,
                           demanded=demanded, department_columns=services.department_columns(view, demanded),
                           heat=services.heat, month_label=services.month_label,
                           months_choices=services.period_choices(len(view.months)), asked=asked,
                           unreadable=unreadable, months_max=services.MONTHS_MAX)


@bp.get("/network/demand.csv")
@login_required
def demand_csv():
    months = services.clamp_months(request.args.get("months", type=int))
    body = services.demand_csv(current_user, months)
    return csv_response(body, f"topic-demand-{months}m.csv")


def _render_handover(mentorship, form, status=200):
    substitutes = services.substitutes_for(current_user, mentorship) if mentoring.handover_open(mentorship) else []
    form.mentor_id.choices = as_choices([(s.person.id, s.person.name) for s in substitutes])
    # The picker leaves out the two people who cannot take over (the current mentor offered
    # themselves, marked "mentoring paused", only to be refused).
    form.other_mentor.render_kw = {**(form.other_mentor.render_kw or {}),
                                   "data-suggest-exclude": f"{mentorship.mentor_id},{mentorship.executive_id}"}
    return render_template("pool/handover.html", mentorship=mentorship, form=form, substitutes=substitutes,
                           cancelled=mentoring.sessions_an_end_cancels(mentorship) if mentoring.handover_open(mentorship) else [],
                           reason=services.handover_reason_label(mentorship),
                           open=mentoring.handover_open(mentorship),
                           successor_id=mentoring.successor_id(mentorship),
                           pair=mentorship_heading(current_user, mentorship)), status


@bp.route("/mentoring/mentorships/<int:mentorship_id>/handover", methods=["GET", "POST"])
@login_required
def handover(mentorship_id: int):
    mentorship = mentoring.get_mentorship(current_user, mentorship_id)
    mentoring.require_handover_rights(current_user, mentorship)
    form = HandoverForm()
    if request.method == "POST" and mentoring.handover_open(mentorship):
        form.mentor_id.choices = []
        if form.validate_on_submit():
            other = (form.other_mentor.data or "").strip()
            named = person_by_handle(other, current_user) if other else None
            chosen = named.id if named is not None else (None if other else form.mentor_id.data)
            if replay := submissions.claim(current_user, form):
                return replay
            with form_attempt(form) as attempt:
                if other and named is None:
                    message = _("Nobody you can choose has this @handle.")
                    raise ValidationFailed(message, {"other_mentor": [message]})
                if not chosen:
                    message = _("Choose one of the substitute mentors, or name another mentor.")
                    raise ValidationFailed(message, {"mentor_id": [message]})
                successor = mentoring.hand_over(current_user, mentorship, mentor_id=chosen, note=form.note.data)
            if not attempt.ok and other and form.mentor_id.errors:
                # the mentor was named by @handle: the refusal belongs under that field
                form.other_mentor.errors = [*form.other_mentor.errors, *form.mentor_id.errors]
                form.mentor_id.errors = []
            if attempt.ok:
                flash(_("The mentorship continues with %(name)s; all three of you have been told.",
                        name=successor.mentor.name), "success")
                return submissions.done(current_user, form, url_for("mentoring.mentorship_detail", mentorship_id=successor.id))
        return _render_handover(mentorship, form, 422)
    if request.method == "POST":
        if replay := submissions.claim(current_user, form):
            return replay  # this very form was sent before and handed the mentorship over
        flash(_("This mentorship cannot be handed over (it is not active, or was handed over already)."), "error")
        return submissions.done(current_user, form, url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id))
    return _render_handover(mentorship, form)


@bp.get("/settings/mentoring-pause")
@login_required
def pause_page():
    """Before a pause: what it does, and whose mentorship it hands over (by name)."""
    if not current_user.has_role("mentor"):
        abort(403)
    mentees = [m.executive for m in mentoring.mentorships_needing_handover(current_user)]
    return render_template("pool/pause.html", form=PauseForm(), mentees=mentees)


@bp.post("/settings/mentoring-pause")
@login_required
def pause():
    if not current_user.has_role("mentor"):
        abort(403)
    if request.form.get("paused") == "1" and request.form.get("confirmed") != "1" and not current_user.mentoring_paused:
        return redirect(url_for("pool.pause_page"))  # a pause is confirmed on its own page first
    if PauseForm().validate_on_submit():
        paused = request.form.get("paused") == "1"
        mentorships = mentoring.set_mentoring_paused(current_user, paused)
        if paused:
            flash(_("Mentoring is paused: nobody can send you new requests.") + (
                " " + _("The programme team will find a new mentor for your current mentees.") if mentorships else ""),
                "success")
        else:
            flash(_("Welcome back: you can receive mentoring requests again."), "success")
    from community.mentoring.services import path_for

    return redirect(path_for("profiles.show", person_id=current_user.id))


@bp.app_template_global("person_activity")
def person_activity(person_id: int, months: int = 12) -> dict:
    """A person's community posts per month for the activity sparkline (templates/network/_sparkline.html),
    counting only the posts the reader may see."""
    from flask_babel import format_date
    from markupsafe import Markup

    from community.network.drawing import sparkline_svg

    series = queries.monthly_posts(current_user, person_id, months)
    counts = [count for _month, count in series]
    return {
        "months": [(format_date(month, "MMM yyyy"), count) for month, count in series],
        # The months are calendar months, the current one included: the total is "since" the
        # first of them (a rolling "last 12 months" would count other posts than the bars show).
        "since": format_date(series[0][0], "MMMM yyyy") if series else "",
        "total": sum(counts),
        "peak": max(counts) if counts else 0,
        "svg": Markup(sparkline_svg(counts, width=160, height=32)),  # noqa: S704 - built with ElementTree
    }


@bp.app_template_global("pool_fading")
def pool_fading(snapshot, pseudonymised: bool) -> list:
    """The fading mentors of a snapshot for the network dashboard (analysts only reach it)."""
    return fading.fading_list(snapshot, pseudonymised)


# --------------------------------------------------------------------------- circles


@bp.get("/circles")
@login_required
def circles():
    every = circle_services.all_circles(current_user) if current_user.has_role("change_manager") else None
    return render_template("pool/circles.html", circles=circle_services.circles_of(current_user), every=every)


@bp.route("/circles/proposals", methods=["GET", "POST"])
@login_required
def circle_proposals():
    found = circle_services.proposals(current_user)
    form = CircleForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            members = form.member_ids.data or ""  # ids or pseudonyms, as the proposal names them
            slugs = [part for part in (form.topic_slugs.data or "").split(",") if part.strip()]
            circle = circle_services.create_circle(current_user, name=form.name.data or "", members=members,
                                                   topic_slugs=slugs)
        if attempt.ok:
            flash(_("The circle %(name)s is created; its members are invited.", name=circle.name), "success")
            return submissions.done(current_user, form, url_for("pool.circle", circle_id=circle.id))
    sent = None
    if request.method == "POST":
        # The proposal whose form was sent keeps the name typed, with its message under it; the
        # error summary's link leads to that proposal's field.
        sent = next((index for index, p in enumerate(found, start=1) if p.member_keys == form.member_ids.data), None)
        if sent is not None:
            form.name.id = f"name-{sent}"
        return render_template("pool/proposals.html", proposals=found, form=form, sent=sent), 422
    return render_template("pool/proposals.html", proposals=found, form=form, sent=sent)


def _render_circle(circle, *, post_form=None, rhythm_form=None, status=200):
    accepted = circle_services.is_member(circle, current_user, "accepted")
    if rhythm_form is None:
        rhythm_form = RhythmForm(formdata=None, data={
            "rhythm_weeks": circle.rhythm_weeks, "duration_minutes": circle.duration_minutes,
            "location": circle.location,
            "first_meeting_at": circle.first_meeting_at.astimezone(user_zone()).replace(tzinfo=None)
            if circle.first_meeting_at else None})
    posts = circle_services.posts(current_user, circle) if accepted else []
    return render_template(
        "pool/circle.html", circle=circle, accepted=accepted, shown=circle_services.members_shown(current_user, circle),
        invited=circle_services.is_member(circle, current_user, "invited"),
        posts=posts, post_html=circle_services.posts_html(current_user, posts),
        meetings=circle_services.next_meetings(circle), answer_form=PauseForm(),
        post_form=post_form or CirclePostForm(formdata=None), rhythm_form=rhythm_form,
        can_set_rhythm=accepted or current_user.has_role("change_manager"),
    ), status


@bp.get("/circles/<int:circle_id>")
@login_required
def circle(circle_id: int):
    return _render_circle(circle_services.get_circle(current_user, circle_id))


@bp.post("/circles/<int:circle_id>/answer")
@login_required
def circle_answer(circle_id: int):
    # The same answer sent again (a double click) goes where the first one went.
    answer = "accepted" if request.form.get("answer") == "accept" else "declined"
    if circle_services.answered(current_user, circle_id) == answer:
        return redirect(url_for("pool.circle", circle_id=circle_id) if answer == "accepted" else url_for("pool.circles"))
    found = circle_services.get_circle(current_user, circle_id)
    if PauseForm().validate_on_submit():
        accept = request.form.get("answer") == "accept"
        circle_services.respond(current_user, found, accept)
        flash(_("Welcome to the circle.") if accept else _("You declined the invitation."), "success")
    if circle_services.is_member(found, current_user, "accepted") or current_user.has_role("change_manager"):
        return redirect(url_for("pool.circle", circle_id=found.id))
    return redirect(url_for("pool.circles"))


@bp.post("/circles/<int:circle_id>/posts")
@login_required
def circle_post(circle_id: int):
    found = circle_services.get_circle(current_user, circle_id)
    circle_services.require_accepted(current_user, found)
    form = CirclePostForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            post = circle_services.add_post(current_user, found, form.body.data or "")
        if attempt.ok:
            return submissions.done(current_user, form, url_for("pool.circle", circle_id=found.id) + f"#post-{post.id}")
    return _render_circle(found, post_form=form, status=422)


@bp.post("/circles/<int:circle_id>/rhythm")
@login_required
def circle_rhythm(circle_id: int):
    found = circle_services.get_circle(current_user, circle_id)
    circle_services.require_rhythm_rights(current_user, found)
    form = RhythmForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            first_local = form.first_meeting_at.data
            assert first_local is not None  # DataRequired
            first = mentoring.aware_from_local(first_local, select_timezone(), field="first_meeting_at")
            circle_services.set_rhythm(current_user, found, rhythm_weeks=form.rhythm_weeks.data,
                                       duration_minutes=form.duration_minutes.data,
                                       first_meeting_at=first, location=form.location.data)
        if attempt.ok:
            flash(_("Meeting rhythm saved."), "success")
            return redirect(url_for("pool.circle", circle_id=found.id))
    return _render_circle(found, rhythm_form=form, status=422)


@bp.get("/circles/<int:circle_id>.ics")
@login_required
def circle_ics(circle_id: int):
    found = circle_services.get_circle(current_user, circle_id)
    return Response(circle_services.circle_ics(current_user, found), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="circle-{found.id}.ics"'})
