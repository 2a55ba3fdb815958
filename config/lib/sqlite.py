"""The embedded SQLite: Unicode LIKE, and writes that wait their turn.

SQLite has one writer at a time. With the product's connection options (config/settings.py) WAL
lets pages read while somebody writes, and every transaction starts with BEGIN IMMEDIATE: it takes
the write lock first and waits for it (the busy timeout), instead of reading and then failing at
once with «database is locked» when it tries to write after another writer committed (a read
transaction cannot be upgraded past a newer commit). What still meets the lock after waiting gets
the page «База данных занята» (config.lib.busy), never a server error.
"""

import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

# Tries to start a write transaction before giving up (each waits up to the busy timeout).
WRITE_START_ATTEMPTS = 3


def is_database_locked(error: BaseException | None) -> bool:
    """SQLite's «database is locked»: another connection held the write lock past the busy timeout."""
    return isinstance(error, DatabaseError | sqlite3.OperationalError) and "database is locked" in str(error)


@contextmanager
def atomic_write() -> Iterator[None]:
    """`transaction.atomic()` for a write: when SQLite answers «database is locked» to the start of
    the transaction, it starts again (WRITE_START_ATTEMPTS in all). Only the start is retried, so
    the block's body never runs twice. Inside another transaction it is a plain savepoint."""
    with ExitStack() as stack:
        for attempt in range(1, WRITE_START_ATTEMPTS + 1):
            try:
                stack.enter_context(transaction.atomic())
                break
            except DatabaseError as error:
                if attempt == WRITE_START_ATTEMPTS or connection.in_atomic_block or not is_database_locked(error):
                    raise
                logger.warning("База данных занята: попытка %s начать запись не удалась, повторяю", attempt)
                time.sleep(0.05 * attempt)
        yield


@lru_cache(maxsize=512)
def _compile(pattern: str, escape: str | None) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL | re.IGNORECASE)


def like(pattern, value, escape=None):
    """SQLite LIKE(pattern, value[, escape]) with Unicode case folding."""
    if pattern is None or value is None:
        return None
    return _compile(str(pattern), escape).fullmatch(str(value)) is not None
