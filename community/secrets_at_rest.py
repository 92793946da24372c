"""Secrets stored in the database are encrypted at rest (Fernet from `cryptography`: AES-128-CBC
with an HMAC-SHA256, so a changed value is detected, not decrypted to garbage).

The key is derived from SECRET_KEY (HKDF-SHA256 with a purpose label), so a deployment sets no
second secret. Rotating SECRET_KEY: put the old key into SECRET_KEY_FALLBACKS (a comma-separated
environment variable, Flask 3.1's own setting); values written under it still decrypt, and
`flask secrets reencrypt` writes them again under the new key.

A stored value carries the prefix ``enc1:``. A value without it (written before encryption was
introduced) is read as it is, so nothing is lost if the migration that encrypts old rows has not
run yet.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
PURPOSE = b"community: secrets stored in the database"


def _fernet_key(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(raw)
    return base64.urlsafe_b64encode(derived)


def cipher(secret_key: str | bytes, fallbacks: list[str | bytes] | tuple[str | bytes, ...] = ()) -> MultiFernet:
    """The current key first (used to encrypt), then the fallbacks (only to decrypt)."""
    return MultiFernet([Fernet(_fernet_key(key)) for key in [secret_key, *fallbacks] if key])


def _app_cipher() -> MultiFernet:
    config = current_app.config
    return cipher(config["SECRET_KEY"], list(config.get("SECRET_KEY_FALLBACKS") or []))


def encrypt(plain: str, box: MultiFernet | None = None) -> str:
    return PREFIX + (box or _app_cipher()).encrypt(plain.encode()).decode()


def decrypt(stored: str, box: MultiFernet | None = None) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption; `flask secrets reencrypt` encrypts it
    try:
        return (box or _app_cipher()).decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken as error:
        raise RuntimeError(
            "A secret in the database cannot be decrypted: SECRET_KEY changed without the old key "
            "in SECRET_KEY_FALLBACKS."
        ) from error


def is_encrypted(stored: str | None) -> bool:
    return bool(stored) and str(stored).startswith(PREFIX)


class EncryptedString(TypeDecorator[str]):
    """A string column whose value is stored encrypted (see the module's docstring). Its
    length is the stored (encrypted) length; Fernet roughly doubles a short value."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return decrypt(str(value))


def encrypted_columns() -> list[tuple[type, str]]:
    """Every (model, attribute) of a mapped model stored with EncryptedString."""
    from community.extensions import Model

    found = []
    for mapper in Model.registry.mappers:
        for attribute in mapper.column_attrs:
            if any(isinstance(column.type, EncryptedString) for column in attribute.columns):
                found.append((mapper.class_, attribute.key))
    return sorted(found, key=lambda pair: (pair[0].__name__, pair[1]))


def reencrypt_all() -> int:
    """Write every stored secret again under the current key (after a key rotation, or to
    encrypt values stored before encryption). The caller commits. Returns how many."""
    from sqlalchemy import select
    from sqlalchemy.orm.attributes import flag_modified

    from community.extensions import db

    count = 0
    for model, attribute in encrypted_columns():
        rows: list[Any] = list(db.session.scalars(select(model)))
        for row in rows:
            flag_modified(row, attribute)
            count += 1
    db.session.flush()
    return count
