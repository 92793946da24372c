from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from community.forms import DATETIME_FORMATS, FlaskForm, as_choices
from community.submissions import SubmissionMixin


class HandoverForm(SubmissionMixin, FlaskForm):
    mentor_id = RadioField(_l("Substitute mentors"), coerce=int, validate_choice=False, validators=[Optional()])
    other_mentor = StringField(_l("Or another mentor"), validators=[Optional(), Length(max=254)],
                               description=_l("Their @handle, shown on their profile."),
                               # static/js/suggest.js: a picker of mentors by name or @handle that
                               # says who has no free place or paused (they would be refused).
                               render_kw={"data-suggest": "people", "data-suggest-role": "mentor",
                                          "data-suggest-places": "1", "autocomplete": "off"})
    note = TextAreaField(_l("Note to the new mentor (optional)"), validators=[Length(max=2000)])


class PauseForm(FlaskForm):
    pass


class CircleForm(SubmissionMixin, FlaskForm):
    """Create a circle from a proposal: the name, the members and topics come from it."""

    name = StringField(_l("Name of the circle"), validators=[DataRequired(), Length(max=120)])
    member_ids = StringField(_l("Members"), validators=[DataRequired()], widget=HiddenInput())
    topic_slugs = StringField(_l("Topics"), widget=HiddenInput())


class RhythmForm(FlaskForm):
    rhythm_weeks = SelectField(_l("Meets every"), coerce=int, default=4,
                               # "Meets every" + the choice: German needs its own words for the pair.
                               choices=as_choices([
                                   (1, lazy_pgettext("a circle meets every …", "week")),
                                   (2, lazy_pgettext("a circle meets every …", "2 weeks")),
                                   (3, lazy_pgettext("a circle meets every …", "3 weeks")),
                                   (4, lazy_pgettext("a circle meets every …", "4 weeks")),
                                   (6, lazy_pgettext("a circle meets every …", "6 weeks")),
                                   (8, lazy_pgettext("a circle meets every …", "8 weeks"))]))
    first_meeting_at = DateTimeLocalField(_l("First meeting"), format=DATETIME_FORMATS,
                                          validators=[InputRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[InputRequired()])
    location = StringField(_l("Place or video link"), validators=[Optional(), Length(max=300)])


class CirclePostForm(SubmissionMixin, FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=10_000)],
                         description=_l("Markdown. Only the circle's members read it."),
                         # static/js/suggest.js completes "@han" to a @handle, as in the community's post box.
                         render_kw={"data-suggest": "people", "data-suggest-mode": "mention"})
