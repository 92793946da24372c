from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from community.forms import as_choices
from community.submissions import SubmissionMixin


class NominationForm(SubmissionMixin, FlaskForm):
    nominee = StringField(_l("Mentor to nominate"), validators=[DataRequired(), Length(max=254)],
                          description=_l("Their @handle, shown on their profile (the “Nominate” button there fills this in)."),
                          # static/js/suggest.js: a picker of mentors by name or @handle.
                          render_kw={"data-suggest": "people", "data-suggest-role": "mentor", "autocomplete": "off"})
    reason = TextAreaField(_l("Why this mentor?"), validators=[DataRequired(), Length(min=10, max=2000)],
                           description=_l("What they did for mentees, the community or change in the company."))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=lambda: as_choices([("promote", _l("Promote to ambassador")), ("decline", _l("Decline"))]),
                          validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(min=3, max=2000)],
                         description=_l("Recorded in the audit trail and shown to the nominee and the nominator."))


class StepDownForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class EndForm(FlaskForm):
    note = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=3, max=2000)])


class CriteriaForm(FlaskForm):
    min_sessions = IntegerField(_l("Sessions held, at least"), validators=[InputRequired(), NumberRange(min=0, max=1000)])
    min_mentees = IntegerField(_l("Mentees, at least"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    min_feedback_avg = DecimalField(_l("Feedback average, at least (1–5)"), places=1, validators=[InputRequired(), NumberRange(min=0, max=5)])
    min_community_score = DecimalField(_l("Community activity score, at least"), places=1, validators=[InputRequired(), NumberRange(min=0, max=10000)])
    min_topics = IntegerField(_l("Topics, at least"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    min_reach = IntegerField(_l("Departments reached in the network, at least"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    activity_days = IntegerField(_l("Community activity counts for (days)"), validators=[InputRequired(), NumberRange(min=7, max=1095)])
