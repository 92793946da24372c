"""Question pages: "My questions" (asked and received) and one question with its thread."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from community import submissions
from community.errors import ValidationFailed
from community.pagination import clamp
from community.profiles import questions
from community.profiles.forms import AnswerForm, ResolveForm
from community.profiles.models import QUESTION_STATUSES
from community.questions import bp
from community.templating import Card, CardItem, register_home_card
from community.unit_of_work import form_attempt


@bp.before_request
@login_required
def require_login():
    """Questions are for signed-in members (and only their two people)."""


@bp.get("/questions")
def index():
    box = request.args.get("box", "asked")
    if box not in questions.BOXES:
        box = "asked"
    status = request.args.get("status")
    if status not in QUESTION_STATUSES:
        status = None
    page, per_page = clamp(request.args.get("page"), request.args.get("per_page"), 20)
    result = questions.questions_for(current_user, box, status=status, page=page, per_page=per_page)
    return render_template("questions/index.html", box=box, status=status, page=result,
                           waiting=questions.box_counts(current_user))


def _render(question, answer_form=None, resolve_form=None, status_code=200):
    return render_template(
        "questions/show.html", question=question,
        answer_form=answer_form or AnswerForm(formdata=None), resolve_form=resolve_form or ResolveForm(formdata=None),
        is_asker=question.asker_id == current_user.id,
    ), status_code


@bp.get("/questions/<int:question_id>")
def show(question_id: int):
    question = questions.get_question(current_user, question_id)  # 404 for anyone but its two people
    questions.mark_question_read(current_user, question)  # stored by the request's one commit
    return _render(question)


@bp.post("/questions/<int:question_id>/answers")
def answer(question_id: int):
    question = questions.get_question(current_user, question_id)
    form = AnswerForm()
    if form.validate_on_submit():
        replay = submissions.claim(current_user, form)
        if replay:
            return replay
        with form_attempt(form) as attempt:
            reply = questions.answer(current_user, question, form.body.data)
        if attempt.ok:
            flash(_("Your answer was sent.") if question.contact_id == current_user.id else _("Your message was sent."),
                  "success")
            return submissions.done(current_user, form,
                                    url_for("questions.show", question_id=question.id, _anchor=f"answer-{reply.id}"))
        question = questions.get_question(current_user, question_id)
    return _render(question, answer_form=form, status_code=422)


@bp.post("/questions/<int:question_id>/resolve")
def resolve(question_id: int):
    question = questions.get_question(current_user, question_id)
    form = ResolveForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            verdicts = {"yes": True, "no": False, "close": None}
            if form.helpful.data not in verdicts:
                raise ValidationFailed(_("Choose helpful or not helpful."), {"helpful": [_("Choose helpful or not helpful.")]})
            questions.resolve(current_user, question, verdicts[form.helpful.data])
        if attempt.ok:
            if verdicts[form.helpful.data] is None:  # closed without a verdict: nothing was resolved
                flash(_("The question is closed."), "success")
            else:
                flash(_("Thank you: the question is resolved."), "success")
            return redirect(url_for("questions.show", question_id=question.id))
        question = questions.get_question(current_user, question_id)
    return _render(question, resolve_form=form, status_code=422)


def questions_card(user):
    """The questions waiting for this person, on the home page (only when there are any)."""
    if not getattr(user, "is_authenticated", False):
        return None
    waiting = questions.box_counts(user)
    if not (waiting["received"] or waiting["asked"]):
        return None
    items = []
    if waiting["received"]:
        items.append(CardItem(ngettext("%(num)d question waits for your answer", "%(num)d questions wait for your answer",
                                       waiting["received"]), url_for("questions.index", box="received")))
    if waiting["asked"]:
        items.append(CardItem(ngettext("%(num)d of your questions was answered: did it help?",
                                       "%(num)d of your questions were answered: did they help?", waiting["asked"]),
                              url_for("questions.index", box="asked")))
    return Card(title=_("Questions"), items=items, more_url=url_for("questions.index"), more_label=_("My questions"))


register_home_card(questions_card)
