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
