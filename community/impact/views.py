"""Survey pages (answer; prepare, open, close, questions), the run report, exports, home card."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community import submissions
from community.audit import services as audit
from community.impact import bp, exports, pictures, queries, services
from community.impact.dimensions import (
    KIND_LABELS,
    LEVEL_LABELS,
    SIDE_LABELS,
    STATUS_LABELS,
    dimension_label,
)
from community.impact.forms import PrepareSurveyForm, SurveyStatusForm, answer_form, questions_form
from community.templating import Card, CardItem, register_home_card
from community.unit_of_work import form_attempt


@bp.app_template_global("impact_dimension")
def impact_dimension(dimension: str) -> str:
    return dimension_label(dimension)


@bp.app_template_global("impact_side")
def impact_side(side: str) -> str:
    return str(SIDE_LABELS.get(side, side))


@bp.app_template_global("impact_kind")
def impact_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global("impact_status")
def impact_status(status: str | None) -> str:
    return str(STATUS_LABELS.get(status, status)) if status else _("not prepared")


@bp.app_template_filter("percent")
def percent(value: float) -> str:
    return format_percent(value)


@bp.app_template_filter("decimal1")
def decimal1(value: float) -> str:
    return format_decimal(value, format="0.0")


def _locale() -> str:
    return str(get_locale() or "en")


# Participants -------------------------------------------------------------------------------

@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@login_required
def answer(survey_id: int):
    view = services.survey_for(current_user, survey_id)
    form = answer_form(view.items, view.topics, view.survey.kind, _locale())
    if request.method == "POST" and form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.submit_answers(
                current_user, survey_id,
                ratings={item.id: form[f"item_{item.id}"].data for item in view.items},
                comments={item.id: form[f"comment_{item.id}"].data for item in view.items},
                shared={item.id: bool(form[f"share_{item.id}"].data) for item in view.items},
                levels={tag.id: form[f"level_{tag.id}"].data for tag in view.topics},
            )
        if attempt.ok:
            flash(_("Thank you! Your answers are stored without your name."), "success")
            return redirect(url_for("main.home"))
        view = services.survey_for(current_user, survey_id)  # answered meanwhile, or closed
    status = 409 if request.method == "POST" and (view.answered or view.survey.status != "open") else 200
    return render_template("impact/answer.html", view=view, form=form, locale=_locale(),
                           levels=LEVEL_LABELS), status


def surveys_card(user) -> Card | None:
    if not user.has_role("mentor", "executive"):
        return None
    waiting = services.open_surveys_for(user)
    if not waiting:
        return None
    items = [CardItem(_("%(kind)s of %(run)s", kind=impact_kind(s.kind), run=s.cohort.name),
                      url_for("impact.answer", survey_id=s.id), _("a few minutes, anonymous"))
             for s in waiting]
    return Card(title=_("Your programme survey"), items=items)


register_home_card(surveys_card)


# Change managers ---------------------------------------------------------------------------

@bp.get("/runs/<int:cohort_id>/surveys")
@login_required
def surveys(cohort_id: int):
    cohort = services.get_run(current_user, cohort_id)
    report = queries.run_report(cohort)
    return render_template("impact/surveys.html", cohort=cohort, report=report, prepare_form=PrepareSurveyForm(),
                           status_form=SurveyStatusForm())


@bp.post("/runs/<int:cohort_id>/surveys")
@login_required
def prepare(cohort_id: int):
    cohort = services.get_run(current_user, cohort_id)
    form = PrepareSurveyForm()
    if form.validate_on_submit():
        if replay := submissions.claim(current_user, form):
            return replay
        with form_attempt(form) as attempt:
            survey = services.create_survey(current_user, cohort, form.kind.data)
        if attempt.ok:
            flash(_("The %(kind)s is prepared. Check its questions, then open it.", kind=impact_kind(survey.kind)), "success")
            return submissions.done(current_user, form, url_for("impact.questions", survey_id=survey.id))
    flash(_("Choose the start or the end survey."), "error")
    return redirect(url_for("impact.surveys", cohort_id=cohort_id))


@bp.post("/surveys/<int:survey_id>/status")
@login_required
def survey_status(survey_id: int):
    survey = services.get_survey(current_user, survey_id)
    form = SurveyStatusForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            if form.action.data == "open":
                services.open_survey(current_user, survey)
            else:
                services.close_survey(current_user, survey)
        if attempt.ok:
            flash(_("The survey is open; participants see it on their home page.") if form.action.data == "open"
                  else _("The survey is closed."), "success")
        else:
            flash(attempt.error.message if attempt.error else _("Nothing changed."), "error")
    else:
        flash(_("Nothing changed."), "error")
    return redirect(url_for("impact.surveys", cohort_id=survey.cohort_id))


@bp.route("/surveys/<int:survey_id>/questions", methods=["GET", "POST"])
@login_required
def questions(survey_id: int):
    survey = services.get_survey(current_user, survey_id)
    form = questions_form(survey, describe=lambda item: f"{impact_side(item.side)} · {impact_dimension(item.dimension)}")
    locked = services.answer_count(survey) > 0
    if request.method == "POST" and form.validate_on_submit():
        texts = {item.id: (form[f"item_{item.id}_en"].data, form[f"item_{item.id}_de"].data) for item in survey.items}
        with form_attempt(form) as attempt:
            services.update_items(current_user, survey, texts)
        if attempt.ok:
            flash(_("Questions saved."), "success")
            return redirect(url_for("impact.surveys", cohort_id=survey.cohort_id))
    return render_template("impact/questions.html", survey=survey, form=form, locked=locked)


# Report and exports ------------------------------------------------------------------------

@bp.get("/runs/<int:cohort_id>/report")
@login_required
def report(cohort_id: int):
    cohort = services.get_run(current_user, cohort_id)
    runs = queries.all_runs()
    reports = queries.run_reports(runs)
    this = reports[cohort.id]
    audit.record("run_report.viewed", actor=current_user, subject_type="cohort", subject_id=cohort.id, at_once=True)
    charts = {
        "executive": pictures.dimension_chart(this, "executive"),
        "mentor": pictures.dimension_chart(this, "mentor"),
        "competence": pictures.competence_chart(this) if this.competence else None,
        "goals": pictures.goals_chart(this) if any(this.goals.values()) else None,
        "sessions": pictures.sessions_chart(this) if this.per_pair.histogram else None,
        "runs": pictures.comparison_chart(list(reports.values())) if len(reports) > 1 else None,
    }
    return render_template("impact/report.html", cohort=cohort, report=this, runs=list(reports.values()), charts=charts)


@bp.get("/runs/<int:cohort_id>/export")
@login_required
def export(cohort_id: int):
    cohort = services.get_run(current_user, cohort_id)
    kind = (request.args.get("format") or "csv").lower()
    if kind not in ("csv", "xlsx"):
        abort(400, description=_("Choose format=csv or format=xlsx."))
    report = queries.run_report(cohort)
    audit.record("run_report.exported", actor=current_user, subject_type="cohort", subject_id=cohort.id,
                 data={"format": kind})
    name = f"run-{cohort.id}-report.{kind}"
    if kind == "csv":
        response = Response(exports.to_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = Response(exports.to_xlsx(report),
                            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
