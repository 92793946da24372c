"""Pages: topic demand (/network/demand, CSV), handover with substitutes, pausing mentoring."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.errors import ValidationFailed
from community.mentoring import services as mentoring
from community.pool import bp, fading, services
from community.pool.forms import HandoverForm, PauseForm
from community.unit_of_work import form_attempt


@bp.get("/network/demand")
@login_required
def demand():
    view = services.demand_report(current_user, request.args.get("months", type=int))
    return render_template("pool/demand.html", view=view, heat=services.heat,
                           months_choices=(3, 6, 12, 24))


@bp.get("/network/demand.csv")
@login_required
def demand_csv():
    months = services.clamp_months(request.args.get("months", type=int))
    body = services.demand_csv(current_user, months)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="topic-demand-{months}m.csv"'})


def _render_handover(mentorship, form, status=200):
    substitutes = services.substitutes_for(current_user, mentorship) if mentoring.handover_open(mentorship) else []
    form.mentor_id.choices = [(s.person.id, s.person.name) for s in substitutes]
    return render_template("pool/handover.html", mentorship=mentorship, form=form, substitutes=substitutes,
                           reason=services.handover_reason_label(mentorship),
                           open=mentoring.handover_open(mentorship)), status


@bp.route("/mentoring/mentorships/<int:mentorship_id>/handover", methods=["GET", "POST"])
@login_required
def handover(mentorship_id: int):
    mentorship = mentoring.get_mentorship(current_user, mentorship_id)
    mentoring.require_handover_rights(current_user, mentorship)
    form = HandoverForm()
    if request.method == "POST" and mentoring.handover_open(mentorship):
        form.mentor_id.choices = []
        if form.validate_on_submit():
            chosen = form.other_mentor_id.data or form.mentor_id.data
            with form_attempt(form) as attempt:
                if not chosen:
                    message = _("Choose the new mentor.")
                    raise ValidationFailed(message, {"mentor_id": [message]})
                successor = mentoring.hand_over(current_user, mentorship, mentor_id=chosen, note=form.note.data)
            if attempt.ok:
                flash(_("The mentorship continues with %(name)s; all three of you have been told.",
                        name=successor.mentor.name), "success")
                return redirect(url_for("mentoring.mentorship_detail", mentorship_id=successor.id))
        return _render_handover(mentorship, form, 422)
    if request.method == "POST":
        flash(_("This mentorship cannot be handed over (it is not active, or was handed over already)."), "error")
        return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id))
    return _render_handover(mentorship, form)


@bp.post("/settings/mentoring-pause")
@login_required
def pause():
    if not current_user.has_role("mentor"):
        abort(403)
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


@bp.app_template_global("pool_fading")
def pool_fading(snapshot, pseudonymised: bool) -> list:
    """The fading mentors of a snapshot for the network dashboard (analysts only reach it)."""
    return fading.fading_list(snapshot, pseudonymised)
