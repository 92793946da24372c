from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from community.discussions.models import MAX_BODY_CHARS, MAX_TITLE_CHARS
from community.forms import FlaskForm, as_choices
from community.submissions import SubmissionMixin

# static/js/suggest.js completes "@han" to a person's @handle in the post box.
MENTION_PICKER = {"data-suggest": "people", "data-suggest-mode": "mention"}
BODY_HINT = _l("Markdown: **bold**, *italic*, [link](https://…), lists, `code`. Mention people with @handle.")


def level_choices():
    return as_choices([("watching", _l("Watching: tell me about every new post")),
                       ("normal", _l("Normal: only when someone mentions me or replies to me")),
                       ("muted", _l("Muted: never notify me"))])


TOPICS_HINT = _l("Up to five topics from the taxonomy, separated by commas, e.g. “teams, sharepoint”.")
# static/js/suggest.js completes the topic being typed (where the caret is) from /suggest/topics,
# as the learning goals' "Find a topic" does; without JavaScript it stays a plain text field.
TOPICS_PICKER = {"data-suggest": "topics", "data-suggest-mode": "list", "autocomplete": "off"}


def _category_id(value: object) -> int | None:
    """A category's id; the empty first option ("Choose a category") is none."""
    return None if value in ("", None) else int(str(value))


class ThreadForm(SubmissionMixin, FlaskForm):
    # No category is chosen for the writer (the first one was: staff asked their questions in
    # "Sessions that worked"), unless they came from a category's page or there is only one.
    category = SelectField(_l("Category"), coerce=_category_id, validators=[DataRequired(message=_l("Choose a category."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE_CHARS)])
    body = TextAreaField(_l("Your post"), validators=[DataRequired(), Length(max=MAX_BODY_CHARS)], description=BODY_HINT,
                         render_kw=MENTION_PICKER)
    tags = StringField(_l("Topics"), validators=[Optional(), Length(max=300)], description=TOPICS_HINT, render_kw=TOPICS_PICKER)

    def tag_terms(self) -> list[str]:
        return [term.strip() for term in (self.tags.data or "").split(",") if term.strip()]


class EditThreadForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE_CHARS)])
    tags = StringField(_l("Topics"), validators=[Optional(), Length(max=300)], description=TOPICS_HINT, render_kw=TOPICS_PICKER)
    # The thread's version the editor started from (services.thread_version): a save based on
    # an older one is refused instead of overwriting someone else's change.
    version = HiddenField()

    def tag_terms(self) -> list[str]:
        return [term.strip() for term in (self.tags.data or "").split(",") if term.strip()]


class ReplyForm(SubmissionMixin, FlaskForm):
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=MAX_BODY_CHARS)], description=BODY_HINT,
                         render_kw=MENTION_PICKER)
    reply_to = HiddenField()


class EditPostForm(FlaskForm):
    body = TextAreaField(_l("Post"), validators=[DataRequired(), Length(max=MAX_BODY_CHARS)], description=BODY_HINT,
                         render_kw=MENTION_PICKER)
    # The post's version the editor started from (services.post_version): a save based on an
    # older one is refused instead of overwriting someone else's edit.
    version = HiddenField()


class FlagForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with this post?"), validators=[DataRequired(), Length(max=1000)])


CHOOSE_OUTCOME = _l("Choose whether to hide the post or dismiss the report.")


class ResolveFlagForm(FlaskForm):
    # Nothing chosen beforehand: a click on "Decide" alone hid the post. An unknown value is
    # refused by the service (moderation.resolve_flag) with the same words, on this field.
    outcome = RadioField(_l("Decision"), choices=as_choices([("hidden", _l("Hide the post")), ("dismissed", _l("Dismiss the report"))]),
                         validators=[InputRequired(message=CHOOSE_OUTCOME)], validate_choice=False)
    note = StringField(_l("Note for the log"), validators=[Optional(), Length(max=1000)])


class ModerationNoteForm(FlaskForm):
    """Buttons of moderators: an optional note goes into the moderation log."""

    note = StringField(_l("Note for the log"), validators=[Optional(), Length(max=1000)])


class MoveThreadForm(FlaskForm):
    category = SelectField(_l("Move to category"), coerce=int, validators=[DataRequired()])
    note = StringField(_l("Note for the log"), validators=[Optional(), Length(max=1000)])


class SubscriptionForm(FlaskForm):
    level = SelectField(_l("Notifications"), choices=level_choices())
    next = HiddenField()


class CategoryForm(SubmissionMixin, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    name_de = StringField(_l("German name"), validators=[Optional(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])
    description_de = TextAreaField(_l("German description"), validators=[Optional(), Length(max=1000)])
    visibility = SelectField(_l("Who sees it"), choices=as_choices([
        ("members", _l("All members")), ("mentors", _l("Mentors and the programme team only"))]))
    position = IntegerField(_l("Position in the list"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
