"""The incentive dimensions of the source article, and the default survey questions for them.

Executives (the mentees): content tailored to them, flexible timing, 1:1 learning, room to try
things out, time well invested, a change of perspective. Mentors: competence growth,
understanding of roles, a wider network. The start survey asks how much each incentive
matters (expectation), the end survey how far it came true (experience).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EXECUTIVE_DIMENSIONS = ("content", "timing", "one_to_one", "try_out", "time_invested", "perspective")
MENTOR_DIMENSIONS = ("competence", "roles", "network")
DIMENSIONS = {"executive": EXECUTIVE_DIMENSIONS, "mentor": MENTOR_DIMENSIONS}

DIMENSION_LABELS = {
    "content": _l("Content tailored to me"),
    "timing": _l("Flexible timing"),
    "one_to_one": _l("1:1 learning"),
    "try_out": _l("Room to try things out"),
    "time_invested": _l("Time well invested"),
    "perspective": _l("Change of perspective"),
    "competence": _l("Competence growth"),
    "roles": _l("Understanding of roles"),
    "network": _l("A wider network"),
}

SIDE_LABELS = {"executive": _l("Executives"), "mentor": _l("Mentors")}
KIND_LABELS = {"start": _l("Start survey"), "end": _l("End survey")}
STATUS_LABELS = {"draft": _l("in preparation"), "open": _l("open"), "closed": _l("closed")}
LEVEL_LABELS = {
    0: _l("0 – no knowledge yet"),
    1: _l("1 – first steps"),
    2: _l("2 – basics"),
    3: _l("3 – confident"),
    4: _l("4 – could teach others"),
}

# (side, dimension) -> (English, German); the texts are stored per survey, where change
# managers edit them, so these are only the starting point of a new survey.
START_ITEMS: dict[tuple[str, str], tuple[str, str]] = {
    ("executive", "content"): (
        "Sessions tailored to my needs, interests and prior knowledge",
        "Treffen, die auf meinen Bedarf, meine Interessen und Vorkenntnisse zugeschnitten sind",
    ),
    ("executive", "timing"): (
        "Fixing and moving dates with my mentor flexibly",
        "Termine mit meinem Mentor flexibel festlegen und verschieben",
    ),
    ("executive", "one_to_one"): (
        "Asking my own questions one to one, which I would not ask in a seminar",
        "Im 1:1 eigene Fragen stellen, die ich in einem Seminar nicht stellen würde",
    ),
    ("executive", "try_out"): (
        "Trying tools out myself at the computer",
        "Werkzeuge selbst am Rechner ausprobieren",
    ),
    ("executive", "time_invested"): (
        "Time that is well invested compared with learning on my own",
        "Zeit, die besser investiert ist, als mir das Wissen selbst anzueignen",
    ),
    ("executive", "perspective"): (
        "Talking across generations and hierarchy: how young colleagues use digital tools",
        "Ein Gespräch über Generationen und Hierarchie hinweg: wie junge Kolleginnen und Kollegen digitale Werkzeuge nutzen",
    ),
    ("mentor", "competence"): (
        "Widening my knowledge of digital topics and of our company",
        "Meine Kenntnisse digitaler Themen und unseres Unternehmens erweitern",
    ),
    ("mentor", "roles"): (
        "Understanding my own role and the role of an executive better",
        "Meine eigene Rolle und die Rolle einer Führungskraft besser verstehen",
    ),
    ("mentor", "network"): (
        "Widening my professional network: other mentors and my executive",
        "Mein berufliches Netzwerk erweitern: andere Mentor:innen und meine Führungskraft",
    ),
}
END_ITEMS: dict[tuple[str, str], tuple[str, str]] = {
    ("executive", "content"): (
        "The sessions were tailored to my needs, interests and prior knowledge.",
        "Die Treffen waren auf meinen Bedarf, meine Interessen und Vorkenntnisse zugeschnitten.",
    ),
    ("executive", "timing"): (
        "I could fix and move dates flexibly; the effort fitted my daily work.",
        "Ich konnte Termine flexibel festlegen und verschieben; der Aufwand passte zu meinem Tagesgeschäft.",
    ),
    ("executive", "one_to_one"): (
        "One to one, I could ask questions I would not have asked in a seminar.",
        "Im 1:1 konnte ich Fragen stellen, die ich in einem Seminar nicht gestellt hätte.",
    ),
    ("executive", "try_out"): (
        "I had room to try tools out myself during the sessions.",
        "Ich hatte in den Treffen Raum, Werkzeuge selbst auszuprobieren.",
    ),
    ("executive", "time_invested"): (
        "The time I invested in the programme was well spent.",
        "Die Zeit, die ich in das Programm investiert habe, war sinnvoll eingesetzt.",
    ),
    ("executive", "perspective"): (
        "I gained a new perspective on how a younger generation works with digital tools.",
        "Ich habe einen neuen Blick darauf gewonnen, wie eine jüngere Generation mit digitalen Werkzeugen arbeitet.",
    ),
    ("mentor", "competence"): (
        "Preparing and holding the sessions widened my knowledge of digital topics and of our company.",
        "Vorbereitung und Treffen haben meine Kenntnisse digitaler Themen und unseres Unternehmens erweitert.",
    ),
    ("mentor", "roles"): (
        "I understand my own role and the role of an executive better.",
        "Ich verstehe meine eigene Rolle und die Rolle einer Führungskraft besser.",
    ),
    ("mentor", "network"): (
        "The programme widened my professional network.",
        "Das Programm hat mein berufliches Netzwerk erweitert.",
    ),
}
DEFAULT_ITEMS = {"start": START_ITEMS, "end": END_ITEMS}


def dimension_label(dimension: str) -> str:
    return str(DIMENSION_LABELS.get(dimension, dimension))
