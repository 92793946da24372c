"""Forms answer a failed submission with an error summary at the top (GOV.UK pattern): every
problem once, each a link to its field, and the summary takes the focus so the page returns to
the form; the inline error stays beside the field."""

import re


def test_a_failed_form_starts_with_a_summary_linking_each_field(client, login_as, create_user):
    login_as(create_user())
    page = client.post_form("/settings/password", {"current_password": "", "new_password": "x", "confirm": "y"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    summary = re.search(r'<div class="error-summary" role="alert" tabindex="-1" autofocus data-error-summary>(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    links = re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', summary.group(1))
    assert ("current_password", "Current password: This field is required.") in links
    assert ("confirm", "Repeat new password: The passwords differ.") in links
    for anchor, _text in links:
        assert f'id="{anchor}"' in html  # every link lands on its field
    assert html.index("error-summary") < html.index('id="current_password"')  # at the top of the form
    assert 'aria-invalid="true"' in html and 'id="confirm-errors"' in html  # and beside the field
    assert html.count("autofocus") == 1  # the summary, not the first field, takes the focus


def test_a_form_without_errors_has_no_summary(client, login_as, create_user):
    login_as(create_user())
    html = client.get("/settings/password").get_data(as_text=True)
    assert "error-summary" not in html and "There is a problem" not in html


def test_the_summary_is_translated(client, login_as, create_user):
    login_as(create_user(locale="de"))
    html = client.post_form("/settings/password", {}).get_data(as_text=True)
    assert "Bitte prüfen Sie Ihre Eingaben" in html


def test_a_label_ending_in_its_own_punctuation_gets_no_second_colon(app):
    """"Warum wird er verschoben?: Dieses Feld…" — a label that ends in ?, ! or : is followed by
    the error alone; one that ends in a full stop (a survey's statement) has it replaced by the
    colon; any other label is followed by a colon."""
    from types import SimpleNamespace

    def field(label: str):
        return SimpleNamespace(type="StringField", errors=["Required."], id=label[:3].lower(), label=SimpleNamespace(text=label))

    form = [field(label) for label in ("Why is it moved?", "Ready!", "Note:", "Reason ", "Name", "It was time well spent.")]
    with app.test_request_context("/"):
        template = app.jinja_env.from_string('{% from "macros/forms.html" import form_errors %}{{ form_errors(form) }}')
        html = template.render(form=form)
    entries = re.findall(r'<a href="#[^"]+">([^<]+)</a>', html)
    assert entries == ["Why is it moved? Required.", "Ready! Required.", "Note: Required.", "Reason: Required.", "Name: Required.",
                       "It was time well spent: Required."]


def test_the_german_reschedule_form_reads_without_doubled_punctuation(client, login_as, create_user, db):
    from datetime import timedelta

    from community.database import utcnow
    from community.mentoring.models import MentoringSession, Mentorship

    mentor, executive = create_user(roles=["mentor"], locale="de"), create_user(roles=["executive"])
    ship = Mentorship(mentor_id=mentor.id, executive_id=executive.id, status="active")
    db.session.add(ship)
    db.session.flush()
    start = utcnow() + timedelta(days=3)
    session = MentoringSession(mentorship_id=ship.id, mentor_id=mentor.id, starts_at=start, ends_at=start + timedelta(hours=1),
                               duration_minutes=60, status="planned")
    db.session.add(session)
    db.session.commit()
    login_as(mentor)
    html = client.post_form(f"/sessions/{session.id}/reschedule", {"reason": "", "version": 1}).get_data(as_text=True)
    assert "Warum die Änderung? " in html and "Änderung?:" not in html


def _summary(response) -> list[str]:
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary, "no error summary"
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def test_the_password_change_names_a_wrong_current_password_and_a_weak_new_one_at_once(client, login_as, create_user):
    me = create_user()
    login_as(me)
    # Both refused by the service: both named, not the current password first and the new one next time.
    both = _summary(client.post_form("/settings/password", {"current_password": "wrong", "new_password": "password12345",
                                                            "confirm": "password12345"}))
    assert "Current password: Your current password is not correct." in both
    assert any(item.startswith("New password: This password is too common") for item in both), both
    # The form's own refusal (the repeat differs) beside the service's (too short).
    mixed = _summary(client.post_form("/settings/password", {"current_password": "wrong", "new_password": "short",
                                                             "confirm": "shorter"}))
    assert "Repeat new password: The passwords differ." in mixed
    assert any(item.startswith("New password: Use at least") for item in mixed), mixed
    assert "Current password: Your current password is not correct." in mixed


def test_a_new_account_names_every_refused_field_at_once(client, login_as, create_user, db):
    from sqlalchemy import func, select

    from community.accounts.models import User

    admin = create_user(roles=["admin"])
    taken = create_user(email="taken@example.com")
    login_as(admin)
    before = db.session.scalar(select(func.count()).select_from(User))
    # The form's own refusal (no name) beside the service's (weak password, address taken).
    items = _summary(client.post_form("/admin/users/new", {"name": "", "email": taken.email, "roles": ["staff"],
                                                           "password": "password12345"}))
    assert "Full name: This field is required." in items
    assert any(item.startswith("First password: This password is too common") for item in items), items
    assert "E-mail: An account with this e-mail address exists already." in items
    assert "Roles: Choose at least one role." in _summary(client.post_form("/admin/users/new", {"name": "Jonas"}))
    # Every field passes the form: the service still names each refusal.
    items = _summary(client.post_form("/admin/users/new", {"name": "Jonas", "email": "jonas.example.com",
                                                           "roles": ["staff"], "password": "jonas"}))
    assert "E-mail: Enter a valid e-mail address, e.g. name@example.com." in items
    assert any(item.startswith("First password: Use at least") for item in items), items
    # The address taken, alone, as before.
    alone = _summary(client.post_form("/admin/users/new", {"name": "Jonas", "email": taken.email, "roles": ["staff"],
                                                           "password": "a-first-passphrase"}))
    assert alone == ["E-mail: An account with this e-mail address exists already."]
    assert db.session.scalar(select(func.count()).select_from(User)) == before
