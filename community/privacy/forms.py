from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from community.forms import TICK_TO_CONFIRM, FlaskForm


class EraseMyAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
    confirm = BooleanField(_l("I understand that my account is deleted for good."), validators=[DataRequired(message=TICK_TO_CONFIRM)])


class AdminEraseForm(FlaskForm):
    confirm = BooleanField(_l("Erase this person's account and personal data for good."), validators=[DataRequired(message=TICK_TO_CONFIRM)])


class EraseMyPasswordlessAccountForm(FlaskForm):
    """For people who sign in with their company account and so have no password here."""

    email = EmailField(_l("Your e-mail address"), validators=[DataRequired(), Length(max=254)],
                       description=_l("You sign in with your company account; type your e-mail address to confirm."))
    confirm = BooleanField(_l("I understand that my account is deleted for good."), validators=[DataRequired(message=TICK_TO_CONFIRM)])
