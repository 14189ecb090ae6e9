"""The emulator's state: its settings, data, tokens, queries, faults, limits and counters."""

from __future__ import annotations

import hashlib
import threading

from emulator.auth import TokenStore
from emulator.config import RUNTIME_SETTINGS, EmulatorConfig
from emulator.cursors import CursorCodec
from emulator.data import AuditDataset
from emulator.faults import FaultSet
from emulator.queries import TransactionStore
from emulator.ratelimit import RateLimiter
from emulator.stats import Stats
from emulator.validation import SpecValidator

__all__ = ["EmulatorState"]


class EmulatorState:
    """All the emulator's state: what handlers read and change."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.dataset = AuditDataset(
            seed=config.seed,
            count=config.records,
            start=config.span_start,
            end=config.data_end,
            cache_records=config.record_cache,
            late_percent=config.late_percent,
            late_by_ms=round(config.late_by * 1000),
            history_every=config.history_every,
            shape=config.shape,
        )
        self.tokens = TokenStore()
        self.transactions = TransactionStore(config.seed, config.max_transactions)
        self.cursors = CursorCodec(hashlib.blake2b(f"cursor:{config.seed}".encode()).digest()[:32])
        self.faults = FaultSet(config.faults)
        self.rate_limiter = RateLimiter()
        self.stats = Stats()
        self._validator: SpecValidator | None = None
        self._validator_lock = threading.Lock()
        # Every setting PATCH /_emulator/config may change, as it started (reset puts each back).
        self._initial_settings = {name: getattr(config, name) for name in sorted(RUNTIME_SETTINGS)}
        if config.validate:
            self.validator()

    def validator(self) -> SpecValidator:
        with self._validator_lock:
            if self._validator is None:
                self._validator = SpecValidator()
            return self._validator

    def reset(self) -> None:
        """Back to the state at start: settings, faults, counters, queries, limits.

        Issued tokens stay valid, so clients need not log in again.
        """
        self.config.update(dict(self._initial_settings))
        self.faults.clear()
        for rule in self.config.faults:
            self.faults.add(rule)
        self.transactions.clear()
        self.rate_limiter.reset()
        self.stats.reset()
