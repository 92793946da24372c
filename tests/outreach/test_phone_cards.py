"""The outbox and the Teams / Slack channels on a phone (tests/stacked.py): a message or channel
without an error shows no "Last error" heading over nothing; one with an error shows it."""

from tests.stacked import tables_in, unlabelled


def _rows_by_title(table, column: int) -> dict:
    return {row[column].text: row for row in table.rows}


def test_a_last_error_heading_stands_only_over_an_error_on_a_phone(client, login_as, create_user, db):
    from community.discussions.models import Category
    from community.outreach.models import ChannelWebhook, OutgoingMessage

    admin = create_user(roles=("admin",), name="Ada Admin")
    db.session.add_all([
        OutgoingMessage(key="fine", recipient="fine@example.com", kind="test", subject="Fine", body_text="-", status="outbox"),
        OutgoingMessage(key="bounced", recipient="bounced@example.com", kind="test", subject="Bounced", body_text="-",
                        status="failed", attempts=5, last_error="550 mailbox unavailable"),
        ChannelWebhook(scope="ambassadors", url="https://example.webhook.office.com/hook", flavour="teams", last_error="HTTP 404"),
        Category(slug="tips", name="Tips"),  # no channel yet
    ])
    db.session.commit()
    login_as(admin)

    [outbox] = tables_in(client.get("/admin/outbox").get_data(as_text=True))
    assert unlabelled(outbox) == []
    messages = _rows_by_title(outbox, 1)
    fine, bounced = messages["fine@example.com"][-1], messages["bounced@example.com"][-1]
    assert fine.label == bounced.label == "Last error"
    assert "stack-empty" in fine.classes and fine.text == ""
    assert "stack-empty" not in bounced.classes and bounced.text == "550 mailbox unavailable"

    [channels] = tables_in(client.get("/community/channels").get_data(as_text=True))
    assert unlabelled(channels) == []
    errors = [row[2] for row in channels.rows]
    assert [cell.label for cell in errors] == ["Last error"] * len(errors) and len(errors) > 1
    assert "stack-empty" not in errors[0].classes and errors[0].text == "HTTP 404"  # ambassador news
    assert all("stack-empty" in cell.classes and cell.text == "" for cell in errors[1:])  # the categories' unset channels
