from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from community.forms import as_choices
from community.profiles.questions import ANSWER_MAX, QUESTION_MAX
from community.profiles.services import (
    AVAILABILITY_MAX,
    BIO_MAX,
    CAPACITY_MAX,
    LINK_MAX,
    PLACE_MAX,
)
from community.submissions import SubmissionMixin

BLANK_TAG_ROWS = 3


def level_choices():
    return [("interested", _l("interested")), ("practitioner", _l("practitioner")), ("expert", _l("expert"))]


@cache
def _zones() -> tuple[str, ...]:
    zones = {z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    return (*sorted(zones), "UTC")


def timezone_choices():
    return as_choices((z, z.replace("_", " ")) for z in _zones())


class TagRowForm(Form):
    """One topic with its level; an empty topic is ignored, "remove" drops it."""

    tag = SelectField(_l("Topic"), validate_choice=True)
    level = SelectField(_l("Level"), choices=lambda: as_choices([*level_choices(), ("remove", _l("remove"))]))


class ProfileForm(FlaskForm):
    bio = TextAreaField(_l("About me"), validators=[Optional(), Length(max=BIO_MAX)],
                        description=_l("Markdown: *emphasis*, lists, links. At most 5,000 characters."))
    department = StringField(_l("Department"), validators=[Optional(), Length(max=PLACE_MAX)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=PLACE_MAX)])
    languages = StringField(_l("Languages"), validators=[Optional(), Length(max=100)],
                            description=_l("ISO codes separated by commas, e.g. de, en, fr."))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices)
    capacity = IntegerField(_l("Mentoring capacity"), validators=[InputRequired(), NumberRange(min=0, max=CAPACITY_MAX)],
                            description=_l("How many executives you mentor at the same time (0 to 10)."))
    availability = StringField(_l("Availability"), validators=[Optional(), Length(max=AVAILABILITY_MAX)],
                               description=_l("When colleagues can reach you, e.g. “Tuesdays after 3 pm”."))
    link = StringField(_l("Link"), validators=[Optional(), Length(max=LINK_MAX)],
                       description=_l("A web page about you (http:// or https://)."))
    directory_visible = BooleanField(_l("List me in the people directory and as a topic contact"))
    tags = FieldList(FormField(TagRowForm), label=_l("My topics"))


class SettingsForm(FlaskForm):
    directory_visible = BooleanField(_l("List me in the people directory, as a topic contact and as a peer"),
                                     description=_l("When off, only you, change managers and administrators see your profile."))
    analysis_opt_out = BooleanField(_l("Leave me out of the network analysis"),
                                    description=_l("Your mentoring still counts for the programme, but you are not named in network reports."))
    locale = SelectField(_l("Language"), choices=lambda: as_choices([("en", "English"), ("de", "Deutsch")]))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices)


class AskForm(SubmissionMixin, FlaskForm):
    person_id = HiddenField(validators=[DataRequired()])
    message = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=QUESTION_MAX)],
                            description=_l("A short message; the person gets a notification with a link to the question "
                                           "and can answer it there."))


class AnswerForm(SubmissionMixin, FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=ANSWER_MAX)])


class ResolveForm(FlaskForm):
    helpful = HiddenField(validators=[DataRequired()])
