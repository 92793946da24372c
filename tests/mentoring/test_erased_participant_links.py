"""An erased participant has no profile any more: the pages that name them link nowhere."""

from __future__ import annotations


def test_an_erased_mentor_is_named_without_a_profile_link_on_the_mentorship_and_in_the_audit_trail(
        client, login_as, create_user, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    admin = create_user(roles=("admin", "change_manager"))
    login_as(admin)
    assert f'href="/people/{mentor.id}"' in client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
    assert client.post_form(f"/admin/users/{mentor.id}/erase", {"confirm": "y"}).status_code == 302
    for path in (f"/mentoring/mentorships/{mentorship_id}", "/admin/audit"):
        html = client.get(path).get_data(as_text=True)
        assert f'href="/people/{mentor.id}"' not in html, path
        assert "Former member" in html, path
    login_as(executive)
    assert f'href="/people/{mentor.id}"' not in client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
