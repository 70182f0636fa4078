"""Per-key rate limits and daily quotas, kept in the catalog's database so every API worker shares them.

Each (key, action) has one row: a token bucket (`tokens`, refilled at `per_hour` up to `burst`) and the
amount used on the current UTC day. A charge is one conditional UPDATE per action, in a write
transaction (`BEGIN IMMEDIATE` on SQLite, the row lock on PostgreSQL), so concurrent workers can never
spend the same tokens twice; charges to several actions succeed or fail together.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Engine, Float, String, Table, and_, case, literal, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from models import CatalogError, QuotaExceededError
from storage.catalog import Catalog, metadata

T = TypeVar("T")

rate_buckets = Table(
    "rate_buckets",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("action", String(32), primary_key=True),
    Column("tokens", Float, nullable=False),
    Column("updated", Float, nullable=False),  # epoch seconds of the last charge
    Column("day", String(10), nullable=False),  # UTC date of day_used
    Column("day_used", Float, nullable=False),
)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock from its start on SQLite (`BEGIN IMMEDIATE`, so two writers
    wait for each other instead of one failing on a lock upgrade); an ordinary one elsewhere."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn
        conn.commit()


def create_tables(engine: Engine, tables: list[Table]) -> None:
    """Create the tables that are missing; CatalogError if that fails. Workers starting together may race
    to create one: the loser's CREATE fails, and the second look finds the table there."""
    for attempt in range(2):
        try:
            metadata.create_all(engine, tables=tables)
            return
        except SQLAlchemyError as exc:
            if attempt:
                raise CatalogError(f"catalog operation failed: {exc}") from exc


def run_write(catalog: Catalog, fn: Callable[[Connection], T]) -> T:
    """`fn` in a write transaction; SQLAlchemy errors become CatalogError."""
    try:
        with write_transaction(catalog.engine) as conn:
            return fn(conn)
    except SQLAlchemyError as exc:
        raise CatalogError(f"catalog operation failed: {exc}") from exc


@dataclass(frozen=True)
class Allowance:
    """What one key may spend on `action`: `per_hour` sustained (up to `burst` at once) and `per_day` per
    UTC day. A value of 0 turns that limit off."""

    action: str
    per_hour: float
    burst: float
    per_day: float

    @property
    def limited(self) -> bool:
        return self.per_hour > 0 or self.per_day > 0


class _MissingRowsError(Exception):
    def __init__(self, actions: list[str]) -> None:
        self.actions = actions


class QuotaLedger:
    """Charges (key, allowance, amount) against the shared buckets; raises QuotaExceededError."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._ready = False

    def charge(self, key_id: str, charges: list[tuple[Allowance, float]], now: float | None = None) -> None:
        """Spend every charge or none. QuotaExceededError names the first allowance that cannot pay."""
        charges = [(a, amount) for a, amount in charges if a.limited and amount > 0]
        if not charges:
            return
        if not self._ready:
            create_tables(self.catalog.engine, [rate_buckets])
            self._ready = True
        at = time.time() if now is None else now
        for _ in range(2):
            try:
                run_write(self.catalog, lambda c: self._spend(c, key_id, charges, at))
                return
            except _MissingRowsError as missing:
                for action in missing.actions:
                    self._create(key_id, next(a for a, _ in charges if a.action == action), at)
        raise CatalogError(f"rate bucket rows for key {key_id!r} could not be created")

    def _spend(
        self, conn: Connection, key_id: str, charges: list[tuple[Allowance, float]], at: float
    ) -> None:
        missing = []
        for allowance, amount in charges:
            row = _where(key_id, allowance.action)
            values, ok = _spent(allowance, amount, at)
            if conn.execute(update(rate_buckets).where(row, ok).values(**values)).rowcount:
                continue
            found = conn.execute(select(rate_buckets).where(row)).first()
            if found is None:
                missing.append(allowance.action)
                continue
            raise _exceeded(allowance, amount, found._mapping, at)  # rolls back the charges made so far
        if missing:
            raise _MissingRowsError(missing)

    def _create(self, key_id: str, allowance: Allowance, at: float) -> None:
        row = {
            "key_id": key_id,
            "action": allowance.action,
            "tokens": float(allowance.burst),
            "updated": at,
            "day": _day(at),
            "day_used": 0.0,
        }
        try:
            run_write(self.catalog, lambda c: c.execute(rate_buckets.insert().values(**row)))
        except CatalogError as exc:
            if not isinstance(exc.__cause__, IntegrityError):  # another worker made it first: fine
                raise


def _where(key_id: str, action: str) -> Any:
    return and_(rate_buckets.c.key_id == key_id, rate_buckets.c.action == action)


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).date().isoformat()


def _spent(allowance: Allowance, amount: float, at: float) -> tuple[dict[str, Any], Any]:
    """The UPDATE's new values and its condition: the bucket, refilled to now, holds the amount (a charge
    bigger than the burst needs a full bucket) and today's use plus the amount stays within the day."""
    c, today = rate_buckets.c, _day(at)
    used = case((c.day == today, c.day_used), else_=literal(0.0))
    later = literal(at) > c.updated  # a worker whose clock reads earlier must not take tokens back
    values: dict[str, Any] = {
        "updated": case((later, literal(at)), else_=c.updated),
        "day": today,
        "day_used": used + amount,
    }
    conds = []
    if allowance.per_hour > 0:
        elapsed = case((later, literal(at) - c.updated), else_=literal(0.0))
        refill = c.tokens + elapsed * (allowance.per_hour / 3600)
        level = case((refill > allowance.burst, literal(float(allowance.burst))), else_=refill)
        cost = min(amount, allowance.burst)
        values["tokens"] = level - cost
        conds.append(level >= cost)
    if allowance.per_day > 0:
        conds.append(used + amount <= allowance.per_day)
    return values, and_(*conds) if conds else literal(True)


def _exceeded(allowance: Allowance, amount: float, row: Any, at: float) -> QuotaExceededError:
    used = row["day_used"] if row["day"] == _day(at) else 0.0
    if allowance.per_day > 0 and used + amount > allowance.per_day:
        midnight = datetime.fromtimestamp(at, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        wait = (midnight + timedelta(days=1)).timestamp() - at
        if amount > allowance.per_day:
            why = f"one request for {amount:g} is over the daily quota of {allowance.per_day:g}"
        else:
            why = f"daily quota of {allowance.per_day:g} used ({used:g} today)"
        return QuotaExceededError(
            f"{allowance.action}: {why}; resets at 00:00 UTC", allowance.action, _whole(wait)
        )
    rate = allowance.per_hour / 3600
    level = min(float(allowance.burst), row["tokens"] + max(0.0, at - row["updated"]) * rate)
    wait = (min(amount, allowance.burst) - level) / rate
    return QuotaExceededError(
        f"{allowance.action}: rate limit of {allowance.per_hour:g} per hour (burst {allowance.burst:g}) reached",
        allowance.action,
        _whole(wait),
    )


def _whole(seconds: float) -> int:
    return max(1, math.ceil(seconds))
