from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from community.accounts.passwords import password_problems
from community.forms import TICK_TO_CONFIRM, FlaskForm, as_choices
from community.submissions import SubmissionMixin


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class RegisterForm(FlaskForm):
    email = EmailField(_l("Company e-mail"), validators=[DataRequired(), Length(max=254)],
                       description=_l("We send you a link to finish your registration."))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])  # the page's lead says the rest


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )


class CompleteRegistrationForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:  # noqa: ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.email = email

    def validate_password(self, field):
        problems = password_problems(field.data or "", email=self.email, name=self.name.data or "")
        if problems:
            raise ValidationError(" ".join(problems))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    revoke_tokens = BooleanField(
        _l("Also revoke all my API tokens"), default=True,
        description=_l("Tools that use one of your tokens stop working until you give them a new one."),
    )


class TokenForm(SubmissionMixin, FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("What the token is for, e.g. “HR sync”."))


class LocaleForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=as_choices([("en", "English"), ("de", "Deutsch")]))
    next = HiddenField()


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that post."""


class ConfirmForm(FlaskForm):
    confirm = BooleanField(_l("I understand"), validators=[DataRequired(message=TICK_TO_CONFIRM)])
