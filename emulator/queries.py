"""Audit queries: parsing request bodies, selecting records, paging, transactions."""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Final

from emulator.catalogue import SERVICE_NAMES
from emulator.data import AuditDataset, RecordKey, format_instant
from emulator.errors import ApiError
from emulator.intervals import parse_interval

__all__ = [
    "CANCEL_SERVICE",
    "DEFAULT_PAGE_SIZE",
    "FAIL_SERVICE",
    "MAX_PAGE_SIZE",
    "AuditQuery",
    "RelatedQuery",
    "Selection",
    "Transaction",
    "TransactionStore",
    "page_count",
    "parse_query",
    "parse_realtime_paging",
    "parse_related",
]

MAX_PAGE_SIZE: Final = 500
DEFAULT_PAGE_SIZE: Final = 25
# Reserved service names: a query naming one ends Failed / Cancelled.
FAIL_SERVICE: Final = "EmulatorFail"
CANCEL_SERVICE: Final = "EmulatorCancel"

_FILTER_PROPERTIES: Final = (
    "UserId",
    "TrusteeOrganizationId",
    "ClientId",
    "Action",
    "EntityType",
    "EntityId",
)
_SORT_ORDERS: Final = ("ascending", "descending")


@dataclasses.dataclass(frozen=True)
class AuditQuery:
    """A validated AuditQueryRequest (or the query part of a realtime one)."""

    interval: str
    start_ms: int
    end_ms: int
    service_name: str | None
    filters: tuple[tuple[str, str], ...]
    sort: tuple[tuple[str, str], ...]

    @property
    def descending(self) -> bool:
        return bool(self.sort) and self.sort[0][1] == "descending"

    def echo(self) -> dict[str, Any]:
        """The query's parameters as a status response repeats them."""
        echoed: dict[str, Any] = {"interval": self.interval}
        if self.service_name is not None:
            echoed["serviceName"] = self.service_name
        echoed["filters"] = [{"property": p, "value": v} for p, v in self.filters]
        echoed["sort"] = [{"name": n, "sortOrder": o} for n, o in self.sort]
        return echoed


def _object_list(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ApiError(400, f"{name} must be a list of objects", "bad.request", field=name)
    return value


def _string_field(item: dict[str, Any], name: str, where: str) -> str:
    if name not in item:
        raise ApiError(
            400,
            f"{where}.{name} is required",
            "constraint.validation",
            field=f"{where}.{name}",
        )
    value = item[name]
    if not isinstance(value, str):
        raise ApiError(
            400,
            f"{where}.{name} must be a string",
            "bad.request",
            field=f"{where}.{name}",
        )
    return value


def _enum_field(item: dict[str, Any], name: str, where: str, allowed: tuple[str, ...]) -> str:
    value = _string_field(item, name, where)
    if value not in allowed:
        raise ApiError(
            400,
            f"{where}.{name} must be one of {', '.join(allowed)}, not {value!r}",
            "bad.request",
            field=f"{where}.{name}",
        )
    return value


def parse_query(body: object) -> AuditQuery:
    """Check an AuditQueryRequest body; raises ApiError 400 when it is wrong."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object", "bad.request")
    if "interval" not in body:
        raise ApiError(400, "interval is required", "constraint.validation", field="interval")
    start_ms, end_ms = parse_interval(body["interval"])
    service = body.get("serviceName")
    if service is not None:
        if not isinstance(service, str):
            raise ApiError(400, "serviceName must be a string", "bad.request", field="serviceName")
        if service not in SERVICE_NAMES and service not in (
            FAIL_SERVICE,
            CANCEL_SERVICE,
        ):
            raise ApiError(
                400,
                f"Unknown serviceName {service!r}",
                "invalid.property",
                field="serviceName",
            )
    filters = tuple(
        (
            _enum_field(item, "property", "filters", _FILTER_PROPERTIES),
            _string_field(item, "value", "filters"),
        )
        for item in _object_list(body, "filters")
    )
    return AuditQuery(body["interval"], start_ms, end_ms, service, filters, _parse_sort(body))


@dataclasses.dataclass(frozen=True)
class RelatedQuery:
    """A validated AuditRealtimeRelatedRequest."""

    audit_id: str
    trustor_org_id: str | None
    descending: bool


def _parse_sort(body: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (
            _enum_field(item, "name", "sort", ("Timestamp",)),
            _enum_field(item, "sortOrder", "sort", _SORT_ORDERS),
        )
        for item in _object_list(body, "sort")
    )


def parse_related(body: object) -> RelatedQuery:
    """Check an AuditRealtimeRelatedRequest body; raises ApiError 400 when it is wrong."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object", "bad.request")
    audit_id = body.get("auditId")
    if audit_id is None:
        raise ApiError(400, "auditId is required", "constraint.validation", field="auditId")
    if not isinstance(audit_id, str):
        raise ApiError(400, "auditId must be a string", "bad.request", field="auditId")
    trustor = body.get("trustorOrgId")
    if trustor is not None and not isinstance(trustor, str):
        raise ApiError(400, "trustorOrgId must be a string", "bad.request", field="trustorOrgId")
    sort = _parse_sort(body)
    return RelatedQuery(audit_id, trustor, bool(sort) and sort[0][1] == "descending")


def _int_field(body: dict[str, Any], name: str, default: int, maximum: int) -> int:
    value = body.get(name, default)
    if value is None:
        return default
    if type(value) is not int:
        raise ApiError(400, f"{name} must be an integer", "bad.request", field=name)
    if not 1 <= value <= maximum:
        raise ApiError(
            400,
            f"{name} must be between 1 and {maximum}",
            "constraint.validation",
            field=name,
        )
    return value


def parse_realtime_paging(body: dict[str, Any]) -> tuple[int, int]:
    """(pageNumber, pageSize) of an AuditRealtimeQueryRequest."""
    return (
        _int_field(body, "pageNumber", 1, 2**31 - 1),
        _int_field(body, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    )


class Selection:
    """The records a query selects, in its sort order, addressed by position.

    Position ``p`` is the ``p``-th record of the query's interval in sort
    order; filters then skip some positions.  Nothing is materialised.  With
    a ``present`` (ms), only the records visible by then are selected: none
    after it, and no late record before it has become visible.
    """

    def __init__(self, dataset: AuditDataset, query: AuditQuery, present: int | None = None) -> None:
        self.dataset = dataset
        end = query.end_ms if present is None else min(query.end_ms, present + 1)
        self.span = dataset.index_range(query.start_ms, end)
        self.descending = query.descending
        hidden = present if present is not None and dataset.has_late_records else None
        self._predicate = self._compile(query, hidden)

    def _compile(self, query: AuditQuery, present: int | None) -> Callable[[int], bool] | None:
        ds = self.dataset
        getters: dict[str, Callable[[RecordKey], str]] = {
            "UserId": lambda k: ds.user_ids[k.user_index],
            "TrusteeOrganizationId": ds.home_org_id,
            "ClientId": ds.client_id,
            "Action": lambda k: k.action,
            "EntityType": lambda k: k.entity_type,
            "EntityId": ds.entity_id,
        }
        tests = [(getters[prop], value) for prop, value in query.filters]
        service = query.service_name
        if service is None and not tests and present is None:
            return None

        def predicate(index: int) -> bool:
            if present is not None and ds.visible_ms(index) > present:
                return False
            if service is None and not tests:
                return True
            key = ds.key(index)
            if service is not None and key.service != service:
                return False
            return all(get(key) == value for get, value in tests)

        return predicate

    @property
    def size(self) -> int:
        """How many positions there are (records in the interval)."""
        return len(self.span)

    def index_at(self, position: int) -> int:
        return self.span[-1 - position] if self.descending else self.span[position]

    def matches_from(self, position: int) -> Iterator[tuple[int, int]]:
        """(position, record index) of every selected record from ``position`` on."""
        for pos in range(position, self.size):
            index = self.index_at(pos)
            if self._predicate is None or self._predicate(index):
                yield pos, index

    def page(self, position: int, size: int) -> tuple[list[int], int | None]:
        """Indices of up to ``size`` records from ``position``; the next one's position."""
        if self._predicate is None:
            end = min(position + size, self.size)
            indices = [self.index_at(p) for p in range(position, end)]
            return indices, (end if end < self.size else None)
        found: list[int] = []
        for pos, index in self.matches_from(position):
            if len(found) == size:
                return found, pos
            found.append(index)
        return found, None

    def numbered_page(self, number: int, size: int) -> tuple[list[int], int]:
        """Indices of page ``number`` (from 1) of ``size`` records, and the total."""
        first = (number - 1) * size
        if self._predicate is None:
            end = min(first + size, self.size)
            return [self.index_at(p) for p in range(first, end)], self.size
        indices: list[int] = []
        total = 0
        for _pos, index in self.matches_from(0):
            if first <= total < first + size:
                indices.append(index)
            total += 1
        return indices, total


def page_count(total: int, size: int) -> int:
    return math.ceil(total / size)


@dataclasses.dataclass
class Transaction:
    """One asynchronous audit query and where it is in its lifecycle."""

    id: str
    query: AuditQuery
    selection: Selection
    created: float  # time.monotonic()
    start_date: str
    outcome: str  # the final state: Succeeded, Failed or Cancelled
    pending_polls: int
    succeed_after: float | None
    polls: int = 0
    ended: bool = False

    def poll(self, now: float) -> str:
        """Answer one status poll: the query's state after it."""
        self.polls += 1
        if not self.ended:
            if self.succeed_after is not None:
                self.ended = now - self.created >= self.succeed_after
            else:
                self.ended = self.polls > self.pending_polls
        if self.ended:
            return self.outcome
        return "Queued" if self.polls == 1 else "Running"

    def status_body(self, state: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": state,
            "startDate": self.start_date,
            **self.query.echo(),
        }


class TransactionStore:
    """The most recent transactions, by id; thread-safe."""

    def __init__(self, seed: int, limit: int) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._limit = limit
        self._counter = 0
        self._items: collections.OrderedDict[str, Transaction] = collections.OrderedDict()
        self.lock = threading.Lock()  # held while a transaction's state changes

    def _new_id(self) -> str:
        self._counter += 1
        digest = hashlib.blake2b(f"tx:{self._seed}:{self._counter}".encode(), digest_size=16).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:]}"

    def create(
        self,
        dataset: AuditDataset,
        query: AuditQuery,
        *,
        fail: bool,
        pending_polls: int,
        succeed_after: float | None,
        present: int | None = None,
    ) -> Transaction:
        outcome = "Succeeded"
        if fail or query.service_name == FAIL_SERVICE:
            outcome = "Failed"
        elif query.service_name == CANCEL_SERVICE:
            outcome = "Cancelled"
        with self._lock:
            tx = Transaction(
                id=self._new_id(),
                query=query,
                selection=Selection(dataset, query, present),
                created=time.monotonic(),
                start_date=format_instant(int(time.time() * 1000)),
                outcome=outcome,
                pending_polls=pending_polls,
                succeed_after=succeed_after,
            )
            self._items[tx.id] = tx
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return tx

    def get(self, transaction_id: str) -> Transaction:
        with self._lock:
            tx = self._items.get(transaction_id)
        if tx is None:
            raise ApiError(404, f"Audit query {transaction_id} was not found", "not.found")
        return tx

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
