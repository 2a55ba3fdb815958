"""Benchmark: clusters of 1,500 and of 40,000 schools (contingent terciles × rural location, the demo's
choice) by the product's job service, beside a plain SQL baseline in the same run: one query with
NTILE(3) over the contingent, grouped by band and rural location, that writes nothing.

    createdb -h 127.0.0.1 -U postgres bench_clustering
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_clustering python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_clustering python bench/clustering.py [--sizes 1500 40000]

The service also describes each cluster, keeps every school's membership with its values and
reports progress; the baseline only counts. «Совпадение» is the share of schools the two put into
the same group: NTILE cuts between equal values at random, the product's rule never does.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from monitoring.clusters.services import clustering_compute  # noqa: E402
from monitoring.models import ClusterMember  # noqa: E402
from schools.models import Municipality, Organization, SchoolContext  # noqa: E402

YEAR = 2026
BASELINE = """
WITH banded AS (
    SELECT c.organization_id, c.is_rural, c.pupils, NTILE(3) OVER (ORDER BY c.pupils) AS band
    FROM schools_schoolcontext c JOIN schools_organization o ON o.id = c.organization_id
    WHERE o.municipality_id = %s AND o.kind = 'school' AND o.is_active AND c.year = %s
)
SELECT band, is_rural, COUNT(*), AVG(pupils), ARRAY_AGG(organization_id) FROM banded GROUP BY band, is_rural
"""


def generate(size: int) -> Municipality:
    municipality, _ = Municipality.objects.get_or_create(region="Замер", name=f"Муниципалитет на {size} школ")
    if SchoolContext.objects.filter(organization__municipality=municipality).count() == size:
        return municipality
    random.seed(size)
    schools = Organization.objects.bulk_create(
        Organization(
            municipality=municipality, kind=Organization.Kind.SCHOOL, code=f"b{size}-{i}", short_name=f"Школа {i}",
            full_name=f"Школа {i}", is_rural=random.random() < 0.6,
        )
        for i in range(size)
    )  # fmt: skip
    rows = []
    for school in schools:
        pupils = int(random.lognormvariate(4.6 if school.is_rural else 6.3, 0.6)) + 5
        rows.append(
            SchoolContext(
                organization=school, year=YEAR, pupils=pupils, ovz_pupils=int(pupils * random.random() * 0.12),
                is_rural=school.is_rural, classes=max(1, pupils // 20), teachers=max(3, pupils // 12),
                vacancies=random.randint(0, 3),
            )
        )  # fmt: skip
    SchoolContext.objects.bulk_create(rows, batch_size=5000)
    return municipality


def timed(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1500, 40000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Нужен PostgreSQL: задайте DATABASE_URL=postgres://…")
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    print(
        f"{'школ':>7} | {'сервис (задание)':>16} | {'SQL NTILE':>9} | {'во сколько раз':>14} | кластеров | совпадение"
    )
    for size in args.sizes:
        municipality = generate(size)

        def service(municipality=municipality):
            return clustering_compute(
                municipality=municipality, year=YEAR, variables=["pupils", "rural"], bands=3, by=admin
            )

        def baseline(municipality=municipality):
            with connection.cursor() as cursor:
                cursor.execute(BASELINE, [municipality.pk, YEAR])
                return cursor.fetchall()

        service_time, clustering = timed(service, args.repeat)
        sql_time, groups = timed(baseline, args.repeat)
        ours = dict(ClusterMember.objects.filter(clustering=clustering).values_list("organization_id", "cluster__key"))
        theirs = {pk: f"{band - 1}-{int(rural)}" for band, rural, _n, _avg, ids in groups for pk in ids}
        same = sum(1 for pk, key in ours.items() if theirs.get(pk) == key) / len(ours)
        print(
            f"{size:>7} | {service_time:>14.3f} с | {sql_time:>7.3f} с | {service_time / sql_time:>13.1f}× | "
            f"{clustering.clusters.count():>9} | {same:.1%}"
        )


if __name__ == "__main__":
    main()
