"""Opaque, tamper-evident cursors for results paging."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

__all__ = ["CursorCodec"]


class CursorCodec:
    """Turns (transaction id, position) into an opaque string and back."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, transaction_id: str, position: int) -> str:
        message = f"{transaction_id}:{position}".encode()
        return hashlib.blake2b(message, key=self._secret, digest_size=9).hexdigest()

    def encode(self, transaction_id: str, position: int) -> str:
        token = f"{position}.{self._sign(transaction_id, position)}".encode()
        return base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decode(self, transaction_id: str, cursor: str) -> int | None:
        """The position a cursor names, or None if it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        position_text, _, signature = raw.partition(".")
        if not position_text.isdigit():
            return None
        position = int(position_text)
        if not hmac.compare_digest(signature, self._sign(transaction_id, position)):
            return None
        return position
