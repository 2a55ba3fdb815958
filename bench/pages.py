"""Bench: each main page alone at region scale, in-process, against the named baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load python bench/pages.py [--runs 7]

Uses the database bench/load.py scaled to a region (1000 schools, a 300-measure approved plan
with 200k occurrences, 1,000,000 results; run load.py once without --skip-setup first). For every
page of every role it prints the median time of --runs requests after a warm-up, with the SQL
query count and the page size, twice in one run: the baseline (FRAGMENT_CACHE_SECONDS=0, every
page computed in full) and the product (fragments cached after the warm-up, as between two
people's visits). Production settings (DEBUG off); the Django test client, no network.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

USERS = {"methodist": "methodist", "director": "load-director-0", "official": "official", "viewer": "viewer"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Нужен PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false", SECRET_KEY="pages-bench-" + "k" * 50,
        ALLOWED_HOSTS="testserver", PSEUDONYM_KEY="pages-bench", SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=tempfile.mkdtemp(prefix="muko-pages-static-"), LOG_LEVEL="WARNING",
    )  # fmt: skip
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from load import region_ids, role_pages

    call_command("collectstatic", "--noinput", verbosity=0)
    pages = role_pages(region_ids())
    clients = {}
    for role, username in USERS.items():
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(username=username))

    def measure(client, path):
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        client.get(path)  # warm-up: per-process caches, and the fragment of the product run
        with connection.execute_wrapper(count):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples), len(executed), len(response.content) // 1024

    results = {}
    for run, seconds in (("baseline", 0), ("product", 600)):
        with override_settings(FRAGMENT_CACHE_SECONDS=seconds):
            for role, route in pages.items():
                for name, path in route:
                    results[(run, role, name)] = measure(clients[role], path)

    print(f"{'роль':<10} {'страница':<34} {'база, мс':>9} {'продукт, мс':>12} {'запросов':>9} {'КБ':>6}")
    for role, route in pages.items():
        for name, _path in route:
            base_ms, base_q, _ = results[("baseline", role, name)]
            ms, queries, size = results[("product", role, name)]
            print(f"{role:<10} {name:<34} {base_ms:>9.0f} {ms:>12.0f} {f'{base_q}→{queries}':>9} {size:>6}")


if __name__ == "__main__":
    main()
