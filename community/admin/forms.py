from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from community.accounts.models import ROLES
from community.forms import DATE_FORMATS, FlaskForm, MultiCheckboxField, as_choices


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
    roles = MultiCheckboxField(_l("Roles"), choices=lambda: as_choices(role_choices()),
                               validators=[DataRequired(message=_l("Choose at least one role."))])
    password = PasswordField(
        _l("First password"), validators=[DataRequired(), Length(max=200)],
        description=_l("Tell the person; they can change it under Settings."),
    )


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=lambda: as_choices(role_choices()),
                               validators=[DataRequired(message=_l("Keep at least one role."))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file.")), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))],
        description=_l("Columns: name and email (both required); department, location, roles, tags, languages and "
                       "timezone if you have them. UTF-8; comma, semicolon or tab separated."),
    )


class DayField(DateField):
    """A day as a date input sends it (2026-03-31); anything else, or a year no audit event can
    have, is refused in words the reader can act on."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        day = None
        for pattern in DATE_FORMATS:  # as a date input sends it, or typed as German readers write it
            try:
                day = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        if day is None or not date(1900, 1, 1) <= day <= date(2999, 12, 31):
            self.data = None
            raise ValueError(gettext("Enter a date such as %(example)s.", example="2026-03-31"))
        self.data = day

    def _value(self) -> str:
        if self.raw_data and self.process_errors:
            return " ".join(self.raw_data)  # what was typed stays to be corrected (it was emptied)
        return self.data.isoformat() if isinstance(self.data, date) else ""


class AuditFilterForm(FlaskForm):
    """The audit trail's filters. Sent with GET, so a filtered trail is a link the page links
    keep; the action is the page's own grouped list (`action_choices`)."""

    class Meta:
        csrf = False

    person = StringField(_l("Person"), validators=[Optional(), Length(max=254, message=_l("Type at most %(max)d characters."))],
                         description=_l("Name or e-mail: what they did, and what was done to their account."))
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("Until"), validators=[Optional()], description=_l("Both days included."))
