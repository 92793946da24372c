"""Forms of the network dashboard: what-if, reveal a pseudonym, analysis settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from community.forms import FlaskForm, MultiCheckboxField
from community.network.pseudonyms import REVEAL_REASON_MAX, REVEAL_REASON_MIN


class WhatIfForm(FlaskForm):
    """Sent with GET (it changes nothing but the audit trail), so it works as a plain link."""

    class Meta:
        csrf = False

    remove = MultiCheckboxField(
        _l("Mentors who leave"),
        validate_choice=False,  # the service says which entries are not mentors
        description=_l("Tick one or more mentors."),
    )
    others = StringField(
        _l("Other mentors"),
        validators=[Optional(), Length(max=500)],
        description=_l("@handles, ids or pseudonyms separated by commas, for mentors not in the list."),
    )


class RevealForm(FlaskForm):
    pseudonym = StringField(_l("Pseudonym"), validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(min=REVEAL_REASON_MIN, max=REVEAL_REASON_MAX)],
        description=_l("Why you need the name; it is written to the audit trail."),
    )


class SettingsForm(FlaskForm):
    pseudonymised = BooleanField(
        _l("Pseudonymised mode"),
        description=_l("Show people as stable pseudonyms on the dashboard, in findings, pictures and exports."),
    )
