"""marshmallow's own field messages ("Not a valid integer.", "Length must be between 1 and
200.") in the reader's language. The API's 422 names each field with its messages; the
messages marshmallow writes itself are English whatever the reader reads, beside a translated
headline. Each is matched against its English template and told again from the catalog."""

from __future__ import annotations

import re
from functools import cache

from flask_babel import gettext


def N_(text: str) -> str:  # noqa: N802 - Babel's marker for a string translated later
    return text


# marshmallow's texts (tests/test_i18n.py checks that every message marshmallow has is here).
TEMPLATES: tuple[str, ...] = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Unknown field."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid date."),
    N_("Not a valid time."),
    N_("Not a valid period of time."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("String does not match expected pattern."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("One or more of the choices you made was in: {values}."),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    patterns = []
    # The longest first: "Must be greater than or equal to {min}." would also match the message
    # that goes on "… and less than or equal to 100." with all of that as its {min}.
    for template in sorted(TEMPLATES, key=len, reverse=True):
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        patterns.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return tuple(patterns)


def translated(message: str) -> str:
    """A message of marshmallow's in the reader's language; any other message as it is."""
    for pattern, template in _patterns():
        found = pattern.match(message)
        if found:
            try:
                return gettext(template).format(**found.groupdict())
            except (KeyError, IndexError, ValueError):
                return message  # a translation with a broken placeholder: the English is better
    return message
