from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.expertise.models import Tag
from community.expertise.queries import field_label
from community.forms import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    FlaskForm,
    GroupedCheckboxField,
    SelectChoice,
    as_choices,
)
from community.mentoring.models import COHORT_STATUSES
from community.submissions import SubmissionMixin


def offer_topics(field: GroupedCheckboxField, groups: Sequence[tuple[str, Sequence[Tag]]], lead: Sequence[Tag] = (),
                 lead_label: str | None = None) -> None:
    """A topic field's choices: the `lead` topics (a mentorship's goals) first under
    `lead_label`, then every other topic grouped by its field as the taxonomy groups them
    (`expertise.queries.tags_grouped`: alphabetical in the reader's language)."""
    lead_slugs = {tag.slug for tag in lead}
    choices = [SelectChoice(tag.slug, tag.display_name, optgroup=lead_label) for tag in lead]
    for name, tags in groups:
        choices += [SelectChoice(tag.slug, tag.display_name, optgroup=field_label(name))
                    for tag in tags if tag.slug not in lead_slugs]
    field.choices = choices
    field.lead_label = lead_label if lead else None
    field.more_label = _("Other topics") if lead else None


def cohort_status_choices() -> list:
    labels = {"planned": _l("planned"), "running": _l("running"), "closed": _l("closed")}
    return as_choices((status, labels[status]) for status in COHORT_STATUSES)


# A browser's date picker sends nothing while its date or time is incomplete ("This field is
# required." under a field that showed a date).
START_MISSING = _l("Give the date and the time, both complete.")


class RequestForm(SubmissionMixin, FlaskForm):
    # Not limited to the choices listed: a mentor who filled up, paused or declined since the
    # form was loaded is refused by the service, which says why (not "Not a valid choice").
    executive_id = SelectField(_l("Executive"), coerce=int, validators=[InputRequired()], validate_choice=False)
    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[InputRequired()], validate_choice=False,
                            description=_l("Only mentors with a free place are listed."))
    cohort_id = SelectField(_l("Programme run"), coerce=int, validators=[Optional()])
    goals = GroupedCheckboxField(_l("Learning goals"), description=_l("Topics you want to learn about."))
    goal_text = TextAreaField(_l("What would you like to learn?"), validators=[Length(max=5000)])


class SuggestionGoalsForm(FlaskForm):
    """The learning goals the mentor suggestions weigh, sent with GET (a link can be shared)."""

    class Meta:
        csrf = False

    goal = GroupedCheckboxField(_l("Learning goals"), description=_l("The suggestions weigh the topics ticked here."))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class OptionalReasonForm(FlaskForm):
    reason = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])


class CompleteForm(OptionalReasonForm):
    """Completing cancels the planned sessions: sent only from the page that lists them, whose
    button says so (`confirm`); a request without it changes nothing."""

    CONFIRMED = "yes"
    confirm = HiddenField()


class SessionForm(SubmissionMixin, FlaskForm):
    starts_at = DateTimeLocalField(_l("Starts at"), format=DATETIME_FORMATS, validators=[InputRequired(START_MISSING)])
    clock_change = RadioField(_l("Which one? The clocks go back at this time"), choices=[], validators=[Optional()],
                              validate_choice=False)
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=60, validators=[InputRequired()],
                                    description=_l("Between 15 and 480 minutes."))
    location = StringField(_l("Place or video link"), validators=[Length(max=300)],
                           description=_l("A room, or a link starting with https:// or http://"))
    agenda_tags = GroupedCheckboxField(_l("Agenda topics"))
    agenda = TextAreaField(_l("Agenda"), validators=[Length(max=5000)],
                           description=_l("Markdown: **bold**, *italic*, [link](https://…), lists."))


class RescheduleForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("New start"), format=DATETIME_FORMATS, validators=[InputRequired(START_MISSING)])
    clock_change = RadioField(_l("Which one? The clocks go back at this time"), choices=[], validators=[Optional()],
                              validate_choice=False)
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[InputRequired()],
                                    description=_l("Between 15 and 480 minutes."))
    reason = TextAreaField(_l("Why the change?"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("The other person reads it in their notification and in the session's history."))
    version = HiddenField()


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Why is it cancelled?"), validators=[DataRequired(), Length(max=2000)])
    version = HiddenField()


class VersionForm(FlaskForm):
    version = HiddenField()


class NotesForm(FlaskForm):
    # The page's "Private notes" heading names the field and says who reads the notes.
    notes = TextAreaField(_l("Private notes"), validators=[Length(max=20000)], render_kw={"aria-describedby": "notes-who notes-format"})
    tried = TextAreaField(_l("What I tried since"), validators=[Length(max=20000)],
                          description=_l("Tools and ideas you tried out after the session."))
    notes_version = HiddenField()  # the fingerprint of the notes the editor started from


class FeedbackForm(SubmissionMixin, FlaskForm):
    rating = RadioField(_l("Rating"), coerce=int, validators=[InputRequired()],
                        choices=as_choices([(n, str(n)) for n in range(1, 6)]),
                        description=_l("1 = not useful, 5 = very useful"))
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=5000)])
    shared_with_programme = BooleanField(_l("Share my comment with the programme team"))


class CohortForm(SubmissionMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    starts_on = DateField(_l("Starts on"), format=DATE_FORMATS, validators=[InputRequired()])
    ends_on = DateField(_l("Ends on"), format=DATE_FORMATS, validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=cohort_status_choices, validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
