"""English and German: a language switch, per-user choice, and a complete German catalog."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import text_of

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "community/translations/de/LC_MESSAGES/messages.po"


def test_visitor_switches_to_german_and_back(client):
    response = client.post_form("/locale", {"locale": "de", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Anmelden" in text_of(client.get("/login"))
    client.post_form("/locale", {"locale": "en", "next": "/login"})
    assert "Log in" in text_of(client.get("/login"))


def test_browser_language_is_the_default(client):
    assert "Registrieren" in text_of(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}))


def test_signed_in_persons_choice_is_stored_on_their_account(app, client, login_as, create_user, db):
    from community.accounts.models import User

    user = create_user()
    login_as(user)
    client.post_form("/locale", {"locale": "de", "next": "/"})
    assert db.session.get(User, user.id).locale == "de"
    other_browser = app.test_client()
    from tests.conftest import login

    login(other_browser, user)
    assert "Hallo" in text_of(other_browser.get("/"))


def test_locale_switch_refuses_foreign_redirects(client):
    response = client.post_form("/locale", {"locale": "de", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_api_errors_follow_the_persons_language(client, create_user, api_token):
    token = api_token(create_user(locale="de"))
    response = client.get("/api/v1/people/999999", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert "gibt es nicht" in response.json["error"]["message"] or "nicht" in response.json["error"]["message"]


def test_api_field_messages_follow_the_persons_language(client, create_user, api_token):
    """marshmallow writes its own field messages in English: a German reader got "Zu kurz, …"
    as the headline and "Not a valid integer." under the field."""
    token = api_token(create_user(locale="de"))
    response = client.open("/api/v1/threads?per_page=0", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["per_page"] == ["Muss größer oder gleich 1 und kleiner oder gleich 100 sein."]
    response = client.open("/api/v1/threads", method="POST", json={"category_id": "x", "title": "t" * 300},
                           headers={"Authorization": f"Bearer {token}"})
    fields = response.json["error"]["fields"]
    assert fields["category_id"] == ["Keine gültige Ganzzahl."] and fields["body"] == ["Fehlende Angabe für ein Pflichtfeld."]
    english = client.open("/api/v1/threads?per_page=0", headers={"Authorization": f"Bearer {api_token(create_user(locale='en'))}"})
    assert english.json["error"]["fields"]["per_page"] == ["Must be greater than or equal to 1 and less than or equal to 100."]


def test_an_unknown_choice_in_a_german_form_is_refused_in_german(client, login_as, create_user):
    """WTForms has no German for its "'zzz' is not a valid choice for this field."."""
    login_as(create_user(roles=("executive",), locale="de"))
    page = client.post_form("/mentoring/request", {"goals": ["zzz"], "mentor_id": "1"}).get_data(as_text=True)
    assert "Ungültige Auswahl: „zzz“." in page and "not a valid choice" not in page


def test_every_message_marshmallow_writes_has_a_template():
    import inspect

    from marshmallow import fields, validate

    from community.field_messages import TEMPLATES

    known = set(TEMPLATES)
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        for message in getattr(cls, "default_error_messages", {}).values():
            concrete = message.replace("{awareness} {obj_type}", "aware datetime").replace("{obj_type}", "datetime")
            assert concrete in known or "cannot be formatted" in message, message  # (the last: dumping only)
    for validator, value in ((validate.Length(min=2), "a"), (validate.Length(max=1), "ab"), (validate.Length(2, 3), "a"),
                             (validate.Length(equal=2), "a"), (validate.OneOf(["a"]), "b"), (validate.Equal("a"), "b"),
                             (validate.Range(min=1), 0), (validate.Range(max=1), 2), (validate.Range(1, 2), 5),
                             (validate.Range(1, 2, min_inclusive=False, max_inclusive=False), 5),
                             (validate.Regexp("a"), "b"), (validate.URL(), "x"), (validate.Email(), "x")):
        try:
            validator(value)
        except Exception as error:  # noqa: BLE001
            from community.field_messages import _patterns

            message = error.messages[0]
            assert any(pattern.match(message) for pattern, _template in _patterns()), message
        else:
            raise AssertionError(validator)


def test_every_user_facing_string_has_a_german_translation(tmp_path):
    """Extract all marked strings afresh and check the German catalog covers each one."""
    template = _extracted(tmp_path)
    with open(CATALOG, "rb") as fh:
        catalog = read_po(fh)
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        strings = translated.string if translated else None
        if not strings or (isinstance(strings, tuple) and not all(strings)) or (translated and translated.fuzzy):
            missing.append(message.id)
    assert not missing, f"{len(missing)} strings lack German: {missing[:10]}"


def test_german_translations_keep_every_placeholder():
    with open(CATALOG, "rb") as fh:
        catalog = read_po(fh)
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) <= expected | set(placeholder.findall(ids[0])), message.id


def test_pager_links_keep_working_in_both_languages(client, login_as, create_user, db):
    """The pager macro renders translated Previous/Next links (a page with many notifications)."""
    from community.notifications.models import Notification

    user = create_user(locale="de")
    db.session.add_all([Notification(user_id=user.id, kind="x", params={}) for _ in range(65)])
    db.session.commit()
    login_as(user)
    text = text_of(client.get("/notifications/?page=2"))
    assert "Zurück" in text and "Weiter" in text and "Seite 2 von 3" in text


def test_every_figure_a_finding_names_has_words_in_german(app):
    """The roles tab lists each finding's figures by name: "ties" read "Ties" on German pages."""
    from flask_babel import force_locale

    from community.labels import figure_label

    with app.test_request_context(), force_locale("de"):
        assert figure_label("ties") == "Verbindungen"


def _german_matching(pattern: str) -> list[str]:
    """The English texts whose German (any plural form) matches `pattern`."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(re.search(pattern, text or "") for text in texts):
            found.append(message.id)
    return found


def test_german_calls_a_mentoring_session_a_termin_throughout():
    """The same meeting was a "Termin" on most pages, a "Sitzung" in calendar e-mails and
    profile figures and a "Session" elsewhere; login sessions were "Sitzungen" too. German says
    "Termin" for a mentoring session and "Anmeldung" for a login session."""
    assert _german_matching(r"Sitzung|Session") == []
    seeds = (ROOT / "community/discussions/categories.py").read_text()
    assert "Sitzung" not in seeds.split("STARTER_CATEGORIES", 1)[1].split("\n)\n", 1)[0]
    # The demo organisation's German threads and posts (what a newcomer reads first) too.
    assert "Sitzung" not in (ROOT / "community/discussions/demo.py").read_text()


def _extracted(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-o", str(pot), str(ROOT)],
        check=True, cwd=ROOT, capture_output=True,
    )
    with open(pot, "rb") as fh:
        return read_po(fh)


# English words with several meanings on the pages, each meaning with its own context: one
# entry per word had German say "Melden" (flag a post) for the programme's report and "Wandel"
# (change management) for the session's actions and the what-if table's difference.
MEANINGS = {
    "Report": {"flag a post for moderators": "Melden", "impact report of a programme run": "Bericht"},
    "Change": {"topic field: change management": "Wandel", "actions on a mentoring session": "Ändern",
               "difference between two figures": "Änderung"},
}


def test_words_with_several_meanings_are_marked_with_their_meaning(tmp_path):
    template = _extracted(tmp_path)
    for word, meanings in MEANINGS.items():
        contexts = {message.context for message in template if message.id == word}
        assert contexts == set(meanings), word  # no bare entry left, every meaning marked


def test_one_english_word_with_several_meanings_has_a_german_word_per_meaning():
    """Where the catalog has one English word in several contexts, German tells them apart,
    with the words the pages need (once the catalog has the contexts)."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    by_word: dict[object, dict[object, object]] = {}
    for message in catalog:
        if message.id:
            by_word.setdefault(message.id, {})[message.context] = message.string
    for word, translations in by_word.items():
        if len(translations) > 1:
            texts = [t for t in translations.values() if t]
            assert len(set(map(str, texts))) == len(texts), (word, translations)
    for word, meanings in MEANINGS.items():
        for context, german in meanings.items():
            if context in by_word.get(word, {}):
                assert by_word[word][context] == german, (word, context)


def test_german_writes_gender_inclusive_forms_one_way():
    """German mixed "Botschafter/in" and "Expertin/Experte" with "Botschafter:innen", and
    "Mentorinnen und Mentoren" with "Mentor:innen"; one person's role badge read "Mitarbeitende
    IT · Berlin" (a plural)."""
    assert _german_matching(r"[a-zäöü]/in(nen)?\b|[a-zäöü]in(nen)?/[A-ZÄÖÜ]|[a-zäöü]innen und [A-ZÄÖÜ]") == []
    # Groups of people with the colon too ("Moderatoren (Change-Manager und Administratoren)" read
    # beside "Change-Manager:innen und Admins").
    assert _german_matching(r"\b(Moderatoren|Administratoren|Change-Managern)\b|Change-Manager\s+(und|werden)\b") == []
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    # Role labels name one person: "Mitarbeiter:in", "Administrator:in" beside "Mentor:in".
    assert catalog.get("Staff").string == "Mitarbeiter:in"
    assert catalog.get("Administrator").string == "Administrator:in"


def test_german_names_the_product_and_the_mentor_one_way():
    """The pages say "Mentoren-Community"; three e-mails (a notification's button, the sign-up
    mails) said "Mentor Community". A handover's reason said "der Mentor pausiert" where the
    other reasons say "die Mentorin oder der Mentor"."""
    assert _german_matching(r"Mentor Community") == []
    assert _german_matching(r"(?<!oder )\bder Mentor (pausiert|hat)") == []


def test_german_says_mentor_innen_for_mentors_as_a_group():
    """The run report's table of runs read "Mentoren, Abschlussbefragung", a discussion category
    "Nur für Mentoren", the ambassador refusal "Mentorenpool" and the dashboard's drawing
    "Mentoren-Netzwerk" (its caption "Mentoring-Netzwerk"), where the catalogue says
    "Mentor:innen" a hundred times. Only the product's name "Mentoren-Community" stays."""
    assert _german_matching(r"Mentoren(?!-Community)") == []
    # Candidates and topic contacts as groups, and one person as "der Mentor" alone, likewise.
    assert _german_matching(r"\bBotschafter-Kandidaten\b|\bAnsprechpartner\b(?!:in)|\baber der Mentor\b|[a-zäöü]in / [a-z]") == []


def test_german_calls_the_last_administrator_a_person_not_a_department():
    """"The last administrator cannot be deactivated" read "Die letzte Administration …" (the
    department); the role-keeping message beside it already names the person."""
    assert _german_matching(r"\b[Dd]ie letzte Administration\b") == []


def test_lists_in_sentences_end_with_and_in_the_readers_language(app):
    """ "speaks German, English, as you do" and "If Yusuf Klein, Aylin Schröder left" read as
    lists cut short."""
    from flask_babel import force_locale

    from community.i18n import language_names, listed

    with app.test_request_context():
        with force_locale("en"):
            assert language_names(["de", "en"]) == "German and English"
            assert listed(["Yusuf Klein", "Aylin Schröder", "Jo Li"]) == "Yusuf Klein, Aylin Schröder, and Jo Li" or \
                listed(["Yusuf Klein", "Aylin Schröder", "Jo Li"]) == "Yusuf Klein, Aylin Schröder and Jo Li"
            assert listed(["Jo Li"]) == "Jo Li" and listed([]) == ""
        with force_locale("de"):
            assert language_names(["de", "en"]) == "Deutsch und Englisch"


def test_form_messages_read_in_the_apps_own_german(client, create_user, login_as):
    """WTForms' German read "Dieses Feld wird benötigt." on every form."""
    login_as(create_user(roles=["staff"], locale="de"))
    page = client.post_form("/ambassadors/nominate", {"nominee": "", "reason": "kurz"})
    text = text_of(page)
    assert "Bitte füllen Sie dieses Feld aus." in text and "Dieses Feld wird benötigt." not in text
    assert "Bitte zwischen 10 und 2000 Zeichen eingeben." in text and "Feld muss zwischen" not in text
    client.post_form("/logout")
    login_as(create_user(roles=["staff"], locale="en"))
    assert "This field is required." in text_of(client.post_form("/ambassadors/nominate", {"nominee": "", "reason": ""}))
