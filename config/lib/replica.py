"""Read replica: the heavy read pages read a streaming replica of PostgreSQL, everything else the
primary (README, «Реплика для чтения»).

A read goes to the replica only when all of these hold:

- the page is marked `@heavy_read` (the monitoring overview with its heat map, the execution
  dashboards, the downloads of zones and indicator values) and is requested with GET or HEAD;
- a replica is configured (DATABASE_REPLICA_URL) and `settings.REPLICA_READS` is on;
- the person has not written in the last DATABASE_REPLICA_PIN_SECONDS: whoever saves a form and
  opens a dashboard must see their own change, and the replica may still be replaying it
  (read-after-write);
- nothing has been written in this request, and the primary is not inside `transaction.atomic()`
  (a transaction reads its own snapshot; its reads must not come from another server).

Writes always go to the primary. The pin lives in the cache (Redis shared by all web hosts when
REDIS_URL is set); when the cache cannot answer, the person reads the primary. When the replica
cannot be reached, a heavy page is served again from the primary.
"""

from __future__ import annotations

import functools
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A fragment computed on the replica waits this long for the replica to replay what the primary
# has written before falling back to the primary (config.lib.fragments).
CATCH_UP_SECONDS = 0.5


@dataclass
class _Request:
    """What the router knows of the request (or task) being served."""

    heavy: bool = False  # inside a @heavy_read page of a person not pinned to the primary
    wrote: bool = False  # something was written: the rest of the request reads the primary


_current: ContextVar[_Request | None] = ContextVar("replica_request", default=None)


def replica_enabled() -> bool:
    return bool(settings.REPLICA_READS) and REPLICA in connections.settings


def _reads_replica() -> bool:
    state = _current.get()
    return bool(
        state is not None
        and state.heavy
        and not state.wrote
        and replica_enabled()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class ReplicaRouter:
    """Reads of heavy pages to the replica (see the module's rules), all else to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reads_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _current.get()
        # A session is saved on almost every request and no heavy page shows it: saving one
        # must not pin everybody to the primary.
        if state is not None and model._meta.app_label != "sessions":
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from either may refer to the other.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} or None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's WAL, schema included.
        return False if db == REPLICA else None


# --- read-after-write pin --------------------------------------------------------------------


def pin_key(user) -> str:
    """The cache key of `user`'s pin; its value is the Unix time the pin ends."""
    return f"replica:pin:{user.pk}"


def pin(user) -> None:
    """Serve `user` from the primary for the next DATABASE_REPLICA_PIN_SECONDS."""
    if not getattr(user, "pk", None):
        return
    seconds = settings.REPLICA_PIN_SECONDS
    try:
        cache.set(pin_key(user), time.time() + seconds, timeout=seconds)
    except Exception:  # reads fall back to the primary anyway while the cache is down
        logger.warning("Кэш недоступен: отметка о записи не сохранена", exc_info=True)


def is_pinned(user) -> bool:
    if not getattr(user, "pk", None):
        return False
    try:
        until = cache.get(pin_key(user))
    except Exception:
        logger.warning("Кэш недоступен: страница читается с основного сервера", exc_info=True)
        return True
    return until is not None and until > time.time()


class ReplicaPinMiddleware:
    """Tracks the writes of each request; after one that changed something (a non-GET request, or
    any write to the database) the person is pinned to the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _Request()
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if replica_enabled() and (state.wrote or request.method not in SAFE_METHODS):
            # request.user: the person after the request (a login pins the one who logged in).
            pin(getattr(request, "user", None))
        return response


def heavy_read(view):
    """Mark a heavy read page: its queries may read the replica (see the module's rules)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        state = _current.get()
        if state is None or request.method not in ("GET", "HEAD") or not replica_enabled() or is_pinned(request.user):
            return view(request, *args, **kwargs)
        state.heavy = True
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            # The replica is down or unreachable: the page only reads, so it is served again
            # from the primary (an error of the primary itself comes up again from there).
            logger.warning("Реплика недоступна: «%s» читается с основного сервера", request.path, exc_info=True)
            state.heavy = False
            connections[REPLICA].close_if_unusable_or_obsolete()
            return view(request, *args, **kwargs)
        finally:
            state.heavy = False

    wrapper.heavy_read = True
    return wrapper


@contextmanager
def primary_reads():
    """Read the primary inside the block even on a heavy page."""
    state = _current.get()
    if state is None or not state.heavy:
        yield
        return
    state.heavy = False
    try:
        yield
    finally:
        state.heavy = True


# --- how far behind the replica is --------------------------------------------------------------


def _lsn(text: str | None) -> int:
    high, low = (text or "0/0").split("/")
    return (int(high, 16) << 32) | int(low, 16)


def _scalar(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def primary_lsn() -> int:
    return _lsn(_scalar(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text"))


def replica_lsn() -> int:
    return _lsn(_scalar(REPLICA, "SELECT pg_last_wal_replay_lsn()::text"))


def replica_caught_up(*, wait_seconds: float = CATCH_UP_SECONDS) -> bool:
    """Has the replica replayed everything the primary had written when this was called? Waits up
    to `wait_seconds` for it (a healthy replica lags by milliseconds)."""
    target = primary_lsn()
    deadline = time.monotonic() + wait_seconds
    while True:
        if replica_lsn() >= target:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


@contextmanager
def fresh_reads():
    """Reads inside the block see everything committed on the primary before it: the replica if it
    has caught up within CATCH_UP_SECONDS, the primary otherwise. For results kept beyond the
    request (cached fragments), which a lagging replica would otherwise freeze in their old state."""
    if not _reads_replica():
        yield
        return
    try:
        fresh = replica_caught_up()
    except Exception:
        logger.warning("Реплика недоступна: данные читаются с основного сервера", exc_info=True)
        fresh = False
    if fresh:
        yield
        return
    with primary_reads():
        yield
