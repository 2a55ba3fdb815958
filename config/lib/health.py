"""/health/: whether the database, the cache/broker and the migrations are in order, as JSON.

Anyone (a load balancer, the container's healthcheck) gets only {"status": "ok"} with 200 or
{"status": "fail"} with 503. The details — database vendor, cache and broker backends, pending
migrations, error messages — tell an attacker what runs behind the site, so they are shown to
staff users (``is_staff``) only.

The read replica is reported beside them (reachable, bytes of WAL it has still to replay, age of
the last transaction it replayed) but never fails the check: heavy pages read the primary when
the replica is down, so a load balancer must not take a web host out for it.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connections[DEFAULT_DB_ALIAS].vendor}


def _check_cache() -> dict:
    key, value = f"health:{uuid.uuid4().hex}", "1"
    cache.set(key, value, 10)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "inline"}
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
    return {"ok": True, "mode": "queue"}


def _check_migrations() -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {"ok": not pending, "pending": len(pending)}


def _check_replica() -> dict:
    from config.lib.replica import REPLICA, primary_lsn, replica_enabled, replica_lsn

    if REPLICA not in connections.settings:
        return {"ok": True, "configured": False}
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
        recovering, age = cursor.fetchone()
    return {
        "ok": bool(recovering),
        "configured": True,
        "reads": replica_enabled(),  # heavy pages read it (REPLICA_READS)
        "lag_bytes": max(0, primary_lsn() - replica_lsn()),
        "replayed_seconds_ago": None if age is None else round(float(age), 1),
    }


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker, "migrations": _check_migrations}
REPORTED = {"replica": _check_replica}  # shown to staff, never a reason for 503


@never_cache
def health(request):
    report: dict = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # a health check reports failures, it does not raise them
            report[name] = {"ok": False, "error": str(error)[:300]}
    healthy = all(part["ok"] for part in report.values())
    for name, check in REPORTED.items():
        try:
            report[name] = check()
        except Exception as error:
            report[name] = {"ok": False, "error": str(error)[:300]}
    body = {"status": "ok" if healthy else "fail"}
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        body.update(report)
    return JsonResponse(body, status=200 if healthy else 503)
