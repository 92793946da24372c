"""Administrators create accounts, set roles and deactivate; everything is audited."""

from sqlalchemy import select

from tests.conftest import login, text_of


def test_admin_creates_an_account_with_roles(client, login_as, create_user, db):
    from community.accounts.models import User
    from community.audit.models import AuditEvent

    login_as(create_user(roles=["admin"]))
    response = client.post_form(
        "/admin/users/new",
        {"name": "Jonas Weber", "email": "jonas@example.com", "department": "IT", "roles": ["mentor", "staff"], "password": "a-first-passphrase"},
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "jonas@example.com"))
    assert user.roles == ["mentor", "staff"] and user.department == "IT"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created", AuditEvent.subject_id == user.id))
    assert login(client.application.test_client(), "jonas@example.com", "a-first-passphrase").status_code == 302


def test_admin_form_errors_are_shown_on_the_fields(client, login_as, create_user):
    login_as(create_user(roles=["admin"]))
    response = client.post_form("/admin/users/new", {"name": "", "email": "not-an-email", "password": "x"})
    assert response.status_code == 200
    text = text_of(response)
    assert "This field is required" in text


def test_a_bad_e_mail_address_is_explained_in_the_readers_language(client, login_as, create_user):
    login_as(create_user(roles=["admin"], locale="de"))
    response = client.post_form("/admin/users/new", {"name": "Jonas", "email": "jonas.example.com", "roles": ["staff"],
                                                    "password": "a-first-passphrase"})
    assert response.status_code in (200, 422)
    text = text_of(response)
    assert "Geben Sie eine gültige E-Mail-Adresse ein, z. B. name@example.com." in text
    assert "@-sign" not in text  # the validator's own English words


def test_role_change_is_audited_with_before_and_after(client, login_as, create_user, db):
    from community.audit.models import AuditEvent

    login_as(create_user(roles=["admin"]))
    person = create_user(roles=["staff"])
    response = client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["staff", "change_manager"]})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.roles_changed"))
    assert event.data == {"before": ["staff"], "after": ["staff", "change_manager"]}


def test_admin_cannot_remove_their_own_admin_role(client, login_as, create_user):
    admin = create_user(roles=["admin"])
    login_as(admin)
    response = client.post_form(f"/admin/users/{admin.id}", {"roles-roles": ["staff"]})
    assert response.status_code == 200
    assert "cannot remove your own administrator role" in text_of(response)


def test_admin_deactivates_and_reactivates_an_account(client, login_as, create_user, db):
    from community.accounts.models import User

    login_as(create_user(roles=["admin"]))
    person = create_user()
    client.post_form(f"/admin/users/{person.id}/active")
    assert db.session.get(User, person.id).active is False
    client.post_form(f"/admin/users/{person.id}/active")
    db.session.expire_all()
    assert db.session.get(User, person.id).active is True


def test_admin_cannot_deactivate_themselves(client, login_as, create_user, db):
    from community.accounts.models import User

    admin = create_user(roles=["admin"])
    login_as(admin)
    client.post_form(f"/admin/users/{admin.id}/active")
    assert db.session.get(User, admin.id).active is True
    own = text_of(client.get(f"/admin/users/{admin.id}"))
    assert "You cannot deactivate your own account." in own and "Deactivate account…" not in own  # not offered
    other = create_user(roles=["staff"])
    assert "Deactivate account…" in text_of(client.get(f"/admin/users/{other.id}"))


def test_people_without_admin_role_get_403_on_admin_pages(client, login_as, create_user):
    login_as(create_user(roles=["change_manager", "mentor"]))
    for url in ("/admin/users", "/admin/users/new", "/admin/audit"):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_login_from_admin_pages(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_sees_the_audit_trail(client, login_as, create_user):
    login_as(create_user(roles=["admin"]))
    person = create_user()
    client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor"]})
    text = text_of(client.get("/admin/audit?action=user."))
    # In words: the action's name and the subject's name, never the raw key or an id.
    assert "Roles changed" in text and person.name in text and "user.roles_changed" not in text


def test_admin_searches_people_by_role(client, login_as, create_user):
    login_as(create_user(roles=["admin"], name="Ada Admin"))
    create_user(roles=["mentor"], name="Mona Mentor")
    create_user(roles=["staff"], name="Sam Staff")
    text = text_of(client.get("/admin/users?role=mentor"))
    assert "Mona Mentor" in text and "Sam Staff" not in text


def test_user_search_takes_percent_and_underscore_as_typed(client, login_as, create_user):
    """"%" listed everybody and "_" matched any letter: they were LIKE's wildcards."""
    login_as(create_user(roles=["admin"], name="Ada Admin"))
    create_user(roles=["mentor"], name="Mona Mentor", department="Sales")
    create_user(roles=["staff"], name="Sam Staff", department="R&D 100%")
    found = text_of(client.get("/admin/users?q=%25"))
    assert "Sam Staff" in found and "Mona Mentor" not in found
    assert "Mona Mentor" not in text_of(client.get("/admin/users?q=M_na"))
    assert "Mona Mentor" in text_of(client.get("/admin/users?q=mona"))  # any case, as before


def test_an_address_in_a_narrow_column_wraps_at_its_at_sign_and_dots(client, login_as, create_user):
    """On a phone "agnieszka.kowalski@de|mo.example" was cut inside a word."""
    login_as(create_user(roles=["admin"], name="Ada Admin"))
    create_user(name="Agnieszka Kowalski", email="agnieszka.kowalski@demo.example")
    html = client.get("/admin/users?q=agnieszka").get_data(as_text=True)
    assert "agnieszka<wbr>.kowalski@<wbr>demo<wbr>.example" in html
    assert "agnieszka.kowalski@demo.example" in text_of(client.get("/admin/users?q=agnieszka"))  # reads as one
