"""The password rules say what is wrong, not its opposite; a handle spells out every letter it can."""


def test_a_password_of_one_repeated_character_is_refused_for_too_few_different_characters(app):
    from flask_babel import force_locale

    from community.accounts.passwords import password_problems

    with app.test_request_context():
        with force_locale("en"):
            problems = password_problems("aaaaaaaaaaaaaaa", email="eva@example.com", name="Eva Example")
            assert "This password uses too few different characters." in problems
        with force_locale("de"):
            problems = password_problems("aaaaaaaaaaaaaaa", email="eva@example.com", name="Eva Example")
            assert "Dieses Passwort besteht aus zu wenigen verschiedenen Zeichen." in problems


def test_a_handle_keeps_letters_without_accents_spelled_out(app):
    """Sabine Yılmaz became @sabine.ylmaz: the dotless ı has no decomposition and was dropped."""
    from community.accounts.services import slugify

    assert slugify("Sabine Yılmaz").replace("-", ".") == "sabine.yilmaz"
    assert slugify("Łukasz Størmer") == "lukasz-stormer"
    assert slugify("Jürgen Groß") == "jurgen-gross"
