"""Bench: open a roadmap of 300 measures and edit one measure, on the embedded default (SQLite).

    python bench/roadmap_page.py [--measures 300] [--baseline 30] [--runs 15]

Builds its own throwaway SQLite database in a temporary folder (never touches db.sqlite3), then
times with Django's test client (median of N runs, after one warm-up run):
  - GET the roadmap page at --measures and at --baseline measures (the baseline: same page, 10× smaller);
  - POST an inline (htmx) edit of one measure, which saves through measure_update and re-renders its row.
Also prints the SQL query count of the page at both sizes: it must be the same.
Goal: the page under 300 ms at 300 measures.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=300)
    parser.add_argument("--baseline", type=int, default=30)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="print where the time of one page view goes")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="muko-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"  # embedded default; query logging is only switched on around the count
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from roadmaps import services
    from roadmaps.catalogue import catalogue_load
    from roadmaps.models import Direction, EvidenceKind, ExecutorKind, FunctionType, MeasureExecutor, Track
    from schools.models import Membership, Municipality, Organization

    catalogue_load()
    municipality = Municipality.objects.create(name="Бенчмарк-район", region="Саратовская область")
    authority = Organization.objects.create(
        municipality=municipality, kind="authority", code="uo-bench", short_name="УО", full_name="УО"
    )
    school = Organization.objects.create(
        municipality=municipality, kind="school", code="sch-bench", short_name="СОШ № 1", full_name="СОШ № 1"
    )
    user = get_user_model().objects.create_user(username="bench-methodist", password="x", last_name="Методист")
    Membership.objects.create(user=user, organization=authority, role=Membership.Role.METHODIST)
    kinds = list(EvidenceKind.objects.all()[:2])
    executor_kind = ExecutorKind.objects.first()
    directions = list(Direction.objects.filter(is_federal=True).order_by("order"))
    regional = FunctionType.objects.get(code="regional_cycle")

    def build(measures: int):
        roadmap = services.roadmap_create(
            owner=authority,
            by=user,
            title=f"План на {measures} мероприятий",
            period_start=date(2022, 8, 1),
            period_end=date(2023, 7, 31),
        )
        sections = [
            services.section_create(
                roadmap=roadmap,
                by=user,
                kind="direction",
                direction=d,
                tracks=Track.objects.filter(direction=d)[:1],
                function_type=regional,
            )
            for d in directions
        ]
        texts = ["Сентябрь, ноябрь, март-апрель", "Август-сентябрь", "В течение учебного года", "Июнь"]
        first = None
        for index in range(measures):
            measure = services.measure_create(
                section=sections[index % len(sections)],
                by=user,
                description=f"Мероприятие {index + 1}: обсуждение регионального анализа результатов мониторинга.\n"
                "- совещание с руководителями ОО;\n- размещение материалов на сайте.",
                deadline_text=texts[index % len(texts)],
                actions=["Проведено совещание", "Материалы размещены на сайте"],
                expected_result="Протокол совещания. Приказ об утверждении плана",
                evidence_kinds=kinds,
            )
            MeasureExecutor.objects.create(measure=measure, executor_kind=executor_kind, is_lead=True)
            MeasureExecutor.objects.create(measure=measure, organization=school, qualifier="совместно с ДМиС", order=1)
            first = first or measure
        return roadmap, first

    client = Client()
    client.force_login(user)

    def median_ms(call, runs):
        call()  # warm-up
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    def page(roadmap):
        url = reverse("roadmaps:detail", args=[roadmap.pk])

        def get():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        # Counted with an execute wrapper: the request_started signal resets connection.queries.
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        get()  # the first request of the process also fills per-process caches (content types, catalogue)
        with connection.execute_wrapper(count):
            get()
        return median_ms(get, args.runs), len(executed)

    big, measure = build(args.measures)
    small, _ = build(args.baseline)
    big_ms, big_queries = page(big)
    small_ms, small_queries = page(small)

    if args.profile:
        import cProfile
        import pstats

        url = reverse("roadmaps:detail", args=[big.pk])
        cProfile.runctx("client.get(url)", globals(), {"client": client, "url": url}, "/tmp/roadmap-page.prof")
        pstats.Stats("/tmp/roadmap-page.prof").sort_stats("tottime").print_stats(25)

    edit_url = reverse("roadmaps:measure_edit", args=[measure.pk])

    def edit():
        measure.refresh_from_db()
        response = client.post(
            edit_url,
            {
                "lock_version": measure.lock_version,
                "description": measure.description,
                "deadline_text": "Сентябрь, ноябрь" if measure.deadline_text != "Сентябрь, ноябрь" else "Май",
                "actions": "Проведено совещание",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and b"measure-row" in response.content, response.content[:500]

    edit_ms = median_ms(edit, args.runs)

    print(f"database: embedded SQLite ({folder}/bench.sqlite3), runs: {args.runs} (median)")
    print(f"roadmap page, {args.measures} measures: {big_ms:7.1f} ms, {big_queries} queries  (goal < 300 ms)")
    print(f"roadmap page, {args.baseline} measures (baseline): {small_ms:7.1f} ms, {small_queries} queries")
    print(f"inline edit of one measure (htmx POST, save + row): {edit_ms:7.1f} ms")
    print(f"per measure on the page: {(big_ms - small_ms) / (args.measures - args.baseline):.2f} ms")


if __name__ == "__main__":
    main()
