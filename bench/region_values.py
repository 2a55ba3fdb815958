"""Benchmark: «Показатели региона» for a region of 40 municipalities and 1,500 schools on PostgreSQL,
beside a naive per-municipality loop (the baseline) in the same run.

The indicator values are generated directly (COPY into monitoring_indicatorvalue), as
indicators_compute leaves them: every school's values as a whole and by subject × grade, and each
municipality's pooled values, for two years (the dynamics need the year before).

    createdb -h 127.0.0.1 -U postgres bench_region
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_region python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_region python bench/region_values.py \
        [--municipalities 40 --schools 1500 --repeat 5]

What is measured (median of --repeat runs, caches off unless said):
  region values      one GROUP BY over the municipalities' pooled rows (monitoring.region.selectors)
  baseline           the same numbers by a loop: for each municipality and indicator, its rows read
                     with the ORM and summed in Python
  comparison         the page's data: region values + the municipalities' rows of the slice
  page (cold/warm)   the whole page through Django's test client as a viewer, without and with the
                     fragment cache
Goal: the page under 1 s cold on region-scale data; the region values at least 10× the baseline.
"""

import argparse
import io
import json
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from config.lib.fragments import INDICATORS, versions_bump  # noqa: E402
from monitoring.analysis.services import indicators_load  # noqa: E402
from monitoring.indicators import share  # noqa: E402
from monitoring.models import IndicatorDefinition, IndicatorValue  # noqa: E402
from monitoring.region import selectors  # noqa: E402
from schools.models import Membership, Municipality, Organization  # noqa: E402

REGION = "Бенчмарк-регион"
YEAR = 2024
# (indicator code, slices as (subject, grade)): the slices indicators_compute writes
VPR = [(s, g) for s in ("Математика", "Русский язык") for g in (4, 5, 6, 7, 8)]
SLICES = {
    "vpr_share_2": VPR, "vpr_share_45": VPR, "vpr_journal_mismatch": VPR, "vpr_lowered": VPR,
    "vpr_raised": VPR, "vpr_confirmed": VPR, "vpr_significant_mismatch": VPR, "vpr_share_2_dynamics": VPR,
    "vpr_mark_distribution": VPR, "oge_share_2": [("Математика", 9), ("Русский язык", 9)],
    "oge_share_45": [("Математика", 9), ("Русский язык", 9)],
    "ege_below_min": [("Русский язык", 11), ("Математика (профильный уровень)", 11)],
    "ege_over_60": [("Русский язык", 11), ("Математика (профильный уровень)", 11)],
    "kdr_below_base": [("Читательская грамотность", 6)], "kdr_above_base": [("Читательская грамотность", 6)],
    "kdr_control_gap": [("Читательская грамотность", 6)], "teachers_diagnosed": [], "absentees_30": [],
}  # fmt: skip


def _row(indicator, year, municipality, organization, subject, grade, numerator, denominator, value, details):
    def text(v):
        return r"\N" if v is None else str(v)

    return (
        f"{indicator}\t{year}\t{municipality}\t{text(organization)}\t{subject}\t{text(grade)}\t\t"
        f"{text(numerator)}\t{text(denominator)}\t{text(value)}\t{details}\t2024-06-30T00:00:00+00:00\n"
    )


def _values(code, rnd, pupils):
    """numerator, denominator, value, details of one generated value."""
    if code == "vpr_mark_distribution":
        marks = [rnd.randint(0, pupils // 4) for _ in range(4)]
        n = sum(marks)
        details = json.dumps(dict(zip("2345", marks, strict=True)))
        return n, n, (100.0 if n else None), details
    if code == "kdr_control_gap":
        cg_n, rest_n = max(1, pupils // 5), pupils
        cg_base, rest_base = rnd.randint(0, cg_n), rnd.randint(0, rest_n)
        gap = abs(rest_base * 100 / rest_n - cg_base * 100 / cg_n)
        return None, cg_n, gap, json.dumps({"control_group": [cg_base, cg_n], "rest": [rest_base, rest_n]})
    if code == "vpr_share_2_dynamics":
        return None, None, rnd.uniform(-5, 5), "{}"
    if code == "absentees_30":
        n = rnd.randint(0, 10)
        return n, None, float(n), "{}"
    numerator = rnd.randint(0, pupils)
    return numerator, pupils, share(numerator, pupils), "{}"


def generate(municipalities: int, schools: int) -> list[Municipality]:
    if connection.vendor != "postgresql":
        sys.exit("Нужен PostgreSQL: задайте DATABASE_URL=postgres://…")
    indicators_load()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring_indicatorvalue")
    Organization.objects.filter(municipality__region=REGION).delete()
    Municipality.objects.filter(region=REGION).delete()
    created = Municipality.objects.bulk_create(
        Municipality(name=f"Район {n:02d}", region=REGION) for n in range(municipalities)
    )
    Organization.objects.bulk_create(
        Organization(municipality=created[n % municipalities], kind="school", code=f"r{n:05d}",
                     short_name=f"Школа {n}", full_name=f"Школа {n}")
        for n in range(schools)
    )  # fmt: skip
    definitions = {d.code: d.pk for d in IndicatorDefinition.objects.filter(code__in=SLICES)}
    rnd = random.Random(22)
    buffer = io.StringIO()
    total = 0
    org_ids = list(Organization.objects.filter(municipality__region=REGION).values_list("pk", "municipality_id"))
    for year in (YEAR - 1, YEAR):
        for organization, municipality in [*org_ids, *((None, m.pk) for m in created)]:
            pupils_base = 60 if organization else 60 * schools // municipalities
            for code, slices in SLICES.items():
                for subject, grade in [("", None), *slices]:
                    n, d, v, details = _values(code, rnd, max(5, round(pupils_base * rnd.uniform(0.5, 1.5))))
                    buffer.write(_row(definitions[code], year, municipality, organization, subject, grade, n, d, v,
                                      details))  # fmt: skip
                    total += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY monitoring_indicatorvalue (indicator_id, year, municipality_id, organization_id, subject, grade, "
            "class_name, numerator, denominator, value, details, computed_at) FROM STDIN",
            buffer,
        )
        cursor.execute("ANALYZE monitoring_indicatorvalue")
    print(f"Сгенерировано: {municipalities} муниципалитетов, {schools} школ, {total} значений показателей за 2 года")
    return created


def baseline(region: str, year: int) -> dict:
    """The naive way: each municipality's pooled rows, indicator by indicator, summed in Python."""
    sums: dict = {}
    definitions = list(IndicatorDefinition.objects.all())
    for municipality in Municipality.objects.filter(region=region):
        for definition in definitions:
            for v in IndicatorValue.objects.filter(
                municipality=municipality, organization=None, indicator=definition, year=year, class_name=""
            ):
                total = sums.setdefault((definition.pk, v.subject, v.grade), [0.0, 0.0])
                total[0] += v.numerator or 0
                total[1] += v.denominator or 0
    return {key: share(n, d) for key, (n, d) in sums.items()}


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipalities", type=int, default=40)
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    generate(args.municipalities, args.schools)
    settings.FRAGMENT_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]

    region_time, region = timed(lambda: selectors.region_values(REGION, YEAR), args.repeat)
    baseline_time, naive = timed(lambda: baseline(REGION, YEAR), max(1, args.repeat // 2))
    # the same numbers: every pooled share of the baseline equals the region value
    shares = [
        key
        for key, value in naive.items()
        if selectors.weighting_of(IndicatorDefinition.objects.get(pk=key[0])) == selectors.POOLED
    ]
    mismatched = [k for k in shares if abs((region[k].value or 0) - (naive[k] or 0)) > 1e-9]
    viewer_org = Organization.objects.get_or_create(
        code="bench-region", defaults={"kind": "regional", "short_name": "Мин", "full_name": "Мин", "region": REGION}
    )[0]
    viewer, _ = get_user_model().objects.get_or_create(username="bench-region-viewer")
    Membership.objects.get_or_create(user=viewer, organization=viewer_org, role=Membership.Role.VIEWER)
    whole_time, comparison = timed(lambda: selectors.region_comparison(viewer, REGION, YEAR), args.repeat)
    subject_time, by_subject = timed(
        lambda: selectors.region_comparison(viewer, REGION, YEAR, subject="Математика", sort="c0"), args.repeat
    )

    setup_test_environment()
    client = Client()
    client.force_login(viewer)
    url = f"{reverse('region:values')}?region={REGION}&year={YEAR}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    cold_time, _ = timed(page, args.repeat)
    settings.FRAGMENT_CACHE_SECONDS = 600
    versions_bump(INDICATORS)
    page()  # fills the cache
    warm_time, _ = timed(page, args.repeat)
    export_time, _ = timed(lambda: client.get(reverse("region:export", args=["xlsx"]) + f"?region={REGION}"), 3)

    rows = IndicatorValue.objects.count()
    print(f"Значений показателей в базе: {rows}; значений региона: {len(region)}; расхождений с базовой линией: "
          f"{len(mismatched)} из {len(shares)}")  # fmt: skip
    print(f"Значения региона (один GROUP BY):     {region_time * 1000:8.1f} мс")
    print(f"Базовая линия (цикл по муниципалитетам): {baseline_time * 1000:8.1f} мс  "
          f"(в {baseline_time / region_time:.0f} раз дольше)")  # fmt: skip
    print(f"Сравнение, в целом ({len(comparison.columns)} столбцов × {len(comparison.rows)} строк): "
          f"{whole_time * 1000:8.1f} мс")  # fmt: skip
    print(f"Сравнение, «Математика» ({len(by_subject.columns)} столбцов): {subject_time * 1000:8.1f} мс")
    print(f"Страница без кэша:                   {cold_time * 1000:8.1f} мс")
    print(f"Страница с кэшем значений региона:   {warm_time * 1000:8.1f} мс")
    print(f"Выгрузка XLSX:                       {export_time * 1000:8.1f} мс")
    if mismatched:
        sys.exit("Значения региона не совпали с базовой линией")


if __name__ == "__main__":
    main()
