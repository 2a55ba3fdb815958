"""Cached page fragments, invalidated by versions of the data they show.

A region's heaviest page parts (the 300-measure roadmap table, the execution aggregate over 200k
occurrences, the heat map of a thousand schools) are computed once per version of their data
and then served from the cache. A version is a number per topic kept in the cache. Every service
that writes a topic's data is declared with `@writes(topic, ...)`: it runs atomically and bumps
the topic's version, so the next reader computes afresh. The bump happens twice: at once (so the
writer's own next page, and tests inside a transaction, see the change) and again after the
commit (so a fragment another reader computed from the not yet committed state, under the
intermediate version, is never served). A TTL bounds a change made outside the services (the
shell, a data migration).

The cache is an optimisation, never a dependency: when it is unreachable (Redis down) a fragment
is computed as if nothing were cached, and the page still works.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from config.lib.replica import fresh_reads
from config.lib.sqlite import atomic_write

logger = logging.getLogger(__name__)

T = TypeVar("T")

ROADMAPS = "roadmaps"  # plans: roadmaps, sections, measures, executors, assignments made
EXECUTION = "execution"  # occurrence states and evidence
ZONES = "zones"  # zoning methods, rules and computed zones
ORGANIZATIONS = "organizations"  # the registry: names, codes, kinds of organisations
INDICATORS = "indicators"  # computed indicator values (a roadmap's targets compare with them)
DOCUMENTS = "documents"  # справки, recommendations, orders' signatures, kept analyses, publications
TOPICS = (ROADMAPS, EXECUTION, ZONES, ORGANIZATIONS, INDICATORS, DOCUMENTS)

_VERSION_KEY = "fragments:version:{}"


def _fresh_version() -> int:
    # Time-based, so a version key the cache evicted never restarts at a number whose old
    # fragments may still be stored.
    return time.time_ns() // 1000


def versions_bump(*topics: str) -> None:
    for topic in topics:
        key = _VERSION_KEY.format(topic)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not in the cache (never set, or evicted)
                cache.set(key, _fresh_version(), timeout=None)
        except Exception:  # the cache is unreachable: its fragments expire by TTL
            logger.warning("Кэш недоступен: версия «%s» не увеличена", topic, exc_info=True)


def _versions(topics: Iterable[str]) -> tuple:
    keys = [_VERSION_KEY.format(topic) for topic in topics]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _fresh_version(), timeout=None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


def _cache_key(name: str, key: tuple, topics: Iterable[str]) -> str:
    digest = hashlib.sha1(repr((key, _versions(topics))).encode(), usedforsecurity=False).hexdigest()
    return f"fragments:{name}:{digest}"


def fragment_peek(name: str, key: tuple, topics: Iterable[str]):
    """The value `fragment` keeps for `key` under the current versions, or None when there is none
    (a page that offers a job to compute it, instead of computing it in the request)."""
    if not settings.FRAGMENT_CACHE_SECONDS:
        return None
    try:
        return cache.get(_cache_key(name, key, topics))
    except Exception:
        logger.warning("Кэш недоступен: «%s» не прочитан", name, exc_info=True)
        return None


def fragment(name: str, key: tuple, topics: Iterable[str], compute: Callable[[], T]) -> T:
    """`compute()`'s value for `key`, cached until one of `topics` changes (or the TTL passes)."""
    timeout = settings.FRAGMENT_CACHE_SECONDS
    if not timeout:
        return compute()
    try:
        cache_key = _cache_key(name, key, topics)
        value = cache.get(cache_key)
    except Exception:
        logger.warning("Кэш недоступен: «%s» вычислен без кэша", name, exc_info=True)
        return compute()
    if value is None:
        # Stored under the versions read above: computed from data at least that new, never from
        # a replica still replaying the write that bumped them.
        with fresh_reads():
            value = compute()
        try:
            cache.set(cache_key, value, timeout)
        except Exception:
            logger.warning("Кэш недоступен: «%s» не сохранён", name, exc_info=True)
    return value


def writes(*topics: str):
    """Declare a service that writes the data of `topics`: atomic (its start retried while SQLite is
    locked, config.lib.sqlite.atomic_write), and bumps their versions."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with atomic_write():
                result = func(*args, **kwargs)
                versions_bump(*topics)
                transaction.on_commit(lambda: versions_bump(*topics))
            return result

        wrapper.writes_topics = topics
        return wrapper

    return decorate
