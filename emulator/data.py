"""Deterministic, lazily generated audit records of one emulated organization.

Record ``i`` is a pure function of ``(seed, i)`` and the organization's
time span, so any slice of a huge organization can be produced without
materialising the rest.  Event times are non-decreasing in ``i``, which lets
an interval be mapped to an index range by bisection.

``shape`` (emulator.shapes) spreads the records evenly (the default), in clusters, in working hours or
in bursts, or gives them fields the spec does not list. Two opt-in shapes serve an archive's tests: ``late_percent`` of the records
become visible up to ``late_by_ms`` after their eventDate (``visible_ms``), and
with ``history_every`` every Nth record is an Update of one of a few tracked
queues whose property values form a chain (each change's old value is the new
value of that property's previous change), so an entity's history is checkable.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

from emulator.catalogue import CATALOGUE, SERVICE_NAMES
from emulator.messages import encode_json
from emulator.shapes import add_unlisted, density

__all__ = [
    "AuditDataset",
    "RecordKey",
    "format_instant",
    "to_millis",
]

_MASK: Final = (1 << 64) - 1
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

_USER_COUNT: Final = 48
_CLIENT_COUNT: Final = 8
_ENTITIES_PER_TYPE: Final = 40
_DIVISION_COUNT: Final = 3
_TRUSTEE_ORG_COUNT: Final = 2
# Records 4k..4k+3 may share one initiating action (see ``record``): an action writes at most 4.
_ACTION_BLOCK: Final = 4

# Relative activity of each service (busier services first).
_SERVICE_WEIGHTS: Final = (9, 8, 12, 4, 5, 6, 10, 5, 4, 4, 3, 2, 5, 3, 2, 1)
_SERVICE_CUMULATIVE: Final = tuple(itertools.accumulate(_SERVICE_WEIGHTS))
assert len(_SERVICE_WEIGHTS) == len(SERVICE_NAMES)

_FIRST_NAMES: Final = (
    "Ada",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Keiko",
    "Liam",
    "Maya",
    "Nikolai",
    "Olivia",
    "Pedro",
)
_LAST_NAMES: Final = (
    "Andersen",
    "Baptiste",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
)
_ENTITY_WORDS: Final = (
    "Sales",
    "Support",
    "Billing",
    "Onboarding",
    "Renewals",
    "Escalations",
    "Priority",
    "Night Shift",
    "EMEA",
    "APAC",
    "Retention",
    "VIP",
)
_APPLICATIONS: Final = (
    "Genesys Cloud",
    "Genesys Cloud",
    "Developer Center",
    "CX as Code",
    "",
)
_ACTION_CONTEXTS: Final = ("BulkUpdate", "Import", "ApiCall", "Archy")
_CHANGED_PROPERTIES: Final = (
    "name",
    "description",
    "state",
    "enabled",
    "divisionId",
    "version",
)
# The entities whose changes `history_every` tracks: queues of one service, a few properties each.
_TRACKED_SERVICE: Final = "Routing"
_TRACKED_TYPE: Final = "Queue"
_TRACKED_ENTITIES: Final = 4
_TRACKED_PROPERTIES: Final = ("name", "description", "acwTimeoutMs")
_PAST_TENSE: Final = {
    "Add": "added",
    "Remove": "removed",
    "Stop": "stopped",
    "Checkin": "checked in",
    "Checkout": "checked out",
    "Deny": "denied",
    "View": "viewed",
    "Download": "downloaded",
}


def _mix(value: int) -> int:
    """SplitMix64 finaliser: a fast, well-spread 64-bit hash."""
    z = (value + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class _Stream:
    """A tiny deterministic random stream, stable across Python versions."""

    __slots__ = ("_state",)

    def __init__(self, seed: int) -> None:
        self._state = seed & _MASK

    def next(self) -> int:
        self._state = (self._state + 0x9E3779B97F4A7C15) & _MASK
        return _mix(self._state)

    def below(self, n: int) -> int:
        return self.next() % n

    def chance(self, percent: int) -> bool:
        return self.below(100) < percent

    def pick(self, items: tuple[str, ...]) -> str:
        return items[self.below(len(items))]


def _uuid(*parts: int) -> str:
    """A version-4 shaped UUID derived from integers."""
    h = 0x5EED
    for part in parts:
        h = _mix(h ^ (part & _MASK))
    value = (h << 64) | _mix(h ^ 0xA5A5A5A5)
    value = (value & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
    x = f"{value:032x}"
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _name_code(text: str) -> int:
    """A stable integer for a short string (``hash`` is salted per process)."""
    return int.from_bytes(text.encode()[:8].ljust(8, b"\0"), "big") ^ len(text)


def to_millis(instant: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    return (instant - _EPOCH) // timedelta(milliseconds=1)


def format_instant(millis: int) -> str:
    """ISO-8601 UTC with milliseconds and ``Z``, e.g. 2026-11-01T10:00:00.123Z."""
    moment = _EPOCH + timedelta(milliseconds=millis)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{millis % 1000:03d}Z"


class RecordKey(NamedTuple):
    """The filterable facts of a record, cheaper to compute than the record."""

    service: str
    entity_type: str
    action: str
    level: str
    user_index: int
    client_index: int  # -1: no client (an action in the web UI)
    trustee_index: int  # -1: a user of the home organization
    entity_index: int


class AuditDataset:
    """The audit trail of one organization: ``count`` records over a time span."""

    def __init__(
        self,
        *,
        seed: int,
        count: int,
        start: datetime,
        end: datetime,
        cache_records: int = 0,
        late_percent: float = 0.0,
        late_by_ms: int = 0,
        history_every: int = 0,
        shape: str = "even",
    ) -> None:
        if count < 0:
            raise ValueError("count must not be negative")
        if cache_records < 0:
            raise ValueError("cache_records must not be negative")
        if not 0 <= late_percent <= 100 or (late_percent and late_by_ms < 1):
            raise ValueError("late_percent must be 0 to 100, with late_by_ms at least 1 when it is not 0")
        if history_every < 0:
            raise ValueError("history_every must not be negative")
        self._late_per_million = round(late_percent * 10_000)
        self.late_by_ms = late_by_ms
        self.history_every = history_every
        self.seed = seed
        self.count = count
        self.start_ms = to_millis(start)
        self.end_ms = to_millis(end)
        if self.end_ms <= self.start_ms:
            raise ValueError("the data span must end after it starts")
        self._seed_key = _mix(seed ^ 0xA0D17)
        self.shape = shape
        self.density = density(shape, self.start_ms, self.end_ms, self._seed_key)
        self._unlisted = shape == "extra-fields"
        self.org_id = _uuid(seed, 1)
        self.trustee_org_ids = tuple(_uuid(seed, 2, n) for n in range(_TRUSTEE_ORG_COUNT))
        self.division_ids = tuple(_uuid(seed, 3, n) for n in range(_DIVISION_COUNT))
        self.user_ids = tuple(_uuid(seed, 4, n) for n in range(_USER_COUNT))
        self.user_names = tuple(
            f"{_FIRST_NAMES[n % len(_FIRST_NAMES)]} {_LAST_NAMES[(n * 5 + seed) % len(_LAST_NAMES)]}"
            for n in range(_USER_COUNT)
        )
        self.client_ids = tuple(_uuid(seed, 5, n) for n in range(_CLIENT_COUNT))
        self._entity_id = functools.lru_cache(maxsize=4096)(self._make_entity_id)
        # The JSON of the most recently served records: a page asked for again (a retry, a resume, a
        # second export of the same span) is answered without generating its records again.
        self._encoded = functools.lru_cache(maxsize=cache_records)(self._encode) if cache_records else None
        self._index_by_id: dict[str, int] | None = None
        self._index_lock = threading.Lock()

    # -- time -------------------------------------------------------------

    def event_ms(self, index: int) -> int:
        """The event time of record ``index``; non-decreasing in ``index``.

        Each record sits at ``index + jitter`` (jitter in [0, 1)) of ``count``
        equal shares of the shape's density over the span, so times never go
        backwards (evenly spread: ``count`` equal slots of the span).
        """
        jitter = _mix(self._seed_key ^ (index * 0x2545F4914F6CDD1D)) % 1000
        return self.density.time_at(index * 1000 + jitter, self.count * 1000)

    def first_index_at_or_after(self, millis: int) -> int:
        """The smallest index whose event time is >= ``millis`` (bisection)."""
        lo, hi = 0, self.count
        while lo < hi:
            mid = (lo + hi) // 2
            if self.event_ms(mid) < millis:
                lo = mid + 1
            else:
                hi = mid
        return lo

    @property
    def has_late_records(self) -> bool:
        return self._late_per_million > 0

    def visible_ms(self, index: int) -> int:
        """When record ``index`` becomes visible to queries: its eventDate, or for a late record
        (``late_percent`` of them) 1 ms to ``late_by_ms`` after it."""
        event = self.event_ms(index)
        if not self._late_per_million:
            return event
        roll = _mix(self._seed_key ^ 0x1A7E5 ^ ((index * 0x9E3779B97F4A7C15) & _MASK))
        if roll % 1_000_000 >= self._late_per_million:
            return event
        return event + 1 + (roll >> 24) % self.late_by_ms

    def index_range(self, start_ms: int, end_ms: int) -> range:
        """Indices of the records with ``start_ms <= eventDate < end_ms``."""
        if end_ms <= start_ms:
            return range(0)
        return range(self.first_index_at_or_after(start_ms), self.first_index_at_or_after(end_ms))

    # -- records ----------------------------------------------------------

    def _stream(self, index: int) -> _Stream:
        return _Stream(self._seed_key ^ _mix(index))

    def _key_from(self, stream: _Stream) -> RecordKey:
        service = SERVICE_NAMES[bisect.bisect_right(_SERVICE_CUMULATIVE, stream.below(_SERVICE_CUMULATIVE[-1]))]
        entity_types = CATALOGUE[service]
        entity_type = tuple(entity_types)[stream.below(len(entity_types))]
        action = stream.pick(entity_types[entity_type])
        roll = stream.below(100)
        level = "USER" if roll < 80 else "SYSTEM" if roll < 95 else "GENESYS_INTERNAL"
        # Two draws, keep the smaller: a few users do most of the work.
        user_index = min(stream.below(_USER_COUNT), stream.below(_USER_COUNT))
        client_index = -1 if stream.chance(25) else stream.below(_CLIENT_COUNT)
        trustee_index = stream.below(_TRUSTEE_ORG_COUNT) if level == "USER" and stream.chance(4) else -1
        entity_index = stream.below(_ENTITIES_PER_TYPE)
        return RecordKey(
            service,
            entity_type,
            action,
            level,
            user_index,
            client_index,
            trustee_index,
            entity_index,
        )

    def key(self, index: int) -> RecordKey:
        """The filterable facts of record ``index``."""
        return self._tracked_key(index, self._key_from(self._stream(index)))

    def tracked_change(self, index: int) -> tuple[int, int] | None:
        """(queue, change number) of a record that changes a tracked queue (see ``history_every``)."""
        if not self.history_every or index % self.history_every:
            return None
        number = index // self.history_every
        return number % _TRACKED_ENTITIES, number // _TRACKED_ENTITIES

    def _tracked_key(self, index: int, key: RecordKey) -> RecordKey:
        tracked = self.tracked_change(index)
        if tracked is None:
            return key
        return key._replace(
            service=_TRACKED_SERVICE, entity_type=_TRACKED_TYPE, action="Update", entity_index=tracked[0]
        )

    @staticmethod
    def tracked_value(queue: int, prop: str, change: int) -> str:
        """The value a tracked queue's property has after its change number ``change``."""
        return f"{prop} of queue {queue + 1}, revision {change}"

    def _tracked_changes(self, queue: int, change: int) -> list[dict[str, Any]]:
        """One property per change, in turn; its old value is what its previous change set."""
        count = len(_TRACKED_PROPERTIES)
        prop = _TRACKED_PROPERTIES[change % count]
        old = [self.tracked_value(queue, prop, change - count)] if change >= count else []
        return [{"property": prop, "oldValues": old, "newValues": [self.tracked_value(queue, prop, change)]}]

    def client_id(self, key: RecordKey) -> str:
        return "" if key.client_index < 0 else self.client_ids[key.client_index]

    def home_org_id(self, key: RecordKey) -> str:
        return self.org_id if key.trustee_index < 0 else self.trustee_org_ids[key.trustee_index]

    def entity_id(self, key: RecordKey) -> str:
        return self._entity_id(key.service, key.entity_type, key.entity_index)

    def _make_entity_id(self, service: str, entity_type: str, index: int) -> str:
        return _uuid(self.seed, 6, _name_code(service), _name_code(entity_type), index)

    def record_id(self, index: int) -> str:
        return _uuid(self.seed, 8, index)

    def index_of(self, record_id: str) -> int | None:
        """The index of the record with this id (a table built on first use), or None."""
        with self._index_lock:
            if self._index_by_id is None:
                self._index_by_id = {self.record_id(i): i for i in range(self.count)}
            return self._index_by_id.get(record_id)

    def related(self, index: int) -> list[int]:
        """The records the action that wrote record ``index`` wrote, in time order (itself included).

        Records that carry an initiatingAction share it with the other records of
        their block of four that carry the same transactionId; a record without
        one was written alone.
        """
        action = self._action_of(index)
        if action is None:
            return [index]
        first = index - index % _ACTION_BLOCK
        block = range(first, min(first + _ACTION_BLOCK, self.count))
        return [i for i in block if self._action_of(i) == action]

    def _action_of(self, index: int) -> str | None:
        initiating: dict[str, str] = self.record(index)["initiatingAction"]
        return initiating.get("transactionId")

    def encoded_records(self, indices: Iterable[int], *, expand_user: bool = False) -> bytes:
        """The JSON array of the records at ``indices``: the bytes ``encode_json`` gives for their list."""
        encode = self._encoded or self._encode
        return b"[" + b",".join(encode(index, expand_user) for index in indices) + b"]"

    def _encode(self, index: int, expand_user: bool) -> bytes:
        return encode_json(self.record(index, expand_user=expand_user))

    def records(self, indices: Iterator[int] | range, *, expand_user: bool = False) -> Iterator[dict[str, Any]]:
        for index in indices:
            yield self.record(index, expand_user=expand_user)

    def record(self, index: int, *, expand_user: bool = False) -> dict[str, Any]:
        """Record ``index`` as an AuditLogMessage JSON object."""
        if not 0 <= index < self.count:
            raise IndexError(index)
        stream = self._stream(index)
        key = self._tracked_key(index, self._key_from(stream))
        tracked = self.tracked_change(index)
        user_id = self.user_ids[key.user_index]
        user: dict[str, Any] = {"id": user_id}
        if expand_user:
            user["name"] = self.user_names[key.user_index]
        user["selfUri"] = f"/api/v2/users/{user_id}"
        client_id = self.client_id(key)
        client: dict[str, Any] = {"id": client_id}
        if client_id:
            client["selfUri"] = f"/api/v2/oauth/clients/{client_id}"
        entity_id = self.entity_id(key)
        entity_name = f"{_ENTITY_WORDS[key.entity_index % len(_ENTITY_WORDS)]} {key.entity_type} {key.entity_index + 1}"
        is_user = key.level == "USER"

        roll = stream.below(100)
        status = "SUCCESS" if roll < 90 else "FAILURE" if roll < 97 else "WARNING"
        remote_ip = (
            [f"203.0.113.{stream.below(254) + 1}"]
            + ([f"198.51.100.{stream.below(254) + 1}"] if stream.chance(20) else [])
            if is_user
            else []
        )
        initiating: dict[str, Any] = {}
        if stream.chance(15):
            initiating = {
                "transactionId": _uuid(self.seed, 7, index // _ACTION_BLOCK),
                "actionContext": stream.pick(_ACTION_CONTEXTS),
            }
        verb = _PAST_TENSE.get(key.action, key.action.lower() + ("d" if key.action.endswith("e") else "ed"))
        params = {
            "entityType": key.entity_type,
            "entityName": entity_name,
            "userId": user_id,
        }
        context: dict[str, str] = {}
        if not stream.chance(10):
            context["divisionId"] = self.division_ids[stream.below(_DIVISION_COUNT)]
        if key.client_index >= 0:
            context["oauthClientId"] = client_id

        record: dict[str, Any] = {
            "id": self.record_id(index),
            "userHomeOrgId": self.home_org_id(key),
            "user": user,
            "client": client,
            "remoteIp": remote_ip,
            "serviceName": key.service,
            "level": key.level,
            "eventDate": format_instant(self.event_ms(index)),
            "message": {
                "localizableMessageCode": f"AUDIT_{key.service}_{key.entity_type}_{key.action}".upper(),
                "message": f"{key.entity_type} {entity_name} was {verb} by user {user_id}",
                "messageWithParams": "{entityType} {entityName} was " + verb + " by user {userId}",
                "messageParams": params,
            },
            "action": key.action,
            "entity": {
                "id": entity_id,
                "name": entity_name,
                "selfUri": f"/api/v2/{key.service.lower()}/{key.entity_type.lower()}s/{entity_id}",
            },
            "entityType": key.entity_type,
            "status": status,
            "application": stream.pick(_APPLICATIONS) if is_user else "",
            "initiatingAction": initiating,
            "transactionInitiator": not initiating or index % 4 == 0,
            "propertyChanges": (
                self._tracked_changes(*tracked) if tracked else self._property_changes(stream, key.action)
            ),
            "context": context,
            "entityChanges": self._entity_changes(stream, key),
        }
        return add_unlisted(record, index, self._seed_key) if self._unlisted else record

    def _property_changes(self, stream: _Stream, action: str) -> list[dict[str, Any]]:
        if action not in ("Create", "Update", "Delete"):
            return []
        changes = []
        for _ in range(1 + stream.below(3)):
            prop = stream.pick(_CHANGED_PROPERTIES)
            old = [f"{prop}-v{stream.below(9) + 1}"] if action != "Create" else []
            new = [f"{prop}-v{stream.below(9) + 10}"] if action != "Delete" else []
            changes.append({"property": prop, "oldValues": old, "newValues": new})
        return changes

    def _entity_changes(self, stream: _Stream, key: RecordKey) -> list[dict[str, Any]]:
        if key.action not in ("Add", "Remove"):
            return []
        member = stream.below(_USER_COUNT)
        member_id = self.user_ids[member]
        present = [member_id]
        return [
            {
                "entityId": member_id,
                "entityName": self.user_names[member],
                "entityType": "User",
                "oldValues": [] if key.action == "Add" else present,
                "newValues": present if key.action == "Add" else [],
            }
        ]
