import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
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

from community.forms import FlaskForm, MultiCheckboxField, SelectChoice, as_choices
from community.i18n import zone_places, zones
from community.profiles.questions import ANSWER_MAX, QUESTION_MAX
from community.profiles.services import (
    AVAILABILITY_MAX,
    BIO_MAX,
    CAPACITY_MAX,
    LINK_MAX,
    PLACE_MAX,
    TOPICS_MAX,
)
from community.submissions import SubmissionMixin


def level_choices():
    return [("interested", _l("interested")), ("practitioner", _l("practitioner")), ("expert", _l("expert"))]


def _sort_key(text: str) -> str:
    """Alphabetical whatever the accents ("Zürich" between "Zagreb" and "Zurich", not after "Z")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


TIMEZONE_REGIONS = {
    "Africa": _l("Africa"), "America": _l("Americas"), "Antarctica": _l("Antarctica"), "Arctic": _l("Arctic"),
    "Asia": _l("Asia"), "Atlantic": _l("Atlantic Ocean"), "Australia": _l("Australia"), "Europe": _l("Europe"),
    "Indian": _l("Indian Ocean"), "Pacific": _l("Pacific Ocean"),
}
# Languages offered on the profile form (a person's own other codes are added), shown by name.
COMMON_LANGUAGES = ("ar", "cs", "da", "de", "el", "en", "es", "fi", "fr", "hi", "hu", "it", "ja", "ko", "nl", "no",
                    "pl", "pt", "ro", "ru", "sv", "tr", "uk", "zh")


def timezone_choices():
    """Time zones grouped by region (optgroups), each by its place in the reader's language:
    "Europe" › "Wien" on a German page, "Vienna" on an English one."""
    from flask_babel import get_locale

    places = zone_places(str(get_locale() or "en"))
    choices = []
    for zone in zones():
        region, _sep, place = zone.partition("/")
        if not place:
            choices.append(SelectChoice(zone, zone, optgroup=str(_l("Other"))))
            continue
        label = TIMEZONE_REGIONS.get(region)
        choices.append(SelectChoice(zone, places[zone], optgroup=str(label if label is not None else region)))
    order = {str(label): i for i, label in enumerate(TIMEZONE_REGIONS.values())}
    return sorted(choices, key=lambda c: (order.get(str(c.optgroup), len(order)), _sort_key(c.label)))


def language_choices(extra=()):
    """Languages by name in the reader's language, the codes as values."""
    from flask_babel import get_locale

    locale = get_locale()
    names = locale.languages if locale is not None else {}
    codes = dict.fromkeys([*COMMON_LANGUAGES, *(c for c in extra if c)])
    labelled = [(code, (names.get(code) or code)) for code in codes]
    return as_choices(sorted(((code, name[:1].upper() + name[1:]) for code, name in labelled), key=lambda p: _sort_key(p[1])))  # "Dänisch" before "Deutsch"


def topic_names(choices: Any) -> dict[str, str]:
    """Topic slug -> name, from the topic select's options (the blank one left out)."""
    return {choice.value: str(choice.label) for choice in choices or () if choice.value}


class TagRowForm(Form):
    """One of the person's topics with its level (a "Remove" button beside it drops the row)."""

    tag = SelectField(_l("Topic"), validate_choice=True)
    level = SelectField(_l("Level"), choices=lambda: as_choices(level_choices()))


class ProfileForm(FlaskForm):
    bio = TextAreaField(_l("About me"), validators=[Optional(), Length(max=BIO_MAX)],
                        description=_l("Markdown: *emphasis*, lists, links. At most 5,000 characters."))
    department = StringField(_l("Department"), validators=[Optional(), Length(max=PLACE_MAX)])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=PLACE_MAX)])
    languages = MultiCheckboxField(_l("Languages"), choices=language_choices, validate_choice=False,
                                   description=_l("The languages you can talk about your topics in."))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices, render_kw={"data-filter-select": _l("Find a time zone")})
    capacity = IntegerField(_l("Mentoring capacity"), validators=[InputRequired(), NumberRange(min=0, max=CAPACITY_MAX)],
                            description=_l("How many executives you mentor at the same time (0 to 10)."))
    availability = StringField(_l("Availability"), validators=[Optional(), Length(max=AVAILABILITY_MAX)],
                               description=_l("When colleagues can reach you, e.g. “Tuesdays after 3 pm”."))
    link = StringField(_l("Link"), validators=[Optional(), Length(max=LINK_MAX)],
                       description=_l("A web page about you (http:// or https://)."))
    directory_visible = BooleanField(_l("List me in the people directory and as a topic contact"))
    tags = FieldList(FormField(TagRowForm), label=_l("My topics"))
    # The "Add a topic" row: added with its "Add" button, or with "Save profile" when chosen.
    new_tag = SelectField(_l("Add a topic"), validate_choice=False)
    new_level = SelectField(_l("Level of the new topic"), choices=lambda: as_choices(level_choices()), default="interested")

    def validate(self, extra_validators=None) -> bool:
        """A topic chosen in two rows is refused on the later row: one row would silently win
        over the other (an expert level replaced by "interested")."""
        valid = super().validate(extra_validators)
        seen: set[str] = set()
        for row in self.tags:
            topic = row.form.tag.data
            if not topic:
                continue
            if topic in seen:
                row.form.tag.errors = [*row.form.tag.errors, _("This topic is in another row already; change its level there.")]
                valid = False
            seen.add(topic)
        if self.new_tag.data and not self.check_new_topic():
            valid = False
        return valid

    def chosen_topics(self) -> set[str]:
        return {row.form.tag.data for row in self.tags if row.form.tag.data}

    @property
    def topics_full(self) -> bool:
        """The person's rows hold as many topics as a profile may: the Add row says so instead."""
        return len(self.chosen_topics()) >= TOPICS_MAX

    @staticmethod
    def topics_full_message() -> str:
        return ngettext("A profile has at most %(num)d topic. Remove one to add another.",
                        "A profile has at most %(num)d topics. Remove one to add another.", TOPICS_MAX)

    def check_new_topic(self, *, required: bool = False) -> bool:
        """The topic in the "Add a topic" row: one from the list, not one of the person's already,
        with room for it (TOPICS_MAX).
        Puts the reason on the field and answers False when it cannot be added."""
        slug = (self.new_tag.data or "").strip()
        names = topic_names(self.new_tag.choices)
        if not slug:
            if required:
                self.new_tag.errors = [_("Choose a topic to add.")]
            return not required
        if self.topics_full:
            self.new_tag.errors = [self.topics_full_message()]
            return False
        if slug not in names:
            self.new_tag.errors = [_("There is no topic “%(topic)s”. Choose one from the list.", topic=slug[:80])]
            return False
        if slug in self.chosen_topics():
            self.new_tag.errors = [_("%(topic)s is one of your topics already; change its level above.", topic=names[slug])]
            return False
        if self.new_level.data not in dict(level_choices()):
            self.new_level.errors = [_("Choose a level: interested, practitioner or expert.")]
            return False
        return True


class SettingsForm(FlaskForm):
    directory_visible = BooleanField(_l("List me in the people directory, as a topic contact and as a peer"),
                                     description=_l("When off, only you, change managers and administrators see your profile, and "
                                                     "executives are not offered you as a mentor (change managers can still match you)."))
    analysis_opt_out = BooleanField(_l("Leave me out of the network analysis"),
                                    description=_l("Your mentoring still counts for the programme, but you are not named in network reports."))
    locale = SelectField(_l("Language"), choices=lambda: as_choices([("en", "English"), ("de", "Deutsch")]))
    timezone = SelectField(_l("Time zone"), choices=timezone_choices, render_kw={"data-filter-select": _l("Find a time zone")})


class AskForm(SubmissionMixin, FlaskForm):
    person_id = HiddenField(validators=[DataRequired()])
    message = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=QUESTION_MAX)],
                            description=_l("A short message; the person gets a notification with a link to the question "
                                           "and can answer it there."))


class AnswerForm(SubmissionMixin, FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[DataRequired(), Length(max=ANSWER_MAX)],
                         description=_l("Markdown: **bold**, *italic*, [link](https://…), lists."))


class ResolveForm(FlaskForm):
    helpful = HiddenField(validators=[DataRequired()])
