from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from community.expertise.queries import field_choices
from community.forms import TICK_TO_CONFIRM, FlaskForm, as_choices
from community.submissions import SubmissionMixin

DESCRIPTION_MAX = 2_000


class TagForm(FlaskForm):
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=80)],
                       description=_l("Renaming keeps the old name as a synonym, so searches still find the topic."))
    name_de = StringField(_l("Name (German)"), validators=[Optional(), Length(max=80)])
    field = SelectField(_l("Field"), choices=lambda: as_choices(field_choices()))
    description = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    description_de = TextAreaField(_l("Description (German)"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])


class NewTagForm(SubmissionMixin, TagForm):
    slug = StringField(_l("Address (slug)"), validators=[Optional(), Length(max=60)],
                       description=_l("Lower-case letters, digits and hyphens; made from the name when empty."))
    synonyms = StringField(_l("Synonyms"), validators=[Optional(), Length(max=500)],
                           description=_l("Other words for the topic, separated by commas."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A new topic has no old name to keep: the edit form's hint about renaming does not fit
        # (set here, not by declaring the field again, which would move it down the form).
        self.name.description = _l("The name people see and search for; no other topic may use it already.")


class SynonymForm(FlaskForm):
    term = StringField(_l("New synonym"), validators=[DataRequired(), Length(max=80)])


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), validate_choice=True)
    confirm = BooleanField(_l("Move every use to the chosen topic and delete this one"), validators=[DataRequired(message=TICK_TO_CONFIRM)])
