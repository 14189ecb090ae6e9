"""A record's JSON text as the archive's rows: its typed columns and one row per property change.

Only the fields the columns name are decoded (msgspec, in C); the record itself is kept as the API sent
it. A record without an id is kept under the digest of its text (`sha256:...`), so that it is still
stored once however often it is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import msgspec

from ._coverage import canonical_date

__all__: list[str] = []


class _Reference(msgspec.Struct):
    id: str | None = None
    name: str | None = None


class _Message(msgspec.Struct):
    message: str | None = None
    messageWithParams: str | None = None
    localizableMessageCode: str | None = None


class _Initiating(msgspec.Struct):
    transactionId: str | None = None


class _Change(msgspec.Struct):
    property: str | None = None
    oldValues: list[str] | None = None
    newValues: list[str] | None = None


class _Record(msgspec.Struct):
    id: str | None = None
    eventDate: str | None = None
    serviceName: str | None = None
    level: str | None = None
    action: str | None = None
    entityType: str | None = None
    entity: _Reference | None = None
    user: _Reference | None = None
    client: _Reference | None = None
    remoteIp: list[str] | None = None
    status: str | None = None
    initiatingAction: _Initiating | None = None
    message: _Message | None = None
    propertyChanges: list[_Change] | None = None


_decode = msgspec.json.Decoder(_Record).decode


def _text(value: str | None) -> str | None:
    return value or None  # "" (as real responses have, e.g. a client id of a UI action) is no value


def rows(record: bytes) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The `records` row (its columns after `seq`) and the `property_changes` rows (theirs after `seq`) of
    one record's JSON text; the row's first column is the id the archive keeps the record under."""
    try:
        fields = _decode(record)
    except msgspec.DecodeError as error:
        from ..._core._errors import DecodingError

        raise DecodingError(f"a record cannot be archived: {error}") from None
    entity, user, client, message = fields.entity, fields.user, fields.client, fields.message
    text = message and (message.message or message.messageWithParams or message.localizableMessageCode)
    initiating = fields.initiatingAction
    row = (
        fields.id or "sha256:" + hashlib.sha256(record).hexdigest(),
        canonical_date(fields.eventDate) if fields.eventDate else "",
        fields.serviceName,
        fields.level,
        fields.action,
        fields.entityType,
        _text(entity.id if entity else None),
        _text(entity.name if entity else None),
        _text(user.id if user else None),
        _text(user.name if user else None),
        _text(client.id if client else None),
        ";".join(fields.remoteIp) if fields.remoteIp else None,
        fields.status,
        _text(initiating.transactionId if initiating else None),
        text or None,
        record.decode(),
    )
    changes = [
        (position, change.property, _values(change.oldValues), _values(change.newValues))
        for position, change in enumerate(fields.propertyChanges or ())
    ]
    return row, changes


_encode = msgspec.json.Encoder().encode


def _values(values: Sequence[str] | None) -> str:
    return _encode(values or ()).decode()
