"""Forms of the surveys: prepare, open/close, questions in both languages, the answer form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from community.forms import FlaskForm, as_choices
from community.impact.dimensions import LEVEL_LABELS
from community.impact.models import SURVEY_KINDS
from community.submissions import SubmissionMixin

RATING_CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]


class PrepareSurveyForm(SubmissionMixin, FlaskForm):
    kind = SelectField(_l("Survey"), choices=[], validators=[DataRequired(), AnyOf(SURVEY_KINDS)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = as_choices([("start", _l("Start survey")), ("end", _l("End survey"))])


class SurveyStatusForm(FlaskForm):
    action = HiddenField(validators=[DataRequired(), AnyOf(("open", "close"))])


class GoalProgressForm(FlaskForm):
    goal = HiddenField(validators=[DataRequired(), Length(max=80)])
    progress = SelectField(_l("Progress"), choices=[], validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.progress.choices = progress_choices()


def progress_choices() -> list:
    return as_choices([("planned", _l("planned")), ("in_progress", _l("in progress")), ("reached", _l("reached"))])


def questions_form(survey, formdata=None, describe=None) -> FlaskForm:
    """One English and one German text field per question of the survey. `describe(item)`
    names the question ("Executives · Flexibility"), so that the error summary says which one's
    English or German text is missing (the fields themselves sit under the question's heading)."""

    class QuestionsForm(FlaskForm):
        pass

    for item in survey.items:
        setattr(QuestionsForm, f"item_{item.id}_en",
                StringField(_l("English"), default=item.text_en, validators=[DataRequired(), Length(max=300)]))
        setattr(QuestionsForm, f"item_{item.id}_de",
                StringField(_l("German"), default=item.text_de, validators=[DataRequired(), Length(max=300)]))
    form = QuestionsForm(formdata=formdata) if formdata is not None else QuestionsForm()
    if describe is not None:
        for item in survey.items:
            for suffix, language in (("en", _l("English")), ("de", _l("German"))):
                form[f"item_{item.id}_{suffix}"].summary_label = f"{describe(item)} ({language})"
    return form


def _whole_or_none(value) -> int | None:
    """A chosen option as a whole number; anything else is no choice, which the service
    refuses with the scale's own message ("Choose a value from 1 to 5.")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def answer_form(items, topics, kind: str, locale: str) -> FlaskForm:
    """A 1–5 rating with an optional comment and a "may share" consent per question, and a
    0–4 level per goal topic. Each rating is labelled with its question and each level with
    its topic, so that the error summary says which one is missing."""

    class AnswerForm(FlaskForm):
        pass

    for item in items:
        setattr(AnswerForm, f"item_{item.id}", RadioField(item.text_for(locale), choices=as_choices(RATING_CHOICES), coerce=_whole_or_none, validate_choice=False))
        setattr(AnswerForm, f"comment_{item.id}",
                TextAreaField(_l("Comment (optional)"), validators=[Length(max=2000)]))
        setattr(AnswerForm, f"share_{item.id}",
                BooleanField(_l("The programme team may show my comment, without my name, in the run's report")))
    for tag in topics:
        label = (_l("Your level in %(topic)s before the mentorship", topic=tag.display_name) if kind == "start"
                 else _l("Your level in %(topic)s now", topic=tag.display_name))
        setattr(AnswerForm, f"level_{tag.id}",
                RadioField(label, choices=as_choices(LEVEL_LABELS.items()), coerce=_whole_or_none, validate_choice=False))
    return AnswerForm()
