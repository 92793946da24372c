from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import Length, Optional


class HandoverForm(FlaskForm):
    mentor_id = RadioField(_l("New mentor"), coerce=int, validate_choice=False, validators=[Optional()])
    other_mentor_id = IntegerField(_l("Or another mentor's number"), validators=[Optional()],
                                   description=_l("The number at the end of the mentor's profile address (/people/…)."))
    note = TextAreaField(_l("Note to the new mentor (optional)"), validators=[Length(max=2000)])


class PauseForm(FlaskForm):
    pass
