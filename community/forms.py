"""Form helpers shared by every feature: domain errors onto fields, multi-choice fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_wtf
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in types-WTForms yet

from community.errors import ConflictError, DomainError, ValidationFailed

# A confirmation box left unticked: "Tick this box to confirm." beside its own words, not
# "This field is required." (which reads oddly for a box).
TICK_TO_CONFIRM = _l("Tick this box to confirm.")


def N_(text: str) -> str:  # noqa: N802 - Babel's marker for a string translated later
    return text


# WTForms' own messages that the app words itself, in its own catalog (WTForms' German read
# "Dieses Feld wird benötigt." and "Feld muss zwischen 10 und 2000 Zeichen beinhalten."), each
# with the app's English ("abc" as a duration read "Not a valid integer value.").
OWN_WORDING = {
    "This field is required.": N_("This field is required."),
    "Field must be between %(min)d and %(max)d characters long.": N_("Field must be between %(min)d and %(max)d characters long."),
    "Not a valid integer value.": N_("Enter a whole number."),
    "Invalid Choice: could not coerce.": N_("Choose one of the options offered."),
    "Not a valid decimal value.": N_("Enter a number, such as 4.5."),
    "Not a valid datetime value.": N_("Enter a date and a time, such as 17.12.2026 16:00."),
    "Not a valid date value.": N_("Enter a date, such as 17.12.2026."),
}


# What a date (and time) field takes: a browser's picker sends the first (two); typed by hand, the
# ISO date with a space and the day-first date German readers write are taken too.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class _OwnWording:
    """WTForms' translations with the app's wording first (unformatted: WTForms fills them in)."""

    def __init__(self, fallback: Any) -> None:
        self.fallback = fallback

    def gettext(self, string: str) -> str:
        own = OWN_WORDING.get(string)
        if own is not None:
            return str(get_translations().gettext(own))
        return str(self.fallback.gettext(string)) if self.fallback is not None else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.fallback is None:
            return singular if n == 1 else plural
        return str(self.fallback.ngettext(singular, plural, n))


class FlaskForm(flask_wtf.FlaskForm):
    """Every form of the app. Its hidden CSRF token carries no id: a page holds several forms,
    and an id may be used once per page. WTForms' messages read in the app's own words."""

    class Meta(flask_wtf.FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return _OwnWording(super().get_translations(form))

        def render_field(self, field: Field, render_kw: dict[str, Any]) -> Any:
            if field.type == "CSRFTokenField" or field.name == "submission":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    def validate(self, extra_validators: Any = None) -> bool:
        """A value that could not be read ("2.5" for a whole number) gets that message alone:
        the field's other checks ran on nothing and said "between 0 and 10" beside it."""
        valid = bool(super().validate(extra_validators))
        for field in self:
            typed = any(str(value).strip() for value in getattr(field, "raw_data", None) or ())  # empty: "required" says it
            if getattr(field, "process_errors", None) and typed:
                field.errors = list(dict.fromkeys(str(message) for message in field.process_errors))
        return valid


def _unknown_choices(count: int) -> str:
    # WTForms' own wording has no German in its catalog ("'zzz' is not a valid choice for this
    # field." on a German page); its caller fills in %(value)s.
    # (Unformatted: flask_babel's ngettext would fill in its placeholders itself.)
    return str(get_translations().ngettext("Not a valid choice: '%(value)s'.", "Not valid choices: '%(value)s'.", count))


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", _unknown_choices)
        super().__init__(*args, **kwargs)


class GroupedCheckboxField(MultiCheckboxField):
    """Checkboxes in groups (the choices' optgroups, in their order), each group with its own
    heading. With `lead_label`, the first group is the lead (a mentorship's goals) and the
    others follow under `more_label`, folded away unless one of them is ticked."""

    lead_label: str | None = None
    more_label: str | None = None

    def option_groups(self) -> list[tuple[str, list[Any]]]:
        """(group label, options) in the order of the choices; the options keep their ids."""
        groups: list[tuple[str, list[Any]]] = []
        for option, choice in zip(self, self.choices or [], strict=True):  # options come in the choices' order
            label = getattr(choice, "optgroup", None) or ""
            if not groups or groups[-1][0] != label:
                groups.append((label, []))
            groups[-1][1].append(option)
        return groups


def apply_errors(form, error: DomainError) -> None:
    """Show a service's refusal on the fields it names, or on the form as a whole."""
    placed = False
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def service_checks_too(form, check: Callable[[], object]) -> None:
    """A form its own checks refused also shows what the service would refuse (its checks run
    only once the form is valid): every error at once, not one round after another. Only the
    fields the form found nothing wrong with take the service's messages; an expired or forged
    form (its CSRF token refused) is checked no further."""
    if getattr(getattr(form, "csrf_token", None), "errors", None):
        return
    try:
        check()
    except (ValidationFailed, ConflictError) as refused:
        for name, messages in refused.fields.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors") and not field.errors:
                field.errors = list(messages)


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]
