"""Webhook URLs are secrets: the database holds them encrypted, the app reads them back, a
rotated SECRET_KEY still opens them through SECRET_KEY_FALLBACKS, and `flask secrets
reencrypt` moves them to the new key (and encrypts any stored in plain text)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from community.secrets_at_rest import PREFIX, cipher, decrypt, encrypt

URL = "https://example.webhook.office.com/webhookb2/secret-part-XYZ"


def _stored_urls(db) -> list[str]:
    return list(db.session.execute(text("SELECT url FROM channel_webhooks")).scalars())


def _add_hook(db, url=URL):
    from community.outreach.models import ChannelWebhook

    hook = ChannelWebhook(scope="ambassadors", url=url, flavour="teams")
    db.session.add(hook)
    db.session.commit()
    return hook.id


def test_the_database_never_holds_the_url_in_plain_text(app, db):
    from community.outreach.models import ChannelWebhook

    hook_id = _add_hook(db)
    [stored] = _stored_urls(db)
    assert stored.startswith(PREFIX) and "secret-part-XYZ" not in stored and "webhook.office.com" not in stored
    db.session.expire_all()
    assert db.session.get(ChannelWebhook, hook_id).url == URL


def test_a_changed_ciphertext_is_detected_not_read_as_garbage(app):
    box = cipher("key-one")
    stored = encrypt(URL, box)
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(RuntimeError, match="cannot be decrypted"):
        decrypt(tampered, box)


def test_after_a_key_rotation_old_values_open_and_reencrypt_moves_them(app, db):
    from community.outreach.models import ChannelWebhook

    hook_id = _add_hook(db)
    [before] = _stored_urls(db)
    old_key = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-brand-new-secret-key", SECRET_KEY_FALLBACKS=[old_key])
    try:
        db.session.expire_all()
        assert db.session.get(ChannelWebhook, hook_id).url == URL  # opened with the fallback
        result = app.test_cli_runner().invoke(args=["secrets", "reencrypt"])
        assert result.exit_code == 0 and "Encrypted 1 stored secrets" in result.output
        db.session.expire_all()
        [after] = _stored_urls(db)
        assert after != before and decrypt(after, cipher("a-brand-new-secret-key")) == URL
        app.config["SECRET_KEY_FALLBACKS"] = []
        db.session.expire_all()
        assert db.session.get(ChannelWebhook, hook_id).url == URL  # the new key alone opens it now
    finally:
        app.config.update(SECRET_KEY=old_key, SECRET_KEY_FALLBACKS=[])


def test_a_value_stored_before_encryption_is_read_and_then_encrypted(app, db):
    from community.outreach.models import ChannelWebhook

    hook_id = _add_hook(db)
    db.session.execute(text("UPDATE channel_webhooks SET url = :url"), {"url": URL})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ChannelWebhook, hook_id).url == URL
    assert app.test_cli_runner().invoke(args=["secrets", "reencrypt"]).exit_code == 0
    [stored] = _stored_urls(db)
    assert stored.startswith(PREFIX)
    assert db.session.scalar(select(ChannelWebhook.url)) == URL
