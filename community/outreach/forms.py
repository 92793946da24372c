from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from community.forms import FlaskForm, as_choices
from community.outreach.services import PREF_KINDS, PrefKind, choices_for


def preferences_form(current: dict[str, str], formdata=None, prefs: Iterable[PrefKind] = PREF_KINDS) -> FlaskForm:  # noqa: ANN001
    """One select per kind of notification (those in `prefs`): immediately | daily digest | off."""

    class PreferencesForm(FlaskForm):
        pass

    for pref in prefs:
        setattr(PreferencesForm, pref.key, SelectField(pref.label, choices=as_choices(choices_for(pref)), default=current.get(pref.key)))
    form = PreferencesForm() if formdata is None else PreferencesForm(formdata=formdata)
    return form


class WebhookForm(FlaskForm):
    url = StringField(_l("Incoming-webhook address"), validators=[Optional(), Length(max=1000)],
                      description=_l("Paste the https:// address of a Teams or Slack incoming webhook. "
                                     "Leave empty and save to stop posting to this channel."),
                      render_kw={"autocomplete": "off", "spellcheck": "false"})
