from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from community.forms import FlaskForm, as_choices
from community.submissions import SubmissionMixin


class NominationForm(SubmissionMixin, FlaskForm):
    nominee = StringField(_l("Mentor to nominate"), validators=[DataRequired(), Length(max=254)],
                          description=_l("Their @handle, shown on their profile (the “Nominate” button there fills this in)."),
                          # static/js/suggest.js: a picker of mentors by name or @handle that says who
                          # is an ambassador already or has a nomination open (they would be refused).
                          render_kw={"data-suggest": "people", "data-suggest-role": "mentor",
                                     "data-suggest-nominees": "1", "autocomplete": "off"})
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


class TenthsField(DecimalField):
    """A finite decimal with at most one decimal place (`places=1`): what the form shows is what is stored
    ("4.55" was stored and shown as "4.5", so saving the form unchanged changed the threshold;
    "sNaN" failed in the range check)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str) and valuelist[0].count(",") == 1 and "." not in valuelist[0]:
            valuelist = [valuelist[0].replace(",", "."), *valuelist[1:]]  # "4,5" as German readers write it
        super().process_formdata(valuelist)
        if not valuelist or not isinstance(self.data, Decimal):
            return  # nothing sent: the stored value stays as it was given (a float)
        try:
            exact = self.data.is_finite() and self.data == self.data.quantize(Decimal("0.1"))
        except InvalidOperation:  # too many digits to have a tenths place
            exact = False
        if not exact:
            finite = self.data.is_finite()
            self.data = None
            raise ValueError(_("Use at most one decimal place.") if finite else self.gettext("Not a valid decimal value."))

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()  # its own message says it; the range cannot be checked


class CriteriaForm(FlaskForm):
    min_sessions = IntegerField(_l("Sessions held, at least"), validators=[InputRequired(), NumberRange(min=0, max=1000)])
    min_mentees = IntegerField(_l("Mentees, at least"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    min_feedback_avg = TenthsField(_l("Feedback average, at least (1–5)"), places=1, validators=[InputRequired(), NumberRange(min=1, max=5)])
    min_community_score = TenthsField(_l("Community activity score, at least"), places=1, validators=[InputRequired(), NumberRange(min=0, max=10000)])
    min_topics = IntegerField(_l("Topics, at least"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    min_reach = IntegerField(_l("Departments reached in the network, at least"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    activity_days = IntegerField(_l("Community activity counts for (days)"), validators=[InputRequired(), NumberRange(min=7, max=1095)])
