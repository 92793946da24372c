from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from community.accounts.models import ROLES
from community.forms import MultiCheckboxField, as_choices


def role_choices():
    labels = {
        "mentor": _l("Mentor"),
        "executive": _l("Executive"),
        "staff": _l("Staff"),
        "change_manager": _l("Change manager"),
        "admin": _l("Administrator"),
    }
    return [(role, labels[role]) for role in ROLES]


class CreateUserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"), choices=lambda: as_choices(role_choices()), validators=[DataRequired()])
    password = PasswordField(
        _l("First password"), validators=[DataRequired(), Length(max=200)],
        description=_l("Tell the person; they can change it under Settings."),
    )


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=lambda: as_choices(role_choices()), validators=[DataRequired()])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file.")), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
        description=_l("Columns: name, email (required), department, location, roles, tags, languages, timezone. "
                       "UTF-8; comma, semicolon or tab separated."),
    )
