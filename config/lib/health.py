"""/health/: whether the database, the cache/broker and the migrations are in order, as JSON.

Anyone (a load balancer, the container's healthcheck) gets only {"status": "ok"} with 200 or
{"status": "fail"} with 503. The details — database vendor, cache and broker backends, pending
migrations, error messages — tell an attacker what runs behind the site, so they are shown to
staff users (``is_staff``) only.
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


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker, "migrations": _check_migrations}


@never_cache
def health(request):
    report: dict = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # a health check reports failures, it does not raise them
            report[name] = {"ok": False, "error": str(error)[:300]}
    healthy = all(part["ok"] for part in report.values())
    body = {"status": "ok" if healthy else "fail"}
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        body.update(report)
    return JsonResponse(body, status=200 if healthy else 503)
