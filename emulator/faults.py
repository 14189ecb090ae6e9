"""Fault injection: rules that make chosen requests misbehave, with counters.

A rule watches the requests whose method and path match it.  Of those it
lets ``skip`` through, then fires on every ``every``-th one, at most
``count`` times (``None``: without end).  Every rule counts every matching
request independently of the others.
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
from typing import Any, Final

__all__ = [
    "FAULT_KINDS",
    "FaultRule",
    "FaultSet",
    "FiredFaults",
    "parse_fault",
]

# kind -> what it does
FAULT_KINDS: Final = {
    "status": "answer with an ErrorBody of the given HTTP status (429 adds Retry-After)",
    "drop": "close the connection without answering",
    "lose": "handle the request, then close the connection instead of answering (the answer is lost)",
    "delay": "wait `seconds` before handling the request",
    "unknown-enum": "give records unknown enum values (level PARTNER, status PARTIAL)",
    "extra-fields": "add fields the spec does not know to records and pages",
}


@dataclasses.dataclass(frozen=True)
class FaultRule:
    """One fault, and which requests it hits."""

    kind: str
    status: int | None = None
    path: str | None = None  # regular expression searched in the request path
    method: str | None = None
    count: int | None = None
    every: int = 1
    skip: int = 0
    retry_after: int = 1
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")
        if self.kind == "status" and (self.status is None or not 400 <= self.status <= 599):
            raise ValueError("a status fault needs a status between 400 and 599")
        if self.every < 1 or self.skip < 0 or (self.count is not None and self.count < 0):
            raise ValueError("every must be >= 1, skip and count >= 0")
        if self.retry_after < 0:
            raise ValueError("retry_after must not be negative")
        if not 0 <= self.seconds < math.inf:  # NaN fails both
            raise ValueError(f"seconds must be a finite number, not negative, not {self.seconds!r}")
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as error:
                raise ValueError(f"path {self.path!r} is not a regular expression ({error})") from None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or re.search(self.path, path) is not None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRule:
        """A rule from a JSON object: ``{"spec": "..."}`` or the field names."""
        if set(data) == {"spec"} and isinstance(data["spec"], str):
            return parse_fault(data["spec"])
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = set(data) - set(fields)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        values = dict(data)
        kind = values.get("kind")
        if isinstance(kind, int) or (isinstance(kind, str) and kind.isdigit()):
            values["kind"], values["status"] = "status", int(kind)
        for name in ("status", "count", "every", "skip", "retry_after"):
            if name in values and values[name] is not None and type(values[name]) is not int:
                raise ValueError(f"{name} must be an integer")
        for name in ("kind", "path", "method"):
            if name in values and values[name] is not None and not isinstance(values[name], str):
                raise ValueError(f"{name} must be a string")
        if "seconds" in values and not isinstance(values["seconds"], (int, float)):
            raise ValueError("seconds must be a number")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


_NUMBERS: Final = {"count": int, "every": int, "skip": int, "retry_after": int, "status": int, "seconds": float}


def parse_fault(spec: str) -> FaultRule:
    """Parse ``KIND[:key=value]...``, e.g. ``503:path=/results:count=2``.

    KIND is an HTTP status (400-599) or one of drop, lose, delay, unknown-enum,
    extra-fields; keys are path, method, count, every, skip, retry_after
    and seconds.
    """
    head, *options = spec.split(":")
    values: dict[str, Any] = {}
    head = head.strip()
    if head.isdigit():
        values.update(kind="status", status=int(head))
    else:
        values["kind"] = head
    for option in options:
        name, sep, raw = option.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise ValueError(f"fault option {option!r} is not key=value")
        if name in ("path", "method"):
            values[name] = raw
        elif name not in _NUMBERS:
            raise ValueError(f"unknown fault option {name!r}")
        else:
            try:
                values[name] = _NUMBERS[name](raw)
            except ValueError:
                raise ValueError(f"fault option {name} needs a number, not {raw!r}") from None
    return FaultRule(**values)


@dataclasses.dataclass
class _ActiveRule:
    id: int
    rule: FaultRule
    seen: int = 0
    fired: int = 0

    def offer(self, method: str, path: str) -> bool:
        """Count a request; whether this rule fires on it."""
        rule = self.rule
        if not rule.matches(method, path):
            return False
        self.seen += 1
        position = self.seen - rule.skip
        if position < 1 or position % rule.every != 0:
            return False
        if rule.count is not None and self.fired >= rule.count:
            return False
        self.fired += 1
        return True


@dataclasses.dataclass
class FiredFaults:
    """What the faults decided for one request."""

    drop: bool = False
    lose: bool = False
    status: FaultRule | None = None
    delay: float = 0.0
    unknown_enum: bool = False
    extra_fields: bool = False

    @property
    def mutates(self) -> bool:
        return self.unknown_enum or self.extra_fields


class FaultSet:
    """The active fault rules, safe to use from many threads."""

    def __init__(self, rules: tuple[FaultRule, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._rules: list[_ActiveRule] = []
        self._next_id = 1
        for rule in rules:
            self.add(rule)

    def add(self, rule: FaultRule) -> int:
        with self._lock:
            rule_id = self._next_id
            self._next_id += 1
            self._rules.append(_ActiveRule(rule_id, rule))
            return rule_id

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) < before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"id": r.id, "rule": r.rule.to_json(), "seen": r.seen, "fired": r.fired} for r in self._rules]

    def decide(self, method: str, path: str) -> FiredFaults:
        fired = FiredFaults()
        with self._lock:
            for active in self._rules:
                if not active.offer(method, path):
                    continue
                rule = active.rule
                if rule.kind == "drop":
                    fired.drop = True
                elif rule.kind == "lose":
                    fired.lose = True
                elif rule.kind == "status":
                    fired.status = fired.status or rule
                elif rule.kind == "delay":
                    fired.delay += rule.seconds
                elif rule.kind == "unknown-enum":
                    fired.unknown_enum = True
                else:
                    fired.extra_fields = True
        return fired
